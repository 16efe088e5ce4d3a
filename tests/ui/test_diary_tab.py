"""The 帮扶日志 tab: create through the form, link to a plan item, attachments (dialog, drag
and drop, refusals), undo/redo, search (FTS and short words), filters, printing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from _diary_data import activity, plan_item, small_roster, write_png
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from gongtongti_desktop.core.records import attachments, plans
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.ui.diary.attachment_strip import CAPTION_ROLE
from gongtongti_desktop.ui.diary.tab import SEARCH_DELAY_MS, DiaryTab
from gongtongti_desktop.ui.shell.field_editors import ChecklistEditor, ComboEditor

pytestmark = pytest.mark.gui

TODAY = dt.date(2024, 10, 20)


@pytest.fixture
def ids(store, programme) -> dict[str, str]:
    return small_roster(store, programme)


@pytest.fixture
def tab(qtbot, store, programme, ids) -> DiaryTab:
    widget = DiaryTab(store, programme, today=lambda: TODAY)
    widget.strip.open_file = lambda path: True
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def click_ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def titles(tab: DiaryTab) -> list[str]:
    return [tab.model.row_data(r)["title"] for r in range(tab.model.rowCount())]


def search(qtbot, tab: DiaryTab, text: str) -> list[str]:
    """Type like a director: the search runs once typing pauses."""
    tab.search_edit.setText(text)
    assert tab.search_timer.isActive()
    qtbot.waitUntil(lambda: not tab.search_timer.isActive(), timeout=SEARCH_DELAY_MS * 10)
    return titles(tab)


def test_empty_diary(tab) -> None:
    assert tab.model.rowCount() == 0
    assert tab.count_label.text() == "共 0 次活动"
    assert "还没有帮扶活动记录" in tab.empty_hint.text()
    assert not tab.edit_button.isEnabled()
    assert not tab.strip.add_button.isEnabled()


def test_create_an_activity_through_the_form(qtbot, tab, store, ids) -> None:
    dialog = tab.add()
    assert dialog.windowTitle() == "新增帮扶活动"
    assert dialog.pages is not None
    assert [dialog.pages.tabText(i) for i in range(dialog.pages.count())] == [
        "基本信息",
        "参与园·参加人员",
        "方案·措施·记录·总结",
    ]
    assert dialog.editors["day"].value() == "2024-10-20"
    assert dialog.editors["mode"].value() == "线下"
    dialog.editors["title"].edit.setText("送教下乡：大班科学《沉与浮》")
    dialog.editors["kind"].set_value("送教下乡")
    dialog.editors["host_id"].set_value(ids["host"])
    dialog.editors["start_time"].edit.setText("08:30")
    receivers = dialog.editors["receiver_ids"]
    assert isinstance(receivers, ChecklistEditor)
    receivers.set_checked(ids["partner"])
    dialog.editors["participant_ids"].set_checked(ids["director"])
    dialog.editors["participant_ids"].set_checked(ids["teacher"])
    dialog.editors["headcount"].edit.setText("25")
    dialog.editors["record"].edit.setPlainText("幼儿分组实验，记录沉浮结果。")
    with qtbot.waitSignal(tab.changed):
        click_ok(dialog)
    assert not dialog.isVisible()
    assert titles(tab) == ["送教下乡：大班科学《沉与浮》"]
    saved = records.get_record(store, "activity", dialog.saved_id)
    assert saved["participant_ids"] == [ids["director"], ids["teacher"]]  # in the order ticked
    assert saved["receiver_ids"] == [ids["partner"]]
    assert tab.selected_id() == dialog.saved_id
    assert tab.detail.title.text() == "送教下乡：大班科学《沉与浮》"
    assert "东岭学区" in tab.detail.meta.text() and "李园长、王老师" in tab.detail.meta.text()
    assert "幼儿分组实验" in tab.detail.text.toPlainText()
    assert tab.count_label.text() == "共 1 次活动"
    # the next one starts at the same host
    assert tab.new_values()["host_id"] == ids["host"]


def test_errors_are_shown_on_their_page(tab, ids) -> None:
    dialog = tab.add()
    dialog.pages.setCurrentIndex(2)
    dialog.editors["title"].edit.setText("会议")
    dialog.editors["kind"].set_value("会议")
    dialog.editors["host_id"].set_value(ids["host"])
    dialog.editors["receiver_ids"].set_checked(ids["host"])
    click_ok(dialog)
    assert dialog.isVisible()
    assert dialog.errors() == {"receiver_ids": "参与园中不应包含主办园"}
    assert dialog.pages.currentIndex() == 1


def test_link_to_a_plan_item_marks_it_done_and_undo_reverts(tab, store, programme, ids) -> None:
    item = plan_item(store, programme, task="送教下乡：科学活动", kind="送教下乡")
    plan_item(store, programme, month="2024-09", task="九月的事项")
    dialog = tab.add()
    combo = dialog.editors["plan_item_id"]
    assert isinstance(combo, ComboEditor)
    offered = [combo.combo.itemText(i) for i in range(combo.combo.count())]
    assert offered == ["（无）", "10月：送教下乡：科学活动（计划）"]
    dialog.editors["day"].edit.setText("2024-09-10")  # another month: its items
    offered = [combo.combo.itemText(i) for i in range(combo.combo.count())]
    assert offered == ["（无）", "9月：九月的事项（计划）"]
    dialog.editors["day"].edit.setText("2024-10-16")
    combo.set_value(item)
    dialog.editors["title"].edit.setText("送教下乡")
    dialog.editors["kind"].set_value("送教下乡")
    dialog.editors["host_id"].set_value(ids["host"])
    seen: list = []
    tab.changed.connect(seen.append)
    click_ok(dialog)
    assert records.get_record(store, "plan_item", item)["status"] == plans.DONE
    assert "对应计划：</b>送教下乡：科学活动" in tab.detail.meta.text()
    # core said what the save changed: the new activity and the plan item it marked done
    [saved] = seen
    assert saved.changed == [("plan_item", item)] and saved.tables == {"activity", "plan_item"}
    tab.undo_stack.undo()
    assert seen[-1].tables == {"activity", "plan_item"}
    assert records.get_record(store, "plan_item", item)["status"] == plans.PLANNED
    assert tab.model.rowCount() == 0
    tab.undo_stack.redo()
    assert records.get_record(store, "plan_item", item)["status"] == plans.DONE
    assert titles(tab) == ["送教下乡"]


def test_a_new_activity_for_a_plan_item(tab, store, programme) -> None:
    item = plan_item(store, programme, task="入园指导：一日生活", kind="入园指导", day="2024-10-08")
    dialog = tab.add(item)
    values = dialog.values()
    assert values["plan_item_id"] == item
    assert values["kind"] == "入园指导"
    assert values["title"] == "入园指导：一日生活"
    assert values["day"] == "2024-10-08"


def test_a_date_outside_the_plan_items_row_is_flagged(tab, store, programme, ids) -> None:
    item = plan_item(store, programme, kind="送教下乡")
    dialog = tab.add(item)
    dialog.editors["host_id"].set_value(ids["host"])
    dialog.editors["day"].edit.setText("2024-11-02")
    click_ok(dialog)
    assert dialog.isVisible()
    assert "不在所对应计划事项的“10月”" in dialog.errors()["day"]


def test_undo_redo_of_an_edit(tab, store, programme, ids) -> None:
    act = activity(store, programme, ids["host"], title="原来的主题")
    tab.refresh()
    dialog = tab.edit(act)
    dialog.editors["title"].edit.setText("改过的主题")
    dialog.editors["summary"].edit.setPlainText("新的反思")
    click_ok(dialog)
    assert titles(tab) == ["改过的主题"]
    assert tab.undo_stack.undoText() == "修改帮扶活动"
    tab.undo_stack.undo()
    assert titles(tab) == ["原来的主题"]
    assert records.get_record(store, "activity", act)["summary"] == ""
    tab.undo_stack.redo()
    assert titles(tab) == ["改过的主题"]
    assert tab.detail.title.text() == "改过的主题"


def test_attach_a_photo_by_dialog(monkeypatch, tab, store, programme, ids, tmp_path) -> None:
    act = activity(store, programme, ids["host"])
    tab.refresh()
    photo = write_png(tmp_path / "现场.png")
    # the photo chosen in the (previewing) file dialog
    monkeypatch.setattr(QFileDialog, "exec", lambda _self: QFileDialog.DialogCode.Accepted)
    monkeypatch.setattr(QFileDialog, "selectedFiles", lambda _self: [str(photo)])
    tab.strip.add_button.click()
    assert tab.strip.count() == 1
    assert tab.strip.shows(0) == "thumbnail"
    assert not tab.strip.list.item(0).icon().isNull()
    [row] = attachments.list_attachments(store, act)
    assert row["original_name"] == "现场.png" and Path(row["path"]).is_file()
    assert tab.model.row_data(0)["attachments"] == 1
    assert tab.undo_stack.undoText() == "添加附件“现场.png”"
    tab.undo_stack.undo()
    assert tab.strip.count() == 0
    tab.undo_stack.redo()
    assert tab.strip.count() == 1


def test_attach_by_drag_and_drop(tab, store, programme, ids, tmp_path) -> None:
    act = activity(store, programme, ids["host"])
    tab.refresh()
    files = [write_png(tmp_path / "a.png"), tmp_path / "纪要.txt"]
    files[1].write_text("会议纪要", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tab.strip.list.dropEvent(event)
    assert event.isAccepted()
    assert [tab.strip.shows(i) for i in range(tab.strip.count())] == ["thumbnail", "file"]
    assert len(attachments.list_attachments(store, act)) == 2
    assert tab.undo_stack.undoText() == "添加 2 个附件"
    tab.undo_stack.undo()  # both go in one step
    assert attachments.list_attachments(store, act) == []


def test_a_fake_photo_is_refused(tab, store, programme, ids, tmp_path, boxes) -> None:
    act = activity(store, programme, ids["host"])
    tab.refresh()
    fake = tmp_path / "照片.jpg"
    fake.write_bytes(b"this is not a jpeg at all")
    gone = tmp_path / "已删除.png"
    assert tab.add_attachments([fake]) == []
    assert boxes.texts("warning") == [
        "“照片.jpg”的扩展名是图片，但内容不是图片（文件可能已损坏或改过扩展名）"
    ]
    assert tab.add_attachments([gone, write_png(tmp_path / "好.png")])
    assert (
        "以下文件没有添加" in boxes.texts("warning")[1]
        and "已删除.png" in boxes.texts("warning")[1]
    )
    assert [r["original_name"] for r in attachments.list_attachments(store, act)] == ["好.png"]
    assert tab.undo_stack.count() == 1  # the refusals left nothing to undo


def test_captions_are_editable_and_undoable(tab, store, programme, ids, tmp_path) -> None:
    act = activity(store, programme, ids["host"])
    tab.refresh()
    [att] = tab.add_attachments([write_png(tmp_path / "p.png")])
    item = tab.strip.list.item(0)
    assert item.text() == "p.png"
    item.setData(CAPTION_ROLE, "幼儿动手操作")  # what the caption editor writes
    assert attachments.list_attachments(store, act)[0]["caption"] == "幼儿动手操作"
    assert tab.strip.list.item(0).text() == "幼儿动手操作"
    tab.undo_stack.undo()
    assert attachments.list_attachments(store, act)[0]["caption"] == ""
    assert tab.strip.current_id() in (att, None)


def test_missing_file_is_shown_and_not_opened(tab, store, programme, ids, tmp_path, boxes):
    act = activity(store, programme, ids["host"])
    tab.refresh()
    tab.add_attachments([write_png(tmp_path / "p.png")])
    Path(attachments.list_attachments(store, act)[0]["path"]).unlink()
    tab.show_detail(act)
    assert tab.strip.shows(0) == "missing"
    assert "丢失" in tab.strip.hint.text()
    assert not tab.strip.open_item(tab.strip.list.item(0))
    assert boxes.texts("warning")[0].startswith("附件文件已丢失")


def test_delete_attachment_and_activity_with_undo(tab, store, programme, ids, tmp_path, boxes):
    act = activity(store, programme, ids["host"])
    tab.refresh()
    [att] = tab.add_attachments([write_png(tmp_path / "p.png")])
    assert tab.delete_attachment(att)
    assert tab.strip.count() == 0
    tab.undo_stack.undo()
    assert tab.strip.count() == 1
    assert tab.delete(act)
    assert "它的 1 个附件会一起删除" in boxes.texts("question")[-1]
    assert tab.model.rowCount() == 0
    tab.undo_stack.undo()
    assert tab.model.rowCount() == 1
    assert len(attachments.list_attachments(store, act)) == 1  # came back with it


def test_search_long_and_short_words(qtbot, tab, store, programme, ids) -> None:
    activity(store, programme, ids["host"], title="区域活动专题讲座", day="2024-10-01")
    activity(store, programme, ids["host"], title="线上教研", day="2024-10-02")
    activity(
        store, programme, ids["host"], title="送教", record="课后开展教研活动", day="2024-10-03"
    )
    tab.refresh()
    assert search(qtbot, tab, "区域活动") == ["区域活动专题讲座"]
    assert tab.count_label.text() == "找到 1 次活动"
    assert search(qtbot, tab, "教研") == ["送教", "线上教研"]  # two characters
    assert search(qtbot, tab, "研") == ["送教", "线上教研"]
    assert search(qtbot, tab, "不存在的词") == []
    assert "没有符合条件的活动" in tab.empty_hint.text()
    assert search(qtbot, tab, "") == ["送教", "线上教研", "区域活动专题讲座"]


def test_a_search_after_an_edit_has_the_edited_activity_in_its_new_place(
    qtbot, tab, store, programme, ids
) -> None:
    """The first search after the full list is ordered by that list (core's DiaryList); an
    edit made in the tab moves an activity, and the searches after it show the move — still
    answered by the list, brought up to date from the data file's journal of moves."""
    made = [
        activity(store, programme, ids["host"], title=f"教研{n}", day=f"2024-10-0{n + 1}")
        for n in range(4)
    ]
    activity(store, programme, ids["host"], title="别的", day="2024-10-08")
    tab.refresh()
    assert search(qtbot, tab, "教研") == ["教研3", "教研2", "教研1", "教研0"]
    assert tab.lister.answered_from_list == 1
    tab.view.selectRow(3)
    dialog = tab.edit(made[0])
    dialog.editors["day"].edit.setText("2024-10-09")
    click_ok(dialog)
    assert titles(tab) == ["教研0", "教研3", "教研2", "教研1"]
    assert search(qtbot, tab, "研") == ["教研0", "教研3", "教研2", "教研1"]
    assert tab.count_label.text() == "找到 4 次活动"
    # the list caught up once (the tab's own refresh after the edit), then answered again
    assert (tab.lister.answered_from_list, tab.lister.caught_up) == (3, 1)
    assert search(qtbot, tab, "") == ["教研0", "别的", "教研3", "教研2", "教研1"]
    assert search(qtbot, tab, "教") == ["教研0", "教研3", "教研2", "教研1"]
    assert tab.lister.answered_from_list == 4


def test_ctrl_f_focuses_the_search_box(qtbot, tab) -> None:
    tab.activateWindow()
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.search_edit.hasFocus()


def test_filters(tab, store, programme, ids) -> None:
    other = ids["partner"]
    activity(store, programme, ids["host"], title="十月送教", day="2024-10-05")
    activity(store, programme, other, title="九月讲座", kind="专题讲座", day="2024-09-05")
    activity(
        store,
        programme,
        ids["host"],
        title="春季会议",
        kind="会议",
        day="2025-03-05",
        receiver_ids=[other],
    )
    item = plan_item(store, programme)
    activity(store, programme, ids["host"], title="按计划", day="2024-10-06", plan_item_id=item)
    tab.refresh()
    assert len(titles(tab)) == 4
    tab.picker.set_kind("month")  # today's month: 2024-10
    assert titles(tab) == ["按计划", "十月送教"]
    tab.picker.step(-1)
    assert titles(tab) == ["九月讲座"]
    tab.picker.set_kind("term")
    assert titles(tab) == ["按计划", "十月送教", "九月讲座"]
    tab.picker.set_kind("school_year")
    assert len(titles(tab)) == 4
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findData("会议"))
    assert titles(tab) == ["春季会议"]
    tab.kind_combo.setCurrentIndex(0)
    tab.kindergarten_combo.setCurrentIndex(tab.kindergarten_combo.findData(other))
    assert titles(tab) == ["春季会议", "九月讲座"]  # host or receiver
    tab.kindergarten_combo.setCurrentIndex(0)
    tab.unplanned_check.setChecked(True)
    assert "按计划" not in titles(tab) and len(titles(tab)) == 3
    tab.unplanned_check.setChecked(False)
    tab.show_plan_item(item, "送教下乡")
    assert titles(tab) == ["按计划"]
    assert tab.plan_filter_bar.isVisible()
    assert tab.picker.kind() == "all"
    tab.clear_plan_item()
    assert len(titles(tab)) == 4


def test_show_activity_clears_filters_that_hide_it(qtbot, tab, store, programme, ids) -> None:
    act = activity(store, programme, ids["host"], title="藏起来的", kind="会议")
    activity(store, programme, ids["host"], title="别的")
    tab.refresh()
    search(qtbot, tab, "别的")
    assert tab.show_activity(act)
    assert tab.selected_id() == act and tab.search_edit.text() == ""


def test_print_one_activity_and_a_month(tab, store, programme, ids) -> None:
    if tab.record_form_id() is None:
        pytest.skip("this programme has no activity record form yet")
    act = activity(store, programme, ids["host"], title="送教下乡")
    tab.refresh()
    preview = tab.print_activity(act)
    assert preview is not None
    try:
        assert preview.picker is None  # one activity: no period
        assert preview.document.pageCount() >= 1
    finally:
        preview.close()
    month = tab.print_month()
    assert month is not None
    try:
        assert month.picker is not None and month.picker.label.text() == "2024年10月"
    finally:
        month.close()


def test_disk_full_keeps_the_typing_in_the_form(qtbot, tab, store, ids, boxes) -> None:
    """A save the disk refuses: a clear message, the form stays open with every word, nothing
    half-written; once there is room, the same OK saves it."""
    dialog = tab.add()
    dialog.editors["title"].edit.setText("送教下乡：中班语言《小猫钓鱼》")
    dialog.editors["kind"].set_value("送教下乡")
    dialog.editors["host_id"].set_value(ids["host"])
    record = "幼儿分角色讲述故事。" * 150
    dialog.editors["record"].edit.setPlainText(record)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full
    click_ok(dialog)
    assert any("磁盘空间不足" in text for text in boxes.texts("warning") + boxes.texts("critical"))
    assert dialog.isVisible()
    assert dialog.editors["record"].edit.toPlainText() == record
    assert store.query("SELECT count(*) AS n FROM activity")[0]["n"] == 0
    assert store.integrity_problems() == []
    store.conn.execute("PRAGMA max_page_count = 1073741823")  # room again
    with qtbot.waitSignal(tab.changed):
        click_ok(dialog)
    assert titles(tab) == ["送教下乡：中班语言《小猫钓鱼》"]
