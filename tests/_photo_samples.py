"""Real photos for the photo-check tests: textured scenes saved as JPEG with an EXIF capture
time, and the ways a photo gets reused (resized, recompressed, cropped a little).

A flat colour would hash to all zeros, so every scene is noise with blurred coloured discs
laid out by a seed: two seeds are two rooms, ``shift`` moves the discs (the same room, another
moment)."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003
DATE_TIME = 0x0132


def scene(seed: int, size: tuple[int, int] = (1200, 900), shift: int = 0) -> Image.Image:
    rnd = random.Random(seed)
    w, h = size
    # seeded noise: Image.effect_noise draws from C's rand(), whose state depends on every test
    # run before — the same scene must hash the same in any order
    grain = Image.frombytes("L", size, rnd.randbytes(w * h)).point(lambda v: 88 + v * 80 // 255)
    img = grain.convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(25):
        x, y, r = rnd.randrange(w), rnd.randrange(h), rnd.randrange(40, 250)
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.ellipse([x - r + shift, y - r, x + r + shift, y + r], fill=colour)
    return img.filter(ImageFilter.GaussianBlur(2))


def exif_with(original: str = "", modified: str = "") -> Image.Exif:
    """EXIF holding DateTimeOriginal ("2024:10:15 09:30:00") and/or DateTime."""
    exif = Image.Exif()
    if modified:
        exif[DATE_TIME] = modified
    if original:
        exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = original
    return exif


def jpeg_bytes(img: Image.Image, quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    if exif is not None:
        img.save(out, "JPEG", quality=quality, exif=exif)
    else:
        img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def save(folder: Path, name: str, img: Image.Image, taken: str = "", quality: int = 90) -> Path:
    """A JPEG file; ``taken`` "2024-10-15" sets DateTimeOriginal at 09:30 that day."""
    exif = exif_with(original=taken.replace("-", ":") + " 09:30:00") if taken else None
    path = folder / name
    path.write_bytes(jpeg_bytes(img, quality, exif))
    return path


def crop(img: Image.Image, fraction: float) -> Image.Image:
    w, h = img.size
    dx, dy = int(w * fraction), int(h * fraction)
    return img.crop((dx, dy, w - dx, h - dy))
