"""上报前检查: what is still open in a period before its upload package is written.

Why a list and not a refusal: a director exports on the bureau's day whatever state the records
are in; what matters is that she sees the gaps while she can still fix them, and that the bureau
sees the ones she left (the package's manifest carries this list, ``exchange/package/write.py``).

Each line is an ``OpenItem`` naming the record it concerns (record type + id, or a rule and its
period) so the window can open it. The list is made by ``SOURCES``: one function per kind,
``(store, programme, period, today) -> list[OpenItem]``. A new kind of gap (forms printed but
not signed back, photo flags) is one more function and one more ``Source`` line; nothing else
here changes. The counting is not redone: late entries and missed rules are the rule engine's
verdicts (``rules.evaluate``), roster gaps are ``roster_rules.findings``, untouched drafts are
``stage_reports.is_unedited_draft``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gongtongti_desktop.core.checks import photo_flags, roster_rules, rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import stage_reports
from gongtongti_desktop.core.signed import status as signed_status
from gongtongti_desktop.core.timeutil import chinese_date

WARNING, NOTE = "warning", "note"  # severity: a gap the bureau counts / a period still running

# What an item points at. "rule" names a rule id and ``period`` the rule period it missed.
# "signed_form" names a form id (its period in ``period``): it opens 签字件情况.
ACTIVITY, PLAN_ITEM, STAGE_SUMMARY, PAIRING, RULE, SIGNED_FORM = (
    "activity", "plan_item", "stage_summary", "pairing", "rule", "signed_form",
)  # fmt: skip


@dataclass(frozen=True)
class OpenItem:
    """One line of the list: what kind of gap, how serious, the Chinese sentence, and the record
    it names (``record_type`` + ``record_id``; ``period``: the period key it concerns)."""

    kind: str
    severity: str
    text: str
    record_type: str
    record_id: str
    period: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "text": self.text,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "period": self.period,
        }


Finder = Callable[[Store, Programme, Period, dt.date], list[OpenItem]]


@dataclass(frozen=True)
class Source:
    kind: str
    label: str  # the group's heading, in the window, the CLI and the 汇总
    find: Finder


# -- the sources ------------------------------------------------------------------------------


def _activity_text(row: dict[str, Any]) -> str:
    day = dt.date.fromisoformat(row["day"])
    what = f"“{row['title']}”" if row.get("title") else row["kind"]
    return f"{chinese_date(day)} {what}"


def activities_without_photos(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> list[OpenItem]:
    """Activities of the period with no picture among their attachments: the notices ask for
    photos as the evidence of an activity (a document alone is not a photo)."""
    del programme, today
    rows = store.query(
        """SELECT a.id, a.day, a.kind, a.title FROM activity a
           WHERE a.deleted_at IS NULL AND a.day BETWEEN ? AND ?
           AND NOT EXISTS (SELECT 1 FROM attachment f WHERE f.activity_id = a.id
                           AND f.deleted_at IS NULL AND f.media_type LIKE 'image/%')
           ORDER BY a.day, a.start_time, a.id""",
        [period.start.isoformat(), period.end.isoformat()],
    )
    return [
        OpenItem("no_photos", WARNING, f"{_activity_text(r)}：没有照片", ACTIVITY, r["id"])
        for r in rows
    ]


def _results(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> list[rules.RuleResult]:
    since = rules.tracked_since(store)
    out = []
    for rule in programme.rules:
        out += rules.evaluate(store, programme.calendar, rule, period, today, since)
    return out


def _describe(store: Store, table: str, record_id: str) -> str:
    if table == "activity":
        rows = store.query("SELECT day, kind, title FROM activity WHERE id = ?", [record_id])
        return f"帮扶活动 {_activity_text(rows[0])}" if rows else "帮扶活动"
    if table == "plan_item":
        rows = store.query("SELECT month, task FROM plan_item WHERE id = ?", [record_id])
        return f"月计划 {rows[0]['month']}“{rows[0]['task']}”" if rows else "月计划事项"
    rows = store.query("SELECT period FROM stage_summary WHERE id = ?", [record_id])
    return f"阶段总结（{rows[0]['period']}）" if rows else "阶段总结"


def late_entries(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> list[OpenItem]:
    """Records entered after their rule period's deadline (逾期补录), as the rule engine finds
    them; one line per record even when several rules count it."""
    seen: set[str] = set()
    out = []
    for result in _results(store, programme, period, today):
        counted = "仍计入" if result.late_counted else "按方案不计入"
        for record_id in result.late_ids:
            if record_id in seen:
                continue
            seen.add(record_id)
            entered = store.query(
                f"SELECT created_at FROM {result.table} WHERE id = ?", [record_id]
            )[0]["created_at"][:10]
            text = (
                f"{_describe(store, result.table, record_id)}：{entered} 才录入，晚于截止日期 "
                f"{chinese_date(result.deadline)}（{result.rule.label}，{counted}）"
            )
            out.append(OpenItem("late_entry", WARNING, text, result.table, record_id))
    return out


def missed_rules(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> list[OpenItem]:
    """The programme's rules not met in the rule periods of this period: closed ones missed
    (未达成, or over a strict maximum), and those due within the period still short
    (进行中); then what the roster lacks under ``[[roster_rules]]`` other than agreements."""
    out = []
    for r in _results(store, programme, period, today):
        over = r.status == rules.TOO_MANY and r.rule.strict_max
        due_inside = r.period.end <= period.end and r.period.start <= today
        if not (r.status == rules.MISSED or over or (r.status == rules.NOT_YET and due_inside)):
            continue
        state = r.status_text if r.closed else f"{r.status_text}，截止 {chinese_date(r.deadline)}"
        text = (
            f"{r.rule.label}：{r.period.label} {r.count} {r.rule.unit}，"
            f"要求 {r.rule.requirement}（{state}）"
        )
        severity = WARNING if r.closed else NOTE
        out.append(
            OpenItem("missed_rule", severity, text, RULE, r.rule.id, periods.period_key(r.period))
        )
    for f in _roster_findings(store, programme, period, today):
        if f.about != "agreement":
            out.append(_finding_item("missed_rule", f))
    return out


def _roster_findings(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> list[roster_rules.Finding]:
    span = programme.calendar.dates.span()
    start, end = period.start, period.end
    if span:
        start, end = max(start, span[0]), min(end, span[1])
    if start > end:
        return []
    return roster_rules.findings(
        store, programme.calendar, programme.roster_rules, today, (start, end)
    )


def _finding_item(kind: str, f: roster_rules.Finding) -> OpenItem:
    record_type = PAIRING if f.record_id else RULE
    return OpenItem(
        kind, WARNING if f.closed else NOTE, str(f), record_type, f.record_id or f.rule.id
    )


def pairings_without_agreements(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> list[OpenItem]:
    """Pairings active in the period with no signed agreement (no signing date), and what the
    programme's agreement rules find late or not filed for the others."""
    rows = store.query(
        """SELECT p.id, l.name AS lead_name, k.name AS partner_name FROM pairing p
           JOIN kindergarten l ON l.id = p.lead_id JOIN kindergarten k ON k.id = p.partner_id
           WHERE p.deleted_at IS NULL AND trim(p.agreement_signed) = ''
           AND (p.start_date = '' OR p.start_date <= ?) AND (p.end_date = '' OR p.end_date >= ?)
           ORDER BY l.name, p.sort_order, k.name""",
        [period.end.isoformat(), period.start.isoformat()],
    )
    unsigned = {r["id"] for r in rows}
    out = [
        OpenItem(
            "no_agreement", WARNING,
            f"结对“{r['lead_name']} — {r['partner_name']}”：没有帮扶协议（未填写签订日期）",
            PAIRING, r["id"],
        )
        for r in rows
    ]  # fmt: skip
    for f in _roster_findings(store, programme, period, today):
        if f.about == "agreement" and f.record_id not in unsigned:
            out.append(_finding_item("no_agreement", f))
    return out


def untouched_drafts(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> list[OpenItem]:
    """阶段总结 of periods overlapping this one that are still exactly the text "从记录起草"
    wrote: never read or edited, and not counted as written by the rules."""
    del today
    out = []
    rows = store.query("SELECT * FROM stage_summary WHERE deleted_at IS NULL ORDER BY period")
    for row in rows:
        if not stage_reports.is_unedited_draft(row):
            continue
        try:
            shown = periods.period_from_key(programme.calendar, row["period"])
        except ValueError:
            continue
        if shown.start <= period.end and shown.end >= period.start:
            text = f"阶段总结（{shown.label}）仍是“从记录起草”生成的原文，尚未修改"
            out.append(
                OpenItem("untouched_draft", WARNING, text, STAGE_SUMMARY, row["id"], row["period"])
            )
    return out


def forms_not_signed_back(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> list[OpenItem]:
    """Forms of the period printed but whose signed scans are not all filed back, and forms
    whose data changed after they were signed (``core/signed/status``). A form never printed
    is not listed: printing is the director's choice, the bureau asks for what she signs."""
    out = []
    for form in signed_status.signed_forms_status(store, programme, today, period=period):
        if form.state == signed_status.PRINTED:
            text = f"{form.line()}——签字盖章后请用“添加签字件”交回扫描件或照片"
        elif form.state == signed_status.CHANGED:
            changed = "；".join(form.changes[:3]) + ("……" if len(form.changes) > 3 else "")
            text = f"{form.line()}：{changed}——请重新打印、签字后交回" if changed else form.line()
        else:
            continue
        out.append(
            OpenItem(
                "not_signed", WARNING, text, SIGNED_FORM, form.form_id, periods.period_key(period)
            )
        )
    return out


def unanswered_photo_flags(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> list[OpenItem]:
    """Photo flags (``core/checks/photo_flags``) of the period's activities not yet answered
    with a note; photos whose capture time was never read are counted in one note (reading
    them writes, and this list only reads: the window and ``export`` read them first)."""
    del today
    out = []
    for flag in photo_flags.photo_flags(store, programme, period, fill=False):
        if flag.answered:
            continue
        severity = WARNING if flag.severity == "flag" else NOTE
        text = f"[{flag.label}] {flag.line()}"
        out.append(
            OpenItem(
                "photo_flag", severity, text, ACTIVITY, flag.activity_id, periods.period_key(period)
            )
        )
    waiting = len(photo_flags.unfilled(store))
    if waiting:
        text = f"另有 {waiting} 张照片尚未读取拍摄时间（导出时读取）"
        out.append(OpenItem("photo_flag", NOTE, text, "", "", periods.period_key(period)))
    return out


SOURCES: list[Source] = [
    Source("no_photos", "没有照片的帮扶活动", activities_without_photos),
    Source("late_entry", "逾期补录", late_entries),
    Source("missed_rule", "未达成的工作要求", missed_rules),
    Source("no_agreement", "未签订或未备案帮扶协议的结对", pairings_without_agreements),
    Source("untouched_draft", "未修改的起草稿", untouched_drafts),
    Source("not_signed", "已打印未交回签字件或签字后已修改的表格", forms_not_signed_back),
    Source("photo_flag", "尚未说明的照片提示", unanswered_photo_flags),
]


def kind_label(kind: str) -> str:
    """The heading of a kind; a kind this version does not know (a newer package) by its name."""
    return next((s.label for s in SOURCES if s.kind == kind), kind)


def open_items(
    store: Store, programme: Programme, period: Period, today: dt.date | None = None
) -> list[OpenItem]:
    """Every source's items for ``period``, in the order of ``SOURCES``."""
    today = today or store.today()
    out: list[OpenItem] = []
    for source in SOURCES:
        out += source.find(store, programme, period, today)
    return out


def counts(items: list[OpenItem] | list[dict[str, Any]]) -> dict[str, int]:
    """Items per kind, in the order of ``SOURCES`` (unknown kinds after them)."""
    found: dict[str, int] = {}
    for item in items:
        kind = item.kind if isinstance(item, OpenItem) else str(item["kind"])
        found[kind] = found.get(kind, 0) + 1
    order = [s.kind for s in SOURCES]
    return dict(
        sorted(
            found.items(),
            key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]),
        )
    )


def grouped_lines(items: list[OpenItem], indent: str = "  ") -> list[str]:
    """The list as text, grouped by kind with counts (the CLI prints it)."""
    lines: list[str] = []
    for kind, n in counts(items).items():
        lines.append(f"{kind_label(kind)}（{n} 项）")
        lines += [f"{indent}- {i.text}" for i in items if i.kind == kind]
    return lines


def report_lines(
    store: Store, programme: Programme, period: Period, items: list[OpenItem]
) -> list[str]:
    """What ``gongtongti check --before-export`` prints: the period, the count, the groups."""
    head = (
        f"上报前检查：{store.kindergarten_name or '本园'} · {period.label}"
        f"（{period.start.isoformat()} 至 {period.end.isoformat()}）"
    )
    if not items:
        return [head, "没有未处理的项目，可以导出上报包。"]
    return [
        head,
        f"还有 {len(items)} 项未处理。仍可导出上报包；数据包会记下这些项目，汇总时教育局能看到。",
        "",
        *grouped_lines(items),
    ]
