"""The 盘锦 2024, 东莞 and 青铜峡 profiles say what their notices say: roles, forms of help and
the forms a director hands in, in the notices' own words.

The notices are the seeds beside the repository (``../shared/seeds``); tests reading them skip
with a reason when that folder is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongtongti_desktop.core.profile.programme import get_programme

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def notice(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip(f"notice {prefix} not found: {SEEDS} is absent")
    return found[0].read_text(encoding="utf-8")


def plan_of_001(number: int) -> str:
    text = notice("001")
    start = text.index(f"幼儿园集团化办园工作方案{number}\n")
    end = text.find(f"幼儿园集团化办园工作方案{number + 1}\n", start)
    return text[start : end if end > 0 else len(text)]


def plain(text: str) -> str:
    """Punctuation-blind: the notices mix ASCII and full-width brackets and commas."""
    return re.sub(r"[\s(),（），、:：]", "", text)


# -- 盘锦 -----------------------------------------------------------------------------------------


def test_panjin_forms_of_help_are_the_notices_five_first() -> None:
    programme = get_programme("panjin-2024")
    five = ("送教下乡", "名师工作室", "入园指导", "跟岗研修", "网络在线学习")
    assert programme.activity_kinds[:5] == five
    sentence = (
        "通过送教下乡、名师工作室、入园指导、跟岗研修、网络在线学习等灵活多样的方式开展结对帮扶"
    )
    assert sentence in notice("002")


def test_panjin_partner_roles_are_the_three_pairing_types() -> None:
    programme = get_programme("panjin-2024")
    assert programme.roles.lead == "帮扶园"
    text = plain(notice("002"))
    village, town, cross = programme.roles.partners
    assert plain("镇内优质公办幼儿园帮扶" + village) in text
    assert plain("县区内五、四星级优质幼儿园帮扶" + town) in text
    assert cross.startswith("跨区域") and "开展跨区域结对帮扶" in text


def test_panjin_hands_in_the_four_forms_of_the_notice() -> None:
    programme = get_programme("panjin-2024")
    titles = {f.id: f.title for f in programme.forms}
    assert titles["agreement"].endswith("帮扶协议")
    assert titles["annual-plan"].endswith("年度帮扶计划表")
    assert "月报表" in titles["monthly-report"] and "月报表" in titles["monthly-summary"]
    assert titles["annual-summary"].endswith("年度帮扶工作总结报告")
    for form_id in ("agreement", "annual-plan", "monthly-report", "monthly-summary"):
        assert "本程序" in programme.form(form_id).footnote, form_id  # not the city's layout
    assert programme.form("monthly-report").default_period == "month"
    agreement = programme.form("agreement")
    assert "不得收取“品牌费”" in agreement.footnote and "主管教育局确认" in agreement.signature
    assert {f.bind for f in agreement.fields} >= {"lead_name", "partner_name", "partner_role"}


def test_panjin_source_is_the_notice() -> None:
    programme = get_programme("panjin-2024")
    title = re.search(r"《(.+?)》", programme.source_document)
    assert title and f"《{title.group(1)}》" in notice("002")


# -- 东莞 and 青铜峡 --------------------------------------------------------------------------------


def test_dongguan_roles_and_source_are_plan_2s_words() -> None:
    programme = get_programme("dongguan-group")
    plan = plan_of_001(2)
    assert f"幼儿园教育集团的{programme.roles.lead}由市镇教育管理部门认定" in plan
    assert f"作为教育集团{programme.roles.partners[0]}" in plan
    assert "第二轮中小学校幼儿园集团化办学" in programme.source_document
    assert "第二轮中小学校幼儿园集团化办学" in plan
    for kind in ("主题党日", "思想政治学习", "理事会"):
        assert kind in plan and any(kind in k for k in programme.activity_kinds)


def test_qingtongxia_roles_and_lists_are_plan_4s_words() -> None:
    programme = get_programme("qingtongxia-group")
    plan = plan_of_001(4)
    assert f"{programme.roles.lead}:第一幼儿园" in plan
    branch, member = programme.roles.partners
    assert f"青铜峡市第一幼儿园学府{branch}" in plan and f"{member}:同进幼儿园" in plan
    assert "联盟校会议" in plan and "专项考核" in plan
    members = programme.form("members")
    assert [c.bind for c in members.columns][1:3] == [
        f"partners_by_role:{branch}",
        f"partners_by_role:{member}",
    ]


def test_sections_are_three_and_only_for_summaries(tmp_path: Path) -> None:
    import shutil

    from gongtongti_desktop.core.paths import forms_dir
    from gongtongti_desktop.core.profile.programme import load_programme
    from gongtongti_desktop.core.profile.toml_table import ProfileError

    folder = tmp_path / "panjin-2024"
    shutil.copytree(forms_dir() / "panjin-2024", folder)
    path = folder / "templates" / "annual-summary.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(', "下一步工作计划"]', "]"), encoding="utf-8")
    with pytest.raises(ProfileError, match="sections 应为三项"):
        load_programme(folder)
    path.write_text(text, encoding="utf-8")
    plan = folder / "templates" / "annual-plan.toml"
    plan.write_text('sections = ["a", "b", "c"]\n' + plan.read_text(encoding="utf-8"), "utf-8")
    with pytest.raises(ProfileError, match="sections 只用于数据源 summary_rows"):
        load_programme(folder)


def test_panjin_targets_are_the_notices_and_its_own_sum_is_shown() -> None:
    """二（二）年度目标 as written: 2024's counties add to 21 while the sentence says 共22所 —
    shown, not fixed."""
    programme = get_programme("panjin-2024")
    text = notice("002")
    by_year = {t.year: t for t in programme.targets}
    assert sorted(by_year) == [2024, 2025, 2026]
    for year, total, share in ((2024, 22, 40), (2025, 20, 35), (2026, 14, 25)):
        target = by_year[year]
        assert (target.kindergartens, target.share) == (total, share)
        sentence = target.source.split("：", 1)[1]
        assert sentence in text  # the quote is the notice's own
        assert f"共{total}所" in sentence and f"{share}%" in sentence
        for county in target.counties:
            assert f"{county.name}参与帮扶{county.helpers}所、被帮扶{county.helped}所" in sentence
    assert by_year[2024].county_total == 21
    assert "共22所" in by_year[2024].discrepancy() and "21所" in by_year[2024].discrepancy()
    assert by_year[2025].discrepancy() == "" == by_year[2026].discrepancy()


def test_bad_targets_are_refused(tmp_path: Path) -> None:
    import shutil

    from gongtongti_desktop.core.paths import forms_dir
    from gongtongti_desktop.core.profile.programme import load_programme
    from gongtongti_desktop.core.profile.toml_table import ProfileError

    folder = tmp_path / "panjin-2024"
    shutil.copytree(forms_dir() / "panjin-2024", folder)
    path = folder / "programme.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"盘山县" = [3, 3]', '"盘山县" = [3]', 1), encoding="utf-8")
    with pytest.raises(ProfileError, match="counties 中“盘山县”应为"):
        load_programme(folder)
    path.write_text(text.replace("year = 2025", "year = 2024", 1), encoding="utf-8")
    with pytest.raises(ProfileError, match="重复的年份"):
        load_programme(folder)
