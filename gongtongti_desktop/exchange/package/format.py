"""What a package is made of, shared by the writer and the reader: member names, the format's
name and version, the size limits, and the one error a refused package raises.

Kept apart so the reader's rules (what a member may be called, how big anything may be) and
the writer's choices cannot drift: the writer checks its own member names with the same
function the reader uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gongtongti_desktop.core.records.attachments import DOCUMENT_SUFFIXES, IMAGE_SUFFIXES
from gongtongti_desktop.errors import UserError

PACKAGE_FORMAT = "gongtongti-package"
FORMAT_VERSION = 1
SUFFIX = ".gtt"

MANIFEST = "manifest.json"
DATA = "data.json"
ANNEXES = "annexes.xlsx"
PDF_FOLDER = "pdf/"
PHOTO_FOLDER = "photos/"
SIGNED_FOLDER = "signed/"  # signed scans of printed forms (exchange/package/signed_forms)

_DRIVE = re.compile(r"^[A-Za-z]:")
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")
_SHA256 = re.compile(r"^[0-9a-f]{64}\Z")
# A photo member: photos/<sha256 of the attachment><suffix>.
PHOTO_NAME = re.compile(r"^photos/([0-9a-f]{64})(\.[a-z0-9]{1,5})\Z")
_PHOTO_SUFFIXES = {".jpg", *IMAGE_SUFFIXES, *DOCUMENT_SUFFIXES}
# A signed scan member: signed/<sha256 of the scan><suffix> (a photo or a scanner's PDF).
SIGNED_NAME = re.compile(r"^signed/([0-9a-f]{64})(\.(?:jpg|png|pdf|tif|bmp|webp))\Z")


class PackageError(UserError):
    """A package refused whole; nothing was written anywhere."""


@dataclass(frozen=True)
class Limits:
    """How big a package may be. A kindergarten's school year is a few MB of data and, with
    photos, a few hundred MB; the defaults leave a wide margin and still stop a zip bomb.

    ``max_ratio``: a member may not inflate more than this many times its compressed size once
    it is over ``ratio_floor`` bytes (JSON compresses about 10:1; a bomb 1000:1 and more).
    """

    max_package_bytes: int = 2 * 1024**3
    max_members: int = 20_000
    max_member_bytes: int = 512 * 1024**2
    max_total_bytes: int = 4 * 1024**3
    # data.json: a busy kindergarten's school year (2 000 activities with long records, their
    # attachments and scores) is about 5 MB and 30 000 objects; parsing JSON takes up to
    # twenty times its size in memory (an object per "{}"), so the size and the count of
    # objects, strings and values are bounded to keep any import or 汇总 under 300 MB.
    max_json_bytes: int = 24 * 1024**2
    max_json_containers: int = 200_000  # "{" and "[" (counted in the raw bytes)
    max_json_strings: int = 1_500_000  # '"' / 2
    max_json_values: int = 1_500_000  # ","
    max_manifest_bytes: int = 16 * 1024**2
    max_ratio: float = 200.0
    ratio_floor: int = 1024**2
    # annexes.xlsx (a zip inside the zip): parts, inflated size, cells, merged cells
    max_xlsx_parts: int = 2_000
    max_xlsx_bytes: int = 256 * 1024**2
    max_xlsx_cells: int = 5_000_000
    max_xlsx_merged_cells: int = 5_000_000


DEFAULT_LIMITS = Limits()


def member_name_problem(name: str) -> str:
    """Why a member may not be called ``name`` ('' when it may): only plain relative names
    of ASCII parts, so no member can land outside a folder it is extracted to, on any system."""
    if not name:
        return "文件名为空"
    if "\\" in name:
        return "文件名含反斜杠"
    if name.startswith("/") or _DRIVE.match(name):
        return "文件名是绝对路径"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "文件名含“..”或空的路径段"
    if not all(_SAFE_PART.match(part) for part in parts):
        return "文件名含不允许的字符"
    if len(parts) > 2:
        return "文件名的层级过深"
    return ""


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and bool(_SHA256.match(value))


def layout_problem(name: str) -> str:
    """Only the package's own members: manifest, data, workbook, pdf/*.pdf, photos/<sha>.<ext>,
    signed/<sha>.<ext>."""
    if name in (MANIFEST, DATA, ANNEXES):
        return ""
    if name.startswith(PDF_FOLDER) and name.endswith(".pdf") and name.count("/") == 1:
        return ""
    found = PHOTO_NAME.match(name)
    if found and found.group(2) in _PHOTO_SUFFIXES:
        return ""
    if SIGNED_NAME.match(name):
        return ""
    return "不是数据包应有的文件"


def refuse(path: Path, why: str) -> PackageError:
    return PackageError(f"数据包“{path.name}”被拒绝：{why}。未做任何改动。")


def not_ours(path: Path) -> PackageError:
    return PackageError(
        f"“{path.name}”不是共同体工作台的数据包（不是 .gtt 压缩包，或文件已损坏）。未做任何改动。"
    )
