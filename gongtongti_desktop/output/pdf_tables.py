"""The ruled table of a table form, laid out so it breaks across pages like a printed form.

Why it is more than a reportlab ``Table``: the ``merge`` columns span each group's rows, and
reportlab never splits a span; so the page breaks are worked out first (``breaks``), each span
is cut there and its text repeated on the next page. A row whose running text is taller than
``SPLIT_ABOVE`` is cut into bands so a long plan can run on to the next page.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output.layout import NO_RECORDS, Grid, Span
from gongtongti_desktop.output.pdf_style import (
    GRID_WIDTH,
    MIN_ROW,
    PAD_X,
    PAD_Y,
    TEXT_PIECE,
    Styles,
    text_pieces,
)

BLANK_ROW = 28  # a row left blank to fill in by hand
TOTAL_ROW = 19  # a sum row (one line)
SPLIT_ABOVE = 2 * TEXT_PIECE  # a table row whose text is taller is cut into such pieces
KEEP_GROUP_BELOW = 1 / 3  # a group moves whole to the next page only from the last third
_VALIGN = {"top": "TOP", "middle": "MIDDLE", "bottom": "BOTTOM"}


class ClosedTable(Table):
    """A table whose pieces, when it breaks across pages, are each closed top and bottom.

    (reportlab's "splitlast"/"splitfirst" line rows survive only the first break.)
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2:
            first, rest = parts
            first.setStyle([("LINEBELOW", (0, -1), (-1, -1), GRID_WIDTH, colors.black)])
            rest.setStyle([("LINEABOVE", (0, 0), (-1, 0), GRID_WIDTH, colors.black)])
        return parts


def _cell_height(para: Paragraph, width: float) -> float:
    return para.wrap(max(width - 2 * PAD_X, 1.0), 1e6)[1] + 2 * PAD_Y


def _row_heights(
    grid: Grid,
    cells: list[list[Flowable | str]],
    widths: list[list[float]],
    spans: list[Span],
) -> list[float]:
    """Row heights that fit every cell, a merged cell's text fitting its spanned rows.

    ``widths[i][c]``: the width cell ``c`` of row ``i`` is set in (a sum row's label spans
    several columns; covered cells are ``""``).
    """
    covered = {(r, s.column) for s in spans for r in range(s.first, s.last + 1)}
    heights = []
    data_floor = grid.min_height_mm * mm or MIN_ROW
    floors = {"data": data_floor, "total": TOTAL_ROW, "blank": max(BLANK_ROW, data_floor)}
    for i, row in enumerate(cells):
        own = [
            _cell_height(para, widths[i][col])
            for col, para in enumerate(row)
            if (i, col) not in covered and isinstance(para, Paragraph)
        ]
        heights.append(max([floors[grid.row_kind(i)], *own]))
    for span in spans:
        para = cells[span.first][span.column]
        if not isinstance(para, Paragraph):
            continue
        need = _cell_height(para, widths[span.first][span.column])
        have = sum(heights[span.first : span.last + 1])
        if need > have:
            heights[span.last] += need - have
    return heights


def _breaks(
    runs: list[tuple[int, int, bool]], heights: list[float], first_room: float, room: float
) -> list[int]:
    """Where the pages will break inside runs of rows, so their merged cells can be cut there.

    Follows how reportlab will fill the pages: a run (a group, or the pieces of one long row)
    that fits the rest of the page stays there; one that fits a fresh page moves to it whole
    (a SPAN is never split) when little of this page is left (``KEEP_GROUP_BELOW``) and it
    does not ``flow`` (hold a long text, which should start where the table is); else, like
    one taller than a page, it fills the rest of this page and then whole pages, each piece
    repeating the merged text.
    """
    breaks: list[int] = []
    remaining = first_room
    for first, last, flows in runs:
        height = sum(heights[first : last + 1])
        if height <= remaining:
            remaining -= height
            continue
        if height <= room and not flows and remaining < room * KEEP_GROUP_BELOW:
            remaining = room - height
            continue
        for i in range(first, last + 1):
            if heights[i] > remaining:
                if i > first:
                    breaks.append(i)
                remaining = room
            remaining -= heights[i]
    return breaks


def _cut(spans: list[Span], breaks: list[int]) -> list[Span]:
    """The spans cut at the page breaks (a piece of one row is no span)."""
    out = []
    for span in spans:
        start = span.first
        for b in sorted(breaks):
            if start < b <= span.last:
                if b - 1 > start:
                    out.append(Span(span.column, start, b - 1))
                start = b
        if span.last > start:
            out.append(Span(span.column, start, span.last))
    return out


_Cell = Flowable | str | list[Paragraph]  # a table cell: a list is a piece of a long text


@dataclass
class _Bands:
    """The printed rows of a table body: a grid row whose text is taller than ``SPLIT_ABOVE``
    becomes several bands (pieces of its long cells, no rule between them) so it can run on
    to the next page; its short cells span all its bands.

    Only running text is cut: the cells of a ``valign = "top"`` column (附件2's plans, 附件3's
    工作开展情况). A name or a date set in the middle of its cell must fit a page.
    """

    cells: list[list[_Cell]]
    widths: list[list[float]]
    texts: list[list[str]]  # the text of each cell's grid cell (to repeat a cut span)
    rows: list[int]  # the grid row of each band
    heights: list[float]
    spans: list[Span]
    runs: list[tuple[int, int, bool]]  # (first, last, flows)
    joined: set[int]  # bands continuing the band above (no rule between)
    padding: list[tuple]  # TOPPADDING/BOTTOMPADDING commands of the pieces (table rows)


def _stack(paras: list[Paragraph], width: float) -> float:
    """Height of paragraphs set one under another in a cell, padding included."""
    avail = max(width - 2 * PAD_X, 1.0)
    return sum(p.wrap(avail, 1e6)[1] for p in paras) + 2 * PAD_Y


def _chunks(paras: list[Paragraph], width: float) -> list[list[Paragraph]]:
    """Lines grouped into pieces of at most ``TEXT_PIECE`` height: a page breaks only between
    pieces, so no page ends on a lone line of a long text."""
    out: list[list[Paragraph]] = []
    for para in paras:
        if out and _stack([*out[-1], para], width) - 2 * PAD_Y <= TEXT_PIECE:
            out[-1].append(para)
        else:
            out.append([para])
    return out


def _bands(grid: Grid, styles: Styles, col_w: list[float]) -> _Bands:
    ncols = len(col_w)
    hspan = {h.row: h for h in grid.hspans}
    widths = []
    cells: list[list[Flowable | str]] = []
    for i, row in enumerate(grid.rows):
        w = list(col_w)
        line: list[Flowable | str] = []
        if i in hspan:
            h = hspan[i]
            w[h.first] = sum(col_w[h.first : h.last + 1])
            for c in range(h.first + 1, h.last + 1):
                w[c] = 0.0
        for c, text in enumerate(row):
            if w[c] == 0.0:
                line.append("")
            elif i in hspan and c == hspan[i].first:
                line.append(styles.cell(text, "center", w[c]))
            else:
                line.append(styles.cell(text, grid.aligns[c], w[c]))
        widths.append(w)
        cells.append(line)
    merged = grid.spans()
    heights = _row_heights(grid, cells, widths, merged)
    covered = {(r, s.column) for s in merged for r in range(s.first, s.last + 1)}

    out = _Bands([], [], [], [], [], [], [], set(), [])
    first_band: list[int] = []
    last_band: list[int] = []
    split_rows = set()
    for i, row in enumerate(cells):
        start = len(out.cells)
        first_band.append(start)
        pieces: dict[int, list[list[Paragraph]]] = {}
        for c in range(ncols) if i not in hspan else ():
            para = row[c]
            if (i, c) in covered or grid.valigns[c] != "top" or not isinstance(para, Paragraph):
                continue
            if _cell_height(para, col_w[c]) > SPLIT_ABOVE:
                found = _chunks(text_pieces(grid.rows[i][c], para.style, col_w[c]), col_w[c])
                if len(found) > 1:
                    pieces[c] = found
        if not pieces:
            out.cells.append(row)
            out.widths.append(widths[i])
            out.texts.append(list(grid.rows[i]))
            out.rows.append(i)
            out.heights.append(heights[i])
            last_band.append(start)
            continue
        split_rows.add(i)
        count = max(len(p) for p in pieces.values())
        for j in range(count):
            band: list[_Cell] = [
                (pieces[c][j] if j < len(pieces[c]) else "")
                if c in pieces
                else (row[c] if j == 0 else "")
                for c in range(ncols)
            ]
            tall = [_stack(pieces[c][j], col_w[c]) for c in pieces if j < len(pieces[c])]
            top, bottom = (PAD_Y if j == 0 else 0), (PAD_Y if j == count - 1 else 0)
            out.cells.append(band)
            out.widths.append(widths[i])
            out.texts.append(list(grid.rows[i]))
            out.rows.append(i)
            out.heights.append(max(tall, default=0) - 2 * PAD_Y + top + bottom)
            for c in pieces:
                r = start + j + 1  # table row (the header is row 0)
                if j > 0:
                    out.padding.append(("TOPPADDING", (c, r), (c, r), 0))
                if j < count - 1:
                    out.padding.append(("BOTTOMPADDING", (c, r), (c, r), 0))
            if j:
                out.joined.add(start + j)
        last = start + count - 1
        last_band.append(last)
        short = sum(out.heights[start : last + 1])
        if short < heights[i]:  # the row's floor, or a merged neighbour's text
            out.heights[last] += heights[i] - short
        for c in range(ncols):
            if c not in pieces and (i, c) not in covered:
                out.spans.append(Span(c, start, last))
    for s in merged:
        out.spans.append(Span(s.column, first_band[s.first], last_band[s.last]))
    for first, last in grid.group_runs():
        flows = any(i in split_rows for i in range(first, last + 1))
        out.runs.append((first_band[first], last_band[last], flows))
    return out


def table(grid: Grid, styles: Styles, frame_w: float, frame_h: float, used: float) -> Table:
    """The ruled table; ``used`` is the height already taken on the first page."""
    total = sum(grid.widths)
    col_w = [frame_w * w / total for w in grid.widths]
    ncols = len(col_w)
    header = [
        styles.cell(h, "center", w, bold=True) for h, w in zip(grid.headers, col_w, strict=True)
    ]
    header_h = max([MIN_ROW, *(_cell_height(p, w) for p, w in zip(header, col_w, strict=True))])
    padding: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
    ]
    if grid.kind == "none":
        commands = [("GRID", (0, 0), (-1, -1), GRID_WIDTH, colors.black), *padding]
        commands.append(("SPAN", (0, 1), (-1, 1)))
        body = [[styles.cell(NO_RECORDS, "center", frame_w)] + [""] * (ncols - 1)]
        return Table(
            [header, *body],
            colWidths=col_w,
            rowHeights=[header_h, MIN_ROW],
            repeatRows=1,
            style=TableStyle(commands),
        )

    bands = _bands(grid, styles, col_w)
    slack = 3  # points kept free so a rounding difference never pushes a piece to the next page
    room = frame_h - header_h - slack
    breaks = _breaks(bands.runs, bands.heights, room - used, room)
    spans = _cut(bands.spans, breaks)
    data: list[list[_Cell]] = [header, *(list(row) for row in bands.cells)]
    heights = list(bands.heights)
    for span in spans:
        text = bands.texts[span.first][span.column]
        width = bands.widths[span.first][span.column]
        if not isinstance(data[span.first + 1][span.column], Paragraph):  # a cut span's piece
            data[span.first + 1][span.column] = styles.cell(text, grid.aligns[span.column], width)
        for r in range(span.first + 1, span.last + 1):
            data[r + 1][span.column] = ""
        cell = data[span.first + 1][span.column]
        assert isinstance(cell, Paragraph)
        need = _cell_height(cell, width)
        have = sum(heights[span.first : span.last + 1])
        if need > have:
            heights[span.last] += need - have
    for i, height in enumerate(heights):
        if height > room:
            column = max(range(ncols), key=lambda c: len(bands.texts[i][c]))
            start = bands.texts[i][column][:12].replace("\n", " ")
            raise UserError(
                f"第 {bands.rows[i] + 1} 行“{grid.headers[column]}”一格的内容太长（“{start}……”），"
                "一页放不下，无法打印。请缩短这条记录后再试。"
            )

    commands: list[tuple] = [
        ("BOX", (0, 0), (-1, -1), GRID_WIDTH, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), GRID_WIDTH, colors.black),
        *padding,
    ]
    if ncols > 1:
        commands.append(("LINEAFTER", (0, 0), (ncols - 2, -1), GRID_WIDTH, colors.black))
    for r in range(len(heights) - 1):
        if r + 1 not in bands.joined:
            commands.append(("LINEBELOW", (0, r + 1), (-1, r + 1), GRID_WIDTH, colors.black))
    for col, valign in enumerate(grid.valigns):
        if valign != "middle":
            commands.append(("VALIGN", (col, 1), (col, -1), _VALIGN[valign]))
    commands += bands.padding
    for h in grid.hspans:
        commands.append(("SPAN", (h.first, h.row + 1), (h.last, h.row + 1)))
        commands.append(("VALIGN", (h.first, h.row + 1), (h.last, h.row + 1), "MIDDLE"))
    for span in spans:
        commands.append(("SPAN", (span.column, span.first + 1), (span.column, span.last + 1)))
    return ClosedTable(
        data,
        colWidths=col_w,
        rowHeights=[header_h, *heights],
        repeatRows=1,
        style=TableStyle(commands),
    )
