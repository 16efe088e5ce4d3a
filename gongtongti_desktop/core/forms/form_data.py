"""Rows for printable forms: one function per template ``source`` (see form_sources.py).

The renderer knows nothing of the database; it receives a ``FormData`` (header values and
rows of plain strings, plus attachment lists for a record form's photos, sum rows and notes)
and the template. The assessment and report sources live in ``form_reports``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms import form_reports
from gongtongti_desktop.core.forms.form_reports import TotalRow
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.form_sources import INDEX_SOURCES
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import FormSpec, Programme, fill_title
from gongtongti_desktop.core.records import attachments, diary, home, plans, roster
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.timeutil import chinese_date, now_iso
from gongtongti_desktop.errors import UserError

TITLE_BLANK = "＿＿＿＿"  # a title placeholder with no value: a line to write on
DATE_BLANK = "月    日"  # Gaotai's 帮扶时间 on a row left to fill in by hand
MONTHS_CN = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

# How the 备注 of the monthly plan table names each status (in this order).
STATUS_WORDS = (
    (plans.DONE, "已完成"),
    (plans.POSTPONED, "顺延"),
    (plans.CANCELLED, "取消"),
    (plans.PLANNED, "待完成"),
)


@dataclass(frozen=True)
class FormData:
    spec: FormSpec
    header: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    period: Period | None = None  # what the form covers (None: the roster, or chosen records)
    totals: list[TotalRow] = field(default_factory=list)  # sum rows under the table
    notes: list[str] = field(default_factory=list)  # printed under the table
    warnings: list[str] = field(default_factory=list)  # for whoever prints, not printed
    blank: bool = False  # printed to fill in by hand (no scores, no sums)

    def cell(self, row: dict[str, Any], bind: str) -> str:
        """The text of one cell; ``field:arg`` binds look up ``row[field][arg]``."""
        name, _, arg = bind.partition(":")
        value = row.get(name, "")
        if arg:
            value = value.get(arg, "") if isinstance(value, dict) else ""
        if isinstance(value, list | tuple):
            value = "\n".join(str(v) for v in value)
        return "" if value is None else str(value)

    @property
    def title(self) -> str:
        """The printed title: placeholders filled from the header (a blank line when empty)."""
        return fill_title(self.spec.title, self.header, TITLE_BLANK)

    @property
    def display_name(self) -> str:
        return f"{self.spec.label} {self.title}".strip()


@dataclass(frozen=True)
class _Request:
    store: Store
    programme: Programme
    spec: FormSpec
    period: Period | None
    activity_ids: Sequence[str] | None
    blank: bool = False
    today: dt.date | None = None


def _report(req: _Request) -> form_reports.Report:
    """A report source's rows, sums and notes (form_reports)."""
    assert req.period is not None
    source = form_reports.SOURCES[req.spec.source]
    today = req.today or req.store.today()
    return source(req.store, req.programme, req.spec, req.period, req.blank, today)


# -- the roster -------------------------------------------------------------------------------


def _pairings(req: _Request) -> list[dict[str, Any]]:
    return roster.list_pairings(req.store)


def _lead_groups(req: _Request) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for p in roster.list_pairings(req.store):
        group = groups.setdefault(
            p["lead_id"],
            {
                "lead_id": p["lead_id"],
                "lead_name": p["lead_name"],
                "persons": [],
                "partners": [],
                "partners_by_role": {},
            },
        )
        for person in (p["lead_person"], p["partner_person"]):
            if person and person not in group["persons"]:
                group["persons"].append(person)
        group["partners"].append(p["partner_name"])
        by_role = group["partners_by_role"]
        by_role[p["partner_role"]] = "\n".join(
            x for x in (by_role.get(p["partner_role"], ""), p["partner_name"]) if x
        )
    for group in groups.values():
        group["persons"] = "  ".join(group["persons"])
    return list(groups.values())


# -- plans --------------------------------------------------------------------------------------


def _item_line(n: int, item: dict[str, Any]) -> str:
    line = f"{n}. {item['task'].strip()}"
    if item.get("responsible"):
        line += f"（负责人：{item['responsible']}）"
    return line


def status_note(items: list[dict[str, Any]]) -> str:
    """The 备注 of one plan row, a line per status: "已完成 2 项（1、3）\n顺延 1 项（2）".

    The numbers are those of the items in the plan cell.

    Empty while every item is still 计划 (a plan printed before the month: nothing to note,
    the cell stays free to write in).
    """
    if all(item["status"] == plans.PLANNED for item in items):
        return ""
    parts = []
    for status, word in STATUS_WORDS:
        numbers = [str(n) for n, item in enumerate(items, 1) if item["status"] == status]
        if numbers:
            parts.append(f"{word} {len(numbers)} 项（{'、'.join(numbers)}）")
    return "\n".join(parts)


def _plan_rows(req: _Request) -> list[dict[str, Any]]:
    assert req.period is not None
    rows = periods.plan_rows(req.programme.calendar, req.period)
    by_month: dict[str, list[dict[str, Any]]] = {r.key: [] for r in rows}
    for item in plans.list_items(req.store, req.programme, req.period):
        by_month[item["month"]].append(item)
    out = []
    for row in rows:
        items = by_month[row.key]
        out.append(
            {
                "month_key": row.key,
                "month_label": row.label,
                "plan": [_item_line(n, item) for n, item in enumerate(items, 1)],
                "note": status_note(items),
                "item_count": str(len(items)),
            }
        )
    return out


def _completion(item: dict[str, Any]) -> str:
    """完成情况: the status (unless still 计划) and the completion note ("顺延：…"), or the note
    alone when it already says the status ("因故顺延至下月")."""
    note = (item.get("completion_note") or "").strip()
    status = item["status"]
    if status == plans.PLANNED:
        return note
    if not note:
        return status
    return note if status in note else f"{status}：{note}"


def _plan_dated(req: _Request) -> list[dict[str, Any]]:
    """Plan items by calendar month (their date, else the row they are filed under).

    The template's ``months`` are always printed, each padded with blank rows to
    ``rows_per_month``; items in other months of the period get their own month too.
    """
    assert req.period is not None
    spec = req.spec
    in_period = set(req.period.months())
    wanted = [(y, m) for y, m in in_period if m in spec.months]
    by_month: dict[tuple[int, int], list[tuple[str, int, dict[str, Any]]]] = {
        ym: [] for ym in wanted
    }
    for n, item in enumerate(plans.list_items(req.store, req.programme, req.period)):
        if item["day"]:
            day = dt.date.fromisoformat(item["day"])
            ym = (day.year, day.month)
        else:
            ym = (int(item["month"][:4]), int(item["month"][5:7]))
        if ym in in_period:
            by_month.setdefault(ym, []).append((item["day"] or "9999", n, item))
    out = []
    for (y, m), entries in sorted(by_month.items()):
        base = {
            "month_key": f"{y:04d}-{m:02d}",
            "month_cn": MONTHS_CN[m - 1],
            "month_label": f"{m}月",
        }
        for _day, _n, item in sorted(entries, key=lambda e: e[:2]):
            day = f" {int(item['day'][8:10])}日" if item["day"] else "    日"
            out.append(
                {
                    **base,
                    "date": f"{m}月{day}",
                    "task": item["task"],
                    "kind": item["kind"] or "",
                    "responsible": item["responsible"],
                    "status": item["status"],
                    "completion": _completion(item),
                }
            )
        for _ in range(spec.rows_per_month - len(entries)):
            out.append({**base, "date": DATE_BLANK})
    return out


# -- the diary ----------------------------------------------------------------------------------


def _activity_row(store: Store, activity_id: str) -> dict[str, Any]:
    rec = diary.full_record(store, activity_id)
    day = chinese_date(dt.date.fromisoformat(rec["day"]))
    place = (rec.get("place") or "").strip()
    files = attachments.list_attachments(store, activity_id)
    return {
        "title": rec["title"],
        "day": day,
        "time": rec["time"],
        "when": f"{day} {rec['time']}".strip(),
        "kind": rec["kind"] or "",
        "mode": rec["mode"] or "",
        "place": place,
        "mode_place": f"{rec['mode'] or ''}（{place}）" if place else rec["mode"] or "",
        "host_name": rec["host_name"],
        "receivers": "、".join(n for n in rec["receiver_names"] if n),
        "participants": "、".join(n for n in rec["participant_names"] if n),
        "headcount": "" if rec["headcount"] in (None, "") else str(rec["headcount"]),
        "domain": rec["domain"] or "",
        "plan_task": rec["plan_task"],
        "plan_text": rec["plan_text"] or "",
        "measures": rec["measures"] or "",
        "record": rec["record"] or "",
        "summary": rec["summary"] or "",
        "attachment_names": [f["original_name"] for f in files],
        "attachments": files,
    }


def _activities(req: _Request) -> list[dict[str, Any]]:
    """The chosen activities in the order given, or those of the period, oldest first."""
    if req.activity_ids is not None:
        ids = list(dict.fromkeys(req.activity_ids))
        for activity_id in ids:
            if records.active(req.store, "activity", activity_id) is None:
                raise UserError("要打印的活动不存在或已删除")
    else:
        ids = diary.search_ids(req.store, diary.DiaryFilter(period=req.period))[::-1]
    return [_activity_row(req.store, i) for i in ids]


SOURCES: dict[str, Callable[[_Request], list[dict[str, Any]]]] = {
    "pairings": _pairings,
    "lead_groups": _lead_groups,
    "plan_rows": _plan_rows,
    "plan_dated": _plan_dated,
    "activities": _activities,
    **{name: lambda req: _report(req).rows for name in form_reports.SOURCES},
}


# -- the workbook of every form -------------------------------------------------------------------


def workbook_datas(
    store: Store, programme: Programme, period: Period | None = None
) -> list[FormData]:
    """Every form of the programme for one workbook (``export --xlsx``, 文件 → 导出表格); with
    no period each form prints its default one around ``store.today()`` (a demo file's day)."""
    today = store.today()
    return [
        form_data(store, programme, s.id, period, today=today, fit_period=True)
        for s in programme.forms
    ]


def note_export(store: Store, path: Path) -> None:
    """Remember the export (概览 shows when and where the tables were last handed over)."""
    store.set_setting("last_export_at", now_iso())
    store.set_setting("last_export_path", str(path))


# -- periods ------------------------------------------------------------------------------------


def default_period(programme: Programme, spec: FormSpec, today: dt.date | None = None) -> Period:
    """What a periodic form prints when given no period: this term (or month, school year)."""
    today = today or dt.date.today()
    cal = programme.calendar
    if spec.default_period == "month":
        return periods.month_period(today.year, today.month)
    if spec.default_period == "school_year":
        return periods.school_year_period(cal, periods.school_year_of(cal, today))
    return periods.term_of(cal, today)


def covered_period(spec: FormSpec, period: Period) -> Period:
    """The period a form covers: the one asked for, or (``calendar_year``) a whole calendar year.

    A Gaotai plan table is per calendar year: for the school year 2020—2021 it prints 2020
    (``calendar_year = "start"``, the year the period starts in).
    """
    if not spec.calendar_year:
        return period
    year = period.start.year if spec.calendar_year == "start" else period.end.year
    return Period(period.kind, dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")


def form_data(
    store: Store,
    programme: Programme,
    form_id: str,
    period: Period | None = None,
    *,
    activity_ids: Sequence[str] | None = None,
    blank: bool = False,
    today: dt.date | None = None,
    fit_period: bool = False,
) -> FormData:
    """Everything needed to print or export one form of the data file's programme.

    ``period`` selects the month/term/school year for periodic forms (``spec.periodic``;
    None: ``default_period``, normally the current term) and is ignored by the roster;
    ``activity_ids`` selects single diary records for a form of activities (then the period
    is not used). ``blank``: an assessment form with nothing filled in, to write on by hand.
    ``today``: the day the default period contains (default: the calendar's today) and rule
    statuses are judged on (default: ``store.today()``, a demo file's own day).
    ``fit_period``: a period holding several of an index's scoring periods (a school year for
    a per-term checklist) gives the one of ``today`` instead of an error (a whole workbook).
    """
    spec = programme.form(form_id)
    if blank and spec.source not in INDEX_SOURCES:
        raise UserError(
            f"“{spec.display_name}”没有评分栏，不能打印空白评分表（空白表只用于考核评估指标和检查表）"
        )
    if activity_ids is not None:
        if spec.source != "activities":
            raise UserError(f"“{spec.display_name}”不是活动记录表，不能按活动打印")
        period = None
    elif spec.periodic:
        period = covered_period(spec, period or default_period(programme, spec, today))
        if spec.source in form_reports.SOURCES:
            fit = (today or dt.date.today()) if fit_period else None
            period = form_reports.report_period(programme, spec, period, fit)
    filler = plans.header(store)
    header = {
        "kindergarten_name": home.home_name(store),  # 本园 on every form
        "programme_name": programme.name,
        "period_label": period.label if period else "",
        "year": str(period.start.year) if period and spec.periodic else "",
        "filler": filler["filler"],
        "principal": filler["principal"],
    }
    request = _Request(store, programme, spec, period, activity_ids, blank, today)
    if spec.source in form_reports.SOURCES:
        report = _report(request)
        header.update(report.header)
        return FormData(
            spec,
            header,
            report.rows,
            period,
            totals=report.totals,
            notes=report.notes,
            warnings=report.warnings,
            blank=blank,
        )
    return FormData(spec, header, SOURCES[spec.source](request), period if spec.periodic else None)
