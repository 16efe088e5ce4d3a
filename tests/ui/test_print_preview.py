"""打印: the renderer's PDF in a QtPdf preview, sent to a printer page by page, saved as PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui import print_preview
from gongtongti_desktop.ui.print_preview import (
    PrintPreviewDialog,
    open_print_preview,
    paint_pages,
    safe_file_name,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def preview(qtbot, demo_store, programme) -> PrintPreviewDialog:
    dialog = open_print_preview(None, demo_store, programme, "annex1")
    assert dialog is not None
    qtbot.addWidget(dialog)
    return dialog


def test_preview_shows_the_rendered_form(preview, demo_store, programme) -> None:
    from gongtongti_desktop.core.form_data import form_data
    from gongtongti_desktop.output.pdf import render_pdf

    expected = PdfReader(io.BytesIO(render_pdf(form_data(demo_store, programme, "annex1"))))
    assert preview.isVisible()
    assert preview.document.pageCount() == len(expected.pages) >= 1
    assert preview.windowTitle() == "打印预览 — 附件1 沂源县幼儿园城乡教育共同体结对名单"
    assert preview.view.zoomMode() == preview.view.ZoomMode.FitToWidth
    preview.zoom.setCurrentIndex(4)  # 100%
    assert preview.view.zoomFactor() == 1.0


def test_pages_go_to_the_printer(preview, tmp_path) -> None:
    out = tmp_path / "printed.pdf"
    printer = preview.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(72)  # keeps the test fast; real printers use their own
    sent = paint_pages(preview.document, printer)
    assert sent == preview.document.pageCount()
    assert len(PdfReader(out).pages) == sent


def test_save_as_pdf(preview, tmp_path, file_dialogs, boxes) -> None:
    file_dialogs.save_name = str(tmp_path / "结对名单")  # no suffix typed
    saved = preview.save_as()
    assert saved == tmp_path / "结对名单.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert boxes.texts("information") == [f"已保存：{saved}"]


def test_save_as_cancelled(preview, file_dialogs) -> None:
    assert preview.save_as() is None


def test_renderer_error_is_a_message(monkeypatch, demo_store, programme, boxes) -> None:
    from gongtongti_desktop.output import pdf

    def refuse(_data):
        raise UserError("找不到中文字体。")

    monkeypatch.setattr(pdf, "render_pdf", refuse)
    assert open_print_preview(None, demo_store, programme, "annex1") is None
    assert boxes.texts("warning") == ["找不到中文字体。"]


def test_safe_file_name() -> None:
    assert safe_file_name('附件1 a/b:c*?"<>|') == "附件1 a_b_c______"
    assert safe_file_name("  ") == "表格"
    assert print_preview.MAX_PRINT_DPI == 300
