"""The 月计划 tab: items by plan row, add / edit / delete with undo, 复制上月, overdue items,
the header, an item's activities and the month's balance."""

from __future__ import annotations

import datetime as dt

import pytest
from _diary_data import activity, plan_item, small_roster
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from gongtongti_desktop.core.records import catalog, plans
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.ui.plans.model import OVERDUE_ROLE, PlanTreeModel
from gongtongti_desktop.ui.plans.tab import PlanTab
from gongtongti_desktop.ui.shell.field_editors import ComboEditor

pytestmark = pytest.mark.gui

TODAY = dt.date(2024, 10, 10)


@pytest.fixture
def people(store, programme) -> dict[str, str]:
    return small_roster(store, programme)


@pytest.fixture
def tab(qtbot, store, programme, people) -> PlanTab:
    widget = PlanTab(store, programme, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def texts(tab: PlanTab, key: str) -> list[str]:
    return [" ".join(i["task"].split()) for i in tab.model.items_of(key)]


def click_ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_rows_of_the_term_and_an_empty_hint(tab) -> None:
    labels = [r.label for r in tab.model.plan_rows()]
    assert labels == ["7-8月", "9月", "10月", "11月", "12-2025年1月"]
    assert tab.picker.label.text() == "2024年秋季学期"
    assert tab.selected_row_key() == "2024-10"  # the row today is in
    assert tab.hint.isVisible() and "还没有计划事项" in tab.hint.text()
    assert tab.kindergarten_label.text() == "测试幼儿园"
    assert not tab.overdue_label.isVisible()


def test_period_navigation(tab) -> None:
    tab.picker.step(1)
    assert tab.picker.label.text() == "2025年春季学期"
    assert [r.label for r in tab.model.plan_rows()] == ["2月", "3月", "4月", "5月", "6月"]
    tab.picker.set_kind("school_year")
    assert tab.picker.label.text() == "2024—2025学年"
    assert len(tab.model.plan_rows()) == 10
    tab.picker.go_to_today()
    assert tab.picker.label.text() == "2024—2025学年"


def test_create_an_item_then_undo_and_redo(qtbot, tab, store, people) -> None:
    dialog = tab.add()
    assert dialog.windowTitle() == "新增计划事项"
    assert dialog.editors["month"].value() == "2024-10"
    assert dialog.editors["status"].value() == plans.PLANNED
    assert not dialog.is_modified()  # the presets are not changes
    dialog.editors["task"].edit.setPlainText("送教下乡：大班科学活动")
    dialog.editors["day"].edit.setText("2024-10-18")
    dialog.editors["responsible_id"].set_value(people["teacher"])
    with qtbot.waitSignal(tab.changed):
        click_ok(dialog)
    assert not dialog.isVisible()
    assert texts(tab, "2024-10") == ["送教下乡：大班科学活动"]
    item = tab.model.items_of("2024-10")[0]
    assert item["responsible"] == "王老师"
    assert tab.selected_item_id() == item["id"]
    assert not tab.hint.isVisible()
    assert tab.undo_stack.undoText() == "新增计划事项"

    tab.undo_stack.undo()
    assert texts(tab, "2024-10") == []
    assert records.get_record(store, "plan_item", item["id"], missing_ok=True) is None
    tab.undo_stack.redo()
    assert texts(tab, "2024-10") == ["送教下乡：大班科学活动"]
    assert tab.model.items_of("2024-10")[0]["id"] == item["id"]  # the same record came back


def test_edit_and_undo(tab, store, programme) -> None:
    item = plan_item(store, programme, task="专题讲座")
    tab.refresh()
    dialog = tab.edit(item)
    assert dialog.windowTitle() == "编辑计划事项"
    dialog.editors["task"].edit.setPlainText("专题讲座：区域活动")
    dialog.editors["completion_note"].edit.setPlainText("请专家主讲")
    click_ok(dialog)
    assert texts(tab, "2024-10") == ["专题讲座：区域活动"]
    assert tab.undo_stack.undoText() == "修改计划事项"
    tab.undo_stack.undo()
    assert records.get_record(store, "plan_item", item)["task"] == "专题讲座"
    assert records.get_record(store, "plan_item", item)["completion_note"] == ""
    tab.undo_stack.redo()
    assert records.get_record(store, "plan_item", item)["completion_note"] == "请专家主讲"


def test_a_date_outside_the_row_is_flagged(tab) -> None:
    dialog = tab.add()
    dialog.editors["task"].edit.setPlainText("跟岗研修")
    dialog.editors["day"].edit.setText("2024-11-03")
    click_ok(dialog)
    assert dialog.isVisible()
    assert "不在计划所属的“10月”" in dialog.errors()["day"]
    assert texts(tab, "2024-10") == []


def test_delete_goes_to_the_recycle_bin_and_undo_brings_it_back(tab, store, programme, boxes):
    item = plan_item(store, programme, task="入园指导")
    tab.refresh()
    assert tab.select_item(item)
    assert tab.delete()
    assert "确定删除计划事项“入园指导”吗？" in boxes.texts("question")[0]
    assert texts(tab, "2024-10") == []
    assert [b.summary for b in catalog.recycle_bin(store)] == ["计划事项“入园指导”"]
    tab.undo_stack.undo()
    assert texts(tab, "2024-10") == ["入园指导"]
    assert catalog.recycle_bin(store) == []


def test_delete_can_be_declined(tab, store, programme, boxes) -> None:
    item = plan_item(store, programme)
    tab.refresh()
    boxes.answer = boxes.answer.No
    assert not tab.delete(item)
    assert texts(tab, "2024-10") == ["送教下乡"]
    assert tab.undo_stack.count() == 0


def test_copy_last_month(tab, store, programme, people) -> None:
    plan_item(store, programme, month="2024-09", task="送教下乡", day="2024-09-12", status="已完成")
    plan_item(store, programme, month="2024-09", task="专题讲座", responsible_id=people["teacher"])
    tab.refresh()
    assert tab.select_row("2024-10")
    assert "把“9月”的计划事项复制到“10月”" in tab.copy_button.toolTip()
    new = tab.copy_previous()
    assert len(new) == 2
    copied = tab.model.items_of("2024-10")
    assert [i["task"] for i in copied] == ["送教下乡", "专题讲座"]
    assert [i["status"] for i in copied] == ["计划", "计划"]
    assert copied[0]["day"] == "2024-10-12" and copied[1]["responsible"] == "王老师"
    tab.undo_stack.undo()
    assert tab.model.items_of("2024-10") == []
    tab.undo_stack.redo()
    assert [i["id"] for i in tab.model.items_of("2024-10")] == new


def test_copy_from_an_empty_month_says_so(tab, boxes) -> None:
    tab.select_row("2024-10")
    assert tab.copy_previous() == []
    assert boxes.texts("warning") == ["“9月”没有计划事项可复制"]
    assert tab.undo_stack.count() == 0


def test_copy_into_a_month_with_items_asks(tab, store, programme, boxes) -> None:
    plan_item(store, programme, month="2024-09")
    plan_item(store, programme, month="2024-10")
    tab.refresh()
    boxes.answer = boxes.answer.No
    assert tab.copy_previous("2024-10") == []
    assert "“10月”已有 1 项计划" in boxes.texts("question")[0]


def test_overdue_items_are_shown(tab, store, programme) -> None:
    late = plan_item(store, programme, month="2024-09", day="2024-09-05", task="调研")
    plan_item(store, programme, month="2024-09", day="2024-09-06", status="已完成")
    plan_item(store, programme, month="2024-10", day="2024-10-20")  # not due yet
    plan_item(store, programme, month="2024-02", task="去年的")  # another term
    tab.refresh()
    assert tab.overdue_count() == 2
    assert tab.overdue_label.isVisible()
    assert "2 项计划已过期未完成（本期间 1 项）" in tab.overdue_label.text()
    index = tab.model.item_index(late)
    status = index.siblingAtColumn(tab.model.keys.index("status"))
    assert status.data() == "计划（已过期）"
    assert index.data(OVERDUE_ROLE) == "2024-09-05"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "已过期未完成：应于 2024-09-05 前完成"
    assert tab.go_to_overdue()  # the first one: last spring's
    assert tab.picker.label.text() == "2024年春季学期"


def test_header_is_saved_at_once_and_undoable(tab, store) -> None:
    tab.filler_edit.setText("张老师")
    tab.filler_edit.editingFinished.emit()
    assert plans.header(store)["filler"] == "张老师"
    tab.principal_edit.setText("李园长")
    tab.principal_edit.editingFinished.emit()
    assert plans.header(store)["principal"] == "李园长"
    tab.undo_stack.undo()
    assert plans.header(store)["principal"] == ""
    assert tab.principal_edit.text() == ""
    tab.undo_stack.undo()
    assert plans.header(store)["filler"] == ""


def test_item_activities_and_month_balance(qtbot, tab, store, programme, people) -> None:
    item = plan_item(store, programme, task="送教下乡")
    open_item = plan_item(store, programme, task="专题讲座")
    linked = activity(store, programme, people["host"], plan_item_id=item, title="送教：沉与浮")
    activity(store, programme, people["host"], title="临时加开的教研")
    tab.refresh()
    tab.select_item(item)
    assert tab.side.activity_list.count() == 1
    assert "送教：沉与浮" in tab.side.activity_list.item(0).text()
    assert "已有 1 次活动" in tab.side.item_label.text()
    assert tab.side.balance_box.title() == "10月对照"
    assert (
        tab.side.not_done_list.count() == 1 and "专题讲座" in tab.side.not_done_list.item(0).text()
    )
    assert tab.side.unplanned_list.count() == 1
    assert "临时加开的教研" in tab.side.unplanned_list.item(0).text()
    assert "完成了但不在计划中（1）" in tab.side.unplanned_label.text()
    status = tab.model.item_index(item).siblingAtColumn(tab.model.keys.index("status"))
    assert status.data() == "已完成"
    with qtbot.waitSignal(tab.show_activities) as shown:
        tab.side.show_button.click()
    assert shown.args == [item, "送教下乡"]
    with qtbot.waitSignal(tab.open_activity) as opened:
        tab.side.activity_list.itemDoubleClicked.emit(tab.side.activity_list.item(0))
    assert opened.args == [linked]
    tab.side.not_done_list.itemDoubleClicked.emit(tab.side.not_done_list.item(0))
    assert tab.selected_item_id() == open_item
    with qtbot.waitSignal(tab.record_activity) as record:
        tab.side.record_button.click()
    assert record.args == [open_item]


def test_month_combo_offers_plan_rows(tab) -> None:
    dialog = tab.add("2024-12")
    month = dialog.editors["month"]
    assert isinstance(month, ComboEditor)
    offered = [month.combo.itemText(i) for i in range(month.combo.count())]
    assert "2024年7-8月" in offered and "2024年12月—2025年1月" in offered
    assert month.combo.currentText() == "2024年12月—2025年1月"


def test_undo_that_clashes_is_reported_and_dropped(tab, store, programme, people, boxes):
    item = plan_item(store, programme, responsible_id=people["teacher"])
    tab.refresh()
    dialog = tab.edit(item)
    dialog.editors["responsible_id"].set_value("")
    click_ok(dialog)
    records.delete_record(store, "person", people["teacher"])  # deleted meanwhile
    tab.undo_stack.undo()
    assert boxes.texts("warning") == ["负责人不存在或已删除"]
    assert records.get_record(store, "plan_item", item)["responsible_id"] is None
    assert tab.undo_stack.count() == 0


def test_plan_model(qtmodeltester, store, programme, people) -> None:
    from gongtongti_desktop.core.profile import periods

    plan_item(store, programme, month="2024-09", day="2024-09-03", responsible_id=people["teacher"])
    plan_item(store, programme, month="2024-12", day="2025-01-06")
    period = periods.term_period(programme.calendar, 2024, "autumn")
    model = PlanTreeModel()
    model.set_plan(
        periods.plan_rows(programme.calendar, period),
        plans.list_items(store, programme, period),
        {},
    )
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    assert model.rowCount(model.group_index("2024-12")) == 1
    child = model.index(0, model.keys.index("day"), model.group_index("2024-12"))
    assert child.data() == "1月6日"
    assert model.parent(child) == model.group_index("2024-12")
    assert model.index(1, 2).data() == "共 1 项，已完成 0 项"
