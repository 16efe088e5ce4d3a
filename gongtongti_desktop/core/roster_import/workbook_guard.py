"""The checks a workbook from outside passes before openpyxl parses a byte of it.

Why: the bureau's roster (and a package's ``annexes.xlsx``) comes from outside, so it is
treated as hostile until proven otherwise. The file is checked as a zip: size, member count,
declared uncompressed size (Python's ``zipfile`` never inflates a member past its declared
size, so the declared sizes are a real bound), encryption, any DTD/entity declaration in any
part (a "billion laughs" bomb; openpyxl also parses through defusedxml, this is the second
fence), and the number of cells and of merged cells (openpyxl creates an object for every
cell of a merged range, so a 5 KB file merging A1:XFD1048576 would never finish loading).
``exchange/package/workbook_check`` reuses the part scan for the package's workbook.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from defusedxml import DefusedXmlException

from gongtongti_desktop.errors import ImportRefused

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

# openpyxl is imported where a workbook is parsed, not here: the 汇总's worker processes scan
# every package's annexes.xlsx with ``part_bytes`` and never open one, and importing openpyxl
# cost each of them about 0.12 s of their start.

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_CELLS = 200_000  # cells in all sheets; a roster has a few hundred
MAX_MERGED_CELLS = 100_000  # cells covered by merged ranges, all sheets

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
# A DTD has no business in an xlsx part; searched for in every member (UTF-16 parts are
# converted to UTF-8 first, the other encodings an XML parser accepts are ASCII-compatible).
DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")
CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
MERGE_REF = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")


def refuse(message: str) -> ImportRefused:
    return ImportRefused([message])


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise refuse(
                f"文件“{path.name}”太大（{size / 1024 / 1024:.1f} MB，最多 "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB）；结对名单不会这么大，请检查是否选错了文件。"
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise refuse(f"文件“{path}”不存在。") from exc
    except IsADirectoryError as exc:
        raise refuse(f"“{path}”是文件夹，不是 Excel 文件。") from exc
    except OSError as exc:
        raise refuse(f"无法读取文件“{path.name}”：{exc.strerror or exc}") from exc


def check_container(path: Path, data: bytes) -> None:
    """Refuse anything that is not a sane xlsx zip before openpyxl parses a byte of it."""
    name = path.name
    if not data:
        raise refuse(f"文件“{name}”是空的。")
    if data.startswith(_OLE_MAGIC):
        if _OLE_ENCRYPTED_MARK in data:
            raise refuse(
                f"文件“{name}”设置了打开密码（已加密），无法读取。请在 Excel/WPS 中取消密码，"
                "另存为 .xlsx 后再导入。"
            )
        raise refuse(
            f"文件“{name}”是旧版 Excel 97-2003 工作簿（.xls），不是 .xlsx。请在 Excel/WPS 中"
            "打开，另存为“Excel 工作簿（*.xlsx）”后再导入。"
        )
    if not data.startswith(_ZIP_MAGIC):
        raise refuse(
            f"文件“{name}”不是 Excel 工作簿（.xlsx），可能是文本、CSV 或改了扩展名的其他文件。"
            "请在 Excel/WPS 中打开，另存为“Excel 工作簿（*.xlsx）”后再导入。"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(name, members)
            _scan_parts(name, archive, members)
    except zipfile.BadZipFile as exc:
        detail = str(exc) if str(exc).startswith("部件") else "压缩结构无法读取"
        raise refuse(
            f"文件“{name}”不完整或已损坏（{detail}），无法作为 Excel 工作簿读取。"
        ) from exc


def _check_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise refuse(
            f"文件“{name}”内部含有 {len(members)} 个部件（最多 {MAX_ZIP_MEMBERS} 个），"
            "不像正常的结对名单，已拒绝。"
        )
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise refuse(
            f"文件“{name}”解压后有 {total / 1024 / 1024:.0f} MB（最多 "
            f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB），可能是恶意构造的压缩文件，已拒绝。"
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise refuse(f"文件“{name}”已加密，无法读取。请取消密码后另存为 .xlsx 再导入。")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise refuse(
            f"文件“{name}”是压缩文件，但里面没有 Excel 工作表（可能是 Word 文档或其他压缩包）。"
        )


def _scan_parts(name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Refuse entity declarations, and more cells or merged cells than openpyxl should build."""
    cells = merged = 0
    for member in members:
        text = part_bytes(archive, member)
        if any(mark in text for mark in DTD_MARKS):
            raise refuse(
                f"文件“{name}”的部件 {member.filename} 含有 XML 实体/DTD 声明（正常的 Excel "
                "文件不会有，可能是恶意构造的文件），已拒绝。"
            )
        cells += sum(1 for _ in CELL_TAG.finditer(text))
        merged += sum(merged_area(m.group(1)) for m in MERGE_REF.finditer(text))
    if cells > MAX_CELLS:
        raise refuse(
            f"文件“{name}”共有 {cells} 个单元格（最多 {MAX_CELLS} 个），不像结对名单，已拒绝。"
        )
    if merged > MAX_MERGED_CELLS:
        raise refuse(
            f"文件“{name}”的合并单元格共覆盖 {merged} 个单元格（最多 {MAX_MERGED_CELLS} 个），"
            "可能是恶意构造的文件，已拒绝。"
        )


def part_bytes(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes (at most its declared size); UTF-16 XML re-encoded as UTF-8."""
    try:
        data = archive.read(member)
    except Exception as exc:
        # Truncated data, a bad CRC, zlib.error, an unsupported compression method: all mean
        # the same to the director.
        raise zipfile.BadZipFile(f"部件 {member.filename} 无法解压") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le"
        if data.startswith(b"\x00<"):
            encoding = "utf-16-be"
        data = data.decode(encoding, errors="replace").encode("utf-8")
    return data


def merged_area(ref: bytes) -> int:
    """Cells covered by a merged range such as ``A1:F1``; 0 when openpyxl could not read it."""
    from openpyxl.utils import range_boundaries

    try:
        left, top, right, bottom = range_boundaries(ref.decode("ascii", errors="replace"))
    except (ValueError, TypeError):
        return 0
    rows = (bottom or 1_048_576) - (top or 1) + 1
    columns = (right or 16_384) - (left or 1) + 1
    return max(rows, 0) * max(columns, 0)


def load_workbook(path: Path, data: bytes) -> Workbook:
    """openpyxl on the checked bytes; merged cells need read_only=False; no formula is kept."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            # Unsupported extensions (data validation, conditional formats) only warn.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=False, data_only=True, keep_links=False
            )
    except Exception as exc:  # a hostile or damaged file can fail in any parser layer
        forbidden = defusedxml_cause(exc)
        if forbidden is not None:
            raise refuse(
                f"文件“{path.name}”含有被禁止的 XML 内容（实体或文档类型声明），可能是恶意"
                "构造的文件，已拒绝。"
            ) from exc
        # openpyxl's own words are English and name its internals: not for a director.
        raise refuse(
            f"文件“{path.name}”已损坏或不是有效的 Excel 工作簿，无法读取。请在 Excel 或 WPS 中"
            "打开它并另存为 .xlsx 后再导入。"
        ) from exc


def defusedxml_cause(exc: BaseException | None) -> BaseException | None:
    """defusedxml's refusal, which openpyxl re-raises wrapped in a ValueError."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None
