"""The 结对名单 sections: add, edit, delete to the 回收站 and back, filter and sort."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from gongtongti_desktop.core.records import catalog, roster
from gongtongti_desktop.ui.datafile.recycle_bin import RecycleBinDialog
from gongtongti_desktop.ui.roster.tab import RecordSection, RosterTab, delete_question

pytestmark = pytest.mark.gui


@pytest.fixture
def section_for(qtbot):
    def build(store, programme, table) -> RecordSection:
        section = RecordSection(store, programme, table)
        qtbot.addWidget(section)
        section.show()
        return section

    return build


def shown_names(section: RecordSection, column: int = 0) -> list[str]:
    proxy = section.proxy
    return [proxy.data(proxy.index(r, column)) for r in range(proxy.rowCount())]


def test_empty_section_says_what_to_do(section_for, store, programme) -> None:
    section = section_for(store, programme, "kindergarten")
    assert section.model.rowCount() == 0
    assert section.hint.isVisible() and "新增" in section.hint.text()
    assert section.count_label.text() == "共 0 条"
    assert not section.edit_button.isEnabled() and not section.delete_button.isEnabled()


def test_add_through_the_dialog(qtbot, section_for, store, programme) -> None:
    section = section_for(store, programme, "kindergarten")
    dialog = section.add()
    assert dialog.isVisible()
    dialog.editors["name"].edit.setText("东岭镇中心幼儿园")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert shown_names(section) == ["东岭镇中心幼儿园"]
    assert section.selected_id() == dialog.saved_id
    assert [k["name"] for k in roster.list_kindergartens(store, programme)] == ["东岭镇中心幼儿园"]
    assert not section.hint.isVisible()
    assert section.count_label.text() == "共 1 条"


def test_double_click_edits(qtbot, section_for, demo_store, programme) -> None:
    section = section_for(demo_store, programme, "kindergarten")
    first = section.proxy.index(0, 0)
    rect = section.view.visualRect(first)
    viewport = section.view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = section.dialog
    assert dialog is not None and dialog.isVisible()
    record_id = section.visible_ids()[0]
    assert dialog.record_id == record_id
    dialog.editors["township"].edit.setText("新街道")
    dialog.accept()
    assert roster.get_record(demo_store, "kindergarten", record_id)["township"] == "新街道"
    column = [c.key for c in section.model.columns].index("township")
    assert (
        section.proxy.data(section.proxy.index(section.view.currentIndex().row(), column))
        == "新街道"
    )


def test_delete_goes_to_the_recycle_bin_and_comes_back(
    qtbot, section_for, demo_store, programme, boxes
) -> None:
    section = section_for(demo_store, programme, "kindergarten")
    lead = next(
        k for k in roster.list_kindergartens(demo_store, programme) if k["name"] == "城南幼儿园"
    )
    before = {t: len(roster.list_records(demo_store, programme, t)) for t in roster.RECORD_TYPES}
    assert section.select(lead["id"])

    boxes.answer = boxes.answer.No
    assert not section.delete()
    assert section.model.row_of(lead["id"]) >= 0

    boxes.answer = boxes.answer.Yes
    with qtbot.waitSignal(section.changed):
        assert section.delete()
    question = boxes.texts("question")[-1]
    assert "幼儿园“城南幼儿园”" in question
    # its people, pairings, mentor pairs and exchanges (counted by core) go with it
    [entry] = catalog.recycle_bin(demo_store)
    assert entry.count > 5
    assert f"（连同 {entry.count - 1} 条关联记录）" in question
    assert section.model.row_of(lead["id"]) == -1

    bin_dialog = RecycleBinDialog(demo_store)
    qtbot.addWidget(bin_dialog)
    bin_dialog.show()
    assert bin_dialog.model.rowCount() == 1 and not bin_dialog.empty.isVisible()
    assert bin_dialog.model.batch(0) == entry
    bin_dialog.view.selectRow(0)
    assert bin_dialog.restore_button.isEnabled()
    with qtbot.waitSignal(bin_dialog.restored) as restored:
        bin_dialog.restore_button.click()
    assert restored.args == [entry.count]
    assert bin_dialog.model.rowCount() == 0 and bin_dialog.empty.isVisible()
    section.refresh()
    assert section.model.row_of(lead["id"]) >= 0
    after = {t: len(roster.list_records(demo_store, programme, t)) for t in roster.RECORD_TYPES}
    assert after == before


@pytest.mark.parametrize("table", list(roster.RECORD_TYPES))
def test_delete_question_changes_nothing(demo_store, programme, table) -> None:
    row = roster.list_records(demo_store, programme, table)[0]
    dump_before = list(demo_store.db.conn.iterdump())
    question = delete_question(demo_store, table, row["id"])
    assert question.startswith(f"确定删除{roster.RECORD_TYPES[table].label}“")
    assert "?" not in question
    assert list(demo_store.db.conn.iterdump()) == dump_before
    assert catalog.recycle_bin(demo_store) == []


def test_filter_matches_any_column_case_insensitively(section_for, demo_store, programme) -> None:
    section = section_for(demo_store, programme, "pairing")
    total = section.model.rowCount()
    section.filter_edit.setText("城南")
    assert section.proxy.rowCount() == 2
    assert section.count_label.text() == f"显示 2 条（共 {total} 条）"
    phone = section.model.record(0)["partner_phone"]
    section.filter_edit.setText(phone)  # a column other than the first
    assert section.proxy.rowCount() == 1
    section.filter_edit.setText("不存在的园")
    assert section.proxy.rowCount() == 0 and "不存在的园" in section.hint.text()
    section.filter_edit.clear()
    assert section.proxy.rowCount() == total


def test_filter_ignores_case(section_for, store, programme) -> None:
    roster.save_record(store, programme, "kindergarten", {"name": "ABC Kindergarten"})
    section = section_for(store, programme, "kindergarten")
    section.filter_edit.setText("abc kinder")
    assert section.proxy.rowCount() == 1


def click_header(qtbot, section: RecordSection, column: int) -> None:
    header = section.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_core_order_until_a_header_is_clicked(qtbot, section_for, store, programme) -> None:
    for name in ("b园", "C园", "a园"):
        roster.save_record(store, programme, "kindergarten", {"name": name, "township": name})
    section = section_for(store, programme, "kindergarten")
    in_core_order = [k["id"] for k in roster.list_kindergartens(store, programme)]
    assert section.visible_ids() == in_core_order
    township = [c.key for c in section.model.columns].index("township")
    click_header(qtbot, section, township)
    assert shown_names(section, township) == ["a园", "b园", "C园"]
    click_header(qtbot, section, township)
    assert shown_names(section, township) == ["C园", "b园", "a园"]
    click_header(qtbot, section, township)  # third click: back to core's order
    assert section.visible_ids() == in_core_order


def test_roster_tab_refreshes_every_section(qtbot, demo_store, programme) -> None:
    tab = RosterTab(demo_store, programme)
    qtbot.addWidget(tab)
    assert [tab.tabs.tabText(i) for i in range(tab.tabs.count())] == [
        "幼儿园",
        "人员",
        "结对关系",
        "师徒结对",
        "交流轮岗",
    ]
    kindergartens = tab.sections["kindergarten"]
    people_before = tab.sections["person"].model.rowCount()
    kg = roster.list_kindergartens(demo_store, programme)[0]
    kindergartens.select(kg["id"])
    with qtbot.waitSignal(tab.changed):
        kindergartens.delete()
    assert tab.sections["person"].model.rowCount() == people_before - kg["people"]


def test_new_pairings_start_from_this_kindergarten(qtbot, section_for, store, programme) -> None:
    from gongtongti_desktop.core.records import home

    section = section_for(store, programme, "pairing")
    dialog = section.add()
    assert dialog.values()["lead_id"] == ""  # a file without 本园 in its roster: nothing
    dialog.done(0)
    me = home.ensure_home(store, programme)
    dialog = section.add()
    assert dialog.values()["lead_id"] == me
    assert not dialog.is_modified()  # a start, not a change: closing asks nothing
    dialog.done(0)
    people = section_for(store, programme, "person")
    person = people.add()
    assert person.values()["kindergarten_id"] == me
    person.done(0)
