"""Any form template as an Excel sheet that mirrors the printed form.

The same grid as the PDF (``layout.build_grid``): title, label, header line, the ruled table
with the same merged cells, footnote and signature line; A4 print setup with the header row
repeated on every page. A record form (``layout = "record"``) is one sheet with a block per
record, as the PDF pages (``layout.record_blocks``), a page break between blocks; photos are
listed by file name, not embedded. A cell is a number or a date only when its whole text is a
short number or a date (``sheet_values``: scores, sums, 人数; ※ in a column of its own); every
other cell is written as text, so a name such as ``=1+1`` or ``@SUM(A1)`` can never become a
formula (spreadsheet formula injection), and phone numbers keep their leading digits.
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
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output.files import atomic_write
from gongtongti_desktop.output.layout import (
    NO_RECORDS,
    RECORD_WIDTHS,
    Grid,
    PairRow,
    RecordBlock,
    TextRow,
    build_grid,
    clean_text,
    files_text,
    header_line_text,
    notes_lines,
    record_blocks,
)
from gongtongti_desktop.output.sheet_values import put_value, split_marks

FONT_NAME = "宋体"
BODY = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
LABEL = Font(name="黑体", size=12, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
NOTE = Font(name=FONT_NAME, size=10)
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# Total column width (in Excel character units) the relative widths are scaled to.
TOTAL_WIDTH = {"portrait": 92.0, "landscape": 136.0}
LINE_POINTS = 15.0  # height of one line of 11-point text
ROW_MIN = 22.0
BLANK_ROW = 28.0
MAX_ROW = 400.0  # Excel's limit is 409 points; a longer text continues on the next row
POINTS_PER_MM = 72 / 25.4

SHEET_TITLE_MAX = 31
_VERTICAL = {"top": "top", "middle": "center", "bottom": "bottom"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Text Excel (or a user re-typing the cell) could read as a formula or a DDE command.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def merge(
    ws: Worksheet, *, start_row: int, start_column: int, end_row: int, end_column: int
) -> None:
    """``ws.merge_cells`` without its scan of every range merged so far (quadratic: a workbook
    of 2 000 activity records took minutes). The range is added the same way, cells cleared."""
    coord = CellRange(
        min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row
    ).coord
    merged = MergedCellRange(ws, coord)
    ws.merged_cells.ranges.add(merged)
    ws._clean_merge_range(merged)  # what merge_cells itself does next


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


def text_width(text: str) -> float:
    """Approximate width in Excel character units: Chinese characters count double."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def _lines_needed(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


def _merge_row(ws: Worksheet, row: int, ncols: int) -> None:
    if ncols > 1:
        merge(ws, start_row=row, start_column=1, end_row=row, end_column=ncols)


def _heading(ws: Worksheet, data: FormData, row: int, ncols: int, full_width: float) -> int:
    """Label, title and header line from ``row``; returns the next free row."""
    spec = data.spec
    if spec.label:
        put_text(ws.cell(row, 1), spec.label)
        ws.cell(row, 1).font = LABEL
        ws.row_dimensions[row].height = 20
        row += 1

    title = data.title
    put_text(ws.cell(row, 1), title)
    ws.cell(row, 1).font = TITLE
    ws.cell(row, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _merge_row(ws, row, ncols)
    ws.row_dimensions[row].height = 32 * _lines_needed(title, full_width / 1.5)
    row += 1

    header_line = header_line_text(data)
    if header_line:
        put_text(ws.cell(row, 1), header_line)
        ws.cell(row, 1).font = BODY
        ws.cell(row, 1).alignment = Alignment(vertical="center", wrap_text=True)
        _merge_row(ws, row, ncols)
        ws.row_dimensions[row].height = 24 * _lines_needed(header_line, full_width)
        row += 1
    return row


def _tail(ws: Worksheet, data: FormData, row: int, ncols: int, full_width: float) -> int:
    """Notes, footnote and signature line from ``row``; returns the next free row."""
    spec = data.spec
    for line in notes_lines(data):
        put_text(ws.cell(row, 1), line)
        ws.cell(row, 1).font = NOTE
        ws.cell(row, 1).alignment = Alignment(vertical="top", wrap_text=True)
        _merge_row(ws, row, ncols)
        ws.row_dimensions[row].height = _lines_needed(line, full_width) * LINE_POINTS + 2
        row += 1
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
    return row


def _page_setup(ws: Worksheet, orientation: str, ncols: int, last_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.print_area = f"A1:{get_column_letter(ncols)}{last_row}"
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"


def add_form_sheet(wb: Workbook, data: FormData, sheet_title: str | None = None) -> Worksheet:
    """Append a sheet showing the form; returns it. The sheet name is made valid and unique."""
    spec = data.spec
    title = sanitize_sheet_title(sheet_title or data.display_name, set(wb.sheetnames))
    ws = wb.create_sheet(title)
    if spec.layout == "record":
        _fill_record_sheet(ws, data)
        return ws
    grid = split_marks(build_grid(data))
    ncols = len(grid.headers)

    total = sum(grid.widths)
    widths = [TOTAL_WIDTH[spec.orientation] * w / total for w in grid.widths]
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = round(width, 1)
    full_width = sum(widths)

    row = _heading(ws, data, 1, ncols, full_width)

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
        _style_body(ws, grid, head_row, body_start, ncols, {})
    else:
        body_rows, open_edges = _fill_body(ws, grid, body_start, widths)
        _style_body(ws, grid, head_row, body_start + body_rows - 1, ncols, open_edges)
    if grid.kind == "none":
        _merge_row(ws, body_start, ncols)
    row = body_start + body_rows

    last_row = _tail(ws, data, row, ncols, full_width) - 1
    _page_setup(ws, spec.orientation, ncols, last_row)
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.freeze_panes = ws.cell(head_row + 1, 1)
    return ws


def _style_body(
    ws: Worksheet,
    grid: Grid,
    head_row: int,
    last_row: int,
    ncols: int,
    open_edges: dict[tuple[int, int], tuple[bool, bool]],
) -> None:
    """Rules, font and alignment of the table; ``open_edges[(row, col)]``: (no top rule, no
    bottom rule) for the pieces of a long text continued on the next sheet row."""
    for r in range(head_row, last_row + 1):
        for col in range(1, ncols + 1):
            cell = ws.cell(r, col)
            no_top, no_bottom = open_edges.get((r, col), (False, False))
            cell.border = Border(
                left=THIN,
                right=THIN,
                top=None if no_top else THIN,
                bottom=None if no_bottom else THIN,
            )
            if r > head_row:
                align = "center" if grid.kind == "none" else grid.aligns[col - 1]
                valign = "middle" if grid.kind == "none" else grid.valigns[col - 1]
                cell.font = BODY
                cell.alignment = Alignment(
                    horizontal=align, vertical=_VERTICAL[valign], wrap_text=True
                )


def _fill_body(
    ws: Worksheet, grid: Grid, start: int, widths: list[float]
) -> tuple[int, dict[tuple[int, int], tuple[bool, bool]]]:
    """The body rows from sheet row ``start``: texts, merged cells (the template's merge
    columns, a sum row's label across columns) and heights. A running text (a ``valign =
    "top"`` column) too tall for one Excel row (409 points at most) continues on the next
    sheet rows, the other cells of its row merged down beside it, as in the PDF.

    Returns the number of sheet rows and the open edges of the continued pieces.
    """
    hspans = {h.row: h for h in grid.hspans}
    merged = grid.spans()
    covered = {(r, s.column) for s in merged for r in range(s.first, s.last + 1)}
    data_floor = grid.min_height_mm * POINTS_PER_MM or ROW_MIN
    floors = {"data": data_floor, "total": ROW_MIN, "blank": max(BLANK_ROW, data_floor)}
    heights: list[float] = []
    first_row: list[int] = []  # the first sheet row (0-based from ``start``) of each grid row
    last_row: list[int] = []
    open_edges: dict[tuple[int, int], tuple[bool, bool]] = {}
    merges: list[tuple[int, int, int, int]] = []  # (first row, first col, last row, last col)
    for i, texts in enumerate(grid.rows):
        top = len(heights)
        first_row.append(top)
        h = hspans.get(i)
        width = list(widths)
        if h is not None:
            width[h.first] = sum(widths[h.first : h.last + 1])
            merges.append((top, h.first, top, h.last))
        chunks: dict[int, list[str]] = {}
        for c, text in enumerate(texts):
            if (i, c) in covered or (h and h.first < c <= h.last):
                continue
            if grid.valigns[c] == "top" and _lines_needed(text, width[c]) * LINE_POINTS > MAX_ROW:
                chunks[c] = _text_chunks(text, width[c])
        count = max((len(v) for v in chunks.values()), default=1)
        own = [
            _lines_needed(t, width[c])
            for c, t in enumerate(texts)
            if (i, c) not in covered and c not in chunks and not (h and h.first < c <= h.last)
        ]
        for j in range(count):
            lines = [_lines_needed(v[j], width[c]) for c, v in chunks.items() if j < len(v)]
            if j == 0:
                lines += own
            heights.append(min(MAX_ROW + 9, max(lines, default=1) * LINE_POINTS + 6))
            for c, text in enumerate(texts):
                value = (chunks[c][j] if j < len(chunks[c]) else "") if c in chunks else text
                if c in chunks or j == 0:
                    cell = ws.cell(start + top + j, c + 1)
                    # numbers and dates in data and sum rows (a running text stays text)
                    if c in chunks or grid.row_kind(i) == "blank" or not put_value(cell, value):
                        put_text(cell, value)
        last = top + count - 1
        last_row.append(last)
        short = sum(heights[top:])
        floor = floors[grid.row_kind(i)]
        if short < floor:
            heights[last] += floor - short
        if count > 1:
            for c in range(len(texts)):
                if c in chunks:
                    for j in range(count):
                        open_edges[(start + top + j, c + 1)] = (j > 0, j < count - 1)
                elif (i, c) not in covered:
                    merges.append((top, c, last, c))
    for span in merged:
        text = grid.rows[span.first][span.column]
        first, last = first_row[span.first], last_row[span.last]
        need = _lines_needed(text, widths[span.column]) * LINE_POINTS + 6
        have = sum(heights[first : last + 1])
        if need > have:
            heights[last] = min(MAX_ROW, heights[last] + need - have)
        for r in range(first + 1, last + 1):
            ws.cell(start + r, span.column + 1).value = None
        merges.append((first, span.column, last, span.column))
    for first, col, last, end_col in merges:
        if (first, col) != (last, end_col):
            merge(
                ws,
                start_row=start + first,
                start_column=col + 1,
                end_row=start + last,
                end_column=end_col + 1,
            )
    for n, height in enumerate(heights):
        ws.row_dimensions[start + n].height = height
    return len(heights), open_edges


# -- record forms -------------------------------------------------------------------------------


def _ruled(ws: Worksheet, row: int, ncols: int) -> None:
    for col in range(1, ncols + 1):
        ws.cell(row, col).border = GRID


def _put(
    ws: Worksheet, row: int, col: int, text: str, *, bold: bool = False, align: str = "left"
) -> None:
    cell = ws.cell(row, col)
    put_text(cell, text)
    cell.font = BOLD if bold else BODY
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)


def _split_line(line: str, width: float) -> list[str]:
    """A line too long for one Excel row cut into pieces that each fit one."""
    most = max(int(MAX_ROW // LINE_POINTS) - 1, 1)  # wrapped lines a piece may take
    if _lines_needed(line, width) <= most:
        return [line]
    room = most * max(width - 1.5, 1.0)  # as _lines_needed counts
    pieces, current, used = [], "", 0.0
    for ch in line:
        step = text_width(ch)
        if current and used + step > room:
            pieces.append(current)
            current, used = "", 0.0
        current += ch
        used += step
    return [*pieces, current]


def _text_chunks(text: str, width: float) -> list[str]:
    """A long text cut between lines into pieces that fit one row (Excel's row height limit)."""
    chunks: list[str] = []
    current: list[str] = []
    lines = [piece for line in text.split("\n") for piece in _split_line(line, width)]
    for line in lines:
        if current and _lines_needed("\n".join([*current, line]), width) * LINE_POINTS > MAX_ROW:
            chunks.append("\n".join(current))
            current = []
        current.append(line)
    chunks.append("\n".join(current))
    return chunks


def _record_block(ws: Worksheet, block: RecordBlock, row: int, widths: list[float]) -> int:
    """The label/value rows, long texts and the photo list of one record; the next free row."""
    wide = sum(widths[1:])
    for entry in block.rows:
        if isinstance(entry, PairRow):
            heights = []
            for n, (label, value) in enumerate(entry.cells):
                _put(ws, row, 2 * n + 1, label, bold=True, align="center")
                _put(ws, row, 2 * n + 2, value)
                put_value(ws.cell(row, 2 * n + 2), value)  # 人数 a number, a day a date
                value_w = widths[1] if len(entry.cells) == 2 else wide
                heights.append(_lines_needed(value, value_w))
                heights.append(_lines_needed(label, widths[2 * n]))
            if len(entry.cells) == 1:
                merge(ws, start_row=row, start_column=2, end_row=row, end_column=4)
            ws.row_dimensions[row].height = max(ROW_MIN, max(heights) * LINE_POINTS + 6)
            _ruled(ws, row, 4)
            row += 1
            continue
        assert isinstance(entry, TextRow)
        first = row
        chunks = _text_chunks(entry.text, wide)
        for chunk in chunks:
            _put(ws, row, 2, chunk)
            ws.cell(row, 2).alignment = Alignment(vertical="top", wrap_text=True)
            merge(ws, start_row=row, start_column=2, end_row=row, end_column=4)
            height = min(MAX_ROW + 9, _lines_needed(chunk, wide) * LINE_POINTS + 6)
            if len(chunks) == 1:
                height = max(height, entry.min_height_mm * POINTS_PER_MM)
            ws.row_dimensions[row].height = max(ROW_MIN, height)
            _ruled(ws, row, 4)
            row += 1
        _put(ws, first, 1, entry.label, bold=True, align="center")
        if row - 1 > first:
            merge(ws, start_row=first, start_column=1, end_row=row - 1, end_column=1)
    if not block.images_label:
        return row
    _put(ws, row, 1, block.images_label, bold=True, align="center")
    merge(ws, start_row=row, start_column=1, end_row=row, end_column=4)
    ws.row_dimensions[row].height = ROW_MIN
    _ruled(ws, row, 4)
    row += 1
    lines = [
        photo.problem
        or f"照片{n}：{photo.name}"
        + (f"    说明：{photo.caption}" if photo.caption != photo.name else "")
        for n, photo in enumerate(block.photos, 1)
    ]
    if block.files:
        lines.append(files_text(block.files))
    for text in lines or [""]:
        _put(ws, row, 1, text)
        merge(ws, start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = max(
            ROW_MIN, _lines_needed(text, sum(widths)) * LINE_POINTS + 6
        )
        if not lines:  # room to paste a printed photo, as on paper
            ws.row_dimensions[row].height = block.image_height_mm * POINTS_PER_MM
        _ruled(ws, row, 4)
        row += 1
    return row


def _fill_record_sheet(ws: Worksheet, data: FormData) -> None:
    """One block per record, each starting a new printed page."""
    spec = data.spec
    total = sum(RECORD_WIDTHS)
    widths = [TOTAL_WIDTH[spec.orientation] * w / total for w in RECORD_WIDTHS]
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = round(width, 1)
    full_width = sum(widths)
    row = 1
    for n, block in enumerate(record_blocks(data)):
        if n:
            ws.row_breaks.append(Break(id=row - 1))
        row = _heading(ws, data, row, 4, full_width)
        row = _record_block(ws, block, row, widths)
        row = _tail(ws, data, row, 4, full_width)
        row += 1  # a blank row between blocks
    _page_setup(ws, spec.orientation, 4, row - 2)


def write_workbook(datas: list[FormData], out: Path) -> Path:
    """One sheet per form, saved whole or not at all."""
    if not datas:
        raise UserError("没有要导出的表格。")
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "共同体工作台（gongtongti-desktop）"
    wb.properties.title = "、".join(d.display_name for d in datas)
    for data in datas:
        add_form_sheet(wb, data)
    buffer = io.BytesIO()
    wb.save(buffer)
    return atomic_write(Path(out), buffer.getvalue(), "Excel 表格")
