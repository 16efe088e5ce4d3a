"""Print preview of one form: the PDF from the renderer shown with QtPdf, then 打印… (to a
printer, page by page) or 另存为 PDF…."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QStandardPaths, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.programme import Programme
from gongtongti_desktop.core.store import Store
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.common import show_error, show_info, wait_cursor

# Pages are rasterised for the printer; above this the image only costs memory.
MAX_PRINT_DPI = 300
_ZOOMS = (("适合宽度", None), ("整页", 0.0), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0))


def safe_file_name(text: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in text).strip() or "表格"


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
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.save_pdf = save_pdf
        self.setWindowTitle(f"打印预览 — {title}")
        self.resize(900, 760)

        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            raise UserError("生成的 PDF 无法显示。")

        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)

        self.zoom = QComboBox()
        for text, _factor in _ZOOMS:
            self.zoom.addItem(text)
        self.zoom.currentIndexChanged.connect(self._zoom_changed)
        pages = QLabel(f"共 {self.document.pageCount()} 页")

        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为 PDF…")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.print_button.setDefault(True)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("缩放："))
        bar.addWidget(self.zoom)
        bar.addWidget(pages)
        bar.addStretch(1)
        bar.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)

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
        except UserError as exc:
            show_error(self, exc)

    def save_as(self) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / f"{safe_file_name(self.title)}.pdf")
        name, _filter = QFileDialog.getSaveFileName(
            self, "另存为 PDF", suggested, "PDF 文件 (*.pdf)"
        )
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            with wait_cursor():
                self.save_pdf(path)
        except (UserError, OSError) as exc:
            show_error(self, exc)
            return None
        show_info(self, f"已保存：{path}")
        return path


def open_print_preview(
    parent: QWidget | None, store: Store, programme: Programme, form_id: str
) -> PrintPreviewDialog | None:
    """Render the form and open its preview (not modal for the rest of the program)."""
    from gongtongti_desktop.core.form_data import form_data
    from gongtongti_desktop.output.pdf import render_pdf, write_pdf

    try:
        with wait_cursor():
            data = form_data(store, programme, form_id)
            pdf = render_pdf(data)
            # The printed title (placeholders filled) where core provides it.
            title = getattr(data, "display_name", data.spec.display_name)
            dialog = PrintPreviewDialog(pdf, title, lambda path: write_pdf(data, path), parent)
    except UserError as exc:
        show_error(parent, exc)
        return None
    dialog.setModal(False)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
