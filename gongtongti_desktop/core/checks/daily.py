"""What a director should do next: the first steps on a new data file, and the reminders at
start (the next report deadline, last period's misses, drafts not yet edited).

Why from the data and not from a checklist she ticks: a list she must keep up is one more
chore; each step here ticks itself when its records exist, and each reminder says where in
the window to act (``where``: a tab key or a menu action the window knows).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from gongtongti_desktop.core.checks import overview
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import stage_reports

# Where the window can take the director: its tabs, and two menu actions.
TABS = ("overview", "roster", "plans", "diary", "scoring", "summary")
ACTIONS = ("import_roster", "export_package", "quick_record")
EMPTY_ROSTER_HINT = (
    "结对名单还是空的：请先在“结对名单”中添加本园的结对园，"
    "或用“文件 → 导入结对名单（Excel）”导入教育局发来的名单。"
)


class Step(NamedTuple):
    """One of the first steps: ticked from the data; ``where`` the tab or action to do it."""

    label: str
    done: bool
    hint: str
    where: str


class Reminder(NamedTuple):
    """What is due at start, a click from ``where`` to act on it."""

    text: str
    where: str
    urgent: bool = False


def _count(store: Store, table: str) -> int:
    """1 when ``table`` holds an active record, else 0 (whether, not how many: start-up)."""
    return len(store.query(f"SELECT 1 FROM {table} WHERE deleted_at IS NULL LIMIT 1"))


def empty_roster_hint(store: Store) -> str:
    """What to do first when the roster has no pairing yet ("" once it has one)."""
    return "" if _count(store, "pairing") else EMPTY_ROSTER_HINT


def _any_written_summary(store: Store) -> bool:
    """Whether a summary has been written — read until the first one (ten years hold many)."""
    cursor = store.execute("SELECT * FROM stage_summary WHERE deleted_at IS NULL")
    keys = [d[0] for d in cursor.description or ()]
    return any(stage_reports.is_written(dict(zip(keys, row, strict=True))) for row in cursor)


def first_steps(store: Store) -> list[Step]:
    """建立结对名单 → 填写月计划 → 记录帮扶活动 → 月底检查 → 导出上报, each done when its
    records exist."""
    exported = bool(
        store.setting("last_export_at")
        or store.query("SELECT 1 FROM export_log WHERE direction = 'export' LIMIT 1")
    )
    return [
        Step("建立结对名单", _count(store, "pairing") > 0,
             "添加本园的结对园和责任人，或导入教育局的名单（Excel）", "roster"),
        Step("填写月计划", _count(store, "plan_item") > 0,
             "按月写下准备开展的帮扶活动", "plans"),
        Step("记录帮扶活动", _count(store, "activity") > 0,
             "每次活动后点“记一笔”：日期、类型、主题、照片", "quick_record"),
        Step("月底检查", _any_written_summary(store),
             "月底看概览中各项要求是否达成，在“阶段总结”写本月小结", "summary"),
        Step("导出上报", exported,
             "用“文件 → 导出上报包”生成上报文件，交给教育局", "export_package"),
    ]  # fmt: skip


def reminders(store: Store, programme: Programme, today: dt.date | None = None) -> list[Reminder]:
    """What is due, for the start of the day: the next deadline and the days left, last
    period's misses, 阶段总结 drafts nobody has edited, and the first step not done."""
    today = today or store.today()
    out: list[Reminder] = []
    deadline = overview.next_deadline(programme.calendar, today)
    left = "今天截止" if deadline.days_left == 0 else f"还有 {deadline.days_left} 天"
    what = "上报" if deadline.report_day else "结束"
    out.append(
        Reminder(
            f"{deadline.period.label}材料 {deadline.day.month}月{deadline.day.day}日{what}，{left}",
            "overview",
            deadline.days_left <= 3,
        )
    )
    from gongtongti_desktop.core.checks import rules  # reminders come after 概览's frame

    pairs = rules.current_and_last(
        store, programme.calendar, programme.rules, today, rules.tracked_since(store)
    )
    for result in rules.closed_failures(pairs):
        out.append(
            Reminder(
                f"{result.period.label}未达成：{result.rule.label}（{result.progress}）",
                "diary" if result.rule.counts == "activities" else "plans"
                if result.rule.counts == "plan_items" else "summary",
                True,
            )
        )  # fmt: skip
    for row in store.query("SELECT * FROM stage_summary WHERE deleted_at IS NULL"):
        if stage_reports.is_unedited_draft(row):
            out.append(
                Reminder(
                    f"阶段总结（{row['period']}）还是自动起草的草稿，请修改后再打印", "summary"
                )
            )
    if not _count(store, "pairing"):
        out.append(Reminder(EMPTY_ROSTER_HINT, "roster", True))
    return out
