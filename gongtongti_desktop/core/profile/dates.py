"""A programme's own dates (``[dates]`` in programme.toml): when it starts and ends and its stages.

沂源's 共同体 ran "自2022年7月开始至2024年12月结束" in three yearly stages; 盘锦's plan runs 2024–2026
with dated stages. After the end nothing more is demanded (a period that begins after it is not
a miss); before the start nothing is demanded either. A programme without dates (the notice
gives none) is open at both ends. Stages may overlap (盘锦's 总结评估 each December falls inside
its 帮扶实施); the stages of a day are all those containing it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable
from gongtongti_desktop.core.timeutil import chinese_date

if TYPE_CHECKING:  # periods holds the dates in its Calendar: imported there, not here
    from gongtongti_desktop.core.profile.periods import Period


class Stage(NamedTuple):
    """A stage of the programme (启动、实施、总结 …) with the dates its notice gives, if any."""

    name: str
    start: dt.date | None = None  # None: the notice gives no date
    end: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        if self.start is None and self.end is None:
            return False  # an undated stage is never "current"
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def span(self) -> str:
        """ "2022年7月1日—2023年6月30日", "2025年7月1日起", "" (undated)."""
        if self.start and self.end:
            return f"{chinese_date(self.start)}—{chinese_date(self.end)}"
        if self.start:
            return f"{chinese_date(self.start)}起"
        if self.end:
            return f"至{chinese_date(self.end)}"
        return ""


class ProgrammeDates(NamedTuple):
    """The programme's span and stages as its notice dates them: 概览 says where today lies."""

    start: dt.date | None = None
    end: dt.date | None = None
    stages: tuple[Stage, ...] = ()
    source: str = ""  # the notice's words for the dates

    def demands(self, period: Period) -> bool:
        """Whether the programme asks anything of ``period``: it overlaps the programme."""
        if self.end is not None and period.start > self.end:
            return False
        return not (self.start is not None and period.end < self.start)

    def ended(self, day: dt.date) -> bool:
        return self.end is not None and day > self.end

    def not_begun(self, day: dt.date) -> bool:
        return self.start is not None and day < self.start

    def stages_on(self, day: dt.date) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.contains(day))

    def span(self) -> tuple[dt.date, dt.date] | None:
        """The programme's first and last day (for rules over the roster), None when open at
        both ends; an open end is the earliest or latest date there is."""
        if self.start is None and self.end is None:
            return None
        return (self.start or dt.date.min, self.end or dt.date.max)

    def status(self, day: dt.date) -> str:
        """One line for 概览 and ``check``: ended, not begun, or the stage(s) of ``day``."""
        if self.ended(day):
            assert self.end is not None
            return f"本方案已于{chinese_date(self.end)}结束，此后不再要求新的记录。"
        if self.not_begun(day):
            assert self.start is not None
            return f"本方案自{chinese_date(self.start)}开始，尚未开始。"
        current = self.stages_on(day)
        if current:
            names = "、".join(f"{s.name}（{s.span}）" for s in current)
            return f"当前阶段：{names}"
        if self.end is not None:
            return f"本方案至{chinese_date(self.end)}结束。"
        return ""


def _date(t: TomlTable, key: str) -> dt.date | None:
    value = t.get(key, object, None)
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ProfileError(
            f"{t.where}：{key} 应为日期（例如 2022-07-01，不加引号），实际为 {value!r}"
        )
    return value


def load_dates(raw: dict | None, where: str) -> ProgrammeDates:
    """``[dates]`` of programme.toml (absent: open at both ends), checked: ends not before starts."""
    if raw is None:
        return ProgrammeDates()
    t = TomlTable(raw, f"{where} [dates]")
    dates = ProgrammeDates(
        start=_date(t, "start"),
        end=_date(t, "end"),
        source=t.get("source", str, ""),
        stages=tuple(_stage(st) for st in _stage_tables(t, where)),
    )
    t.done()
    spans = [("", dates.start, dates.end), *((s.name, s.start, s.end) for s in dates.stages)]
    for name, start, end in spans:
        if start and end and end < start:
            raise ProfileError(f"{t.where}：{name or '方案'}的结束日期早于开始日期")
    for stage in dates.stages:
        outside = (dates.start and stage.start and stage.start < dates.start) or (
            dates.end and stage.end and stage.end > dates.end
        )
        if outside:
            raise ProfileError(f"{t.where}：阶段“{stage.name}”超出了方案的起止日期")
    return dates


def _stage_tables(t: TomlTable, where: str) -> list[TomlTable]:
    """``[[dates.stages]]``, each named "programme.toml dates.stages[2]" in messages (the name the
    profile reference files its keys under)."""
    raw = t.get("stages", list, [])
    if not all(isinstance(item, dict) for item in raw):
        raise ProfileError(f"{t.where}：stages 的每一项应为表（[[dates.stages]]）")
    return [TomlTable(item, f"{where} dates.stages[{n}]") for n, item in enumerate(raw, 1)]


def _stage(t: TomlTable) -> Stage:
    stage = Stage(t.get("name", str, required=True), _date(t, "start"), _date(t, "end"))
    t.done()
    return stage
