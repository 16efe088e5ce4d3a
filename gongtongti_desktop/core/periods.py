"""Reporting periods named on the command line: a month, a term, or a (school) year.

Terms follow the seeds: the autumn term runs September to January, the spring term February
to July; ``2024-autumn`` is the term that starts in September 2024.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from gongtongti_desktop.errors import UserError

PeriodKind = Literal["month", "term", "year"]


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: dt.date  # first day
    end: dt.date  # last day
    label: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def month(text: str) -> Period:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UserError(f"月份“{text}”格式不对，应为 YYYY-MM，例如 2024-10")
    year, mon = int(m.group(1)), int(m.group(2))
    return Period("month", dt.date(year, mon, 1), _month_end(year, mon), f"{year}年{mon}月")


def term(text: str) -> Period:
    m = re.fullmatch(r"(\d{4})-(autumn|spring|秋季|春季)", text.strip())
    if not m:
        raise UserError(f"学期“{text}”格式不对，应为 YYYY-autumn 或 YYYY-spring，例如 2024-autumn")
    year = int(m.group(1))
    if m.group(2) in ("autumn", "秋季"):
        return Period("term", dt.date(year, 9, 1), dt.date(year + 1, 1, 31), f"{year}年秋季学期")
    return Period("term", dt.date(year, 2, 1), dt.date(year, 7, 31), f"{year}年春季学期")


def year(text: str) -> Period:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise UserError(f"年份“{text}”格式不对，应为 YYYY，例如 2024")
    y = int(text)
    return Period("year", dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}年")
