"""core/overview.py: the next deadline (month ends, February, the 30th/31st, no report day),
activities per plan row and kind, the last export, and the 字数 of a text."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from gongtongti_desktop.core.checks import overview
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Calendar
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import roster

GAOTAI = get_programme("gaotai-2020").calendar  # report day 30, one row per month
YIYUAN = get_programme("yiyuan-2022").calendar  # no report day, 7-8月 and 12-1月 merged
PANJIN = GAOTAI._replace(monthly_report_day=20)


def test_the_profiles_are_what_the_tests_assume() -> None:
    assert GAOTAI.monthly_report_day == 30 and YIYUAN.monthly_report_day == 0
    assert (7, 8) in YIYUAN.plan_rows and (12, 1) in YIYUAN.plan_rows


@pytest.mark.parametrize(
    ("cal", "today", "due", "left"),
    [
        # Gaotai: the 30th of this month ...
        (GAOTAI, dt.date(2020, 10, 1), dt.date(2020, 10, 30), 29),
        (GAOTAI, dt.date(2020, 10, 30), dt.date(2020, 10, 30), 0),
        # ... on the 31st it has passed: next month's 30th
        (GAOTAI, dt.date(2020, 10, 31), dt.date(2020, 11, 30), 30),
        (GAOTAI, dt.date(2020, 12, 31), dt.date(2021, 1, 30), 30),
        # February has no 30th: its last day (leap year and not)
        (GAOTAI, dt.date(2021, 1, 31), dt.date(2021, 2, 28), 28),
        (GAOTAI, dt.date(2020, 2, 3), dt.date(2020, 2, 29), 26),
        (GAOTAI, dt.date(2021, 2, 28), dt.date(2021, 2, 28), 0),
        (GAOTAI, dt.date(2021, 3, 1), dt.date(2021, 3, 30), 29),
        # Panjin: the 20th
        (PANJIN, dt.date(2024, 5, 20), dt.date(2024, 5, 20), 0),
        (PANJIN, dt.date(2024, 5, 21), dt.date(2024, 6, 20), 30),
        (PANJIN, dt.date(2024, 12, 31), dt.date(2025, 1, 20), 20),
        # Yiyuan: no report day, the end of the plan row (7-8月 and 12-次年1月 are one row)
        (YIYUAN, dt.date(2024, 7, 10), dt.date(2024, 8, 31), 52),
        (YIYUAN, dt.date(2024, 12, 31), dt.date(2025, 1, 31), 31),
        (YIYUAN, dt.date(2025, 2, 28), dt.date(2025, 2, 28), 0),
        (YIYUAN, dt.date(2024, 9, 30), dt.date(2024, 9, 30), 0),
    ],
)
def test_next_deadline(cal: Calendar, today: dt.date, due: dt.date, left: int) -> None:
    deadline = overview.next_deadline(cal, today)
    assert (deadline.day, deadline.days_left) == (due, left)
    assert deadline.days_left == (deadline.day - today).days
    assert deadline.period.contains(deadline.day)
    assert deadline.report_day == bool(cal.monthly_report_day)


@pytest.mark.parametrize("cal", [GAOTAI, YIYUAN, PANJIN])
def test_next_deadline_every_day_of_two_years(cal: Calendar) -> None:
    """Never in the past, never more than a plan row ahead, and the due day of the period."""
    day = dt.date(2023, 7, 1)
    while day < dt.date(2025, 7, 1):
        deadline = overview.next_deadline(cal, day)
        assert deadline.day >= day
        assert deadline.days_left <= 62
        row = deadline.period
        if cal.monthly_report_day:
            assert deadline.day.day == min(cal.monthly_report_day, row.end.day)
        else:
            assert deadline.day == row.end
        day += dt.timedelta(days=1)


def _activity(store: Store, programme, day: str, kind: str) -> str:
    """One activity saved through core (hosted by the file's one kindergarten)."""
    rows = store.query("SELECT id FROM kindergarten WHERE deleted_at IS NULL")
    host = rows[0]["id"] if rows else None
    if host is None:
        host = roster.save_record(store, programme, "kindergarten", {"name": "城关幼儿园"})
    values = {"day": day, "kind": kind, "title": f"{kind}活动", "mode": "线下", "host_id": host}
    return records.save_record(store, programme, "activity", values)


def test_activity_counts_by_plan_row_and_kind(store, programme) -> None:
    made = [
        ("2024-07-05", "专题讲座"),
        ("2024-08-20", "专题讲座"),  # July and August: one row
        ("2024-08-21", "会议"),
        ("2024-10-10", "会议"),
        ("2024-12-30", "网络研修"),
        ("2025-01-08", "网络研修"),  # December and January: one row
        ("2025-06-30", "线下教研"),
        ("2025-07-01", "线下教研"),  # next school year
        ("2024-06-30", "会议"),  # previous school year
    ]
    for day, kind in made:
        _activity(store, programme, day, kind)
    records.delete_record(store, "activity", _activity(store, programme, "2024-10-11", "会议"))
    year = periods.school_year_period(programme.calendar, 2024)
    counts = overview.activity_counts(store, programme.calendar, year, programme.activity_kinds)
    assert [r.label for r in counts.rows] == [
        r.label for r in periods.plan_rows(programme.calendar, year)
    ]
    assert counts.labels[0] == "7-8月" and counts.labels[4] == "12-1月"
    # expected from the list above: each dated activity in the year, counted in its row
    expected: Counter[tuple[str, int]] = Counter()
    for day, kind in made:
        d = dt.date.fromisoformat(day)
        if year.contains(d):
            row = next(i for i, r in enumerate(counts.rows) if r.start <= d <= r.end)
            expected[(kind, row)] += 1
    got = Counter(
        {(k, i): n for k, values in counts.counts.items() for i, n in enumerate(values) if n}
    )
    assert got == expected
    assert counts.total() == sum(expected.values()) == 7
    assert sum(counts.row_totals()) == counts.total()
    # only kinds that occur, in the programme's order
    order = programme.activity_kinds
    assert list(counts.kinds) == sorted({k for k, _ in expected}, key=order.index)


def test_activity_counts_empty_and_unknown_kinds(store, programme) -> None:
    year = periods.school_year_period(programme.calendar, 2024)
    empty = overview.activity_counts(store, programme.calendar, year, programme.activity_kinds)
    assert empty.kinds == () and empty.total() == 0 and len(empty.labels) == 10
    # a kind no longer in the programme (an older file) still counts, after the known ones
    _activity(store, programme, "2024-09-03", "会议")
    store.execute(
        "UPDATE activity SET kind = '旧类型' WHERE id = ?",
        [_activity(store, programme, "2024-09-04", "会议")],
    )
    counts = overview.activity_counts(store, programme.calendar, year, programme.activity_kinds)
    assert counts.kinds == ("会议", "旧类型")


def test_activity_counts_on_the_demo_equal_a_plain_count(demo_store) -> None:
    programme = get_programme(demo_store.programme_id)
    cal = programme.calendar
    (first_day,) = demo_store.conn.execute("SELECT min(day) FROM activity").fetchone()
    year = periods.period_containing(cal, "school_year", dt.date.fromisoformat(first_day))
    counts = overview.activity_counts(demo_store, cal, year, programme.activity_kinds)
    for kind in counts.kinds:
        for row, n in zip(counts.rows, counts.counts[kind], strict=True):
            (plain,) = demo_store.conn.execute(
                "SELECT count(*) FROM activity WHERE deleted_at IS NULL AND kind = ?"
                " AND day >= ? AND day <= ?",
                [kind, row.start.isoformat(), row.end.isoformat()],
            ).fetchone()
            assert n == plain
    assert counts.total() > 0


def test_last_export(store) -> None:
    assert overview.last_export(store) is None
    store.set_setting("last_export_at", "2024-10-10T14:32:05+08:00")
    store.set_setting("last_export_path", "D:/上报/2024.xlsx")
    last = overview.last_export(store)
    assert last is not None and last.path == "D:/上报/2024.xlsx"
    expected = dt.datetime.fromisoformat("2024-10-10T14:32:05+08:00").astimezone()
    assert last.at == expected.replace(tzinfo=None)
    store.set_setting("last_export_at", "昨天")
    last = overview.last_export(store)
    assert last is not None and last.at is None and last.at_text == "昨天"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("开展送教下乡活动。", 9),
        ("  一、\n二 ", 3),
        ("2024年共开展12次PPT讲座", 10),  # 2024 年 共 开 展 12 次 PPT 讲 座
        ("“八个一”", 5),
        ("v1.5 版本", 3),
        ("a + b = c", 3),
    ],
)
def test_char_count(text: str, count: int) -> None:
    assert overview.char_count(text) == count
