"""Figures the 概览 and 阶段总结 tabs show that are not records themselves: the next reporting
deadline, the activities of a school year counted by plan row and kind, when the data was last
exported, and the length of a text as a Chinese office counts it.

Kept out of the window (no Qt here) so each figure can be tested without a screen and the
tabs only lay them out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import NamedTuple

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Calendar, Period, PlanRow

# -- the next deadline ------------------------------------------------------------------------


class Deadline(NamedTuple):
    """The next day materials are due, and for which period.

    ``report_day`` is True when the day is the profile's monthly report day (Gaotai "每月30日前",
    Panjin "20日前"); False when the profile has none and the day is simply the last day of the
    current plan row — the window labels the two differently.
    """

    day: dt.date
    days_left: int  # 0: due today
    period: Period  # the plan row whose materials are due
    report_day: bool


def _due(cal: Calendar, row: Period) -> dt.date:
    """The same day ``rules.deadline`` gives a monthly rule: the report day of the row's last
    month, clamped to that month's end (30 → 28 in February); no report day → the row's end."""
    if cal.monthly_report_day:
        return row.end.replace(day=min(cal.monthly_report_day, row.end.day))
    return row.end


def next_deadline(cal: Calendar, today: dt.date) -> Deadline:
    """The first due day on or after ``today``: the current plan row's, or — when that one has
    passed (Gaotai on the 31st) — the next row's."""
    row = periods.period_containing(cal, "month", today)
    due = _due(cal, row)
    if due < today:
        row = periods.period_containing(cal, "month", row.end + dt.timedelta(days=1))
        due = _due(cal, row)
    return Deadline(due, (due - today).days, row, bool(cal.monthly_report_day))


# -- activities per plan row and kind ---------------------------------------------------------


class ActivityCounts(NamedTuple):
    """Activities of a period by plan row (the rows of 附件2 / the Gaotai plan, so Yiyuan's
    7-8月 is one bar, as its rules count it) and by kind.

    ``counts[kind][i]`` is the number of ``kind`` activities in ``rows[i]``; ``kinds`` lists
    only kinds that occur, in the programme's order, then any others in name order.
    """

    period: Period
    rows: tuple[PlanRow, ...]
    labels: tuple[str, ...]  # short month labels: "7-8月", "9月", "12-1月"
    kinds: tuple[str, ...]
    counts: dict[str, tuple[int, ...]]

    def total(self) -> int:
        return sum(sum(values) for values in self.counts.values())

    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(self.counts[k][i] for k in self.kinds) for i in range(len(self.rows)))


def short_label(row: PlanRow) -> str:
    """A plan row named by its months only ("12-1月", not "12-2025年1月"): axis labels must be
    short, and the chart's title already says which school year."""
    first, last = row.months[0][1], row.months[-1][1]
    return f"{first}月" if len(row.months) == 1 else f"{first}-{last}月"


def activity_counts(
    store: Store, cal: Calendar, period: Period, kind_order: tuple[str, ...] = ()
) -> ActivityCounts:
    """Counts by plan row and kind of the activities (not deleted) dated within ``period``.

    One GROUP BY over ``activity(day, kind)`` by calendar month; the months are then added up
    into plan rows here.
    """
    sql = (
        "SELECT substr(day, 1, 7) AS month, kind, count(*) FROM activity"
        " WHERE deleted_at IS NULL AND day BETWEEN ? AND ? GROUP BY month, kind"
    )
    found = store.conn.execute(sql, [period.start.isoformat(), period.end.isoformat()])
    return counts_by_month(cal, period, found, kind_order)


def counts_by_month(
    cal: Calendar,
    period: Period,
    found: Iterable[tuple[str, str, int]],
    kind_order: tuple[str, ...] = (),
) -> ActivityCounts:
    """``activity_counts`` from (month "YYYY-MM", kind, count) of the activities (not
    deleted) dated within ``period`` — the 汇总 counts a package's records without a data
    file (exchange.rollup.figures) and shares the rest of the way here."""
    rows = tuple(periods.plan_rows(cal, period))
    row_of_month = {month: i for i, row in enumerate(rows) for month in row.months}
    by_kind: dict[str, list[int]] = {}
    for month, kind, count in found:
        year, number = (int(part) for part in month.split("-"))
        index = row_of_month.get((year, number))
        if index is None:  # a row only partly inside ``period`` (cannot happen for whole terms)
            continue
        by_kind.setdefault(kind, [0] * len(rows))[index] += count
    order = {kind: n for n, kind in enumerate(kind_order)}
    kinds = tuple(sorted(by_kind, key=lambda k: (order.get(k, len(order)), k)))
    return ActivityCounts(
        period,
        rows,
        tuple(short_label(row) for row in rows),
        kinds,
        {kind: tuple(by_kind[kind]) for kind in kinds},
    )


# -- the last export --------------------------------------------------------------------------


class LastExport(NamedTuple):
    """When and where the last 上报包 was exported: 概览 shows whether the latest is sent."""

    at: dt.datetime | None  # local time; None when the setting is not a valid time
    at_text: str  # as stored, shown when it cannot be parsed
    path: str


def last_export(store: Store) -> LastExport | None:
    """When and where the tables were last exported (settings ``last_export_at`` / ``_path``,
    written by the export); None when never."""
    text = store.setting("last_export_at").strip()
    if not text:
        return None
    try:
        at: dt.datetime | None = dt.datetime.fromisoformat(text)
    except ValueError:
        at = None
    if at is not None and at.tzinfo is not None:
        at = at.astimezone().replace(tzinfo=None)
    return LastExport(at, text, store.setting("last_export_path").strip())


# -- text length ------------------------------------------------------------------------------

# One "字" each: CJK ideographs (with extension A and compatibility forms), fullwidth and CJK
# punctuation. One each, too: a run of Latin letters or digits ("2024", "PPT"), as word
# processors count "字数" for Chinese text — what a bureau means by "不少于1000字". Compiled on
# first use (re's own cache), not when 概览's module loads.
_CHAR_UNITS = (
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u2014]"
    r"|[A-Za-z0-9]+(?:[.'’-][A-Za-z0-9]+)*"
)


def char_count(text: str) -> int:
    """字数 of a text: Chinese characters and punctuation one each, a Latin word or a number
    one each; spaces, line breaks and stray ASCII symbols are not counted."""
    return len(re.findall(_CHAR_UNITS, text))
