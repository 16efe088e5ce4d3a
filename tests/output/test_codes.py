"""The page code's QR symbol drawn without reportlab's barcode widgets: the same modules as
reportlab's QR widget, drawn so that a reader reads them, and the widgets never imported."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from gongtongti_desktop.core.signed import codes as signed_codes
from gongtongti_desktop.output import codes

TEXTS = (
    signed_codes.qr_text("7K3MPQ2X", "GT-AFX8-XGRC"),
    signed_codes.qr_text("ABCDEFGH", "GT-2345-6789"),
    "GT1 a longer text, lower case and 中文, in another mode and a larger version",
)


@pytest.mark.parametrize("text", TEXTS)
def test_modules_are_the_widgets(text: str) -> None:
    from reportlab.graphics.barcode.qr import QrCodeWidget

    widget = QrCodeWidget(text, barLevel=codes.LEVEL, barBorder=codes.QUIET)
    widget.qr.make()
    expected = [[bool(dark) for dark in row] for row in widget.qr.modules]
    assert codes.qr_modules(text) == expected


def test_our_codes_are_the_smallest_symbol() -> None:
    modules = codes.qr_modules(TEXTS[0])
    assert len(modules) == 21 and all(len(row) == 21 for row in modules)


def test_runs_cover_exactly_the_dark_modules() -> None:
    modules = codes.qr_modules(TEXTS[0])
    painted = [[False] * len(row) for row in modules]
    runs = codes.dark_runs(modules)
    for r, c, count in runs:
        assert count >= 1
        for k in range(c, c + count):
            assert not painted[r][k]
            painted[r][k] = True
    assert painted == modules
    # runs are merged: no two runs of a row touch
    ends = {(r, c + count) for r, c, count in runs}
    assert not any((r, c) in ends for r, c, _ in runs)


def test_printing_does_not_import_the_barcode_widgets() -> None:
    script = (
        "import sys\n"
        "from reportlab.pdfgen.canvas import Canvas\n"
        "from gongtongti_desktop.output import codes\n"
        "import io\n"
        "canvas = Canvas(io.BytesIO())\n"
        "codes.draw_qr(canvas, 'GT17K3MPQ2XAFX8XGRC', 0, 0, 40)\n"
        "canvas.save()\n"
        "print(sorted(m for m in sys.modules if m.startswith('reportlab.graphics')))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=root, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
@pytest.mark.parametrize("dpi", [60, 150])
def test_drawn_symbol_reads_back(tmp_path: Path, dpi: int) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    pdf = tmp_path / "qr.pdf"
    canvas = Canvas(str(pdf), pagesize=(200, 200))
    canvas.setFillColorRGB(1, 1, 1)
    codes.draw_qr(canvas, TEXTS[0], 60, 60, codes.QR_SIZE)
    canvas.showPage()
    canvas.save()
    png = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(pdf)], capture_output=True, check=True
    ).stdout
    read = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png))) if r.valid]
    assert read == [TEXTS[0]]


def test_png_reads_back() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image = Image.open(io.BytesIO(codes.qr_png(TEXTS[1])))
    assert image.size == ((21 + 2 * codes.QUIET) * 8,) * 2
    read = [r.text for r in zxingcpp.read_barcodes(image) if r.valid]
    assert read == [TEXTS[1]]


def test_encoder_without_its_source_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A packager that keeps no .py files: the encoder comes from the package's own import."""
    import reportlab

    expected = codes.qr_modules(TEXTS[0])
    monkeypatch.setattr(reportlab, "__file__", str(tmp_path / "reportlab" / "__init__.py"))
    monkeypatch.delitem(sys.modules, codes._ENCODER, raising=False)
    codes._encoder.cache_clear()
    try:
        assert codes.qr_modules(TEXTS[0]) == expected
        assert codes._encoder() is sys.modules[codes._ENCODER]
    finally:
        codes._encoder.cache_clear()
