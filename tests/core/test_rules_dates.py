"""What the engine says about time: calendar years, a report due on the 20th of the next month,
a yearly report due in December, 逾期补录 (entered after the deadline), 领域 counted instead of
records, and the programme's own start and end. No Qt."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_rules import _activity, _roster

from gongtongti_desktop.core.checks import rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods, rule_specs
from gongtongti_desktop.core.profile.dates import ProgrammeDates
from gongtongti_desktop.core.profile.programme import Programme, get_programme
from gongtongti_desktop.core.profile.rule_specs import Rule
from gongtongti_desktop.core.records import stage_reports as summaries

D = dt.date


@given(day=st.dates(min_value=D(2019, 1, 1), max_value=D(2030, 12, 31)))
def test_calendar_years_cover_every_day_once_and_round_trip(day: dt.date) -> None:
    cal = get_programme("panjin-2024").calendar
    year = periods.period_containing(cal, "year", day)
    assert (year.start, year.end, year.label) == (
        D(day.year, 1, 1),
        D(day.year, 12, 31),
        f"{day.year}年",
    )
    assert periods.period_from_key(cal, periods.period_key(year)) == year
    assert periods.previous_period(cal, year).end == D(day.year - 1, 12, 31)


def test_panjin_month_is_due_on_the_20th_of_the_next_month() -> None:
    programme = get_programme("panjin-2024")
    cal = programme.calendar
    rule = next(r for r in programme.rules if r.id == "monthly-report")
    assert cal.monthly_report_day == 20 and cal.report_next_month
    assert rules.deadline(cal, rule, periods.month_period(2024, 9)) == D(2024, 10, 20)
    assert rules.deadline(cal, rule, periods.month_period(2024, 12)) == D(2025, 1, 20)
    gaotai = get_programme("gaotai-2020")  # 高台: the 30th of the same month (28th in February)
    helper = next(r for r in gaotai.rules if r.id == "helper-monthly")
    assert rules.deadline(gaotai.calendar, helper, periods.month_period(2021, 2)) == D(2021, 2, 28)


def test_panjin_annual_report_is_due_on_10_december() -> None:
    programme = get_programme("panjin-2024")
    rule = next(r for r in programme.rules if r.id == "annual-summary")
    assert (rule.per, rule.due) == ("year", "12-10")
    year = periods.period_containing(programme.calendar, "year", D(2025, 3, 1))
    assert rules.deadline(programme.calendar, rule, year) == D(2025, 12, 10)


def _store(tmp_path, programme_id: str) -> Store:
    return Store.create(tmp_path / "t.gtdb", kindergarten="测试园", programme_id=programme_id)


def test_a_late_record_is_shown_and_counts_as_the_profile_says(
    tmp_path, programme: Programme
) -> None:
    """沂源 counts a late record (shown as 逾期补录); 高台 does not (it stays 未达成)."""
    store = _store(tmp_path, programme.id)
    ids = _roster(store, programme)
    act = _activity(store, programme, D(2023, 10, 8), ids["lead"])
    store.conn.execute(
        "UPDATE activity SET created_at = '2023-11-15T09:00:00' WHERE id = ?", (act,)
    )
    rule = Rule(id="r", label="网络研修", per="month", min=1, kinds=("网络研修",))
    october = periods.month_period(2023, 10)
    (result,) = rules.evaluate(store, programme.calendar, rule, october, D(2023, 12, 1))
    assert (result.count, result.status, result.late_ids) == (1, rules.MET, (act,))
    assert result.late_text == "含逾期补录 1 条"
    strict = programme.calendar._replace(late_counts=False)
    (result,) = rules.evaluate(store, strict, rule, october, D(2023, 12, 1))
    assert (result.count, result.status) == (0, rules.MISSED)
    assert result.late_text == "逾期补录 1 条（不计入）"
    store.close()


def test_domains_are_counted_not_records(tmp_path, programme: Programme) -> None:
    """沂源 "每学期选择1个领域开展课堂研究": two 语言 activities are one 领域; a second 领域 is too many."""
    store = _store(tmp_path, programme.id)
    ids = _roster(store, programme)
    rule = next(r for r in programme.rules if r.id == "term-classroom-research")
    term = periods.parse_term(programme.calendar, "2023-autumn")
    for day, domain in ((D(2023, 9, 5), "语言"), (D(2023, 10, 5), "语言")):
        _activity(store, programme, day, ids["lead"], kind="课堂研究", mode="线下", domain=domain)
    (result,) = rules.evaluate(store, programme.calendar, rule, term, D(2024, 3, 1))
    assert (result.count, result.status, len(result.record_ids)) == (1, rules.MET, 2)
    assert result.rule.unit == "个领域"
    _activity(
        store, programme, D(2023, 11, 5), ids["lead"], kind="课堂研究", mode="线下", domain="科学"
    )
    (result,) = rules.evaluate(store, programme.calendar, rule, term, D(2024, 3, 1))
    assert (result.count, result.status) == (2, rules.TOO_MANY)
    store.close()


def test_nothing_is_asked_after_the_programmes_end(tmp_path, programme: Programme) -> None:
    """沂源 ran 2022-07 → 2024-12: on 2025-04-10 spring 2025 is not asked for; the last term
    shown is autumn 2024, its last."""
    store = _store(tmp_path, programme.id)
    spring = periods.parse_term(programme.calendar, "2025-spring")
    for rule in programme.rules:  # (a school year 2024—2025 still overlaps the programme)
        if rule.per in ("month", "term"):
            assert rules.evaluate(store, programme.calendar, rule, spring, D(2025, 4, 10)) == []
    pairs = rules.current_and_last(store, programme.calendar, programme.rules, D(2025, 4, 10))
    for now, _before in pairs:
        assert now.period.start <= D(2024, 12, 31), now.rule.id
    open_cal = programme.calendar._replace(dates=ProgrammeDates())
    assert rules.evaluate(store, open_cal, programme.rules[0], spring, D(2025, 4, 10))
    store.close()


@pytest.mark.parametrize("due", ["13-01", "1210", "12-32"])
def test_a_bad_due_day_is_refused(tmp_path, due: str) -> None:
    from gongtongti_desktop.core.profile.toml_table import ProfileError

    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "rules.toml").write_text(
        f'[[rules]]\nid = "a"\nlabel = "年报"\nper = "year"\ndue = "{due}"\ncounts = "summaries"\n'
        "min = 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="due 应为 MM-DD"):
        rule_specs.load_rules(folder, (), ())


def test_year_report_is_the_autumn_terms_summary(tmp_path) -> None:
    programme = get_programme("panjin-2024")
    store = _store(tmp_path, programme.id)
    rule = next(r for r in programme.rules if r.id == "annual-summary")
    year = periods.period_containing(programme.calendar, "year", D(2024, 6, 1))
    (result,) = rules.evaluate(store, programme.calendar, rule, year, D(2024, 12, 11))
    assert result.status == rules.MISSED
    summaries.save_stage_report(store, "2024-autumn", {"highlights": "帮扶进展"})
    store.conn.execute("UPDATE stage_summary SET created_at = '2024-12-05T10:00:00'")
    (result,) = rules.evaluate(store, programme.calendar, rule, year, D(2024, 12, 11))
    assert (result.status, result.late_ids) == (rules.MET, ())
    store.close()


def test_a_rule_asks_from_its_own_start(tmp_path) -> None:
    """盘锦's 月报表 "从2024年9月开始": August 2024 (前期准备阶段, inside the programme) is not asked."""
    programme = get_programme("panjin-2024")
    store = _store(tmp_path, programme.id)
    rule = next(r for r in programme.rules if r.id == "monthly-report")
    assert rule.start == D(2024, 9, 1) and programme.calendar.dates.start == D(2024, 8, 20)
    months = periods.Period("school_year", D(2024, 8, 1), D(2024, 9, 30), "")
    found = rules.evaluate(store, programme.calendar, rule, months, D(2024, 12, 1))
    assert [r.period.label for r in found] == ["2024年9月"]
    store.close()


def test_panjin_demo_writes_its_2024_report_on_time(tmp_path) -> None:
    from gongtongti_desktop.core.demo.builder import create_demo

    store = create_demo(tmp_path / "p.gtdb", "panjin-2024")
    programme = get_programme("panjin-2024")
    rule = next(r for r in programme.rules if r.id == "annual-summary")
    year = periods.period_containing(programme.calendar, "year", D(2024, 6, 1))
    (result,) = rules.evaluate(store, programme.calendar, rule, year, store.today())
    assert (result.status, result.count, result.late_ids) == (rules.MET, 1, ())
    store.close()
