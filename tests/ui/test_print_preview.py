"""打印: the renderer's PDF in a QtPdf preview, sent to a printer page by page, saved as PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.printing import print_preview
from gongtongti_desktop.ui.printing.print_preview import (
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
    from gongtongti_desktop.core.forms.form_data import form_data
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

    def refuse(_data, _mark=None):
        raise UserError("找不到中文字体。")

    monkeypatch.setattr(pdf, "render_pdf", refuse)
    assert open_print_preview(None, demo_store, programme, "annex1") is None
    assert boxes.texts("warning") == ["找不到中文字体。"]


def test_safe_file_name() -> None:
    assert safe_file_name('附件1 a/b:c*?"<>|') == "附件1 a_b_c______"
    assert safe_file_name("  ") == "表格"
    assert print_preview.MAX_PRINT_DPI == 300


def _periodic_form(programme):
    spec = next((s for s in programme.forms if s.periodic and s.source != "activities"), None)
    if spec is None:
        pytest.skip("the programme has no periodic table form yet")
    return spec


def test_a_periodic_form_has_a_period_picker(qtbot, demo_store, programme) -> None:
    import datetime as dt

    spec = _periodic_form(programme)
    dialog = open_print_preview(None, demo_store, programme, spec.id, today=dt.date(2024, 10, 10))
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.picker is not None
    assert dialog.picker.label.text() == "2024年秋季学期"  # the current term by default
    assert "12-2025年1月" in pdf_text(dialog.pdf)
    dialog.picker.set_kind("school_year")
    assert dialog.picker.label.text() == "2024—2025学年"
    dialog.picker.step(1)  # rendered again for the period chosen
    assert dialog.picker.label.text() == "2025—2026学年"
    assert "12-2026年1月" in pdf_text(dialog.pdf)


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_roster_form_has_no_period_picker(preview) -> None:
    assert preview.picker is None


def test_save_as_excel(qtbot, demo_store, programme, tmp_path, file_dialogs, boxes) -> None:
    import openpyxl

    spec = _periodic_form(programme)
    dialog = open_print_preview(None, demo_store, programme, spec.id)
    assert dialog is not None
    qtbot.addWidget(dialog)
    file_dialogs.save_name = str(tmp_path / "计划表")
    saved = dialog.save_as_xlsx()
    assert saved == tmp_path / "计划表.xlsx"
    assert len(openpyxl.load_workbook(saved).sheetnames) == 1
    assert boxes.texts("information") == [f"已保存：{saved}"]


def test_an_index_form_can_be_printed_blank(qtbot, demo_store, programme) -> None:
    from PySide6.QtWidgets import QCheckBox

    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.signed.printed import print_mark
    from gongtongti_desktop.output.pdf import render_pdf

    dialog = open_print_preview(None, demo_store, programme, "annex4")
    assert dialog is not None
    qtbot.addWidget(dialog)
    [blank] = [b for b in dialog.findChildren(QCheckBox) if b.text() == "空白表（手填）"]
    filled = dialog.pdf
    blank.setChecked(True)
    period = dialog.picker.period() if dialog.picker else None
    data = form_data(demo_store, programme, "annex4", period, blank=True)
    expected = render_pdf(data, print_mark(demo_store, data))  # with the same codes
    assert dialog.pdf != filled
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(dialog.pdf)).pages)
    want = "".join(p.extract_text() for p in PdfReader(io.BytesIO(expected)).pages)
    assert text == want
    dialog.close()
    preview = open_print_preview(None, demo_store, programme, "annex1")
    assert preview is not None
    qtbot.addWidget(preview)
    assert not [b for b in preview.findChildren(QCheckBox) if b.text() == "空白表（手填）"]
    preview.close()


def test_saved_name_carries_the_form_and_period_and_never_replaces_a_file(
    qtbot, demo_store, programme, tmp_path, monkeypatch, boxes
) -> None:
    from gongtongti_desktop.core.profile import periods

    term = periods.parse_term(programme.calendar, "2024-autumn")
    dialog = open_print_preview(None, demo_store, programme, "annex2", term)
    assert dialog is not None
    qtbot.addWidget(dialog)
    suggested = []
    monkeypatch.setattr(print_preview, "documents_folder", lambda: tmp_path)
    monkeypatch.setattr(
        print_preview, "ask_save_path", lambda _p, _c, path, _f: suggested.append(path)
    )
    dialog.save_as()
    assert term.label in suggested[-1].name and suggested[-1].suffix == ".pdf"
    suggested[-1].write_bytes(b"%PDF- earlier period")
    dialog.save_as()
    assert suggested[-1].stem.endswith("（2）")  # the first file is not offered for overwriting
    dialog.save_as_xlsx()
    assert term.label in suggested[-1].name and suggested[-1].suffix == ".xlsx"


def test_an_untouched_draft_asks_from_the_print_menu_too(qtbot, demo_path, boxes) -> None:
    from PySide6.QtWidgets import QMessageBox

    from gongtongti_desktop.core.checks import stage_report_draft
    from gongtongti_desktop.core.profile import periods
    from gongtongti_desktop.core.records import stage_reports
    from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file

    store, programme = open_data_file(demo_path)
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    term = periods.parse_term(programme.calendar, "2024-autumn")
    draft = stage_report_draft.draft_from_records(store, programme, term)
    stage_reports.save_stage_report(store, periods.period_key(term), draft.as_values(), draft=True)
    boxes.answer = QMessageBox.StandardButton.No
    assert window.print_form("annex3", term) is None
    assert boxes.texts("question") == [print_preview.PRINT_DRAFT_QUESTION]
    boxes.answer = QMessageBox.StandardButton.Yes
    shown = window.print_form("annex3", term)
    assert shown is not None
    qtbot.addWidget(shown)
    # from the tab's own button the question was asked there: not twice
    assert window.print_form("annex3", term, draft_asked=True) is not None
    assert len(boxes.texts("question")) == 2
