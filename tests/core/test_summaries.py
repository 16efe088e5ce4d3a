"""Stage summaries: saving, drafts from the records, and the unedited-draft flag."""

from __future__ import annotations

import datetime as dt

import pytest

from gongtongti_desktop.core.checks import stage_report_draft
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import roster, stage_reports
from gongtongti_desktop.errors import UserError


def test_save_and_update_keep_other_fields(store: Store) -> None:
    stage_reports.save_summary(
        store, "2024-autumn", {"highlights": "送教下乡 5 次", "filler": "王芳"}
    )
    row = stage_reports.save_summary(store, "2024-autumn", {"problems": "线上教研偏少"})
    assert (row["highlights"], row["problems"], row["filler"]) == (
        "送教下乡 5 次", "线上教研偏少", "王芳",
    )  # fmt: skip
    assert stage_reports.written_ids(store, "2024-autumn") == [row["id"]]
    assert stage_reports.get_summary(store, "2025-spring") is None
    assert stage_reports.written_ids(store, "2025-spring") == []


def test_too_long_text_is_refused_and_nothing_written(store: Store) -> None:
    with pytest.raises(UserError, match="最多"):
        stage_reports.save_summary(
            store, "2024", {"highlights": "字" * (stage_reports.MAX_CHARS + 1)}
        )
    assert stage_reports.get_summary(store, "2024") is None


def test_draft_describes_the_periods_records(store: Store, programme: Programme) -> None:
    lead = roster.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    for day, kind, title in (
        ("2024-09-10", "送教下乡", "大班科学《沉与浮》"),
        ("2024-10-15", "送教下乡", "中班语言《小猫钓鱼》"),
        ("2024-11-05", "会议", "共同体工作推进会"),
        ("2025-03-01", "会议", "下学期的会"),  # another term: not in the draft
    ):
        records.save_record(
            store, programme, "activity",
            {"day": day, "kind": kind, "title": title, "mode": "线下", "host_id": lead},
        )  # fmt: skip
    records.save_record(
        store, programme, "plan_item", {"month": "2024-11", "task": "网络研修", "status": "顺延"}
    )
    records.save_record(
        store, programme, "plan_item", {"month": "2025-02", "task": "开学调研", "status": "计划"}
    )
    term = periods.parse_term(programme.calendar, "2024-autumn")
    draft = stage_report_draft.draft_from_records(store, programme, term, dt.date(2025, 2, 10))
    assert "共开展帮扶活动 3 次（送教下乡 2 次，会议 1 次）" in draft.highlights
    assert "9月10日　送教下乡：大班科学《沉与浮》" in draft.highlights
    assert "下学期的会" not in draft.highlights
    assert "计划事项未完成（顺延）：网络研修" in draft.problems
    assert "自我评估" in draft.problems  # C19 missed in a closed term
    assert "2025年春季学期计划：开学调研" in draft.next_steps


def test_an_unedited_draft_is_flagged_and_does_not_count(
    store: Store, programme: Programme
) -> None:
    term = periods.parse_term(programme.calendar, "2024-autumn")
    draft = stage_report_draft.draft_from_records(store, programme, term, dt.date(2025, 2, 10))
    row = stage_reports.save_summary(store, "2024-autumn", draft.as_values(), draft=True)
    assert stage_reports.is_unedited_draft(row)
    assert stage_reports.written_ids(store, "2024-autumn") == []
    row = stage_reports.save_summary(store, "2024-autumn", {"highlights_note": "见附件"})
    assert stage_reports.is_unedited_draft(row)  # a note is not the text
    row = stage_reports.save_summary(
        store, "2024-autumn", {"highlights": draft.highlights + "\n改写"}
    )
    assert not stage_reports.is_unedited_draft(row)
    assert stage_reports.written_ids(store, "2024-autumn") == [row["id"]]
