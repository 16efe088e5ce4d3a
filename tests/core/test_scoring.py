"""Indexes as written, score caps and sums, evidence, and scores suggested from known records."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongtongti_desktop.core.checks import score_suggestions
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import indexes, periods
from gongtongti_desktop.core.profile.indexes import load_index
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.profile.toml_table import ProfileError
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import roster, scoring
from gongtongti_desktop.errors import UserError

SEED_000 = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_7289dd670dbde9d5.txt"


@pytest.fixture
def annex4(programme: Programme) -> indexes.Index:
    return programme.index("annex4")


# -- the index as written ----------------------------------------------------------------------------


def test_annex4_has_the_seeds_items_and_computes_its_totals(annex4: indexes.Index) -> None:
    assert [g.code for g in annex4.groups] == [f"A{n}" for n in range(1, 7)]
    assert [s.code for s in annex4.subgroups] == [f"B{n}" for n in range(1, 11)]
    assert [i.code for i in annex4.items] == [f"C{n}" for n in range(1, 24)]
    assert annex4.base_points == 90 and annex4.bonus_points == 20
    for unit in (*annex4.groups, *annex4.subgroups):
        assert annex4.max_points(unit.code) == unit.points, unit.code
    notes = annex4.discrepancies()
    assert "表头“三级指标（21项）”写 21 项，实际列出 23 项" in notes
    assert any("基础项合计 90 分" in n and "20 分" in n for n in notes)


@pytest.mark.skipif(not SEED_000.is_file(), reason="../shared/seeds is not beside the repository")
def test_annex4_text_is_verbatim_from_seed_000(annex4: indexes.Index) -> None:
    seed = SEED_000.read_text(encoding="utf-8")
    seed_lines = [line.strip() for line in seed.splitlines()]
    for item in annex4.items:
        assert f"{item.code}．{item.text}" in seed_lines, item.code
    for sub in annex4.subgroups:
        assert f"{sub.code}．{sub.text}" in seed_lines, sub.code
    for group in annex4.groups:
        assert re.search(rf"{group.code}{group.name}\s*（{int(group.points or 0)}分）", seed)
    for heading in annex4.headings:
        assert heading in seed_lines


def test_index_loader_refuses_points_that_disagree_with_the_text(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(
        'id = "x"\ntitle = "t"\nkind = "score"\n'
        '[[groups]]\ncode = "A1"\nname = "管理"\n'
        '[[items]]\ncode = "C1"\nparent = "A1"\ntext = "有愿景。（2分）"\npoints = 3\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="与文字中的分值不符"):
        load_index(path)
    path.write_text(path.read_text(encoding="utf-8").replace("points = 3", "points = 2")
                    .replace('parent = "A1"', 'parent = "A9"'), encoding="utf-8")  # fmt: skip
    with pytest.raises(ProfileError, match="parent"):
        load_index(path)


# -- scores ---------------------------------------------------------------------------------------------


@given(value=st.floats(min_value=-5, max_value=15, allow_nan=False))
def test_scores_are_checked_against_the_cap_and_half_points(value: float) -> None:
    item = indexes.Item(code="C9", parent="B3", text="…（8分）", points=8)
    valid = 0 <= value <= 8 and value * 2 == int(value * 2)
    if valid:
        assert scoring.check_score(item, value) == value
    else:
        with pytest.raises(UserError):
            scoring.check_score(item, value)


def test_typed_scores(annex4: indexes.Index) -> None:
    item = annex4.item("C2")
    assert scoring.parse_score(item, " ４．５ ") == 4.5
    assert scoring.parse_score(item, "") is None
    with pytest.raises(UserError, match="C2 最高 5 分，不能打 6 分"):
        scoring.parse_score(item, "6")
    with pytest.raises(UserError, match="不是数字"):
        scoring.parse_score(item, "五")


def test_over_max_is_refused_and_nothing_is_stored(store: Store, annex4: indexes.Index) -> None:
    with pytest.raises(UserError):
        scoring.set_score(store, annex4, "2024", "C3", self_score=2.5)
    assert scoring.get_scores(store, annex4, "2024") == {}


@given(
    values=st.dictionaries(
        st.sampled_from([f"C{n}" for n in range(1, 24)]),
        st.integers(min_value=0, max_value=20).map(lambda n: n / 2),
    )
)
def test_sums_follow_the_items(values: dict[str, float]) -> None:
    from gongtongti_desktop.core.profile.programme import get_programme

    annex4 = get_programme("yiyuan-2022").index("annex4")
    capped = {c: min(v, annex4.item(c).points or 0) for c, v in values.items()}
    scores = {c: {"self_score": v, "county_score": None} for c, v in capped.items()}
    totals = scoring.totals(annex4, scores, "self")
    bonus_codes = {i.code for i in annex4.items if annex4.group_of(i).code == "A6"}
    assert totals.bonus == sum(v for c, v in capped.items() if c in bonus_codes)
    assert totals.base == sum(v for c, v in capped.items() if c not in bonus_codes)
    assert totals.total == sum(capped.values())
    assert (totals.base_max, totals.bonus_max) == (90, 20)
    assert totals.scored_items == len(capped)
    for group in annex4.groups:
        got, most = totals.by_unit[group.code]
        assert got == sum(v for c, v in capped.items() if annex4.group_of(annex4.item(c)) == group)
        assert most == group.points
    assert scoring.totals(annex4, scores, "county").total == 0


def test_set_score_keeps_what_is_not_given(store: Store, annex4: indexes.Index) -> None:
    scoring.set_score(store, annex4, "2024", "C8", self_score=3.5, comment="记录齐全")
    row = scoring.set_score(store, annex4, "2024", "C8", county_score=3)
    assert (row["self_score"], row["county_score"], row["comment"]) == (3.5, 3, "记录齐全")
    row = scoring.set_score(store, annex4, "2024", "C8", self_score=None)
    assert row["self_score"] is None
    assert scoring.get_scores(store, annex4, "2023") == {}


def test_checklist_and_score_fields_are_not_mixed(store: Store, annex4: indexes.Index) -> None:
    with pytest.raises(UserError, match="符合"):
        scoring.set_score(store, annex4, "2024", "C1", verdict="符合")


# -- evidence -------------------------------------------------------------------------------------------


def _kgs(store: Store, programme: Programme) -> tuple[str, str]:
    lead = roster.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    partner = roster.save_record(store, programme, "kindergarten", {"name": "东岭镇学区"})
    roster.save_record(
        store, programme, "pairing",
        {"lead_id": lead, "partner_id": partner, "partner_role": programme.roles.partners[0]},
    )  # fmt: skip
    return lead, partner


def _activity(store: Store, programme: Programme, day: str, kind: str, host: str, **kw: str) -> str:
    values = {"day": day, "kind": kind, "title": f"{kind}活动", "mode": "线下", "host_id": host}
    return records.save_record(store, programme, "activity", {**values, **kw})


def test_evidence_links_and_deleted_targets(
    store: Store, programme: Programme, annex4: indexes.Index
) -> None:
    lead, _ = _kgs(store, programme)
    act = _activity(store, programme, "2024-10-09", "会议", lead, record="会议纪要")
    scoring.add_evidence(store, annex4, "2024", "C3", "activity", act)
    scoring.add_evidence(store, annex4, "2024", "C3", "activity", act)  # twice: one link
    [link] = scoring.list_evidence(store, annex4, "2024", "C3")
    assert link["text"] == "2024-10-09 会议：会议活动" and not link["deleted"]
    assert scoring.evidence_counts(store, annex4, "2024") == {"C3": 1}
    records.delete_record(store, "activity", act)
    assert scoring.list_evidence(store, annex4, "2024", "C3")[0]["deleted"]
    with pytest.raises(UserError, match="不存在或已删除"):
        scoring.add_evidence(store, annex4, "2024", "C8", "activity", act)
    scoring.remove_evidence(store, annex4, "2024", "C3", "activity", act)
    assert scoring.list_evidence(store, annex4, "2024", "C3") == []


# -- suggestions ---------------------------------------------------------------------------------------


def test_suggestions_from_known_records(
    store: Store, programme: Programme, annex4: indexes.Index
) -> None:
    lead, _ = _kgs(store, programme)
    # C8 指导师 2–4 a term with a record: autumn 2 (met), spring 1 (not met) → half of 4 points.
    for day in ("2024-09-10", "2024-11-12", "2025-03-04"):
        _activity(store, programme, day, "指导师指导", lead, record="指导记录")
    _activity(store, programme, "2024-12-02", "指导师指导", lead)  # no record: does not count
    # C15: online 3–6 met (3), offline 2–4 not met (1) → half of 5 = 2.5.
    for day in ("2024-09-20", "2024-10-20", "2025-04-20"):
        _activity(store, programme, day, "网络研修", lead)
    _activity(store, programme, "2024-10-21", "线下教研", lead)
    year = periods.parse_school_year(programme.calendar, "2024")
    found = score_suggestions.suggest(store, programme, annex4, year, dt.date(2025, 7, 1))
    assert (found["C8"].score, found["C8"].evidence_count) == (2.0, 3)
    assert (found["C15"].score, found["C15"].evidence_count) == (2.5, 4)
    assert found["C7"].score == 0 and found["C7"].evidence_count == 0
    assert "C1" not in found  # no rule: no suggestion
    assert any("2024年秋季学期 2 次" in line for line in found["C8"].explanation)
    assert "2 期中 1 期达到" in found["C8"].reasoning
    assert "满分 4 × 50% = 2，向下取到半分，建议 2 分" in found["C8"].reasoning
    # Never filled in silently: nothing is stored until accepted.
    assert scoring.get_scores(store, annex4, "2024") == {}
    row = scoring.accept_suggestion(store, annex4, "2024", found["C8"])
    assert (row["self_score"], row["self_suggested"]) == (2.0, 1)
    row = scoring.set_score(store, annex4, "2024", "C8", self_score=3)
    assert row["self_suggested"] == 0


def test_suggestion_is_rounded_down_to_half_points(
    store: Store, programme: Programme, annex4: indexes.Index
) -> None:
    from gongtongti_desktop.core.records import stage_reports

    # C2 (5 points) has three rules: a plan in 1 of 10 plan rows, a summary in 2 of 10, a
    # term report in 1 of 2 terms → 5 × (0.1 + 0.2 + 0.5) / 3 = 1.33 → 1.0.
    records.save_record(
        store, programme, "plan_item", {"month": "2024-09", "task": "送教下乡", "status": "计划"}
    )
    for key in ("2024-09", "2024-12", "2024-autumn"):
        stage_reports.save_summary(store, key, {"highlights": "开展送教下乡"})
    year = periods.parse_school_year(programme.calendar, "2024")
    found = score_suggestions.suggest(store, programme, annex4, year, dt.date(2025, 7, 1))
    assert found["C2"].score == 1.0
    assert found["C2"].evidence_count == 4
    # said in words: each rule's periods reached, the average, the arithmetic
    reasoning = found["C2"].reasoning
    assert "10 期中 1 期达到" in reasoning and "10 期中 2 期达到" in reasoning
    assert "2 期中 1 期达到" in reasoning
    assert "各规则达标比例的平均为 27%" in reasoning
    assert reasoning.endswith("向下取到半分，建议 1 分。")
