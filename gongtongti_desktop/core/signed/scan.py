"""Reading a printed form's code from a signed scan: a phone photo (JPEG/PNG…) or a scanner PDF.

Why zxing-cpp: a small compiled wheel on every platform we ship (Linux, Windows), reading QR
codes at any angle, in a photo taken askew or in poor light, from a 12-megapixel photo as from
a 200 dpi scan. A scanner PDF is a page image wrapped in a PDF: pypdf (pure Python, so the same
on Windows, where there is no poppler) takes the images out of it and Pillow decodes them; no
PDF is rasterised. A photo gets Pillow's EXIF rotation first; when nothing reads, a contrast-
stretched grey copy and a smaller copy are tried (a dark photo, a huge one).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.signed import codes
from gongtongti_desktop.errors import UserError

MAX_BYTES = 30 * 1024 * 1024  # as an activity photo
MAX_PIXELS = 80_000_000  # a 12 MP photo is 12; more is not a photo of a page (or a bomb)
MAX_PDF_PAGES = 50
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff"}


@dataclass(frozen=True)
class Read:
    """The codes found in one scan: (data file id, short code) per QR code, in page order."""

    path: Path
    found: tuple[tuple[str, str], ...]
    media_type: str
    suffix: str


def _media(path: Path) -> tuple[str, str]:
    """(media type, stored suffix) of a scan we can read, or a UserError saying why not."""
    name = path.name
    if not path.is_file():
        raise UserError(f"扫描件“{name}”不存在或不是文件：{path}")
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"扫描件“{name}”是空文件")
    if size > MAX_BYTES:
        raise UserError(f"扫描件“{name}”有 {size / 1024 / 1024:.1f} MB，超过 30 MB 的上限")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff", ".tif"
    if head.startswith(b"BM"):
        return "image/bmp", ".bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    raise UserError(
        f"“{name}”不是照片或扫描件：请选择手机照片（JPG、PNG）或扫描仪生成的 PDF、TIFF 文件"
    )


def _checked(image: Any, name: str) -> Any:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise UserError(f"扫描件“{name}”的图像有 {width}×{height} 像素，太大，不像一页纸的照片")
    return image


def _images(path: Path, media: str) -> list[Any]:
    """The page images of a scan (a photo: one; a scanner PDF: the images on its pages)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = path.name
    if media != "application/pdf":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(path) as image:
                    _checked(image, name)
                    image.load()
                    return [_checked(ImageOps.exif_transpose(image), name)]
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UserError(f"扫描件“{name}”的图像太大，不像一页纸的照片") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise UserError(f"扫描件“{name}”无法读取（图片可能已损坏）") from exc
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    out: list[Any] = []
    try:
        reader = PdfReader(path)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise UserError(f"扫描件“{name}”有 {len(reader.pages)} 页，一次最多 {MAX_PDF_PAGES} 页")
        for page in reader.pages:
            for picture in page.images:
                with Image.open(io.BytesIO(picture.data)) as image:
                    _checked(image, name)
                    image.load()
                    out.append(image.copy())
    except UserError:
        raise
    except Image.DecompressionBombError as exc:
        raise UserError(f"扫描件“{name}”里的图像太大，不像一页纸的扫描") from exc
    except (PdfReadError, UnidentifiedImageError, OSError, ValueError, KeyError) as exc:
        raise UserError(f"扫描件“{name}”这个 PDF 无法读取（文件可能已损坏）") from exc
    except Exception as exc:  # pypdf raises many kinds on a damaged or hostile file
        raise UserError(f"扫描件“{name}”这个 PDF 无法读取（文件可能已损坏或格式不受支持）") from exc
    if not out:
        raise UserError(
            f"“{name}”这个 PDF 里没有扫描的图像：请把签字后的纸面用扫描仪扫描或用手机拍照后再添加"
        )
    return out


def _decode(image: Any, fixed_threshold: bool = False) -> list[str]:
    import zxingcpp

    formats = zxingcpp.BarcodeFormat.QRCode
    if fixed_threshold:  # one threshold for the whole image, not zxing's local averages
        found = zxingcpp.read_barcodes(
            image, formats=formats, binarizer=zxingcpp.Binarizer.FixedThreshold
        )
    else:
        found = zxingcpp.read_barcodes(image, formats=formats)
    return [r.text for r in found if r.valid]


def _attempts(image: Any) -> Iterator[tuple[Any, bool]]:
    """The image in grey (zxing reads grey four times faster than colour), then with its
    contrast stretched, then at most 2 000 pixels across, then sharpened, then (a small scan)
    twice as large (stretched, with zxing's local thresholds and with one fixed threshold;
    then as it was, with one threshold): each made only when the ones before read nothing.
    Why the last three: a 90 dpi scan saved as a JPEG of quality 25 (QR modules under two
    pixels, smeared) was missed about once in 80 prints, each print having its own random
    code; of 243 such scans, the last alone read every one. Each comes with whether to read
    it with one fixed threshold."""
    from PIL import Image, ImageFilter, ImageOps

    grey = image if image.mode == "L" else image.convert("L")
    yield grey, False
    stretched = ImageOps.autocontrast(grey, cutoff=1)
    yield stretched, False
    if max(grey.size) > 2400:
        small = stretched.copy()
        small.thumbnail((2000, 2000))
        yield small, False
    yield stretched.filter(ImageFilter.SHARPEN), False
    if max(grey.size) < 2000:  # a small scan: its modules a pixel or two wide
        twice = (grey.width * 2, grey.height * 2)
        larger = stretched.resize(twice, Image.Resampling.BICUBIC)
        yield larger, False
        yield larger, True
        yield grey.resize(twice, Image.Resampling.BICUBIC), True  # stretching can smear more


def codes_in_image(image: Any) -> list[tuple[str, str]]:
    """(data file id, short code) of every code of ours in one image."""
    for attempt, fixed_threshold in _attempts(image):
        texts = _decode(attempt, fixed_threshold)
        found = [parsed for text in texts if (parsed := codes.parse_qr(text))]
        if found:
            return list(dict.fromkeys(found))
    return []


def read_scan(path: Path) -> Read:
    """The codes in a scan file (none found is not an error here: the caller asks for the
    typed code). Refuses, in Chinese, files that are not a readable photo or scanner PDF."""
    path = Path(path)
    media, suffix = _media(path)
    found: list[tuple[str, str]] = []
    for image in _images(path, media):
        found += codes_in_image(image)
    return Read(path, tuple(dict.fromkeys(found)), media, suffix)
