"""Evidence files for a package: photos made smaller, documents as they are.

A phone photo is 3–8 MB; the bureau needs to see it, not print it on a wall. An image whose
longer side is over 1600 px, or whose file is over 1 MB, is re-encoded as a JPEG of quality
85 with its longer side at most 1600 px — a few hundred KB. A smaller image and any document
(minutes, sign-in sheets as PDF/Word) are copied byte for byte, so they keep their hash.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as Picture

MAX_SIDE = 1600
QUALITY = 85
KEEP_BELOW_BYTES = 1024 * 1024


@dataclass(frozen=True)
class PackedFile:
    content: bytes
    suffix: str  # the member's suffix: ".jpg" when re-encoded, else the attachment's own
    reduced: bool  # re-encoded: the content is not the original (its hash differs)


def pack_file(content: bytes, suffix: str, is_image: bool) -> PackedFile:
    """The bytes to put in the package for one attachment file."""
    if not is_image:
        return PackedFile(content, suffix, False)
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                small_enough = max(image.size) <= MAX_SIDE and len(content) <= KEEP_BELOW_BYTES
                if small_enough:
                    return PackedFile(content, suffix, False)
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale
                picture = ImageOps.exif_transpose(image)
                picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                if picture.mode != "RGB":
                    picture = _flatten(picture)
                out = io.BytesIO()
                picture.save(out, "JPEG", quality=QUALITY, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Not decodable (damaged, or too big to decode safely): send it as it is.
        return PackedFile(content, suffix, False)
    return PackedFile(out.getvalue(), ".jpg", True)


def _flatten(picture: Picture) -> Picture:
    """An RGB copy; transparent parts on white (a JPEG has no transparency)."""
    from PIL import Image

    rgba = picture.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
