"""文件 → 导入结对名单: core reads and plans, the preview lists it, 导入 applies it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QDialog

from gongtongti_desktop.core.records import roster
from gongtongti_desktop.ui.roster import import_dialog
from gongtongti_desktop.ui.roster.import_dialog import (
    NOTHING_TO_IMPORT,
    ImportPreviewDialog,
    choose_and_preview,
    read_plan,
    run_import,
)

pytestmark = pytest.mark.gui

HEADER = ["核心幼儿园", "责任人", "联系方式", "受援学区", "责任人", "联系方式"]
ROWS = [
    ["城关测试幼儿园", "赵一", "13900000001", "东岭镇学区", "钱二", "13900000002"],
    [None, None, None, "西河镇学区", "孙三", "13900000003"],
]


def write_roster(path: Path, rows=ROWS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "结对名单"
    sheet.append(["测试用结对名单"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def roster_xlsx(tmp_path) -> Path:
    return write_roster(tmp_path / "名单.xlsx")


def test_preview_lists_what_will_be_added_and_import_adds_it(
    qtbot, store, programme, roster_xlsx
) -> None:
    plan = read_plan(store, programme, roster_xlsx)
    dialog = ImportPreviewDialog(store, programme, plan, roster_xlsx)
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.outcome_text()
    assert text == "\n".join(plan.outcome_lines())
    for name in ("城关测试幼儿园", "东岭镇学区", "西河镇学区", "赵一", "孙三"):
        assert name in text
    assert roster.list_pairings(store) == []  # the preview wrote nothing

    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    pairs = [(p["lead_name"], p["partner_name"]) for p in roster.list_pairings(store)]
    assert pairs == [("城关测试幼儿园", "东岭镇学区"), ("城关测试幼儿园", "西河镇学区")]
    assert dialog.backup_path is not None and dialog.backup_path.exists()
    assert dialog.result_lines


def test_cancel_imports_nothing(qtbot, store, programme, roster_xlsx) -> None:
    dialog = ImportPreviewDialog(
        store, programme, read_plan(store, programme, roster_xlsx), roster_xlsx
    )
    qtbot.addWidget(dialog)
    dialog.reject()
    assert roster.list_kindergartens(store, programme) == []


def test_same_file_twice_says_nothing_to_import(
    qtbot, store, programme, roster_xlsx, file_dialogs, boxes
) -> None:
    file_dialogs.open_name = str(roster_xlsx)
    first = choose_and_preview(None, store, programme)
    assert first is not None
    qtbot.addWidget(first)
    first.accept()
    assert choose_and_preview(None, store, programme) is None
    assert boxes.texts("information") == [NOTHING_TO_IMPORT]


def test_refused_file_shows_cores_message(tmp_path, store, programme, file_dialogs, boxes) -> None:
    bad = write_roster(
        tmp_path / "坏.xlsx", [["城关测试幼儿园", "赵一", "123", "东岭镇学区", "钱二", "x"]]
    )
    file_dialogs.open_name = str(bad)
    assert choose_and_preview(None, store, programme) is None
    [message] = boxes.texts("warning")
    assert message.startswith("导入被拒绝，数据文件未做任何改动。")
    assert roster.list_kindergartens(store, programme) == []


def test_not_a_workbook(tmp_path, store, programme, file_dialogs, boxes) -> None:
    fake = tmp_path / "假的.xlsx"
    fake.write_text("不是表格", encoding="utf-8")
    file_dialogs.open_name = str(fake)
    assert choose_and_preview(None, store, programme) is None
    assert len(boxes.texts("warning")) == 1


def test_cancelled_file_dialog_does_nothing(store, programme, boxes) -> None:
    assert not run_import(None, store, programme)
    assert boxes.calls == []


def test_run_import_end_to_end(
    monkeypatch, store, programme, roster_xlsx, file_dialogs, boxes
) -> None:
    file_dialogs.open_name = str(roster_xlsx)

    def accept_at_once(dialog) -> int:
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(import_dialog.ImportPreviewDialog, "exec", accept_at_once)
    assert run_import(None, store, programme)
    assert len(roster.list_pairings(store)) == 2
    assert boxes.texts("information")[0].startswith("导入完成。")
