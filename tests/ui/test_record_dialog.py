"""The generic record dialog: built from the fields, saves through core, shows core's
messages under the fields and never loses what was typed."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from gongtongti_desktop.core.records import roster
from gongtongti_desktop.ui.shell.field_editors import ComboEditor
from gongtongti_desktop.ui.shell.record_dialog import RecordDialog

pytestmark = pytest.mark.gui


def make(qtbot, store, programme, table, record_id=None) -> RecordDialog:
    dialog = RecordDialog(store, programme, table, record_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click_ok(dialog: RecordDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def choose(editor, text_part: str) -> None:
    assert isinstance(editor, ComboEditor)
    for i in range(editor.combo.count()):
        if text_part in editor.combo.itemText(i):
            editor.combo.setCurrentIndex(i)
            return
    raise AssertionError(f"{text_part} not offered")


def kindergarten(store, programme, name: str) -> str:
    return roster.save_record(store, programme, "kindergarten", {"name": name})


def test_form_is_built_from_the_fields(qtbot, store, programme) -> None:
    dialog = make(qtbot, store, programme, "kindergarten")
    assert list(dialog.editors) == [f.name for f in roster.RECORD_TYPES["kindergarten"].fields]
    kind = dialog.editors["kind"]
    assert isinstance(kind, ComboEditor)
    offered = [kind.combo.itemText(i) for i in range(kind.combo.count())]
    assert offered == ["", *programme.kindergarten_kinds]  # not required: empty entry first
    assert dialog.editors["name"].label.text() == "园名 *："
    assert dialog.windowTitle() == "新增幼儿园"


def test_adding_a_kindergarten(qtbot, store, programme) -> None:
    dialog = make(qtbot, store, programme, "kindergarten")
    dialog.editors["name"].edit.setText("  东岭镇中心幼儿园 ")
    choose(dialog.editors["kind"], "乡镇中心园")
    dialog.editors["township"].edit.setText("东岭镇")
    with qtbot.waitSignal(dialog.saved):
        click_ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    row = roster.get_record(store, "kindergarten", dialog.saved_id)
    assert (row["name"], row["kind"], row["township"]) == (
        "东岭镇中心幼儿园",
        "乡镇中心园",
        "东岭镇",
    )


def test_bad_phone_is_shown_under_the_field_and_the_dialog_stays(qtbot, store, programme) -> None:
    kindergarten(store, programme, "甲园")
    dialog = make(qtbot, store, programme, "person")
    dialog.editors["name"].edit.setText("王小明")
    dialog.editors["phone"].edit.setText("12345")
    dialog.editors["note"].edit.setPlainText("备注不能丢")
    choose(dialog.editors["kindergarten_id"], "甲园")
    click_ok(dialog)
    assert dialog.isVisible() and dialog.saved_id is None
    errors = dialog.errors()
    assert list(errors) == ["phone"]
    assert "联系方式“12345”无效" in errors["phone"]
    assert dialog.editors["phone"].error.isVisible()
    # nothing typed was lost
    assert dialog.values()["name"] == "王小明"
    assert dialog.values()["phone"] == "12345"
    assert dialog.values()["note"] == "备注不能丢"
    assert roster.list_people(store) == []
    # fixing it saves, and the message goes away
    dialog.editors["phone"].edit.setText("13912345678")
    click_ok(dialog)
    assert not dialog.isVisible()
    assert roster.get_record(store, "person", dialog.saved_id)["phone"] == "13912345678"


def test_required_reference_missing(qtbot, store, programme) -> None:
    dialog = make(qtbot, store, programme, "person")
    dialog.editors["name"].edit.setText("王小明")
    click_ok(dialog)
    assert dialog.errors() == {"kindergarten_id": "请选择所在幼儿园"}
    assert dialog.isVisible()


def test_end_date_before_start_date(qtbot, store, programme) -> None:
    lead = kindergarten(store, programme, "城关幼儿园")
    partner = kindergarten(store, programme, "东岭学区")
    dialog = make(qtbot, store, programme, "pairing")
    dialog.editors["lead_id"].set_value(lead)
    dialog.editors["partner_id"].set_value(partner)
    dialog.editors["start_date"].edit.setText("2024-09-01")
    dialog.editors["end_date"].edit.setText("2023-07-01")
    click_ok(dialog)
    assert dialog.isVisible()
    assert dialog.errors() == {"end_date": "结束日期不能早于开始日期"}
    assert dialog.editors["start_date"].edit.text() == "2024-09-01"
    assert dialog.editors["end_date"].edit.text() == "2023-07-01"
    assert roster.list_pairings(store) == []


def test_core_messages_use_the_role_names(qtbot, store, programme) -> None:
    lead = kindergarten(store, programme, "城关幼儿园")
    dialog = make(qtbot, store, programme, "pairing")
    dialog.editors["lead_id"].set_value(lead)
    dialog.editors["partner_id"].set_value(lead)
    click_ok(dialog)
    assert dialog.errors() == {"partner_id": "受援学区不能与核心幼儿园相同"}


def test_pairing_labels_follow_the_programme(qtbot, gaotai_store, gaotai) -> None:
    dialog = make(qtbot, gaotai_store, gaotai, "pairing")
    labels = {name: e.label.text() for name, e in dialog.editors.items()}
    assert labels["lead_id"] == "帮扶园 *："
    assert labels["lead_person_id"] == "帮扶园责任人："
    choose(dialog.editors["partner_role"], "被帮扶民办园")
    assert dialog.editors["partner_id"].label.text() == "被帮扶民办园 *："
    assert dialog.editors["partner_person_id"].label.text() == "被帮扶民办园责任人："


def test_single_partner_role_is_preselected(qtbot, store, programme) -> None:
    dialog = make(qtbot, store, programme, "pairing")
    assert dialog.editors["partner_role"].value() == "受援学区"


def test_person_choices_are_the_chosen_kindergartens_people(qtbot, store, programme) -> None:
    a = kindergarten(store, programme, "甲园")
    b = kindergarten(store, programme, "乙园")
    for name, kg in (("张一", a), ("李二", a), ("王三", b)):
        roster.save_record(
            store, programme, "person", {"name": name, "kindergarten_id": kg, "post": "园长"}
        )
    dialog = make(qtbot, store, programme, "pairing")
    combo = dialog.editors["lead_person_id"].combo
    everyone = [combo.itemText(i) for i in range(combo.count())]
    assert len([t for t in everyone if t]) == 3
    dialog.editors["lead_id"].set_value(a)
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered == ["", "张一（园长）", "李二（园长）"]


def test_editing_keeps_unchanged_values(qtbot, demo_store, programme) -> None:
    pairing = roster.list_pairings(demo_store)[0]
    dialog = make(qtbot, demo_store, programme, "pairing", pairing["id"])
    assert dialog.windowTitle() == "编辑结对关系"
    assert dialog.editors["lead_person_id"].value() == pairing["lead_person_id"]
    assert dialog.editors["agreement_filed"].value() is True
    assert not dialog.is_modified()
    dialog.editors["note"].edit.setPlainText("已续签")
    click_ok(dialog)
    assert not dialog.isVisible()
    after = roster.get_record(demo_store, "pairing", pairing["id"])
    assert after["note"] == "已续签"
    assert after["lead_person_id"] == pairing["lead_person_id"]
    assert after["start_date"] == pairing["start_date"]


def test_cancel_with_changes_asks(qtbot, store, programme, boxes) -> None:
    dialog = make(qtbot, store, programme, "kindergarten")
    dialog.editors["name"].edit.setText("半截")
    boxes.answer = boxes.answer.No
    dialog.reject()
    assert boxes.texts("question") == ["放弃未保存的修改？"]
    assert dialog.isVisible()
    assert dialog.editors["name"].edit.text() == "半截"
    boxes.answer = boxes.answer.Yes
    dialog.reject()
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_cancel_without_changes_does_not_ask(qtbot, store, programme, boxes) -> None:
    dialog = make(qtbot, store, programme, "kindergarten")
    dialog.reject()
    assert boxes.calls == []
    assert not dialog.isVisible()


def test_record_deleted_meanwhile_is_reported(qtbot, store, programme, boxes) -> None:
    kg = kindergarten(store, programme, "甲园")
    dialog = make(qtbot, store, programme, "kindergarten", kg)
    roster.delete_record(store, "kindergarten", kg)
    dialog.editors["name"].edit.setText("甲园（新）")
    click_ok(dialog)
    assert boxes.texts("warning") == ["要修改的幼儿园不存在或已删除"]
    assert dialog.isVisible()
