"""Stage summaries: saving, drafts from the records, and the unedited-draft flag."""

from __future__ import annotations

import datetime as dt

import pytest

from gongtongti_desktop.core.checks import stage_report_draft
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import catalog, roster, stage_reports
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError

assert catalog  # every record type registered (activity, plan_item) whatever ran first


def test_save_and_update_keep_other_fields(store: Store) -> None:
    stage_reports.save_stage_report(
        store, "2024-autumn", {"highlights": "送教下乡 5 次", "filler": "王芳"}
    )
    row = stage_reports.save_stage_report(store, "2024-autumn", {"problems": "线上教研偏少"})
    assert (row["highlights"], row["problems"], row["filler"]) == (
        "送教下乡 5 次", "线上教研偏少", "王芳",
    )  # fmt: skip
    assert stage_reports.written_ids(store, "2024-autumn") == [row["id"]]
    assert stage_reports.get_stage_report(store, "2025-spring") is None
    assert stage_reports.written_ids(store, "2025-spring") == []


def test_too_long_text_is_refused_and_nothing_written(store: Store) -> None:
    with pytest.raises(UserError, match="最多"):
        stage_reports.save_stage_report(
            store, "2024", {"highlights": "字" * (stage_reports.MAX_CHARS + 1)}
        )
    assert stage_reports.get_stage_report(store, "2024") is None


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
    # sentences in the profile's words (forms/yiyuan-2022/wording.toml), by kind with dates
    assert draft.highlights.startswith("2024年秋季学期，共同体以核心幼儿园带动受援学区，")
    assert (
        "共开展帮扶活动 3 次（线下 3 次、线上 0 次），内容涵盖送教下乡和会议。" in draft.highlights
    )
    assert (
        "送教下乡方面，9月10日和10月15日开展 2 次：“大班科学《沉与浮》”和“中班语言《小猫钓鱼》”。"
        in draft.highlights
    )
    assert "下学期的会" not in draft.highlights
    assert "11月计划的“网络研修”已顺延，尚未完成。" in draft.problems
    # C19 missed in a closed term, said in words
    assert "自我评估：2024年秋季学期只完成 0 次，没有达到1 次的要求。" in draft.problems
    assert "2025年春季学期，按照工作计划重点做好“开学调研”等工作。" in draft.next_steps
    assert "针对自我评估未达成的问题，今后每学期按时完成1 次" in draft.next_steps
    for text in draft.as_values().values():  # no statistics lists left
        assert "要求 ≥" not in text and "（未达成）" not in text


def test_draft_quotes_the_activities_own_record_and_reflection(
    store: Store, programme: Programme
) -> None:
    lead = roster.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    partner = roster.save_record(store, programme, "kindergarten", {"name": "东岭镇学区"})
    records.save_record(
        store, programme, "activity",
        {"day": "2024-10-15", "kind": "送教下乡", "title": "中班语言《小猫钓鱼》",
         "mode": "线下", "host_id": lead, "receiver_ids": [partner], "headcount": 18,
         "record": "执教教师以故事导入，幼儿分组表演。\n受援园教师观摩后进行了研讨；" + "很长" * 60,
         "summary": "幼儿参与积极，但分组表演时间偏紧。下次预留更多时间。"},
    )  # fmt: skip
    term = periods.parse_term(programme.calendar, "2024-autumn")
    draft = stage_report_draft.draft_from_records(store, programme, term, dt.date(2025, 2, 10))
    assert "参与 18 人次，" in draft.highlights
    assert "结对帮扶覆盖 1 个受援学区：东岭镇学区 1 次（10月15日）。" in draft.highlights
    assert (
        "10月15日的“中班语言《小猫钓鱼》”，执教教师以故事导入，幼儿分组表演。受援园教师观摩后进行了研讨。"
        "活动后反思：幼儿参与积极，但分组表演时间偏紧。下次预留更多时间。"
    ) in draft.highlights
    assert "很长" not in draft.highlights  # condensed to whole sentences


def test_periods_before_the_data_file_existed_are_not_called_missed(
    store: Store, programme: Programme
) -> None:
    """The file was begun (and its first activity recorded) in October: the months before it
    hold nothing because nobody recorded them here, not because nothing was done."""
    lead = roster.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    store.conn.execute("UPDATE settings SET value = '2024-10-20T08:00:00' WHERE key = 'created_at'")
    records.save_record(
        store, programme, "activity",
        {"day": "2024-10-22", "kind": "会议", "title": "推进会", "mode": "线下", "host_id": lead},
    )  # fmt: skip
    term = periods.parse_term(programme.calendar, "2024-autumn")
    draft = stage_report_draft.draft_from_records(store, programme, term, dt.date(2025, 2, 10))
    [plans] = [line for line in draft.problems.split("\n") if line.startswith("月工作计划：")]
    assert "2024年9月" not in plans and "2024年7-8月" not in plans  # before the file: not missed
    assert plans.startswith(
        "月工作计划：2024年10月、2024年11月和2024年12月—2025年1月分别只完成 0、0、0 项"
    )


def test_the_wording_is_the_profiles(store: Store, programme: Programme) -> None:
    wording = programme.wording._replace(
        patterns={**programme.wording.patterns, "no_activities": "{period}无活动（自定义措辞）。"},
    )
    term = periods.parse_term(programme.calendar, "2024-autumn")
    draft = stage_report_draft.draft_from_records(
        store, programme._replace(wording=wording), term, dt.date(2025, 2, 10)
    )
    assert draft.highlights.startswith("2024年秋季学期无活动（自定义措辞）。")


def test_an_unedited_draft_is_flagged_and_does_not_count(
    store: Store, programme: Programme
) -> None:
    term = periods.parse_term(programme.calendar, "2024-autumn")
    draft = stage_report_draft.draft_from_records(store, programme, term, dt.date(2025, 2, 10))
    row = stage_reports.save_stage_report(store, "2024-autumn", draft.as_values(), draft=True)
    assert stage_reports.is_unedited_draft(row)
    assert stage_reports.written_ids(store, "2024-autumn") == []
    row = stage_reports.save_stage_report(store, "2024-autumn", {"highlights_note": "见附件"})
    assert stage_reports.is_unedited_draft(row)  # a note is not the text
    row = stage_reports.save_stage_report(
        store, "2024-autumn", {"highlights": draft.highlights + "\n改写"}
    )
    assert not stage_reports.is_unedited_draft(row)
    assert stage_reports.written_ids(store, "2024-autumn") == [row["id"]]
