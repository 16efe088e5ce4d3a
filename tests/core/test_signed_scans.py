"""Signed paper back in, with real renders: a printed form rendered by pdftoppm, then turned,
skewed, shrunk, recompressed and darkened as a phone or a scanner would — each still reads and
is filed under its form, period and page; what cannot be read says so in Chinese."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageOps

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.signed import filing
from gongtongti_desktop.core.signed.scan import read_scan

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


def _perspective(image: Image.Image) -> Image.Image:
    """A page photographed from below and to the side: a trapezoid, not a rectangle (the page
    on a white border first, so the skew cuts off only the border)."""
    image = ImageOps.expand(image, border=image.width // 10, fill="white")
    w, h = image.size
    quad = (0.08 * w, 0.02 * h, 0.0, h, w, 0.97 * h, 0.93 * w, 0.0)  # UL, LL, LR, UR
    return image.transform(
        (w, h), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC, fillcolor="white"
    )


def _phone_photo(image: Image.Image) -> Image.Image:
    """A 4000×3000 photo: the page turned a little, on a grey desk, filling part of the frame."""
    desk = Image.new("RGB", (4000, 3000), (96, 90, 84))
    page = image.rotate(-4, expand=True, fillcolor=(96, 90, 84))
    page.thumbnail((2600, 2600))
    desk.paste(page, (700, 3000 - page.height - 80))
    return ImageEnhance.Brightness(desk).enhance(0.7)


DISTORTIONS = {
    "turned 90°": lambda im: im.rotate(90, expand=True),
    "turned 7°": lambda im: im.rotate(7, expand=True, fillcolor="white"),
    "turned 180°": lambda im: im.rotate(180),
    "perspective": _perspective,
    "shrunk to 90 dpi": lambda im: im.resize((int(im.width * 0.6), int(im.height * 0.6))),
    "dark": lambda im: ImageEnhance.Brightness(im).enhance(0.45),
    "grey, low contrast": lambda im: ImageEnhance.Contrast(ImageOps.grayscale(im)).enhance(0.35),
    "phone photo 12 MP": _phone_photo,
}


@pytest.fixture
def printed(print_pages, demo_store: Store, tmp_path: Path) -> tuple[list[str], list[Image.Image]]:
    return print_pages(demo_store, "annex4", tmp_path)


@pytest.mark.parametrize("how", list(DISTORTIONS))
def test_a_distorted_low_quality_jpeg_still_reads(
    printed, demo_store: Store, tmp_path: Path, how: str
) -> None:
    codes, pages = printed
    assert len(codes) == len(pages) == 2
    photo = tmp_path / "photo.jpg"
    DISTORTIONS[how](pages[1]).save(photo, quality=25)
    plan = filing.plan_scan(demo_store, photo)
    assert plan.problem == "" and plan.code == codes[1], (how, plan.problem)
    assert plan.read_by == "二维码"
    assert plan.printed is not None and (plan.printed["page"], plan.printed["pages"]) == (2, 2)


def test_a_scanner_pdf_reads_from_its_page_images(
    printed, demo_store: Store, tmp_path: Path
) -> None:
    codes, pages = printed
    scanned = tmp_path / "scan.pdf"
    pages[0].save(scanned, "PDF", resolution=150, save_all=True, append_images=[pages[1]])
    assert read_scan(scanned).found and [c for _f, c in read_scan(scanned).found] == codes
    plan = filing.plan_scan(demo_store, scanned)
    assert "2 个表格编号" in plan.problem  # two pages in one file: asked to scan each alone
    pages[0].save(tmp_path / "one.pdf", "PDF", resolution=150)
    assert filing.plan_scan(demo_store, tmp_path / "one.pdf").code == codes[0]


def test_what_cannot_be_read_says_so_in_chinese(printed, demo_store: Store, tmp_path: Path) -> None:
    Image.new("RGB", (1200, 1600), "white").save(tmp_path / "blank.jpg")
    rng = random.Random(7)
    noise = Image.new("L", (800, 800))
    noise.putdata([rng.randrange(256) for _ in range(800 * 800)])
    noise.save(tmp_path / "noise.png")
    (tmp_path / "notes.jpg").write_text("不是图片", encoding="utf-8")
    (tmp_path / "vector.pdf").write_bytes((tmp_path / "annex4.pdf").read_bytes())
    for name in ("blank.jpg", "noise.png"):
        plan = filing.plan_scan(demo_store, tmp_path / name)
        assert plan.problem == filing.UNREADABLE and plan.needs_code
    assert "不是照片或扫描件" in filing.plan_scan(demo_store, tmp_path / "notes.jpg").problem
    assert "没有扫描的图像" in filing.plan_scan(demo_store, tmp_path / "vector.pdf").problem
    assert "不存在" in filing.plan_scan(demo_store, tmp_path / "gone.jpg").problem


def test_the_typed_code_files_an_unreadable_photo_and_a_typo_is_caught(
    printed, demo_store: Store, tmp_path: Path
) -> None:
    codes, _pages = printed
    Image.new("RGB", (1200, 1600), "white").save(tmp_path / "blurred.jpg")
    typo = codes[0][:-1] + ("2" if codes[0][-1] != "2" else "3")
    assert "校验位" in filing.plan_scan(demo_store, tmp_path / "blurred.jpg", typo).problem
    plan = filing.plan_scan(demo_store, tmp_path / "blurred.jpg", codes[0].lower())
    assert plan.ready and plan.read_by == "手输编号" and plan.printed["page"] == 1


def test_filing_copies_the_scan_in_and_the_same_scan_is_not_filed_twice(
    printed, demo_store: Store, tmp_path: Path
) -> None:
    codes, pages = printed
    pages[0].save(tmp_path / "p1.jpg", quality=60)
    shutil.copy(tmp_path / "p1.jpg", tmp_path / "p1-copy.jpg")
    plans = filing.plan_scans(demo_store, [tmp_path / "p1.jpg", tmp_path / "p1-copy.jpg"])
    assert [p.ready for p in plans] == [True, False] and "p1.jpg" in plans[1].already
    (scan_id,) = filing.file_scans(demo_store, plans)
    (row,) = demo_store.query("SELECT * FROM signed_scan WHERE id = ?", [scan_id])
    assert row["code"] == codes[0] and row["media_type"] == "image/jpeg"
    stored = filing.scan_path(demo_store, row)
    assert stored.read_bytes() == (tmp_path / "p1.jpg").read_bytes()
    again = filing.plan_scan(demo_store, tmp_path / "p1-copy.jpg")
    assert not again.ready and "附件4" in again.already
    assert filing.file_scans(demo_store, [again]) == []
    assert demo_store.query("SELECT count(*) AS n FROM signed_scan")[0]["n"] == 1


def test_a_page_printed_from_another_data_file_is_refused(
    printed, demo_store: Store, tmp_path: Path
) -> None:
    _codes, pages = printed
    pages[0].save(tmp_path / "p1.jpg")
    other = Store.create(tmp_path / "other.gtdb", kindergarten="别的园", programme_id="yiyuan-2022")
    with other:
        plan = filing.plan_scan(other, tmp_path / "p1.jpg")
        assert "另一个数据文件" in plan.problem and not plan.ready


def test_an_image_bomb_and_a_broken_pdf_are_refused_in_chinese(
    demo_store: Store, tmp_path: Path
) -> None:
    Image.new("1", (15000, 15000), 1).save(tmp_path / "bomb.png")  # 225 MP in a few kB
    assert "太大" in filing.plan_scan(demo_store, tmp_path / "bomb.png").problem
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF")
    problem = filing.plan_scan(demo_store, tmp_path / "broken.pdf").problem
    assert "PDF" in problem and ("无法读取" in problem or "没有扫描的图像" in problem)


# Three pages of 附件4 as test_a_distorted_low_quality_jpeg_still_reads makes them ("shrunk to
# 90 dpi", JPEG quality 25) whose codes the reader once missed — about 1 print in 80 of that
# distortion, each print having its own random code (found by printing 140 in a row): the
# suite then failed now and then.
MISSED_ONCE = {
    "shrunk-90dpi-q25-GJYJ.jpg": ("EU2AHV8P", "GT-GJYJ-8BA4"),
    "shrunk-90dpi-q25-6GAZ.jpg": ("E9GGT24C", "GT-6GAZ-WBSA"),
    "shrunk-90dpi-q25-QTWF.jpg": ("HEHT593Y", "GT-QTWF-8CQK"),
}


@pytest.mark.parametrize("name", list(MISSED_ONCE))
def test_small_smeared_codes_once_missed_now_read(name: str) -> None:
    from gongtongti_desktop.core.signed.scan import codes_in_image

    photo = Path(__file__).parents[1] / "fixtures" / "scans" / name
    with Image.open(photo) as image:
        assert codes_in_image(image) == [MISSED_ONCE[name]]
