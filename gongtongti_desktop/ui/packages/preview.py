"""What the 导出上报包 dialog shows before anything is written — without Qt.

The dialog must tell the director, before the records are marked reported, what the package
will carry and what changed since the last one (the notices warn that changed records must be
visible, not hidden). Every figure comes from core (``reporting.collect``,
``changes_since_last``, ``last_export``, ``stage_reports.is_unedited_draft``) and the period is
named as the package will name it (``package_period``: a month is its plan row). Kept free of
Qt so it is tested without a screen, like core.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import reporting, stage_reports
from gongtongti_desktop.core.records.reporting import Changes
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package.write import package_period

FIRST_REPORT = "首次上报"
NO_CHANGE = "与上次上报相比没有变化"


@dataclass
class ExportPreview:
    period: Period  # as the package names it
    counts: dict[str, int]  # records per table
    changes: Changes  # since the last package written or read
    last: dict[str, Any] | None  # the last export_log row of an export
    last_period_label: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def first(self) -> bool:
        return self.last is None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def headline(self) -> str:
        """One line: "首次上报" or "新增 n 条，修改 m 条，删除 k 条"."""
        if self.first:
            return f"{FIRST_REPORT}：本期共 {self.total} 条记录"
        if self.changes.empty:
            return NO_CHANGE
        c = self.changes
        return (
            f"自上次上报以来：新增 {len(c.new)} 条，修改 {len(c.changed)} 条，"
            f"删除 {len(c.deleted)} 条"
        )

    def detail_lines(self) -> list[str]:
        """The records per table, then (after an earlier export) the changed records listed."""
        lines = [f"本期 {self.total} 条记录："]
        lines += [f"  {reporting.TABLE_LABELS[t]} {n} 条" for t, n in self.counts.items() if n]
        if not self.first:
            lines += self.changes.summary_lines()
        return lines

    def last_text(self) -> str:
        if self.last is None:
            return "尚未导出过上报数据包。"
        when = _stamp(str(self.last["created_at"]))
        what = f"{self.last_period_label}，{self.last['record_count']} 条记录"
        return f"上次导出：{when}（{what}）\n{self.last['path']}"


def _stamp(text: str) -> str:
    try:
        return dt.datetime.fromisoformat(text).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text


def _period_label(programme: Programme, key: str) -> str:
    try:
        return periods.period_from_key(programme.calendar, key).label
    except UserError:
        return key


def draft_warnings(programme: Programme, records: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Stage summaries still exactly as "draft from records" wrote them: the director should
    read and edit them before the bureau does."""
    return [
        f"阶段总结（{_period_label(programme, str(row['period']))}）仍是系统起草的原文，尚未修改"
        for row in records.get("stage_summary", [])
        if not row.get("deleted_at") and stage_reports.is_unedited_draft(row)
    ]


def export_preview(store: Store, programme: Programme, period: Period) -> ExportPreview:
    """Read-only: what exporting ``period`` now would put in the package."""
    period = package_period(programme, period)
    records = reporting.collect(store, programme, period)
    last = reporting.last_export(store)
    return ExportPreview(
        period=period,
        counts={t: len(rows) for t, rows in records.items()},
        changes=reporting.changes_since_last(store, records),
        last=last,
        last_period_label=_period_label(programme, str(last["period"])) if last else "",
        warnings=draft_warnings(programme, records),
    )
