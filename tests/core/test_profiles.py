"""Every shipped profile: it loads, its rules name only its own vocabulary, and what it copies
from a seed (index items, rule quotes, the "八个一", the 督导评估 checklist) is the seed's text.

The seeds live beside the repository (``../shared/seeds``); the tests reading them are skipped
with a reason when that folder is absent.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gongtongti_desktop.core.paths import forms_dir
from gongtongti_desktop.core.profile.indexes import load_index
from gongtongti_desktop.core.profile.programme import (
    ProfileError,
    available_programmes,
    get_programme,
    load_programme,
)

SHIPPED = available_programmes()
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
NEW_PROFILES = ("qingdao-xihaian-group", "gaozhuang-town-group", "qingshanhu-1plus1plusn")


def seed(prefix: str) -> str:
    """The text of seed ``prefix`` (e.g. "001"); skips the test when the seeds are absent."""
    found = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip(
            f"seed {prefix} not found: {SEEDS} is absent (CI keeps ../shared beside the repo)"
        )
    return found[0].read_text(encoding="utf-8")


def plan_of_seed_001(number: int) -> str:
    """One of the four plans of 《幼儿园集团化办园工作方案精选四篇》 ("幼儿园集团化办园工作方案N" up to the next one)."""
    text = seed("001")
    start = text.index(f"幼儿园集团化办园工作方案{number}\n")
    end = text.find(f"幼儿园集团化办园工作方案{number + 1}\n", start)
    return text[start : end if end > 0 else len(text)]


def quote(source: str) -> str:
    """The seed's words in a rule's ``source``: what follows its first "：" (colon)."""
    return source.split("：", 1)[1]


# -- every profile ----------------------------------------------------------------------------


def test_the_new_profiles_are_shipped() -> None:
    assert {"yiyuan-2022", "gaotai-2020", *NEW_PROFILES} <= set(SHIPPED)


@pytest.mark.parametrize("programme_id", SHIPPED)
def test_profile_loads_with_its_rules_indexes_and_record_form(programme_id: str) -> None:
    programme = load_programme(forms_dir() / programme_id)
    assert programme.id == programme_id == get_programme(programme_id).id
    assert programme.source_document and programme.model and programme.rules
    assert programme.form("activity-record").layout == "record"
    for rule in programme.rules:
        assert rule.source, f"{rule.id} says where the seed asks for it"
        assert set(rule.kinds) <= set(programme.activity_kinds), rule.id
        assert set(rule.participant_posts) <= set(programme.posts), rule.id
    for index in programme.indexes:
        for item in index.items:
            assert {r for r in item.rules} <= {r.id for r in programme.rules}


@pytest.mark.parametrize("programme_id", NEW_PROFILES)
def test_new_profiles_run_a_september_school_year(programme_id: str) -> None:
    calendar = get_programme(programme_id).calendar
    assert calendar.autumn_start == 9 and len(calendar.plan_rows) == 12


@pytest.fixture
def qingdao_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "qingdao-xihaian-group"
    shutil.copytree(forms_dir() / "qingdao-xihaian-group", folder)
    return folder


def test_loader_refuses_a_rule_kind_outside_the_vocabulary(qingdao_copy: Path) -> None:
    rules = qingdao_copy / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace('kinds = ["联合教研"]', 'kinds = ["联合教研活动"]'), "utf-8")
    with pytest.raises(ProfileError, match="“联合教研活动”不是本方案的活动类型"):
        load_programme(qingdao_copy)


def test_loader_refuses_an_unknown_rule_key(qingdao_copy: Path) -> None:
    rules = qingdao_copy / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("min = 1\n", "min = 1\nminimum = 1\n", 1), "utf-8")
    with pytest.raises(ProfileError, match="minimum"):
        load_programme(qingdao_copy)


# -- 《高台县2020年幼儿园结对帮扶工作实施方案》: Gaotai -----------------------------------------------------------------------------


def test_gaotai_rules_quote_the_plan_table_footnote() -> None:
    programme = get_programme("gaotai-2020")
    rules = {r.id: r for r in programme.rules}
    helper, observation = rules["helper-monthly"], rules["helped-monthly-observation"]
    assert (helper.per, helper.host_role, helper.min, helper.kinds) == ("month", "lead", 3, ())
    assert (observation.per, observation.min) == ("month", 1)
    assert observation.kinds and all("观摩" in k for k in observation.kinds)
    assert {k for k in programme.activity_kinds if "观摩" in k} == set(observation.kinds)
    assert programme.calendar.monthly_report_day == 30
    text = seed("003")
    (footnote,) = [line for line in text.splitlines() if line.startswith("备注：帮扶园每月")]
    for rule in (helper, observation):
        assert quote(rule.source) in footnote  # "附件3 备注：<the seed's words>"
    assert "高台县2020年幼儿园结对帮扶工作实施方案" in programme.source_document
    assert "高台县2020年幼儿园结对帮扶工作实施方案" in text


# -- 《幼儿园集团化办园工作方案精选四篇》 plan 1: the "八个一" ------------------------------------------------------------------


def test_qingdao_has_the_eight_ones_per_term_in_the_seeds_words() -> None:
    programme = get_programme("qingdao-xihaian-group")
    eight = [r for r in programme.rules if r.group == "八个一"]
    assert len(eight) == 8
    assert all((r.per, r.min, r.max) == ("term", 1, 0) for r in eight)
    plan = plan_of_seed_001(1)
    (paragraph,) = [p for p in plan.splitlines() if "八个一" in p]
    for rule in eight:
        (kind,) = rule.kinds
        assert kind in paragraph, kind  # the activity kind is the seed's word
        assert quote(rule.source).startswith("每学期")
    assert len({r.kinds for r in eight}) == 8
    title = re.search(r"《(青岛西海岸新区幼儿园集团化办园实施方案)", programme.source_document)
    assert title and title.group(1) in plan


# -- 《幼儿园集团化办园工作方案精选四篇》 plan 3: the 33-item 督导评估 checklist ------------------------------------------------


def test_supervision_checklist_is_the_seeds_33_items_in_five_groups() -> None:
    programme = get_programme("gaozhuang-town-group")
    index = programme.index("supervision")
    assert (index.kind, index.period) == ("checklist", "term")
    assert [(g.code, g.name) for g in index.groups] == [
        ("（一）", "办园条件"), ("（二）", "安全卫生"), ("（三）", "保育教育"),
        ("（四）", "教职工队伍"), ("（五）", "内部管理"),
    ]  # fmt: skip
    assert [i.code for i in index.items] == [str(n) for n in range(1, 34)]
    ranges = {
        "（一）": (1, 7),
        "（二）": (8, 16),
        "（三）": (17, 23),
        "（四）": (24, 28),
        "（五）": (29, 33),
    }
    for item in index.items:
        low, high = ranges[index.group_of(item).code]
        assert low <= int(item.code) <= high
        assert item.points is None and item.label == f"{item.code}、{item.text}"
    assert index.discrepancies() == []
    lines = set(plan_of_seed_001(3).splitlines())
    for group in index.groups:
        assert f"({group.code[1]}){group.name}" in lines  # the seed writes "(一)办园条件"
    for item in index.items:
        assert item.label in lines, (
            f"item {item.code} is not verbatim in 《幼儿园集团化办园工作方案精选四篇》"
        )


def test_supervision_checklist_refuses_points_in_the_wrong_place(tmp_path: Path) -> None:
    path = tmp_path / "supervision.toml"
    source = forms_dir() / "gaozhuang-town-group" / "indexes" / "supervision.toml"
    text = source.read_text(encoding="utf-8")
    path.write_text(text.replace('code = "1"\n', 'code = "1"\npoints = 2\n', 1), "utf-8")
    with pytest.raises(ProfileError, match="points = 2 与文字中的分值不符"):
        load_index(path)


# -- 《青山湖区1+1+N幼教联盟方案》: Qingshanhu 1+1+N ------------------------------------------------------------------


def test_qingshanhu_rule_is_two_joint_research_activities_a_term() -> None:
    programme = get_programme("qingshanhu-1plus1plusn")
    assert programme.roles.lead == "龙头园"
    assert programme.roles.partners == ("乡镇中心园", "民办园")
    rule = next(r for r in programme.rules if r.id == "term-joint-research")
    assert (rule.per, rule.min, rule.max) == ("term", 2, 0)
    assert rule.kinds and all("研讨" in k or "教研" in k for k in rule.kinds)
    text = seed("004")
    for r in programme.rules:
        assert quote(r.source) in text, r.id  # "三（1）3.有内容：<the seed's words>"
    assert programme.source_document.strip("《》") in text


# -- 沂源县源教体发〔2022〕11号: Yiyuan's 附件4 -------------------------------------------------------------------------


def test_annex4_items_are_verbatim_and_total_90_plus_20() -> None:
    index = get_programme("yiyuan-2022").index("annex4")
    text = seed("000")
    for unit in (*index.subgroups, *index.items):
        assert f"{unit.code}．{unit.text}" in text, unit.code
    for group in index.groups:
        assert f"{group.code}{group.name}" in text.replace("\t", "").replace(" ", "")
    assert (index.base_points, index.bonus_points) == (90, 20)
    assert len(index.items) == 23 and index.declared_counts[-1] == 21
    assert any("21" in note and "23" in note for note in index.discrepancies())
