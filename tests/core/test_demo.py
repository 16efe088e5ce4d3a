"""The demo data files: one for every profile, deterministic, nothing after the demo's own day,
and the rule results, summaries and scores it was designed to show — every expectation counted
here from the records themselves (SQL), not copied from the engine."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.checks import rules, score_suggestions
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo import scores as demo_scores
from gongtongti_desktop.core.demo.builder import create_demo, demo_setup
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.indexes import VERDICTS
from gongtongti_desktop.core.profile.programme import Programme, available_programmes, get_programme
from gongtongti_desktop.core.records import scoring, stage_reports

PROFILES = available_programmes()


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    stores = {}
    for programme_id in PROFILES:
        folder = tmp_path_factory.mktemp(programme_id)
        stores[programme_id] = create_demo(folder / "d.gtdb", programme_id)
    yield stores
    for store in stores.values():
        store.close()


def _demo(demos: dict[str, Store], programme_id: str) -> tuple[Store, Programme]:
    return demos[programme_id], get_programme(programme_id)


def _count(store: Store, sql: str, *params: object) -> int:
    return int(store.conn.execute(sql, params).fetchone()[0])


def _result(store: Store, programme: Programme, rule_id: str, key: str) -> rules.RuleResult:
    rule = next(r for r in programme.rules if r.id == rule_id)
    period = periods.period_from_key(programme.calendar, key)
    (result,) = [
        r
        for r in rules.evaluate(store, programme.calendar, rule, period, store.today())
        if periods.period_key(r.period) == key
    ]
    return result


# -- every profile ----------------------------------------------------------------------------


@pytest.mark.parametrize("programme_id", PROFILES)
def test_demo_has_its_own_today_and_nothing_after_it(demos, programme_id: str) -> None:
    store, programme = _demo(demos, programme_id)
    today = store.today()
    assert store.setting("demo") == "1"
    assert today.isoformat() == demo_setup(programme).today != dt.date.today().isoformat()
    assert _count(store, "SELECT COUNT(*) FROM activity") > 0
    last = store.conn.execute("SELECT MAX(day) FROM activity").fetchone()[0]
    assert last <= today.isoformat(), "a diary records what happened, not what will"
    assert _count(store, "SELECT COUNT(*) FROM kindergarten WHERE note != '示例数据'") == 0
    assert "示例" in store.kindergarten_name


@pytest.mark.parametrize("programme_id", PROFILES)
def test_rules_on_the_demo_are_mostly_met(demos, programme_id: str) -> None:
    store, programme = _demo(demos, programme_id)
    pairs = rules.current_and_last(store, programme.calendar, programme.rules, store.today())
    statuses = {result.status for pair in pairs for result in pair}
    assert rules.MET in statuses
    assert len(rules.closed_failures(pairs)) < len(pairs), "the demo meets most requirements"


@pytest.mark.parametrize("programme_id", PROFILES)
def test_the_cli_writes_every_profiles_demo(capsys, tmp_path: Path, programme_id: str) -> None:
    path = tmp_path / f"{programme_id}.gtdb"
    assert main(["demo", str(path), "--programme", programme_id]) == 0
    assert "示例数据文件" in capsys.readouterr().out
    with Store.open(path) as store:
        assert store.programme_id == programme_id


def _content(store: Store) -> list[tuple[object, ...]]:
    """What a demo holds, without its random ids and clock times."""
    rows: list[tuple[object, ...]] = []
    for sql in (
        "SELECT day, kind, title, record FROM activity ORDER BY day, title, record",
        "SELECT month, day, task, status FROM plan_item ORDER BY month, day, task",
        "SELECT name, kind FROM kindergarten ORDER BY name",
        "SELECT name, post, phone FROM person ORDER BY name",
        "SELECT period, highlights FROM stage_summary ORDER BY period",
        "SELECT period, item, self_score, county_score, verdict, comment FROM score"
        " ORDER BY period, item",
    ):
        rows += [tuple(r) for r in store.conn.execute(sql)]
    return rows


def test_demo_is_deterministic(demos, tmp_path: Path) -> None:
    again = create_demo(tmp_path / "again.gtdb")
    try:
        assert _content(again) == _content(demos["yiyuan-2022"])
    finally:
        again.close()


# -- Yiyuan: the designed mix ---------------------------------------------------------------------


def test_yiyuan_rule_gaps_are_the_designed_ones(demos) -> None:
    store, programme = _demo(demos, "yiyuan-2022")
    pairs = rules.current_and_last(store, programme.calendar, programme.rules, store.today())
    failures = {(r.rule.id, periods.period_key(r.period)) for r in rules.closed_failures(pairs)}
    by_id = {r.id: r for r in programme.rules}
    designed = {gap for gap, n in demo_scores.YIYUAN_GAPS.items() if n < by_id[gap[0]].min}
    assert failures == designed
    # counted from the records: 指导师 visits in spring 2024, joint research in school year 2023
    spring, year = (periods.period_from_key(programme.calendar, k) for k in ("2024-spring", "2023"))
    visits = _count(
        store,
        "SELECT COUNT(*) FROM activity WHERE kind = '指导师指导' AND day BETWEEN ? AND ?",
        spring.start.isoformat(),
        spring.end.isoformat(),
    )
    research = _count(
        store,
        "SELECT COUNT(*) FROM activity WHERE kind = '课题研究' AND day BETWEEN ? AND ?",
        year.start.isoformat(),
        year.end.isoformat(),
    )
    assert visits < by_id["c8-mentor-visits"].min and research == 0
    assert _result(store, programme, "c8-mentor-visits", "2024-spring").count == visits
    current = [now for now, _ in pairs]
    assert {rules.MET, rules.NOT_YET} <= {r.status for r in current}


def test_yiyuan_self_assessment_once_per_term_up_to_today(demos) -> None:
    store, programme = _demo(demos, "yiyuan-2022")
    for key in ("2024-spring", "2024-autumn"):
        term = periods.period_from_key(programme.calendar, key)
        expected = _count(
            store,
            "SELECT COUNT(*) FROM activity WHERE kind = '自我评估' AND day BETWEEN ? AND ?",
            term.start.isoformat(),
            term.end.isoformat(),
        )
        assert expected == 1
        assert _result(store, programme, "c19-self-assessment", key).status == rules.MET


def test_yiyuan_meetings_without_minutes_do_not_count(demos) -> None:
    store, programme = _demo(demos, "yiyuan-2022")
    term = periods.period_from_key(programme.calendar, "2024-autumn")
    window = (term.start.isoformat(), term.end.isoformat())
    meetings = "SELECT COUNT(*) FROM activity a WHERE kind = '会议' AND day BETWEEN ? AND ?"
    with_minutes = (
        " AND (trim(record) != '' OR EXISTS (SELECT 1 FROM attachment f"
        " WHERE f.activity_id = a.id))"
    )
    all_meetings = _count(store, meetings, *window)
    minuted = _count(store, meetings + with_minutes, *window)
    assert 0 < minuted < all_meetings
    assert _result(store, programme, "c3-meetings", "2024-autumn").count == minuted


def test_yiyuan_summaries_leave_a_month_out(demos) -> None:
    store, programme = _demo(demos, "yiyuan-2022")
    today = store.today()
    autumn = periods.period_from_key(programme.calendar, "2024-autumn")
    written, gaps = [], []
    for row in periods.plan_rows(programme.calendar, autumn):
        if row.end >= today:
            continue
        have = _count(
            store,
            "SELECT COUNT(*) FROM stage_summary WHERE period = ? AND trim(highlights) != ''",
            row.key,
        )
        (written if have else gaps).append(row.key)
        status = _result(store, programme, "c2-monthly-summary", row.key).status
        assert status == (rules.MET if have else rules.MISSED)
    assert written and gaps, "some closed months have a summary, some do not"
    for key in (*demo_scores.YIYUAN_MONTHLY_SUMMARIES, *demo_scores.YIYUAN_TERM_SUMMARIES):
        row = stage_reports.get_summary(store, key)
        assert stage_reports.is_written(row) and not stage_reports.is_unedited_draft(row)


@pytest.mark.parametrize("key", ["2023", "2024"])
def test_yiyuan_scores_are_within_caps_and_suggestions_are_the_engines(demos, key: str) -> None:
    store, programme = _demo(demos, "yiyuan-2022")
    index = programme.index("annex4")
    scores = scoring.get_scores(store, index, key)
    assert scores
    for code, row in scores.items():
        maximum = index.item(code).points or 0
        for side in ("self_score", "county_score"):
            value = row[side]
            if value is not None:
                assert 0 <= value <= maximum and value * 2 == int(value * 2), (code, side)
    period = periods.period_from_key(programme.calendar, key)
    suggestions = score_suggestions.suggest(store, programme, index, period, store.today())
    suggested = [code for code, row in scores.items() if row["self_suggested"]]
    assert suggested, "at least one score was accepted from a suggestion"
    for code in suggested:
        assert scores[code]["self_score"] == suggestions[code].score


def test_yiyuan_2024_is_mostly_scored_and_differs_from_2023(demos) -> None:
    store, programme = _demo(demos, "yiyuan-2022")
    index = programme.index("annex4")
    now, before = (scoring.get_scores(store, index, k) for k in ("2024", "2023"))
    base = [i.code for i in index.items if not index.is_bonus(i)]
    self_now = [c for c in base if (now.get(c) or {}).get("self_score") is not None]
    county_now = [c for c in base if (now.get(c) or {}).get("county_score") is not None]
    assert len(self_now) > len(base) * 3 / 4
    assert len(base) / 3 < len(county_now) < len(base) * 2 / 3
    assert len(before) < len(now)
    changed = [c for c in before if c in now and before[c]["self_score"] != now[c]["self_score"]]
    assert changed, "the side-by-side view has changes to show"
    assert any(row["comment"] for row in now.values())
    linked = scoring.evidence_counts(store, index, "2024")
    assert sum(linked.values()) >= 3
    for code in linked:
        for evidence in scoring.list_evidence(store, index, "2024", code):
            assert not evidence["deleted"], (code, evidence)


# -- Gaotai: most months meet "≥ 3", one closed month does not -------------------------------------


def test_gaotai_months_meet_three_but_one(demos) -> None:
    store, programme = _demo(demos, "gaotai-2020")
    today = store.today()
    cal = programme.calendar
    months = demo_setup(programme).plan_months
    rule = next(r for r in programme.rules if r.id == "helper-monthly")
    assert set(rule.months) == set(months)
    first = dt.date.fromisoformat(demo_setup(programme).pairing[0])
    row = periods.plan_row_of(cal, first)
    met, missed = [], []
    while row.start <= today:
        period = periods.plan_row_period(cal, row)
        key = periods.period_key(period)
        by_helper = _count(
            store,
            "SELECT COUNT(*) FROM activity WHERE day BETWEEN ? AND ?"
            " AND host_id IN (SELECT lead_id FROM pairing)",
            period.start.isoformat(),
            period.end.isoformat(),
        )
        if row.months[0][1] not in months:  # a holiday month: the rule leaves it out
            assert not rules.evaluate(store, cal, rule, period, today)
            row = periods.plan_row_of(cal, row.end + dt.timedelta(days=1))
            continue
        result = _result(store, programme, "helper-monthly", key)
        assert result.count == by_helper
        if result.closed:
            (met if by_helper >= 3 else missed).append(key)
            assert result.status == (rules.MET if by_helper >= 3 else rules.MISSED)
        row = periods.plan_row_of(cal, row.end + dt.timedelta(days=1))
    assert len(missed) == 1 and missed == list(demo_setup(programme).thin_months)
    assert len(met) > len(missed) * 3


def test_gaotai_observation_is_hosted_by_the_helped(demos) -> None:
    store, programme = _demo(demos, "gaotai-2020")
    rule = next(r for r in programme.rules if r.id == "helped-monthly-observation")
    marks = ", ".join("?" * len(rule.kinds))
    hosts = store.conn.execute(
        f"SELECT DISTINCT host_id FROM activity WHERE kind IN ({marks})", rule.kinds
    ).fetchall()
    partners = {r[0] for r in store.conn.execute("SELECT partner_id FROM pairing")}
    assert hosts and {h[0] for h in hosts} <= partners
    october = _count(
        store, f"SELECT COUNT(*) FROM activity WHERE kind IN ({marks}) AND day LIKE '2020-10-%'",
        *rule.kinds,
    )  # fmt: skip
    assert _result(store, programme, rule.id, "2020-10").count == october >= 1


# -- the new profiles -----------------------------------------------------------------------------


def test_qingdao_eight_ones_show_the_designed_gap(demos) -> None:
    store, programme = _demo(demos, "qingdao-xihaian-group")
    spring = periods.period_from_key(programme.calendar, "2024-spring")
    for rule in programme.rules:
        (kind,) = rule.kinds
        held = _count(
            store,
            "SELECT COUNT(*) FROM activity WHERE kind = ? AND day BETWEEN ? AND ?",
            kind,
            spring.start.isoformat(),
            spring.end.isoformat(),
        )
        result = _result(store, programme, rule.id, "2024-spring")
        assert result.count == held
        assert result.status == (rules.MET if held else rules.MISSED)
    autumn = [_result(store, programme, r.id, "2024-autumn") for r in programme.rules]
    assert {r.status for r in autumn} == {rules.MET, rules.NOT_YET}


def test_gaozhuang_checklist_has_a_verdict_for_every_item(demos) -> None:
    store, programme = _demo(demos, "gaozhuang-town-group")
    index = programme.index("supervision")
    spring = scoring.get_scores(store, index, "2024-spring")
    assert set(spring) == {i.code for i in index.items}
    assert {row["verdict"] for row in spring.values()} <= set(VERDICTS)
    assert "不符合" in {row["verdict"] for row in spring.values()}
    assert all(row["comment"] for row in spring.values() if row["verdict"] != "符合")


def test_qingshanhu_joint_research_counts_both_kinds(demos) -> None:
    store, programme = _demo(demos, "qingshanhu-1plus1plusn")
    rule = next(r for r in programme.rules if r.id == "term-joint-research")
    for key in ("2024-spring", "2024-autumn"):
        term = periods.period_from_key(programme.calendar, key)
        held = _count(
            store,
            "SELECT COUNT(*) FROM activity WHERE kind IN (?, ?) AND day BETWEEN ? AND ?",
            *rule.kinds,
            term.start.isoformat(),
            term.end.isoformat(),
        )
        assert _result(store, programme, rule.id, key).count == held
    assert _result(store, programme, rule.id, "2024-spring").status == rules.MISSED


def test_a_profile_without_a_demo_of_its_own_gets_the_generic_one(tmp_path: Path) -> None:
    from gongtongti_desktop.core.demo.builder import fill_demo, fill_records
    from gongtongti_desktop.core.paths import forms_dir
    from gongtongti_desktop.core.profile.programme import load_programme

    folder = tmp_path / "newcounty-2026"
    shutil.copytree(forms_dir() / "qingshanhu-1plus1plusn", folder)
    toml = folder / "programme.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('id = "qingshanhu-1plus1plusn"', 'id = "newcounty-2026"'), "utf-8")
    programme = load_programme(folder)
    with Store.create(tmp_path / "d.gtdb", kindergarten="示例", programme_id=programme.id) as store:
        fill_demo(store, programme)
        fill_records(store, programme)
        roles = {r[0] for r in store.conn.execute("SELECT partner_role FROM pairing")}
        assert roles == set(programme.roles.partners)
        pairs = rules.current_and_last(store, programme.calendar, programme.rules, store.today())
        assert rules.MET in {result.status for pair in pairs for result in pair}
