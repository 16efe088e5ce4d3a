"""文件 → 添加签字件… and 签字件情况…: a printed page photographed, filed back through the
dialog (an unreadable photo filed by its typed code), and the form shown 已签字."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QLineEdit

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.signed import filing
from gongtongti_desktop.core.signed.status import SIGNED
from gongtongti_desktop.ui.signed.add_dialog import SignedScansDialog, add_signed_scans
from gongtongti_desktop.ui.signed.status_dialog import SignedStatusDialog

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils"),
]


def _printed_pages(print_pages, store: Store, folder: Path) -> tuple[list[str], list[Path]]:
    codes, pages = print_pages(store, "annex4", folder)
    paths = []
    for n, page in enumerate(pages, 1):
        paths.append(folder / f"第{n}页.jpg")
        page.rotate(3, expand=True, fillcolor="white").save(paths[-1], quality=40)
    return codes, paths


def test_scans_are_filed_through_the_dialog_with_a_typed_code(
    print_pages, qtbot, boxes, demo_store, programme, tmp_path
) -> None:
    codes, (page1, _page2) = _printed_pages(print_pages, demo_store, tmp_path)
    Image.new("RGB", (900, 1200), "white").save(tmp_path / "看不清.jpg")
    dialog = SignedScansDialog(demo_store, [page1, tmp_path / "看不清.jpg"])
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 1).text() == codes[0]
    assert "第 1 页 / 共 2 页" in dialog.table.item(0, 2).text()
    assert "读不出照片上的二维码" in dialog.table.item(1, 2).text()
    assert dialog.summary.text() == "可归档 1 份，共 2 份。" and not dialog.check_button.isHidden()
    edit = dialog.table.cellWidget(1, 1)
    assert isinstance(edit, QLineEdit)
    edit.setText(codes[1].lower())
    dialog.check_button.click()
    assert dialog.summary.text() == "可归档 2 份，共 2 份。"
    assert "第 2 页 / 共 2 页（手输编号）" in dialog.table.item(1, 2).text()
    dialog.file_button.click()
    assert len(dialog.filed) == 2
    (shown,) = boxes.texts("information")
    assert "已归档 2 份签字件" in shown and "看不清.jpg：" in shown

    status = SignedStatusDialog(demo_store, programme)
    qtbot.addWidget(status)
    rows = [status.tree.topLevelItem(i) for i in range(status.tree.topLevelItemCount())]
    (annex4,) = [r for r in rows if r.text(0).startswith("附件4")]
    assert annex4.text(2).startswith(SIGNED) and codes[0] in annex4.text(3)
    assert f"{SIGNED} 1" in status.counts.text()
    status.tree.setCurrentItem(annex4)
    assert status.unfile_button.isEnabled()
    assert status.unfile_selected() == 2 and boxes.texts("question")  # asked first
    rows = [status.tree.topLevelItem(i) for i in range(status.tree.topLevelItemCount())]
    (annex4,) = [r for r in rows if r.text(0).startswith("附件4")]
    assert annex4.text(2).startswith("已打印未签字（已签 0 / 2 页）")
    again = filing.plan_scans(demo_store, [page1])  # filed again: it counts again
    assert again[0].ready and filing.file_scans(demo_store, again)


def test_the_menu_action_opens_the_file_dialog_then_the_plan(
    print_pages, qtbot, monkeypatch, demo_store, tmp_path
) -> None:
    _codes, (page1, _page2) = _printed_pages(print_pages, demo_store, tmp_path)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(page1)], ""))
    )
    dialog = add_signed_scans(None, demo_store)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "添加签字件" and dialog.file_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
    assert add_signed_scans(None, demo_store) is None


def test_the_preview_shows_the_codes_and_saving_or_printing_records_them(
    qtbot, demo_store, programme, tmp_path
) -> None:
    import io

    from pypdf import PdfReader

    from gongtongti_desktop.ui.printing.print_preview import open_print_preview

    dialog = open_print_preview(None, demo_store, programme, "annex1")
    assert dialog is not None
    qtbot.addWidget(dialog)
    shown = PdfReader(io.BytesIO(dialog.pdf)).pages[0].extract_text()
    code = shown.split("表格编号 ")[1].split()[0]
    assert demo_store.query("SELECT count(*) AS n FROM printed_form")[0]["n"] == 0  # a preview
    dialog.save_pdf(tmp_path / "a1.pdf")
    (row,) = demo_store.query("SELECT * FROM printed_form")
    assert row["code"] == code and row["form_id"] == "annex1"
    dialog.record_print()  # what 打印… does once the pages went to the printer: no duplicate
    assert demo_store.query("SELECT count(*) AS n FROM printed_form")[0]["n"] == 1
    dialog.save_docx(tmp_path / "a1.docx")  # Word: one code for the whole form
    assert demo_store.query("SELECT count(*) AS n FROM printed_form WHERE page = 0")[0]["n"] == 1
