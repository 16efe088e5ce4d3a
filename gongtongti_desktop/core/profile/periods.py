"""Reporting periods of a programme: months, plan rows, terms and school years.

The calendar is profile data (``[calendar]`` in programme.toml): the month the autumn term
starts (it ends in January; the spring term runs from February to the month before), and how
the monthly plan table groups months into rows. Yiyuan's 附件2 starts its autumn half-year with
a merged "7-8月" row and merges "12-次年1月", so its autumn term is July–January; elsewhere the
autumn term is September–January and the summer months belong to the spring term. Either way
every day falls in exactly one plan row, one term and one school year (tested with hypothesis).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal, NamedTuple

from gongtongti_desktop.core.profile.dates import ProgrammeDates
from gongtongti_desktop.errors import UserError

PeriodKind = Literal["month", "term", "school_year", "year"]


class Calendar(NamedTuple):
    """How a programme cuts up its school year: term start, plan rows, report deadlines differ
    from notice to notice."""

    autumn_start: int = 9  # month the autumn term (and the school year) starts
    plan_rows: tuple[tuple[int, ...], ...] = tuple(
        (m,) for m in (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)
    )
    monthly_report_day: int = 0  # materials due by this day of the month (0: no deadline)
    # True: a month's materials are due on the report day of the month after it (盘锦 "每月20日前
    # 将月报表报送": the report of September by 20 October); False: of the same month (高台).
    report_next_month: bool = False
    # False: a record entered after its period's deadline does not count (高台 "凡当月末没有及时
    # 上报资料的视为本月内没有开展帮扶工作"); True: it counts, shown as 逾期补录.
    late_counts: bool = True
    # A photo whose capture time (EXIF) is more than this many days from its activity's date is
    # flagged (a flag, never a refusal): phones' clocks and late uploads allow a little slack.
    photo_days: int = 3
    dates: ProgrammeDates = ProgrammeDates()  # the programme's own dates

    def check(self) -> str:
        """An error message when the calendar is inconsistent, else ''."""
        if not 2 <= self.autumn_start <= 12:
            return "autumn_start 应为 2–12 之间的月份"
        months = [m for row in self.plan_rows for m in row]
        if sorted(months) != list(range(1, 13)):
            return "plan_rows 必须恰好包含 1–12 月各一次"
        order = _school_year_order(self.autumn_start)
        positions = [order.index(m) for m in months]
        if positions != sorted(positions):
            return f"plan_rows 应按学年顺序排列（从 {self.autumn_start} 月开始）"
        for row in self.plan_rows:
            idx = [order.index(m) for m in row]
            if idx != list(range(idx[0], idx[0] + len(idx))):
                return f"plan_rows 中 {row} 的月份不连续"
            if len({_term_name(self, m) for m in row}) > 1:
                return f"plan_rows 中 {row} 跨越了两个学期"
        return ""


class Period(NamedTuple):
    """A month, term, school year or calendar year: what a rule or a form counts over."""

    kind: PeriodKind
    start: dt.date  # first day
    end: dt.date  # last day
    label: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


class PlanRow(NamedTuple):
    """One row of the monthly plan table: one or more consecutive months."""

    label: str
    months: tuple[tuple[int, int], ...]  # (year, month)
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        """``YYYY-MM`` of its first month: how plan items are filed."""
        y, m = self.months[0]
        return f"{y:04d}-{m:02d}"


def _school_year_order(autumn_start: int) -> list[int]:
    return [(autumn_start - 1 + i) % 12 + 1 for i in range(12)]


def _term_name(cal: Calendar, month: int) -> str:
    return "autumn" if month >= cal.autumn_start or month == 1 else "spring"


def month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def month_period(year: int, month: int) -> Period:
    return Period("month", dt.date(year, month, 1), month_end(year, month), f"{year}年{month}月")


def school_year_of(cal: Calendar, day: dt.date) -> int:
    """The school year a day belongs to, named by the calendar year it starts in."""
    return day.year if day.month >= cal.autumn_start else day.year - 1


def school_year_period(cal: Calendar, year: int) -> Period:
    start = dt.date(year, cal.autumn_start, 1)
    last_month = cal.autumn_start - 1
    return Period("school_year", start, month_end(year + 1, last_month), f"{year}—{year + 1}学年")


def term_period(cal: Calendar, year: int, name: str) -> Period:
    """``year`` is the calendar year the term starts in."""
    if name == "autumn":
        return Period(
            "term",
            dt.date(year, cal.autumn_start, 1),
            dt.date(year + 1, 1, 31),
            f"{year}年秋季学期",
        )
    return Period(
        "term", dt.date(year, 2, 1), month_end(year, cal.autumn_start - 1), f"{year}年春季学期"
    )


def year_period(year: int) -> Period:
    """A calendar year (盘锦's years run from January; its 2024 begins in September)."""
    return Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")


def term_of(cal: Calendar, day: dt.date) -> Period:
    if _term_name(cal, day.month) == "autumn":
        return term_period(cal, day.year if day.month != 1 else day.year - 1, "autumn")
    return term_period(cal, day.year, "spring")


def plan_row_of(cal: Calendar, day: dt.date) -> PlanRow:
    for row in plan_rows(cal, school_year_period(cal, school_year_of(cal, day))):
        if row.start <= day <= row.end:
            return row
    raise AssertionError("calendar does not cover every day")  # Calendar.check prevents this


def plan_rows(cal: Calendar, period: Period) -> list[PlanRow]:
    """The plan-table rows that overlap a period (a month, term or school year), in order."""
    rows: list[PlanRow] = []
    for sy in range(school_year_of(cal, period.start), school_year_of(cal, period.end) + 1):
        for group in cal.plan_rows:
            months = tuple((sy if m >= cal.autumn_start else sy + 1, m) for m in group)
            start = dt.date(months[0][0], months[0][1], 1)
            end = month_end(*months[-1])
            if start <= period.end and end >= period.start:
                rows.append(PlanRow(_row_label(months), months, start, end))
    return rows


def _row_label(months: tuple[tuple[int, int], ...]) -> str:
    """ "9月", "7-8月", and across New Year as in 沂源县源教体发〔2022〕11号: "12-2023年1月"."""
    (y1, m1), (y2, m2) = months[0], months[-1]
    if len(months) == 1:
        return f"{m1}月"
    if y1 == y2:
        return f"{m1}-{m2}月"
    return f"{m1}-{y2}年{m2}月"


# -- parsing what a user typed (CLI --month/--term/--year) -----------------------------------


def parse_month(text: str) -> Period:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UserError(f"月份“{text}”格式不对，应为 YYYY-MM，例如 2024-10")
    return month_period(int(m.group(1)), int(m.group(2)))


def parse_term(cal: Calendar, text: str) -> Period:
    m = re.fullmatch(r"(\d{4})-(autumn|spring|秋季|春季)", text.strip())
    if not m:
        raise UserError(f"学期“{text}”格式不对，应为 YYYY-autumn 或 YYYY-spring，例如 2024-autumn")
    name = "autumn" if m.group(2) in ("autumn", "秋季") else "spring"
    return term_period(cal, int(m.group(1)), name)


def parse_school_year(cal: Calendar, text: str) -> Period:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise UserError(f"学年“{text}”格式不对，应为 YYYY（学年开始的年份），例如 2024")
    return school_year_period(cal, int(text))


# -- keys: how scores, summaries and rule results name a period in the data file --------------


def period_key(period: Period) -> str:
    """ "2024-09" for a month or plan row (its first month), "2024-autumn" / "2025-spring" for
    a term (the calendar year it starts in), "2024" for a school year, "2024-year" for a
    calendar year."""
    if period.kind == "year":
        return f"{period.start.year:04d}-year"
    if period.kind == "month":
        return f"{period.start.year:04d}-{period.start.month:02d}"
    if period.kind == "term":
        name = "spring" if period.start.month == 2 else "autumn"
        return f"{period.start.year:04d}-{name}"
    return f"{period.start.year:04d}"


def period_from_key(cal: Calendar, key: str) -> Period:
    """The inverse of ``period_key`` (a month key gives its plan row); UserError if malformed."""
    if re.fullmatch(r"\d{4}-\d{2}", key):
        return plan_row_period(cal, plan_row_of(cal, parse_month(key).start))
    if re.fullmatch(r"\d{4}-(autumn|spring)", key):
        return parse_term(cal, key)
    if re.fullmatch(r"\d{4}-year", key):
        return year_period(int(key[:4]))
    return parse_school_year(cal, key)


def plan_row_period(cal: Calendar, row: PlanRow) -> Period:
    """A plan row as a "month" period, named by ``plan_row_label``."""
    return Period("month", row.start, row.end, plan_row_label(row))


def plan_row_label(row: PlanRow) -> str:
    """A plan row named with its year: "2024年7-8月", "2024年9月", and across New Year
    "2024年12月—2025年1月" (the table's own "12-2025年1月" read as "2024年12-2025年1月",
    which looks like a range of years)."""
    (y1, m1), (y2, m2) = row.months[0], row.months[-1]
    return f"{y1}年{m1}月—{y2}年{m2}月" if y1 != y2 else f"{y1}年{row.label}"


def periods_within(cal: Calendar, per: PeriodKind, period: Period) -> list[Period]:
    """The months (plan rows), terms or school years overlapping ``period``, in order."""
    if per == "month":
        return [plan_row_period(cal, row) for row in plan_rows(cal, period)]
    out: list[Period] = []
    current = period_containing(cal, per, period.start)
    while current is not None and current.start <= period.end:
        out.append(current)
        current = period_containing(cal, per, current.end + dt.timedelta(days=1))
    return out


def period_containing(cal: Calendar, per: PeriodKind, day: dt.date) -> Period:
    """The month (plan row), term or school year a day falls in."""
    if per == "month":
        return plan_row_period(cal, plan_row_of(cal, day))
    if per == "term":
        return term_of(cal, day)
    if per == "year":
        return year_period(day.year)
    return school_year_period(cal, school_year_of(cal, day))


def previous_period(cal: Calendar, period: Period) -> Period:
    """The month (plan row), term or school year just before ``period``."""
    return period_containing(cal, period.kind, period.start - dt.timedelta(days=1))
