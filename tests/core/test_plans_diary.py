"""Plans, the diary, links between them, search and attachments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, catalog, diary, plans
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError, ValidationError

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _item(store: Store, programme: Programme, **values: Any) -> str:
    base = {
        "month": "2024-10",
        "task": "送教下乡：大班科学活动",
        "status": "计划",
        "kind": "送教下乡",
    }
    return records.save_record(store, programme, "plan_item", {**base, **values})


def _activity(store: Store, programme: Programme, kgs: dict[str, str], **values: Any) -> str:
    base = {
        "day": "2024-10-15", "kind": "送教下乡", "title": "送教下乡：大班科学《沉与浮》",
        "mode": "线下", "host_id": kgs["core"], "receiver_ids": [kgs["partner"]],
        "participant_ids": [kgs["person"]], "headcount": "25", "domain": "科学",
        "plan_text": "活动方案……", "record": "集体教研记录：教师围绕材料投放展开研讨",
    }  # fmt: skip
    return records.save_record(store, programme, "activity", {**base, **values})


def test_merged_row_files_items_under_its_first_month(store: Store, programme: Programme) -> None:
    item = _item(store, programme, month="2024-08", day="2024-08-20")
    assert records.get_record(store, "plan_item", item)["month"] == "2024-07"
    term = periods.parse_term(programme.calendar, "2024-autumn")
    [row] = plans.list_items(store, programme, term)
    assert row["row_label"] == "7-8月"


def test_item_date_outside_its_row_is_flagged(store: Store, programme: Programme) -> None:
    with pytest.raises(ValidationError) as info:
        _item(store, programme, month="2024-10", day="2024-11-02")
    assert "不在计划所属的“10月”" in info.value.errors["day"]


def test_status_must_be_known(store: Store, programme: Programme) -> None:
    with pytest.raises(ValidationError, match="状态"):
        _item(store, programme, status="完成了")


def test_linking_an_activity_marks_the_item_done(
    store: Store, programme: Programme, kgs: dict[str, str]
) -> None:
    item = _item(store, programme)
    act = _activity(store, programme, kgs, plan_item_id=item)
    assert records.get_record(store, "plan_item", item)["status"] == plans.DONE
    assert diary.search_ids(store, diary.DiaryFilter(plan_item_id=item)) == [act]
    with pytest.raises(ValidationError, match="不在所对应计划事项"):
        _activity(store, programme, kgs, day="2024-12-01", plan_item_id=item)


def test_month_balance_and_overdue(store: Store, programme: Programme, kgs: dict[str, str]) -> None:
    planned = _item(store, programme, day="2024-10-10")
    _activity(store, programme, kgs)  # done without a plan
    balance = diary.month_balance(store, programme, "2024-10")
    assert [i["id"] for i in balance["planned_not_done"]] == [planned]
    assert len(balance["done_without_plan"]) == 1
    overdue = plans.overdue_items(store, programme, dt.date(2024, 10, 11))
    assert [i["id"] for i in overdue] == [planned]
    assert plans.overdue_items(store, programme, dt.date(2024, 10, 10)) == []


def test_copy_row(store: Store, programme: Programme, kgs: dict[str, str]) -> None:
    _item(store, programme, day="2024-10-31", responsible_id=kgs["person"])
    _item(store, programme, task="专题讲座", status="已完成", completion_note="已完成")
    new = plans.copy_row(store, programme, "2024-10", "2024-11")
    copied = [records.get_record(store, "plan_item", i) for i in new]
    assert [c["day"] for c in copied] == ["2024-11-30", ""]
    assert {c["status"] for c in copied} == {plans.PLANNED}
    assert copied[0]["responsible_id"] == kgs["person"] and copied[1]["completion_note"] == ""
    with pytest.raises(UserError, match="没有计划事项"):
        plans.copy_row(store, programme, "2025-03", "2025-04")


def test_activity_validation(store: Store, programme: Programme, kgs: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as info:
        _activity(
            store, programme, kgs, start_time="10:00", end_time="9:30", kind="野餐",
            receiver_ids=[kgs["core"]], headcount="很多",
        )  # fmt: skip
    errors = info.value.errors
    assert set(errors) >= {"kind", "headcount"}
    with pytest.raises(ValidationError) as info:
        _activity(
            store, programme, kgs, start_time="10:00", end_time="9:30", receiver_ids=[kgs["core"]]
        )
    assert info.value.errors == {
        "end_time": "结束时间不能早于开始时间",
        "receiver_ids": "参与园中不应包含主办园",
    }


def test_links_saved_and_read_back(store: Store, programme: Programme, kgs: dict[str, str]) -> None:
    act = _activity(store, programme, kgs)
    row = records.get_record(store, "activity", act)
    assert row["receiver_ids"] == [kgs["partner"]] and row["participant_ids"] == [kgs["person"]]
    before = row["updated_at"]
    records.save_record(store, programme, "activity", row, act)
    assert records.get_record(store, "activity", act)["updated_at"] == before
    records.save_record(store, programme, "activity", {**row, "participant_ids": []}, act)
    assert records.get_record(store, "activity", act)["participant_ids"] == []


@pytest.mark.parametrize("query", ["沉与浮", "材料投放", "教研", "科", "大班科学"])
def test_search_finds_chinese_substrings(
    store: Store, programme: Programme, kgs: dict[str, str], query: str
) -> None:
    act = _activity(store, programme, kgs)
    _activity(
        store, programme, kgs, title="家长开放日", record="家园共育", plan_text="", kind="开放日"
    )
    assert diary.search_ids(store, diary.DiaryFilter(text=query)) == [act]


def test_search_follows_edits_and_deletes(
    store: Store, programme: Programme, kgs: dict[str, str]
) -> None:
    act = _activity(store, programme, kgs)
    row = records.get_record(store, "activity", act)
    records.save_record(store, programme, "activity", {**row, "title": "园本教研：区角活动"}, act)
    assert diary.search_ids(store, diary.DiaryFilter(text="区角活动")) == [act]
    assert diary.search_ids(store, diary.DiaryFilter(text="沉与浮")) == []
    records.delete_record(store, "activity", act)
    assert diary.search_ids(store, diary.DiaryFilter(text="区角活动")) == []


def test_filters(store: Store, programme: Programme, kgs: dict[str, str]) -> None:
    a = _activity(store, programme, kgs, day="2024-09-30")
    b = _activity(store, programme, kgs, day="2024-10-01", kind="专题讲座", receiver_ids=[])
    month = periods.parse_month("2024-10")
    assert diary.search_ids(store, diary.DiaryFilter(period=month)) == [b]
    assert diary.search_ids(store, diary.DiaryFilter(kind="送教下乡")) == [a]
    assert diary.search_ids(store, diary.DiaryFilter(kindergarten_id=kgs["partner"])) == [a]
    assert diary.search_ids(store) == [b, a]
    rows = diary.rows_for(store, [b, a])
    assert [r["id"] for r in rows] == [b, a] and rows[1]["receivers"] == "西里镇学区"


def test_attachments(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    act = _activity(store, programme, kgs)
    photo = tmp_path / "照片.png"
    photo.write_bytes(PNG)
    first = attachments.add_attachment(store, act, photo, "送教现场")
    second = attachments.add_attachment(store, act, photo, "同一张照片")
    rows = attachments.list_attachments(store, act)
    assert [r["id"] for r in rows] == [first, second]
    assert rows[0]["path"] == rows[1]["path"] and Path(rows[0]["path"]).read_bytes() == PNG
    assert rows[0]["is_image"] and not rows[0]["missing"]
    fake = tmp_path / "假照片.jpg"
    fake.write_text("not an image")
    with pytest.raises(UserError, match="内容不是图片"):
        attachments.add_attachment(store, act, fake)
    with pytest.raises(UserError, match="不存在或已被移走"):
        attachments.add_attachment(store, act, tmp_path / "gone.png")
    big = tmp_path / "big.png"
    with big.open("wb") as fh:
        fh.write(PNG)
        fh.truncate(attachments.MAX_BYTES + 1)
    with pytest.raises(UserError, match="超过 30 MB"):
        attachments.add_attachment(store, act, big)
    program = tmp_path / "x.exe"
    program.write_bytes(b"MZ")
    with pytest.raises(UserError, match="不支持的文件类型"):
        attachments.add_attachment(store, act, program)
    assert len(attachments.list_attachments(store, act)) == 2
    Path(rows[0]["path"]).unlink()
    assert len(attachments.missing_files(store)) == 2


def test_deleting_an_activity_takes_its_attachments_and_restores(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    act = _activity(store, programme, kgs)
    photo = tmp_path / "p.png"
    photo.write_bytes(PNG)
    attachments.add_attachment(store, act, photo)
    batch = records.delete_record(store, "activity", act)
    [entry] = catalog.recycle_bin(store)
    assert entry.summary == "帮扶活动“送教下乡：大班科学《沉与浮》”（连同 1 条关联记录）"
    catalog.restore_batch(store, batch)
    assert len(attachments.list_attachments(store, act)) == 1
    assert diary.search_ids(store, diary.DiaryFilter(text="沉与浮")) == [act]


def test_demo_has_a_year_of_plans_activities_and_photos(
    demo_store: Store, programme: Programme
) -> None:
    year = periods.school_year_period(programme.calendar, 2024)
    items = plans.list_items(demo_store, programme, year)
    assert len(items) >= 3 * len(periods.plan_rows(programme.calendar, year))
    activities = diary.list_activities(demo_store, diary.DiaryFilter(period=year))
    # The diary runs up to the demo's own day: at least three activities in each month so far.
    started = [
        r for r in periods.plan_rows(programme.calendar, year) if r.start <= demo_store.today()
    ]
    assert started and len(activities) >= 3 * len(started)
    assert all(a["day"] <= demo_store.today().isoformat() for a in activities)
    photos = [a for a in activities if a["attachments"]]
    assert photos, "some activities carry photos"
    for row in attachments.list_attachments(demo_store, photos[0]["id"]):
        assert row["is_image"] and not row["missing"]
        # a JPEG with its day's capture time: the demo's photos pass the photo checks
        assert Path(row["path"]).read_bytes().startswith(b"\xff\xd8\xff")
    assert attachments.missing_files(demo_store) == []
    from gongtongti_desktop.core.checks import photo_flags

    assert photo_flags.photo_flags(demo_store, programme, fill=False) == []


def test_rows_for_skips_deleted_and_header_refuses_long_names(
    store: Store, programme: Programme, kgs: dict[str, str]
) -> None:
    act = _activity(store, programme, kgs)
    records.delete_record(store, "activity", act)
    assert diary.rows_for(store, [act]) == []
    with pytest.raises(UserError, match="填报人过长"):
        plans.set_header(store, "张" * 80, "")
    plans.set_header(store, " 张  玲 ", "李四")
    assert plans.header(store)["filler"] == "张玲"
