"""Monthly work plans (月计划): plan items filed under the plan-table row they belong to.

An item is filed by ``month`` (``YYYY-MM``, the first month of its row: Yiyuan's "7-8月" row is
``YYYY-07``), may carry a date (Gaotai's "月 日" column), a task, an activity kind, a
responsible person and a status. Linking a diary activity to an item marks it 已完成
(diary.py). The header of the printed table (填报人, 主要负责人) is kept in settings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period, PlanRow
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records.engine import Column, Field, RecordType
from gongtongti_desktop.errors import UserError

PLANNED, DONE, POSTPONED, CANCELLED = "计划", "已完成", "顺延", "取消"
STATUSES = (PLANNED, DONE, POSTPONED, CANCELLED)
records.VOCABULARIES["plan_status"] = STATUSES

FILLER_KEY, PRINCIPAL_KEY = "plan_filler", "plan_principal"


def row_for_month(programme: Programme, month: str) -> PlanRow:
    year, mon = (int(x) for x in month.split("-"))
    return periods.plan_row_of(programme.calendar, dt.date(year, mon, 1))


def _check_item(
    store: Store, programme: Programme, c: dict[str, Any], record_id: str | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    row = row_for_month(programme, c["month"])
    if row.key != c["month"]:
        # File under the row's first month, so "8月" items of a "7-8月" row land in that row.
        c["month"] = row.key
    if c["day"]:
        day = dt.date.fromisoformat(c["day"])
        if not row.start <= day <= row.end:
            errors["day"] = (
                f"日期 {c['day']} 不在计划所属的“{row.label}”（{row.start} 至 {row.end}）内"
            )
    return errors


def _next_sort_order(store: Store, row: dict[str, Any]) -> None:
    last = store.execute(
        "SELECT coalesce(max(sort_order), 0) FROM plan_item WHERE month = ?", [row["month"]]
    ).fetchone()[0]
    row["sort_order"] = last + 1


PLAN_ITEM = records.register(
    RecordType(
        "plan_item",
        "计划事项",
        (
            Field("month", "月份", "month", required=True),
            Field("day", "日期", "date"),
            Field("task", "工作计划（帮扶任务）", "longtext", required=True),
            Field("kind", "活动类型", "choice", vocab="activity_kinds"),
            Field("responsible_id", "负责人", "person"),
            Field("status", "状态", "choice", required=True, vocab="plan_status"),
            Field("completion_note", "完成情况", "text"),
        ),
        (
            Column("row_label", "月份"),
            Column("day", "日期"),
            Column("task", "工作计划"),
            Column("kind", "活动类型"),
            Column("responsible", "负责人"),
            Column("status", "状态"),
            Column("activities", "已记录活动"),
            Column("completion_note", "完成情况"),
        ),
        cross_check=_check_item,
        on_insert=_next_sort_order,
    )
)


def list_items(store: Store, programme: Programme, period: Period) -> list[dict[str, Any]]:
    """Plan items of every plan row that overlaps the period, in table order."""
    rows = periods.plan_rows(programme.calendar, period)
    if not rows:
        return []
    labels = {r.key: r.label for r in rows}
    marks = ",".join("?" for _ in rows)
    items = store.query(
        f"""SELECT i.*, p.name AS responsible,
              (SELECT count(*) FROM activity a WHERE a.plan_item_id = i.id
                 AND a.deleted_at IS NULL) AS activities
            FROM plan_item i LEFT JOIN person p ON p.id = i.responsible_id AND p.deleted_at IS NULL
            WHERE i.deleted_at IS NULL AND i.month IN ({marks})
            ORDER BY i.month, i.sort_order, i.created_at""",
        tuple(labels),
    )
    for item in items:
        item["row_label"] = labels[item["month"]]
        item["responsible"] = item["responsible"] or ""
    return items


def overdue_items(store: Store, programme: Programme, today: dt.date) -> list[dict[str, Any]]:
    """Items still 计划/顺延 whose date (or, without a date, whose row) is past."""
    out = []
    for item in store.query(
        "SELECT * FROM plan_item WHERE deleted_at IS NULL AND status IN (?, ?) ORDER BY month, day",
        (PLANNED, POSTPONED),
    ):
        due = (
            dt.date.fromisoformat(item["day"])
            if item["day"]
            else row_for_month(programme, item["month"]).end
        )
        if due < today:
            item["due"] = due.isoformat()
            out.append(item)
    return out


def copy_row(store: Store, programme: Programme, source: str, target: str) -> list[str]:
    """ "Copy last month": the items of row ``source`` become 计划 items of row ``target``.

    Dates move by whole months (clamped to the month's end); completion notes are not copied.
    Returns the new ids. Refuses when the source row is empty.
    """
    src_row, dst_row = row_for_month(programme, source), row_for_month(programme, target)
    items = store.query(
        "SELECT * FROM plan_item WHERE deleted_at IS NULL AND month = ? ORDER BY sort_order",
        (src_row.key,),
    )
    if not items:
        raise UserError(f"“{src_row.label}”没有计划事项可复制")
    shift = (
        (dst_row.start.year - src_row.start.year) * 12 + dst_row.start.month - src_row.start.month
    )
    new_ids = []
    with store.atomic():
        for item in items:
            day = ""
            if item["day"]:
                day = _shift_date(dt.date.fromisoformat(item["day"]), shift)
                row_of_day = periods.plan_row_of(programme.calendar, dt.date.fromisoformat(day))
                if row_of_day.key != dst_row.key:
                    day = ""
            values = {
                "month": dst_row.key,
                "day": day,
                "task": item["task"],
                "kind": item["kind"],
                "responsible_id": item["responsible_id"],
                "status": PLANNED,
            }
            new_ids.append(records.save_record(store, programme, "plan_item", values))
    return new_ids


def _shift_date(day: dt.date, months: int) -> str:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = periods.month_end(year, month + 1).day
    return dt.date(year, month + 1, min(day.day, last)).isoformat()


def header(store: Store) -> dict[str, str]:
    return {
        "kindergarten": store.kindergarten_name,
        "filler": store.setting(FILLER_KEY),
        "principal": store.setting(PRINCIPAL_KEY),
    }


def set_header(store: Store, filler: str, principal: str) -> None:
    from gongtongti_desktop.core.records import validation as v

    try:
        cleaned = (
            v.clean_name(filler, "填报人", required=False),
            v.clean_name(principal, "主要负责人", required=False),
        )
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    with store.atomic():
        store.set_setting(FILLER_KEY, cleaned[0])
        store.set_setting(PRINCIPAL_KEY, cleaned[1])
