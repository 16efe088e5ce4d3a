"""A printed page's code: the QR code and the short code beside it, in the bottom margin.

Why in the margin: the annex forms are the county's, word for word and line for line; the code
must not move a ruled line. The PDF's frame ends 18 mm above the paper's edge; the QR code
stands 4–17 mm above it, right-aligned with the table, clear of the centred page numbers. The
.docx carries the same in its footer, as a picture (Pillow draws the modules reportlab computes:
no extra dependency for it).

Why the encoder is loaded on its own: ``reportlab.graphics.barcode``'s package file imports
every barcode widget it has (code 128, EAN, USPS, data matrix, the chart widgets under them)
as soon as any of its modules is imported — a few ms of every ``gongtongti print`` spent on
code never used. Only the encoder (``qrencoder.py``, standard library only) is needed: it gives
the module matrix, and the dark modules are drawn straight on the canvas, one rectangle per run
of dark modules in a row — the same rectangles reportlab's QR widget draws.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import reportlab
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


_ENCODER = "reportlab.graphics.barcode.qrencoder"


@cache
def _encoder() -> ModuleType:
    """reportlab's QR encoder module, without importing the barcode package around it (see the
    module's docstring). When something else has imported it already, that one is used."""
    loaded = sys.modules.get(_ENCODER)
    if loaded is not None:
        return loaded
    path = Path(reportlab.__file__).parent / "graphics" / "barcode" / "qrencoder.py"
    spec = importlib.util.spec_from_file_location(f"{__name__}._qrencoder", path)
    if spec is None or spec.loader is None or not path.is_file():
        # reportlab moved it, or a packager keeps no source files: the package's own import
        return importlib.import_module(_ENCODER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def qr_modules(text: str) -> list[list[bool]]:
    """The QR symbol of ``text`` as rows of modules (True: dark), quiet zone not included.

    Error correction ``LEVEL``, the version the text needs, the mode the encoder picks for it
    (alphanumeric for our codes) — what ``QrCodeWidget(text, barLevel=LEVEL)`` encodes."""
    encoder = _encoder()
    qr = encoder.QRCode(None, getattr(encoder.QRErrorCorrectLevel, LEVEL))
    qr.addData(text)
    qr.make()
    return [[bool(dark) for dark in row] for row in qr.modules]


def dark_runs(modules: list[list[bool]]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each run of dark modules in a row, top row first."""
    runs = []
    for r, row in enumerate(modules):
        c = 0
        for dark, group in itertools.groupby(row):
            count = len(list(group))
            if dark:
                runs.append((r, c, count))
            c += count
    return runs


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """``text`` as a QR code ``size`` points square, its quiet zone included, lower left corner
    at (``x``, ``y``): one filled rectangle, no outline, per run of dark modules."""
    modules = qr_modules(text)
    box = size / (len(modules) + 2 * QUIET)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for r, c, count in dark_runs(modules):
        top = y + size - (r + QUIET + 1) * box
        canvas.rect(x + (c + QUIET) * box, top, count * box, box, stroke=0, fill=1)
    canvas.restoreState()


def code_label(code: str) -> str:
    return f"表格编号 {code}"


def draw_code(canvas: Canvas, fonts: FontSet, code: str, qr: str) -> None:
    """The QR code and, left of it, the short code to type when a photo does not read."""
    width = canvas._pagesize[0]
    left = width - RIGHT - QR_SIZE
    draw_qr(canvas, qr, left, BOTTOM, QR_SIZE)
    text = code_label(code)
    canvas.setFillColor(colors.black)
    x = left - 1.5 * mm - fonts.width(text, TEXT_SIZE)
    fonts.draw(canvas, x, BOTTOM + 1 * mm, text, TEXT_SIZE)


def qr_png(text: str, module_px: int = 8) -> bytes:
    """``text`` as a QR code PNG (black modules on white, quiet zone included)."""
    from PIL import Image, ImageDraw

    modules = qr_modules(text)
    side = (len(modules) + 2 * QUIET) * module_px
    image = Image.new("1", (side, side), 1)
    draw = ImageDraw.Draw(image)
    for r, c, count in dark_runs(modules):
        x, y = (c + QUIET) * module_px, (r + QUIET) * module_px
        draw.rectangle([x, y, x + count * module_px - 1, y + module_px - 1], fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
