"""Period arithmetic per profile: every day in exactly one plan row, term and school year."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import available_programmes, get_programme
from gongtongti_desktop.errors import UserError

CALENDARS = {pid: get_programme(pid).calendar for pid in available_programmes()}
days = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2040, 12, 31))


@pytest.mark.parametrize("pid", sorted(CALENDARS))
@given(day=days)
def test_every_day_in_exactly_one_row_term_and_school_year(pid: str, day: dt.date) -> None:
    cal = CALENDARS[pid]
    sy = periods.school_year_of(cal, day)
    years = [periods.school_year_period(cal, y) for y in (sy - 1, sy, sy + 1)]
    assert [p.contains(day) for p in years] == [False, True, False]
    terms = [
        periods.term_period(cal, y, n)
        for y in (day.year - 1, day.year)
        for n in ("autumn", "spring")
    ]
    assert sum(t.contains(day) for t in terms) == 1
    term = periods.term_of(cal, day)
    assert term.contains(day)
    rows = periods.plan_rows(cal, years[1])
    assert sum(r.start <= day <= r.end for r in rows) == 1
    row = periods.plan_row_of(cal, day)
    # a row lies inside one term and one school year
    assert term.start <= row.start and row.end <= term.end
    assert years[1].start <= row.start and row.end <= years[1].end


@pytest.mark.parametrize("pid", sorted(CALENDARS))
@given(year=st.integers(2015, 2040))
def test_terms_tile_the_school_year(pid: str, year: int) -> None:
    cal = CALENDARS[pid]
    sy = periods.school_year_period(cal, year)
    autumn = periods.term_period(cal, year, "autumn")
    spring = periods.term_period(cal, year + 1, "spring")
    assert autumn.start == sy.start and spring.end == sy.end
    assert spring.start - autumn.end == dt.timedelta(days=1)


def test_yiyuan_autumn_rows_match_seed_annex2() -> None:
    cal = CALENDARS["yiyuan-2022"]
    rows = periods.plan_rows(cal, periods.parse_term(cal, "2022-autumn"))
    assert [r.label for r in rows] == ["7-8月", "9月", "10月", "11月", "12-2023年1月"]
    assert rows[-1].key == "2022-12" and rows[-1].end == dt.date(2023, 1, 31)


def test_leap_day_and_month_edges() -> None:
    cal = CALENDARS["gaotai-2020"]
    assert periods.plan_row_of(cal, dt.date(2024, 2, 29)).label == "2月"
    assert periods.term_of(cal, dt.date(2024, 2, 29)).label == "2024年春季学期"
    assert periods.term_of(cal, dt.date(2025, 1, 31)).label == "2024年秋季学期"
    assert periods.term_of(cal, dt.date(2025, 8, 31)).label == "2025年春季学期"
    assert periods.school_year_period(cal, 2024).label == "2024—2025学年"


@pytest.mark.parametrize("text", ["2024-13", "2024", "24-01", "2024-1-1"])
def test_bad_month(text: str) -> None:
    with pytest.raises(UserError, match="YYYY-MM"):
        periods.parse_month(text)


def test_calendar_check_catches_mistakes() -> None:
    assert "1–12" in periods.Calendar(plan_rows=((9,), (10,))).check()
    assert (
        "学年顺序"
        in periods.Calendar(
            autumn_start=9,
            plan_rows=((9, 11), (10,), (12,), (1,), (2,), (3,), (4,), (5,), (6,), (7,), (8,)),
        ).check()
    )
    assert (
        "跨越"
        in periods.Calendar(
            autumn_start=9,
            plan_rows=((9,), (10,), (11,), (12,), (1, 2), (3,), (4,), (5,), (6,), (7,), (8,)),
        ).check()
    )
