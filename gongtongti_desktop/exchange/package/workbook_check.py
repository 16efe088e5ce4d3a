"""Is the package's ``annexes.xlsx`` a workbook that is safe to open?

An xlsx is itself a zip of XML parts, so it gets the zip checks again (parts, inflated size,
compression ratio, encryption), then the XML checks core/roster_import/workbook_guard.py
already makes for the bureau's roster workbook — reused here, not copied: no DTD or entity
declaration in any part (a "billion laughs" bomb), and a bound on cells and on cells covered
by merged ranges (openpyxl builds an object for each). Last, openpyxl opens it read-only
through defusedxml. The limits are the package's (a school year's record sheet is far bigger
than a roster).
"""

from __future__ import annotations

import io
import warnings
import zipfile

from gongtongti_desktop.exchange.package.format import Limits


def check_workbook(content: bytes, limits: Limits, *, open_it: bool = True) -> str:
    """'' when the workbook is safe to open, else why not (Chinese, after the file's name).
    ``open_it`` False: only the zip checks and the DTD scan — for a caller that never opens
    the workbook, where counting cells for openpyxl's sake would be wasted work."""
    from gongtongti_desktop.core.roster_import import workbook_guard as guard

    if not content.startswith(b"PK\x03\x04"):
        return "不是 Excel 工作簿"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            infos = book.infolist()
            problem = _parts_problem(infos, limits)
            if problem:
                return problem
            cells = merged = 0
            for info in infos:
                text = guard.part_bytes(book, info)
                if any(mark in text for mark in guard.DTD_MARKS):
                    return f"的部件 {info.filename} 含有 XML 实体/DTD 声明，可能是恶意构造的文件"
                if open_it:  # the counts only bound what openpyxl would build
                    cells += sum(1 for _ in guard.CELL_TAG.finditer(text))
                    merged += sum(
                        guard.merged_area(m.group(1)) for m in guard.MERGE_REF.finditer(text)
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return "已损坏，无法作为 Excel 工作簿读取"
    if cells > limits.max_xlsx_cells:
        return f"有 {cells} 个单元格，超过 {limits.max_xlsx_cells} 个的上限"
    if merged > limits.max_xlsx_merged_cells:
        return f"的合并单元格覆盖 {merged} 个单元格，可能是恶意构造的文件"
    return _open_problem(content) if open_it else ""


def _parts_problem(infos: list[zipfile.ZipInfo], limits: Limits) -> str:
    if len(infos) > limits.max_xlsx_parts:
        return f"含有 {len(infos)} 个部件，超过 {limits.max_xlsx_parts} 个的上限"
    if sum(i.file_size for i in infos) > limits.max_xlsx_bytes:
        return "解压后过大，可能是恶意构造的压缩文件"
    for info in infos:
        if info.flag_bits & 0x1:
            return "已加密"
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            return f"的部件 {info.filename} 压缩比异常（{ratio:.0f} 倍），可能是压缩炸弹"
    return ""


def _open_problem(content: bytes) -> str:
    from openpyxl import load_workbook

    from gongtongti_desktop.core.roster_import import workbook_guard as guard

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions only warn
            book = load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
            try:
                if not book.sheetnames:
                    return "没有工作表"
            finally:
                book.close()
    except Exception as exc:  # a hostile or damaged file can fail in any parser layer
        if guard.defusedxml_cause(exc) is not None:
            return "含有被禁止的 XML 内容，可能是恶意构造的文件"
        return "已损坏，无法作为 Excel 工作簿读取"
    return ""
