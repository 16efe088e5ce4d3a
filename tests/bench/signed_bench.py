"""Reading a signed form's code from a 12-megapixel phone photo (4000×3000 JPEG, the page turned
a little on a desk and filling part of the frame, in dim light) against merely decoding the
same JPEG with Pillow: what finding and reading the QR code costs on top of opening the photo."""

from __future__ import annotations

import subprocess
from pathlib import Path

from timing import median_call

# Pillow, reportlab and the scanner are imported where used: run.py imports this module, and
# the 汇总's worker processes (spawned) import run.py again as their main module — the
# program's own main module loads none of them there.


def phone_photo(folder: Path) -> tuple[Path, str]:
    """The photo of a printed 附件1 and the code printed on it."""
    from PIL import Image, ImageEnhance

    from gongtongti_desktop.core.demo.builder import create_demo
    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.core.signed.printed import print_mark, record_print
    from gongtongti_desktop.output.pdf import render_pdf

    store = create_demo(folder / "demo.gtdb")
    with store:
        programme = get_programme(store.programme_id)
        data = form_data(store, programme, "annex1", today=store.today())
        mark = print_mark(store, data)
        (folder / "annex1.pdf").write_bytes(render_pdf(data, mark))
        (code,) = record_print(store, mark)
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1",
                    str(folder / "annex1.pdf"), str(folder / "page")], check=True)  # fmt: skip
    (page,) = folder.glob("page-*.png")
    desk = Image.new("RGB", (4000, 3000), (96, 90, 84))
    paper = Image.open(page).convert("RGB").rotate(-4, expand=True, fillcolor=(96, 90, 84))
    paper.thumbnail((2400, 2400))  # the page fills about 80 % of the photo's height
    desk.paste(paper, (900, 3000 - paper.height - 150))
    photo = folder / "phone.jpg"
    ImageEnhance.Brightness(desk).enhance(0.75).save(photo, quality=85)
    return photo, code


def measure(folder: Path, repeat: int) -> tuple[float, float]:
    """(seconds to read the code, seconds to decode the JPEG) of the 12 MP photo."""
    from PIL import Image

    from gongtongti_desktop.core.signed.scan import read_scan

    photo, code = phone_photo(folder)
    found = read_scan(photo).found
    assert [c for _f, c in found] == [code], found

    def decode() -> None:
        with Image.open(photo) as image:
            image.load()

    return median_call(lambda: read_scan(photo), repeat), median_call(decode, repeat)
