"""Print preview of one form: the PDF from the renderer shown with QtPdf, then 打印… (to a
printer, page by page), 另存为 PDF / Word… (the same dialog saves a .docx with the same table,
for the director to edit in WPS) or 另存为 Excel… (the same form as an xlsx sheet). Characters
no installed font can draw are named in a warning when the preview opens.

A form that covers a period (the monthly plan table, the activity records) shows a period
picker (月 / 学期 / 学年) above the pages, starting at the form's default period (normally the
current term); changing it renders the form again. Single activities are printed by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import FormSpec, Programme
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import (
    ask_save_path,
    documents_folder,
    show_error,
    show_info,
    wait_cursor,
)
from gongtongti_desktop.ui.shell.period_picker import PeriodPicker

# Pages are rasterised for the printer; above this the image only costs memory.
MAX_PRINT_DPI = 300
_ZOOMS = (("适合宽度", None), ("整页", 0.0), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0))
PDF_FILTER = "PDF 文件 (*.pdf)"
DOCX_FILTER = "Word 文档，可在 WPS 中修改 (*.docx)"
# Forms that never take a period, for a programme loader without ``FormSpec.periodic``.
_NOT_PERIODIC = ("annex1", "arrangement")


def is_periodic(spec: FormSpec) -> bool:
    """Whether the form prints a month / term / school year (core's flag when it has one)."""
    flag = getattr(spec, "periodic", None)
    return spec.id not in _NOT_PERIODIC if flag is None else bool(flag)


def safe_file_name(text: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in text).strip() or "表格"


PRINT_DRAFT_QUESTION = "本期阶段总结还是自动起草的草稿，尚未修改，仍要打印吗？"
SUMMARY_SOURCE = "summary_rows"  # a form printing a stage summary (附件3)


def file_stem(title: str, period: Period | None) -> str:
    """A saved file's name: the form and its period ("附件3 …（2024年秋季学期）"), so the next
    period's file does not replace this one."""
    if period is None or period.label in title:
        return safe_file_name(title)
    return safe_file_name(f"{title}（{period.label}）")


def free_path(path: Path) -> Path:
    """``path``, or ``name（2）.pdf`` … when a file of that name is already there."""
    number = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}（{number}）{path.suffix}")
        number += 1
    return candidate


def unedited_draft(store: Store, spec: FormSpec, period: Period | None) -> bool:
    """The form prints a stage summary whose text is still the untouched draft."""
    if period is None or getattr(spec, "source", "") != SUMMARY_SOURCE:
        return False
    from gongtongti_desktop.core.profile.periods import period_key
    from gongtongti_desktop.core.records import stage_reports

    return stage_reports.is_unedited_draft(
        stage_reports.get_stage_report(store, period_key(period))
    )


def paint_pages(document: QPdfDocument, printer: QPrinter) -> int:
    """Render every page (or the range chosen in the print dialog) onto ``printer``.

    Each page is rendered at the printer's resolution (capped) and scaled into the paint
    rectangle, keeping its proportions. Returns the number of pages sent.
    """
    count = document.pageCount()
    first, last = 0, count - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(0, printer.fromPage() - 1)
        last = min(count - 1, printer.toPage() - 1 if printer.toPage() > 0 else count - 1)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("无法开始打印：打印机不可用。")
    sent = 0
    try:
        target = printer.pageLayout().paintRectPixels(printer.resolution())
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        for page in range(first, last + 1):
            if sent:
                printer.newPage()
            points = document.pagePointSize(page)
            image = document.render(
                page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            )
            scale = min(target.width() / points.width(), target.height() / points.height())
            width, height = round(points.width() * scale), round(points.height() * scale)
            x = (target.width() - width) // 2
            # The painter's origin is the top left of the printable area.
            painter.drawImage(QRect(x, 0, width, height), image)
            sent += 1
    finally:
        painter.end()
    return sent


class PrintPreviewDialog(QDialog):
    """Shows ``pdf`` (bytes) page after page; ``save_pdf(path)`` writes it for 另存为 PDF…."""

    def __init__(
        self,
        pdf: bytes,
        title: str,
        save_pdf: Callable[[Path], None],
        parent: QWidget | None = None,
        save_xlsx: Callable[[Path], None] | None = None,
        save_docx: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.resize(900, 760)
        self._buffer: QBuffer | None = None
        self.document = QPdfDocument(self)
        self.pages = QLabel()
        self.picker: PeriodPicker | None = None
        self.record_print: Callable[[], Any] = lambda: None
        self.set_document(pdf, title, save_pdf, save_xlsx, save_docx)

        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)

        self.zoom = QComboBox()
        for text, _factor in _ZOOMS:
            self.zoom.addItem(text)
        self.zoom.currentIndexChanged.connect(self._zoom_changed)

        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为 PDF / Word…")
        self.save_button.setToolTip("保存为 PDF，或保存为 Word 文档（.docx，可在 WPS 中修改）")
        self.xlsx_button = QPushButton("另存为 Excel…")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.xlsx_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.xlsx_button.clicked.connect(self.save_as_xlsx)
        self.xlsx_button.setVisible(self.save_xlsx is not None)
        self.print_button.setDefault(True)

        self.top_bar = QHBoxLayout()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("缩放："))
        bar.addWidget(self.zoom)
        bar.addWidget(self.pages)
        bar.addStretch(1)
        bar.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top_bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)

    def set_document(
        self,
        pdf: bytes,
        title: str,
        save_pdf: Callable[[Path], None],
        save_xlsx: Callable[[Path], None] | None = None,
        save_docx: Callable[[Path], None] | None = None,
    ) -> None:
        """Show another rendering (e.g. after the period changed)."""
        old = self._buffer
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.close()
        self.document.load(buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            raise UserError("生成的 PDF 无法显示。")
        self._buffer = buffer
        self.pdf = pdf
        if old is not None:
            old.deleteLater()
        self.title = title
        self.save_pdf = save_pdf
        self.save_xlsx = save_xlsx
        self.save_docx = save_docx
        self.setWindowTitle(f"打印预览 — {title}")
        self.pages.setText(f"共 {self.document.pageCount()} 页")

    def add_period_picker(self, picker: PeriodPicker) -> None:
        self.picker = picker
        self.top_bar.addWidget(QLabel("打印期间："))
        self.top_bar.addWidget(picker)
        self.top_bar.addStretch(1)

    def _zoom_changed(self, index: int) -> None:
        factor = _ZOOMS[index][1]
        if factor is None:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif factor == 0.0:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(factor)

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        if self.document.pageCount():
            size = self.document.pagePointSize(0)
            landscape = size.width() > size.height()
            printer.setPageOrientation(
                QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
            )
        printer.setFromTo(1, self.document.pageCount())
        return printer

    def print_document(self) -> None:
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"打印 — {self.title}")
        dialog.setMinMax(1, self.document.pageCount())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            with wait_cursor():
                paint_pages(self.document, printer)
                self.record_print()  # the codes on paper now resolve in the data file
        except UserError as exc:
            show_error(self, exc)

    def save_as(self) -> Path | None:
        """另存为: a PDF, or (chosen in the same dialog) a Word file for WPS with the same table."""
        stem = getattr(self, "file_stem", "") or safe_file_name(self.title)
        suggested = free_path(documents_folder() / f"{stem}.pdf")
        filters = [PDF_FILTER] + ([DOCX_FILTER] if self.save_docx is not None else [])
        path = ask_save_path(self, "另存为 PDF / Word", suggested, ";;".join(filters))
        if path is None:
            return None
        save = self.save_docx if path.suffix.lower() == ".docx" else self.save_pdf
        if save is None:
            return None
        try:
            with wait_cursor():
                save(path)
        except (UserError, OSError) as exc:
            show_error(self, exc)
            return None
        show_info(self, f"已保存：{path}")
        return path

    def save_as_xlsx(self) -> Path | None:
        if self.save_xlsx is None:
            return None
        stem = getattr(self, "file_stem", "") or safe_file_name(self.title)
        suggested = free_path(documents_folder() / f"{stem}.xlsx")
        path = ask_save_path(self, "另存为 Excel", suggested, "Excel 工作簿 (*.xlsx)")
        if path is None:
            return None
        try:
            with wait_cursor():
                self.save_xlsx(path)
        except (UserError, OSError) as exc:
            show_error(self, exc)
            return None
        show_info(self, f"已保存：{path}")
        return path


@dataclass(frozen=True)
class Rendered:
    """One form rendered: the PDF, its title, how to save it, and the characters that could
    not be drawn (a warning to show, "" when every character printed)."""

    pdf: bytes
    title: str
    save_pdf: Callable[[Path], Any]
    save_xlsx: Callable[[Path], Any]
    save_docx: Callable[[Path], Any]
    unprintable: str
    record_print: Callable[[], Any] = lambda: None  # the pages printed, under their codes


def _render(
    store: Store,
    programme: Programme,
    form_id: str,
    period: Period | None,
    activity_ids: Sequence[str] | None,
    blank: bool = False,
) -> Rendered:
    """One form rendered; reportlab/openpyxl/python-docx load only here.
    ``blank``: an index form without scores, to fill in by hand."""
    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.signed.printed import print_mark, record_print
    from gongtongti_desktop.output.fonts import register_cjk_font
    from gongtongti_desktop.output.glyphs import font_set, unprintable_message
    from gongtongti_desktop.output.pdf import render_pdf, write_pdf

    data = form_data(store, programme, form_id, period, activity_ids=activity_ids, blank=blank)
    mark = print_mark(store, data)  # each page's code; recorded once printed or saved
    pdf = render_pdf(data, mark)
    # The printed title (placeholders filled) where core provides it.
    title = getattr(data, "display_name", data.spec.display_name)

    def save_xlsx(path: Path) -> Any:
        from gongtongti_desktop.output.xlsx import write_workbook

        return write_workbook([data], path)

    def save_docx(path: Path) -> Any:
        from gongtongti_desktop.output.word import write_docx

        docx_mark = print_mark(store, data)
        written = write_docx(data, path, docx_mark)
        record_print(store, docx_mark)
        return written

    def save_pdf(path: Path) -> Any:
        written = write_pdf(data, path, mark)
        record_print(store, mark)
        return written

    unprintable = unprintable_message(data, font_set(register_cjk_font()))
    return Rendered(
        pdf, title, save_pdf, save_xlsx, save_docx, unprintable, lambda: record_print(store, mark)
    )


def _warn_unprintable(parent: QWidget | None, rendered: Rendered) -> None:
    """Characters no font here can draw: said in a dialog, never a silent gap on paper."""
    if rendered.unprintable:
        QMessageBox.warning(parent, "有字符无法打印", rendered.unprintable)


def open_print_preview(
    parent: QWidget | None,
    store: Store,
    programme: Programme,
    form_id: str,
    period: Period | None = None,
    *,
    activity_ids: Sequence[str] | None = None,
    today: dt.date | None = None,
    draft_asked: bool = False,
) -> PrintPreviewDialog | None:
    """Render the form and open its preview (not modal for the rest of the program).

    A periodic form starts at ``period`` (default: the form's default period, normally this
    term) and gets a period picker; ``activity_ids`` prints those activities only.
    """
    today = today or store.today()
    try:
        with wait_cursor():
            spec = programme.form(form_id)
            periodic = is_periodic(spec) and activity_ids is None
            if periodic and period is None:
                from gongtongti_desktop.core.forms.form_data import default_period

                period = default_period(programme, spec, today)
        if not draft_asked and unedited_draft(store, spec, period):
            from gongtongti_desktop.ui.shell.common import ask_yes_no

            if not ask_yes_no(parent, PRINT_DRAFT_QUESTION, "打印"):
                return None  # asked from every entry point: the tab's button and 打印 menu
        with wait_cursor():
            rendered = _render(store, programme, form_id, period, activity_ids)
            dialog = PrintPreviewDialog(
                rendered.pdf,
                rendered.title,
                rendered.save_pdf,
                parent,
                save_xlsx=rendered.save_xlsx,
                save_docx=rendered.save_docx,
            )
            dialog.file_stem = file_stem(rendered.title, period)  # type: ignore[attr-defined]
            dialog.record_print = rendered.record_print
    except UserError as exc:
        show_error(parent, exc)
        return None
    _warn_unprintable(dialog, rendered)
    blank_box: QCheckBox | None = None
    if spec.index:
        blank_box = QCheckBox("空白表（手填）")
        blank_box.setToolTip("不填分数和合计，打印出来手写")
        dialog.top_bar.addWidget(blank_box)
    if periodic and period is not None:
        picker = PeriodPicker(
            programme,
            ("month", "term", "school_year"),
            period.kind,
            period.start,
            today=today,
        )

        def rerender() -> None:
            chosen = picker.period()
            try:
                with wait_cursor():
                    again = _render(
                        store, programme, form_id, chosen, None,
                        blank_box is not None and blank_box.isChecked(),
                    )  # fmt: skip
                    dialog.set_document(
                        again.pdf, again.title, again.save_pdf, again.save_xlsx, again.save_docx
                    )
                    dialog.file_stem = file_stem(again.title, chosen)  # type: ignore[attr-defined]
                    dialog.record_print = again.record_print
            except UserError as exc:
                show_error(dialog, exc)
                return
            _warn_unprintable(dialog, again)

        picker.changed.connect(rerender)
        dialog.add_period_picker(picker)
        if blank_box is not None:
            blank_box.toggled.connect(lambda _on: rerender())
    dialog.setModal(False)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
