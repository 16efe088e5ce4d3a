"""Any form template as an Excel sheet that mirrors the printed form.

The same grid as the PDF (``layout.build_grid``): title, label, header line, the ruled table
with the same merged cells, footnote and signature line; A4 print setup with the header row
repeated on every page. Every cell is written as text, so a name such as ``=1+1`` or
``@SUM(A1)`` can never become a formula (spreadsheet formula injection), and phone numbers keep
their leading digits.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gongtongti_desktop.core.form_data import FormData
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output._files import atomic_write
from gongtongti_desktop.output.layout import NO_RECORDS, build_grid, clean_text, header_line_text

FONT_NAME = "宋体"
BODY = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
LABEL = Font(name="黑体", size=12, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# Total column width (in Excel character units) the relative widths are scaled to.
TOTAL_WIDTH = {"portrait": 92.0, "landscape": 136.0}
LINE_POINTS = 15.0  # height of one line of 11-point text
ROW_MIN = 22.0
BLANK_ROW = 28.0

SHEET_TITLE_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Text Excel (or a user re-typing the cell) could read as a formula or a DDE command.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def put_text(cell: Cell, text: str) -> None:
    """Write ``text`` as a literal string, whatever it starts with."""
    text = clean_text(text)
    if not text:
        cell.value = None
        return
    cell.value = text
    cell.data_type = "s"  # openpyxl made "=..." a formula; this keeps it a string
    if text.lstrip(" \n").startswith(_FORMULA_START):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def sanitize_sheet_title(wanted: str, taken: set[str] | None = None) -> str:
    """A valid, unused sheet name: no []:*?/\\, not blank, at most 31 characters."""
    title = _BAD_SHEET_CHARS.sub("_", clean_text(wanted).replace("\n", " ")).strip()
    title = title.strip("'").strip() or "表格"
    if title.lower() == "history":  # reserved by Excel
        title += "_"
    title = title[:SHEET_TITLE_MAX]
    taken_lower = {t.lower() for t in taken or set()}
    base, n = title, 2
    while title.lower() in taken_lower:
        suffix = f"({n})"
        title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
        n += 1
    return title


def _text_width(text: str) -> float:
    """Approximate width in Excel character units: Chinese characters count double."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def _lines_needed(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(_text_width(line) / usable)) for line in text.split("\n"))


def _merge_row(ws: Worksheet, row: int, ncols: int) -> None:
    if ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)


def add_form_sheet(wb: Workbook, data: FormData, sheet_title: str | None = None) -> Worksheet:
    """Append a sheet showing the form; returns it. The sheet name is made valid and unique."""
    spec = data.spec
    grid = build_grid(data)
    ncols = len(grid.headers)
    title = sanitize_sheet_title(sheet_title or spec.display_name, set(wb.sheetnames))
    ws = wb.create_sheet(title)

    total = sum(grid.widths)
    widths = [TOTAL_WIDTH[spec.orientation] * w / total for w in grid.widths]
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = round(width, 1)
    full_width = sum(widths)

    row = 1
    if spec.label:
        put_text(ws.cell(row, 1), spec.label)
        ws.cell(row, 1).font = LABEL
        ws.row_dimensions[row].height = 20
        row += 1

    put_text(ws.cell(row, 1), spec.title)
    ws.cell(row, 1).font = TITLE
    ws.cell(row, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _merge_row(ws, row, ncols)
    ws.row_dimensions[row].height = 32 * _lines_needed(spec.title, full_width / 1.5)
    row += 1

    header_line = header_line_text(data)
    if header_line:
        put_text(ws.cell(row, 1), header_line)
        ws.cell(row, 1).font = BODY
        ws.cell(row, 1).alignment = Alignment(vertical="center", wrap_text=True)
        _merge_row(ws, row, ncols)
        ws.row_dimensions[row].height = 24 * _lines_needed(header_line, full_width)
        row += 1

    head_row = row
    for col, text in enumerate(grid.headers, 1):
        cell = ws.cell(row, col)
        put_text(cell, text)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = max(
        ROW_MIN,
        max(_lines_needed(t, w) for t, w in zip(grid.headers, widths, strict=True)) * LINE_POINTS
        + 6,
    )
    row += 1

    body_start = row
    if grid.kind == "none":
        put_text(ws.cell(row, 1), NO_RECORDS)
        ws.row_dimensions[row].height = ROW_MIN
        body_rows = 1
    else:
        spans = grid.spans()
        covered = {(r, s.column) for s in spans for r in range(s.first, s.last + 1)}
        heights = []
        for i, texts in enumerate(grid.rows):
            floor = ROW_MIN if i < grid.data_rows else BLANK_ROW
            lines = [
                _lines_needed(t, widths[c]) for c, t in enumerate(texts) if (i, c) not in covered
            ]
            heights.append(max(floor, max(lines, default=1) * LINE_POINTS + 6))
            for col, text in enumerate(texts, 1):
                put_text(ws.cell(body_start + i, col), text)
        for span in spans:
            text = grid.rows[span.first][span.column]
            need = _lines_needed(text, widths[span.column]) * LINE_POINTS + 6
            have = sum(heights[span.first : span.last + 1])
            if need > have:
                heights[span.last] += need - have
            for r in range(span.first + 1, span.last + 1):
                ws.cell(body_start + r, span.column + 1).value = None
            ws.merge_cells(
                start_row=body_start + span.first,
                start_column=span.column + 1,
                end_row=body_start + span.last,
                end_column=span.column + 1,
            )
        for i, height in enumerate(heights):
            ws.row_dimensions[body_start + i].height = height
        body_rows = len(grid.rows)

    last_table_row = body_start + body_rows - 1
    for r in range(head_row, last_table_row + 1):
        for col in range(1, ncols + 1):
            cell = ws.cell(r, col)
            cell.border = GRID
            if r > head_row:
                align = "center" if grid.kind == "none" else grid.aligns[col - 1]
                cell.font = BODY
                cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if grid.kind == "none":
        _merge_row(ws, body_start, ncols)
    row = last_table_row + 1

    if spec.footnote:
        put_text(ws.cell(row, 1), spec.footnote)
        ws.cell(row, 1).font = BODY
        ws.cell(row, 1).alignment = Alignment(vertical="top", wrap_text=True)
        _merge_row(ws, row, ncols)
        ws.row_dimensions[row].height = _lines_needed(spec.footnote, full_width) * LINE_POINTS + 8
        row += 1
    if spec.signature:
        row += 1  # a blank line before the signature, as on paper
        put_text(ws.cell(row, 1), spec.signature)
        ws.cell(row, 1).font = BODY
        ws.cell(row, 1).alignment = Alignment(horizontal="right", vertical="center", wrap_text=True)
        _merge_row(ws, row, ncols)
        ws.row_dimensions[row].height = 28
        row += 1
    last_row = row - 1

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = spec.orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.print_area = f"A1:{get_column_letter(ncols)}{last_row}"
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    ws.freeze_panes = ws.cell(head_row + 1, 1)
    return ws


def write_workbook(datas: list[FormData], out: Path) -> Path:
    """One sheet per form, saved whole or not at all."""
    if not datas:
        raise UserError("没有要导出的表格。")
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "共同体工作台（gongtongti-desktop）"
    wb.properties.title = "、".join(d.spec.display_name for d in datas)
    for data in datas:
        add_form_sheet(wb, data)
    buffer = io.BytesIO()
    wb.save(buffer)
    return atomic_write(Path(out), buffer.getvalue(), "Excel 表格")
