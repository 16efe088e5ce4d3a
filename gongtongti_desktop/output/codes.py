"""A printed page's code: the QR code and the short code beside it, in the bottom margin.

Why in the margin: the annex forms are the county's, word for word and line for line; the code
must not move a ruled line. The PDF's frame ends 18 mm above the paper's edge; the QR code
stands 4–17 mm above it, right-aligned with the table, clear of the centred page numbers. The
.docx carries the same in its footer, as a picture (Pillow draws the modules reportlab computes:
no extra dependency for it).
"""

from __future__ import annotations

import io

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from gongtongti_desktop.output.glyphs import FontSet

QR_SIZE = 13 * mm
QR_SIZE_MM = 13.0
BOTTOM = 4 * mm
RIGHT = 20 * mm
TEXT_SIZE = 8
QUIET = 4  # modules of white around the symbol, as the QR standard asks
LEVEL = "M"  # ~15 % of the symbol may be lost (a stamp, a pen stroke) and it still reads


def _widget(text: str) -> QrCodeWidget:
    return QrCodeWidget(text, barLevel=LEVEL, barBorder=QUIET)


def qr_drawing(text: str, size: float) -> Drawing:
    """``text`` as a QR code ``size`` points square, its quiet zone included."""
    widget = _widget(text)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def code_label(code: str) -> str:
    return f"表格编号 {code}"


def draw_code(canvas: Canvas, fonts: FontSet, code: str, qr: str) -> None:
    """The QR code and, left of it, the short code to type when a photo does not read."""
    width = canvas._pagesize[0]
    left = width - RIGHT - QR_SIZE
    renderPDF.draw(qr_drawing(qr, QR_SIZE), canvas, left, BOTTOM)
    text = code_label(code)
    canvas.setFillColor(colors.black)
    x = left - 1.5 * mm - fonts.width(text, TEXT_SIZE)
    fonts.draw(canvas, x, BOTTOM + 1 * mm, text, TEXT_SIZE)


def qr_png(text: str, module_px: int = 8) -> bytes:
    """``text`` as a QR code PNG (black modules on white, quiet zone included)."""
    from PIL import Image, ImageDraw

    widget = _widget(text)
    qr = widget.qr
    qr.make()
    count = qr.getModuleCount()
    side = (count + 2 * QUIET) * module_px
    image = Image.new("1", (side, side), 1)
    draw = ImageDraw.Draw(image)
    for r, row in enumerate(qr.modules):
        for c, dark in enumerate(row):
            if dark:
                x, y = (c + QUIET) * module_px, (r + QUIET) * module_px
                draw.rectangle([x, y, x + module_px - 1, y + module_px - 1], fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
