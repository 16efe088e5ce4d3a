"""Rows of the assessment and report forms: 附件4 (an index with scores and sums), a 督导评估
checklist, 附件3 (a stage summary) and the rules report (规则达成情况).

Kept apart from ``form_data`` because these forms carry more than rows: sum rows computed by
``core.records.scoring.totals`` (never from the notice's headings), notes printed under the table (the
notice's own contradictions, which marks mean what) and warnings for whoever prints (a summary
still as drafted). ``blank`` gives the same form with nothing filled in, to write on by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gongtongti_desktop.core.checks import rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.form_sources import INDEX_SOURCES
from gongtongti_desktop.core.profile.indexes import VERDICTS, Index, Item, fmt_points
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import FormSpec, Programme
from gongtongti_desktop.core.records import scoring, stage_reports
from gongtongti_desktop.core.timeutil import chinese_date
from gongtongti_desktop.errors import UserError

SUGGESTED_MARK = "※"
SUGGESTED_NOTE = f"{SUGGESTED_MARK} 表示采用系统建议分"
TICK = "√"  # in every Chinese system font (GB2312), unlike ✓
DRAFT_WARNING = "阶段总结仍是系统起草的原文，尚未修改"
NOT_STARTED = "未开始"
EVIDENCE_LINES = 3  # records named in a rules-report cell; the rest are counted
EVIDENCE_TITLE = 18  # characters of a record's title (with its kind) shown there
PERIOD_TEXT = {"month": "月", "term": "学期", "school_year": "学年"}


@dataclass(frozen=True)
class TotalRow:
    """A sum row under the table: ``label`` spans the columns left of the first column whose
    field is in ``values`` (a row-like dict: ``{"self_score": "62"}``, ``{"marks": {...}}``)."""

    label: str
    values: dict[str, Any]


@dataclass
class Report:
    """What a report source gives besides its rows."""

    rows: list[dict[str, Any]]
    totals: list[TotalRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)  # header values to use instead


# -- periods --------------------------------------------------------------------------------------


def report_period(
    programme: Programme, spec: FormSpec, period: Period, today: dt.date | None = None
) -> Period:
    """The period a report form prints for the one asked.

    An index is scored per school year (or term): a term or month asked for gives the school
    year holding it; a school year asked for a per-term index is refused (it holds two) —
    unless ``today`` is given, then it gives the last term begun by then (for a workbook of
    every form, which must not fail on one). A month asked for a summary or rules report
    gives its plan row ("2024年7-8月" in 沂源).
    """
    cal = programme.calendar
    if spec.source in INDEX_SOURCES:
        index = programme.index(spec.index)
        within = periods.periods_within(cal, index.period, period)  # type: ignore[arg-type]
        if len(within) == 1:
            return within[0]
        if today is not None and within:
            begun = [p for p in within if p.start <= today]
            return begun[-1] if begun else within[0]
        unit = PERIOD_TEXT[index.period]
        raise UserError(
            f"{index.title}按{unit}评分，{period.label}含 {len(within)} 个{unit}：请选择一个{unit}"
        )
    if period.kind == "month":
        return periods.period_containing(cal, "month", period.start)
    return period


# -- 附件4: a scored index ------------------------------------------------------------------------


def group_text(index: Index, item: Item) -> str:
    """ "A1管理机制\\n（15分）" as 沂源县源教体发〔2022〕11号 prints its 一级指标 (points as the notice states them)."""
    group = index.group_of(item)
    text = f"{group.code}{group.name}"
    if group.points is not None:
        text += f"\n（{fmt_points(group.points)}分）"
    return text


def _score_text(row: dict[str, Any], side: str) -> str:
    value = row.get(f"{side}_score")
    if value is None:
        return ""
    return fmt_points(value) + (SUGGESTED_MARK if row.get(f"{side}_suggested") else "")


def _sum_rows(index: Index, scores: dict[str, dict[str, Any]], blank: bool) -> list[TotalRow]:
    """小计 of each base group, 基础项合计, 加分项合计 and 总分; a side nobody scored stays empty."""
    sides = {side: scoring.totals(index, scores, side) for side in scoring.SIDES}

    def values(pick: Any) -> dict[str, str]:
        return {
            f"{side}_score": "" if blank or not t.scored_items else fmt_points(pick(t))
            for side, t in sides.items()
        }

    def subtotal(code: str, name: str) -> TotalRow:
        label = f"{code}{name}小计（满分{fmt_points(index.max_points(code))}分）"
        return TotalRow(label, values(lambda t: t.by_unit.get(code, (0.0, 0.0))[0]))

    out = [subtotal(g.code, g.name) for g in index.groups if g.code not in index.bonus]
    out.append(
        TotalRow(f"基础项合计（满分{fmt_points(index.base_points)}分）", values(lambda t: t.base))
    )
    if not index.bonus:
        return out
    bonus_groups = [g for g in index.groups if g.code in index.bonus]
    if len(bonus_groups) > 1:  # one bonus group's 小计 would repeat 加分项合计
        out += [subtotal(g.code, g.name) for g in bonus_groups]
    out.append(
        TotalRow(f"加分项合计（满分{fmt_points(index.bonus_points)}分）", values(lambda t: t.bonus))
    )
    most = index.base_points + index.bonus_points
    out.append(TotalRow(f"总分（满分{fmt_points(most)}分）", values(lambda t: t.total)))
    return out


def index_items(
    store: Store,
    programme: Programme,
    spec: FormSpec,
    period: Period,
    blank: bool,
    today: dt.date,
) -> Report:
    index = programme.index(spec.index)
    key = periods.period_key(period)
    scores = {} if blank else scoring.get_scores(store, index, key)
    evidence = {} if blank else scoring.evidence_counts(store, index, key)
    rows = []
    for item in index.items:
        score = scores.get(item.code) or {}
        sub = index.subgroup_of(item)
        rows.append(
            {
                "group_code": index.group_of(item).code,
                "group": group_text(index, item),
                "subgroup": f"{sub.code}．{sub.text}" if sub else "",
                "item": item.label,
                "code": item.code,
                "points": fmt_points(item.points),
                "self_score": _score_text(score, "self"),
                "county_score": _score_text(score, "county"),
                "comment": score.get("comment") or "",
                "evidence_count": str(evidence[item.code]) if evidence.get(item.code) else "",
            }
        )
    notes = index.discrepancies()
    if any(SUGGESTED_MARK in r[f"{side}_score"] for r in rows for side in scoring.SIDES):
        notes.append(SUGGESTED_NOTE)
    missing = []
    for side in scoring.SIDES:
        done = sum(1 for r in rows if r[f"{side}_score"])
        if 0 < done < len(rows):
            missing.append(f"{scoring.SIDE_TEXT[side]} {len(rows) - done} 项")
    if missing:
        notes.append(f"尚未评分：{'，'.join(missing)}；合计只含已评分的项")
    return Report(rows, _sum_rows(index, scores, blank), notes)


# -- a checklist (督导评估) ------------------------------------------------------------------------


def checklist_items(
    store: Store,
    programme: Programme,
    spec: FormSpec,
    period: Period,
    blank: bool,
    today: dt.date,
) -> Report:
    index = programme.index(spec.index)
    scores = {} if blank else scoring.get_scores(store, index, periods.period_key(period))
    rows = []
    for item in index.items:
        score = scores.get(item.code) or {}
        verdict = score.get("verdict") or ""
        group = index.group_of(item)
        rows.append(
            {
                "group_code": group.code,
                "group": f"{group.code}\n{group.name}",  # "（一）\n办园条件"
                "number": item.code,
                "item": item.text,
                "marks": {v: TICK if v == verdict else "" for v in VERDICTS},
                "verdict": verdict,
                "comment": score.get("comment") or "",
            }
        )
    counts = scoring.verdict_counts(index.items, scores)
    del counts[""]
    judged = sum(counts.values())
    shown = {v: "" if blank or not judged else str(n) for v, n in counts.items()}
    notes = index.discrepancies()
    if not blank and 0 < judged < len(rows):
        notes.append(f"尚有 {len(rows) - judged} 项未评定")
    return Report(rows, [TotalRow("合计（项）", {"marks": shown})], notes)


# -- 附件3: a stage summary -----------------------------------------------------------------------


def summary_rows(
    store: Store,
    programme: Programme,
    spec: FormSpec,
    period: Period,
    blank: bool,
    today: dt.date,
) -> Report:
    row = stage_reports.get_summary(store, periods.period_key(period))
    rows = [
        {
            "section": name,
            "name": label,
            "text": (row or {}).get(name) or "",
            "note": (row or {}).get(f"{name}_note") or "",
        }
        for name, label in stage_reports.SECTIONS
    ]
    report = Report(rows)
    if row and (row.get("filler") or "").strip():
        report.header["filler"] = row["filler"].strip()
    if stage_reports.is_unedited_draft(row):
        report.warnings.append(DRAFT_WARNING)
        report.notes.append("本表“工作开展情况”仍是系统根据记录起草的原文，尚未修改。")
    elif not any(r["text"].strip() for r in rows):
        report.warnings.append(f"{period.label}还没有填写阶段总结，打印的是空白表")
    return report


# -- the rules report -----------------------------------------------------------------------------


def _md(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.month}月{day.day}日"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EVIDENCE_TITLE else text[:EVIDENCE_TITLE] + "…"


def evidence_lines(store: Store, result: rules.RuleResult) -> list[str]:
    """The records that counted, one short line each: "10月8日　调研：……", "9月计划　……".

    The space is a CJK one: with a plain space the cell would wrap between words, as it does
    for a list of names."""
    ids = list(result.record_ids)
    shown = ids if len(ids) <= EVIDENCE_LINES else ids[: EVIDENCE_LINES - 1]
    lines = []
    if result.table == "activity" and shown:
        found = store.query(
            f"SELECT id, day, kind, title FROM activity WHERE id IN ({', '.join('?' * len(shown))})",
            shown,
        )
        by_id = {r["id"]: r for r in found}
        for i in shown:
            a = by_id[i]
            title = a["title"] if a["title"].startswith(a["kind"]) else f"{a['kind']}：{a['title']}"
            lines.append(f"{_md(a['day'])}\u3000{_short(title)}")
    elif result.table == "plan_item" and shown:
        found = store.query(
            f"SELECT id, month, task FROM plan_item WHERE id IN ({', '.join('?' * len(shown))})",
            shown,
        )
        by_id = {r["id"]: r for r in found}
        for i in shown:
            p = by_id[i]
            lines.append(f"{int(p['month'][5:7])}月计划\u3000{_short(p['task'])}")
    elif shown:
        lines.append(f"{result.period.label}阶段总结已填写")
    if len(ids) > len(shown):
        lines.append(f"等共{len(ids)}{result.rule.unit}")  # no spaces: see above
    return lines


def rule_results(
    store: Store,
    programme: Programme,
    spec: FormSpec,
    period: Period,
    blank: bool,
    today: dt.date,
) -> Report:
    rows = []
    for rule in programme.rules:
        label = f"{rule.group}：{rule.label}" if rule.group else rule.label
        for result in rules.evaluate(store, programme.calendar, rule, period, today):
            status = NOT_STARTED if today < result.period.start else result.status_text
            rows.append(
                {
                    "rule_id": rule.id,
                    "rule": f"{label}\n（{rule.description}）",
                    "label": label,
                    "requirement": rule.description,
                    "group": rule.group,
                    "period": result.period.label,
                    "count": str(result.count),
                    "progress": result.progress,
                    "status": status,
                    "deadline": chinese_date(result.deadline),
                    "evidence": evidence_lines(store, result),
                    # "附件4 C2：…" with a CJK space: a plain one would make the cell wrap
                    # between words, as for a list of names.
                    "source": rule.source.replace(" ", "\u3000"),
                }
            )
    on = chinese_date(today)
    if store.setting("demo") == "1" and store.setting("demo_today"):
        on += "（示例数据文件设定的日期）"
    notes = [f"状态按 {on} 计算：已过截止日期仍未达到要求的为“未达成”，未到截止日期的为“进行中”。"]
    if not programme.rules:
        notes = ["本方案没有可从记录检查的要求（rules.toml）。"]
    return Report(rows, notes=notes)


SOURCES = {
    "index_items": index_items,
    "checklist_items": checklist_items,
    "summary_rows": summary_rows,
    "rule_results": rule_results,
}
