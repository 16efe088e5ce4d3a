"""Printing any form template to an A4 PDF, laid out like a printed Chinese official form.

Everything comes from the template (``FormSpec``) and its rows (``FormData``): the label
("附件1") top left, the centred title, the header line with blanks to sign, the ruled table with
the ``merge`` columns spanning each group's rows, the footnote, the signature line and page
numbers. A record form (``layout = "record"``) prints the same heading for each row, then a
ruled label/value table whose long texts may run onto the next page, then its photos scaled
into a grid; a page break separates the rows. ``invariant=1`` makes the same input give
byte-identical files.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit_module
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    LayoutError,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as _paragraph_module

from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output.files import atomic_write
from gongtongti_desktop.output.fonts import register_cjk_font
from gongtongti_desktop.output.layout import (
    NO_RECORDS,
    RECORD_WIDTHS,
    Grid,
    HeaderItem,
    PairRow,
    Photo,
    RecordBlock,
    Span,
    TextRow,
    build_grid,
    clean_text,
    files_text,
    header_items,
    notes_lines,
    record_blocks,
    unreadable_photo_text,
)

CREATOR = "共同体工作台（gongtongti-desktop）"

MARGIN_X = 20 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 18 * mm
FOOTER_Y = 9 * mm

LABEL_SIZE = 14  # 四号
TITLE_SIZE = 18  # 小二
HEADER_LINE_SIZE = 11
BODY_SIZE = 10.5  # 五号
BODY_LEADING = 14
FOOTER_SIZE = 9
NOTE_SIZE = 9  # notes under a table (the seed's contradictions, what ※ means)

GRID_WIDTH = 0.5
PAD_X = 4
PAD_Y = 4
MIN_ROW = 24  # a data row, tall enough to read and to correct by hand
BLANK_ROW = 28  # a row left blank to fill in by hand
TOTAL_ROW = 19  # a sum row (one line)

SHRINK_LIMIT = 0.85  # set a cell up to 15 % smaller rather than wrap a character or two
SHRINK_TITLE = 0.75  # and a title up to 25 % smaller rather than wrap it
TEXT_PIECE = 6 * BODY_LEADING  # a long text is cut into pieces this tall, to break between
SPLIT_ABOVE = 2 * TEXT_PIECE  # a table row whose text is taller is cut into such pieces
KEEP_GROUP_BELOW = 1 / 3  # a group moves whole to the next page only from the last third
PHOTO_DPI = 200  # photos are resampled to this resolution at their printed size
PHOTO_QUALITY = 85

_SPACES = re.compile(" {2,}")

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}

# 标点禁则: reportlab keeps ASCII and some CJK closing marks off the start of a line, but not
# the full-width comma, semicolon, colon and friends that Chinese text is full of.
_CANNOT_START = "，；：？！）》」』】〕…、。"
for _module in (_paragraph_module, _textsplit_module):
    _module.ALL_CANNOT_START += "".join(
        ch for ch in _CANNOT_START if ch not in _module.ALL_CANNOT_START
    )
_VALIGN = {"top": "TOP", "middle": "MIDDLE", "bottom": "BOTTOM"}


def _markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, line breaks and runs of spaces kept.

    A run of spaces (e.g. "年  月  日", where the date is written by hand) keeps its width with
    no-break spaces, leaving one ordinary space so the line may still wrap there.
    """
    lines = []
    for line in text.replace("\t", " ").split("\n"):
        line = _SPACES.sub(lambda m: "\u00a0" * (len(m.group()) - 1) + " ", escape(line))
        lines.append(line)
    return "<br/>".join(lines)


class _BoldParagraph(Paragraph):
    """A paragraph whose glyphs are also stroked: bold from a font that has no bold face."""

    stroke = 0.3

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setLineWidth(self.stroke)
        canv.setStrokeColor(colors.black)
        canv.addLiteral("2 Tr")  # text render mode: fill and stroke (restored by Q)
        super().draw()
        canv.restoreState()


def _bold(text: str, style: ParagraphStyle, stroke: float) -> _BoldParagraph:
    para = _BoldParagraph(_markup(text), style)
    para.stroke = stroke
    return para


class _HeaderLine(Flowable):
    """ "幼儿园：XXX    填报人：＿＿＿＿": labels, values set on a line, blank lines to sign on."""

    def __init__(self, items: list[HeaderItem], font: str, size: float) -> None:
        super().__init__()
        self.items = items
        self.font = font
        self.size = size
        self.line_height = size * 2.2
        self._lines: list[list[tuple[HeaderItem, float, float]]] = []

    def _natural(self, item: HeaderItem, blank: float = 6, pad: float = 1) -> tuple[float, float]:
        label_w = stringWidth(item.label, self.font, self.size)
        if item.value is None:
            return label_w, blank * self.size
        return label_w, max(
            stringWidth(item.value, self.font, self.size) + pad * self.size, 5 * self.size
        )

    def _fits(self, line: list[tuple[HeaderItem, float, float]], width: float) -> bool:
        gap = 1.5 * self.size
        return sum(lw + uw for _, lw, uw in line) + gap * (len(line) - 1) <= width

    def _greedy(
        self, avail_width: float, blank: float, pad: float = 1
    ) -> tuple[list[tuple[HeaderItem, float, float]], list[list[tuple[HeaderItem, float, float]]]]:
        """The fields measured with blanks ``blank`` characters long, and filled into lines."""
        measured = []
        for item in self.items:
            label_w, line_w = self._natural(item, blank, pad)
            measured.append((item, label_w, min(line_w, max(avail_width - label_w, 3 * self.size))))
        lines: list[list[tuple[HeaderItem, float, float]]] = [[]]
        for entry in measured:
            if lines[-1] and not self._fits([*lines[-1], entry], avail_width):
                lines.append([])
            lines[-1].append(entry)
        return measured, lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        gap = 1.5 * self.size
        # Blanks to sign on are six characters long, or four (and values set closer) when that
        # keeps the header on fewer lines (a long kindergarten name).
        measured, greedy = self._greedy(avail_width, 6)
        for blank, pad in ((4, 1), (4, 0.4)):
            if len(greedy) == 1:
                break
            shorter, fewer = self._greedy(avail_width, blank, pad)
            if len(fewer) < len(greedy):
                measured, greedy = shorter, fewer
        # Fewest lines (greedy), then the same number of fields on each line when that fits:
        # "时间 幼儿园 / 填报人 签字" reads better than three fields and one left over.
        per = math.ceil(len(measured) / len(greedy))
        even = [measured[i : i + per] for i in range(0, len(measured), per)]
        lines = (
            even
            if len(even) == len(greedy) and all(self._fits(line, avail_width) for line in even)
            else greedy
        )
        # Spread each line across the whole width by lengthening the blanks.
        for line in lines:
            natural = sum(lw + uw for _, lw, uw in line) + gap * (len(line) - 1)
            extra = (avail_width - natural) / len(line)
            if extra > 0 and (len(line) > 1 or len(lines) > 1):
                line[:] = [(it, lw, uw + extra) for it, lw, uw in line]
        self._lines = lines
        self.width = avail_width
        self.height = self.line_height * len(lines)
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.setFont(self.font, self.size)
        gap = 1.5 * self.size
        for n, line in enumerate(self._lines):
            baseline = self.height - self.line_height * (n + 1) + self.line_height * 0.32
            x = 0.0
            for item, label_w, line_w in line:
                canv.drawString(x, baseline, item.label)
                x += label_w
                canv.setLineWidth(GRID_WIDTH)
                canv.line(x, baseline - 2.5, x + line_w, baseline - 2.5)
                if item.value is not None:
                    canv.drawCentredString(x + line_w / 2, baseline, item.value)
                x += line_w + gap


def _numbered_canvas(font: str) -> type[Canvas]:
    """A canvas that, once all pages are known, writes "第 N 页 / 共 M 页" when M > 1."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if total > 1:
                    self.saveState()
                    self.setFont(font, FOOTER_SIZE)
                    self.drawCentredString(
                        self._pagesize[0] / 2,
                        FOOTER_Y,
                        f"第 {self._pageNumber} 页 / 共 {total} 页",
                    )
                    self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


@dataclass
class _Styles:
    font: str

    def __post_init__(self) -> None:
        self.base = ParagraphStyle(
            "body",
            fontName=self.font,
            fontSize=BODY_SIZE,
            leading=BODY_LEADING,
            wordWrap="CJK",
        )
        self._cells: dict[tuple[str, float, bool], ParagraphStyle] = {}
        self.label = ParagraphStyle(
            "label", parent=self.base, fontSize=LABEL_SIZE, leading=LABEL_SIZE * 1.4
        )
        self.title = ParagraphStyle(
            "title",
            parent=self.base,
            fontSize=TITLE_SIZE,
            leading=TITLE_SIZE * 1.4,
            alignment=TA_CENTER,
            spaceBefore=4,
            spaceAfter=10,
        )
        self.footnote = ParagraphStyle("footnote", parent=self.base, leading=BODY_SIZE * 1.6)
        self.note = ParagraphStyle(
            "note", parent=self.base, fontSize=NOTE_SIZE, leading=NOTE_SIZE * 1.4
        )
        self.text = ParagraphStyle("text", parent=self.base, alignment=TA_LEFT)
        self.caption = ParagraphStyle(
            "caption", parent=self.base, fontSize=9, leading=12, alignment=TA_CENTER
        )
        self.signature = ParagraphStyle(
            "signature",
            parent=self.base,
            fontSize=HEADER_LINE_SIZE,
            leading=HEADER_LINE_SIZE * 1.8,
            alignment=TA_RIGHT,
        )

    def title_for(self, title: str, width: float) -> ParagraphStyle:
        """The title style, set up to ``SHRINK_TITLE`` smaller when that keeps it on one line
        (a title holding a long kindergarten name)."""
        natural = max(stringWidth(line, self.font, TITLE_SIZE) for line in title.split("\n"))
        scale = (width - 2) / natural if natural else 1.0
        if scale >= 1 or scale < SHRINK_TITLE:
            return self.title
        size = math.floor(TITLE_SIZE * scale * 4) / 4
        return ParagraphStyle(f"title-{size}", parent=self.title, fontSize=size, leading=size * 1.4)

    def _cell_style(self, align: str, size: float, cjk: bool) -> ParagraphStyle:
        key = (align, size, cjk)
        if key not in self._cells:
            self._cells[key] = ParagraphStyle(
                f"cell-{align}-{size}-{cjk}",
                parent=self.base,
                alignment=_ALIGN[align],
                fontSize=size,
                leading=max(BODY_LEADING * size / BODY_SIZE, size * 1.25),
                wordWrap="CJK" if cjk else None,
            )
        return self._cells[key]

    def cell(self, text: str, align: str, width: float, *, bold: bool = False) -> Paragraph:
        """A table cell that avoids ugly wraps.

        Text a little too wide for its column (one or two characters left over on a second
        line, as in "城关第二实验幼儿园") is set slightly smaller instead; a list of names separated
        by spaces wraps between names; anything else wraps anywhere, as Chinese does.
        """
        text = text.replace("\t", " ")
        avail = max(width - 2 * PAD_X, 1.0)
        lines = [line.strip() for line in text.split("\n")]
        widest = max(stringWidth(line, self.font, BODY_SIZE) for line in lines)
        size, cjk = BODY_SIZE, True
        if widest > avail:
            scale = avail / widest
            if scale >= SHRINK_LIMIT:
                size = math.floor(BODY_SIZE * scale * 4) / 4
            elif any(" " in line for line in lines) and all(
                stringWidth(word, self.font, BODY_SIZE) <= avail
                for line in lines
                for word in line.split()
            ):
                cjk = False
        style = self._cell_style(align, size, cjk)
        if bold:
            return _bold(text, style, 0.25)
        return Paragraph(_markup(text), style)


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


def _bands(grid: Grid, styles: _Styles, col_w: list[float]) -> _Bands:
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
                found = _chunks(_text_pieces(grid.rows[i][c], para.style, col_w[c]), col_w[c])
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


def _table(grid: Grid, styles: _Styles, frame_w: float, frame_h: float, used: float) -> Table:
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
    return _ClosedTable(
        data,
        colWidths=col_w,
        rowHeights=[header_h, *heights],
        repeatRows=1,
        style=TableStyle(commands),
    )


def _stack_height(flowables: list[Flowable], width: float, height: float) -> float:
    """Height the flowables take at the top of a page (a little more, never less)."""
    total = 0.0
    for flowable in flowables:
        total += flowable.wrap(width, height)[1]
        total += flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _heading(data: FormData, styles: _Styles, frame_w: float) -> list[Flowable]:
    """Label, title and header line, as at the top of the form."""
    story: list[Flowable] = []
    if data.spec.label:
        story.append(_bold(data.spec.label, styles.label, 0.35))
    story.append(_bold(data.title, styles.title_for(data.title, frame_w), 0.5))
    items = header_items(data)
    if items:
        story.append(_HeaderLine(items, styles.font, HEADER_LINE_SIZE))
        story.append(Spacer(1, 4))
    return story


def _tail(data: FormData, styles: _Styles) -> list[Flowable]:
    """Notes, footnote and signature line, below the table."""
    story: list[Flowable] = []
    notes = notes_lines(data)
    if notes:
        story.append(Spacer(1, 4))
        story += [Paragraph(_markup(line), styles.note) for line in notes]
    if data.spec.footnote:
        story.append(Spacer(1, 6))
        story.append(Paragraph(_markup(data.spec.footnote), styles.footnote))
    if data.spec.signature:
        story.append(Spacer(1, 16))
        story.append(Paragraph(_markup(data.spec.signature), styles.signature))
    return story


def _table_story(data: FormData, styles: _Styles, frame_w: float, frame_h: float) -> list[Flowable]:
    story = _heading(data, styles, frame_w)
    story.append(
        _table(build_grid(data), styles, frame_w, frame_h, _stack_height(story, frame_w, frame_h))
    )
    return story + _tail(data, styles)


# -- record forms -------------------------------------------------------------------------------


class _ClosedTable(Table):
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


def _text_pieces(text: str, style: ParagraphStyle, width: float) -> list[Paragraph]:
    """A long text as paragraphs of at most ``TEXT_PIECE`` height, cut between lines.

    Each piece is one table row, so the table can break between them and a text longer than
    a page runs on to the next one. One paragraph per line of the text (reportlab mis-sets
    the line after a ``<br/>`` in a split paragraph), a long one cut into pieces.
    """
    avail = max(width - 2 * PAD_X, 1.0)
    pieces = []
    for line in text.split("\n"):
        para = Paragraph(_markup(line) or "\u00a0", style)
        while True:
            height = para.wrap(avail, 1e6)[1]
            parts = para.split(avail, TEXT_PIECE) if height > TEXT_PIECE + 1 else []
            if len(parts) < 2:
                pieces.append(para)
                break
            pieces.append(parts[0])
            para = parts[1]
    return pieces


def _record_table(block: RecordBlock, styles: _Styles, frame_w: float) -> Table:
    """The ruled label/value table of one record: pairs, wide rows and long texts."""
    total = sum(RECORD_WIDTHS)
    col_w = [frame_w * w / total for w in RECORD_WIDTHS]
    wide_w = sum(col_w[1:])
    text_style = styles.text
    data: list[list[Flowable | str]] = []
    heights: list[float] = []
    commands: list[tuple] = [
        ("BOX", (0, 0), (-1, -1), GRID_WIDTH, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
    ]
    for row in block.rows:
        r = len(data)
        if isinstance(row, PairRow):
            cells: list[Flowable | str] = []
            for n, (label, value) in enumerate(row.cells):
                value_w = col_w[1] if len(row.cells) == 2 else wide_w
                cells += [
                    styles.cell(label, "center", col_w[2 * n], bold=True),
                    styles.cell(value, "left", value_w),
                ]
            cells += [""] * (4 - len(cells))
            data.append(cells)
            heights.append(MIN_ROW)
            if len(row.cells) == 1:
                commands.append(("SPAN", (1, r), (3, r)))
                commands.append(("LINEAFTER", (0, r), (0, r), GRID_WIDTH, colors.black))
            else:
                commands.append(("LINEAFTER", (0, r), (2, r), GRID_WIDTH, colors.black))
            commands.append(("LINEBELOW", (0, r), (-1, r), GRID_WIDTH, colors.black))
            continue
        assert isinstance(row, TextRow)
        pieces = _text_pieces(row.text, text_style, wide_w)
        for n, piece in enumerate(pieces):
            label = styles.cell(row.label, "center", col_w[0], bold=True) if n == 0 else ""
            data.append([label, piece, "", ""])
            heights.append(MIN_ROW)
            commands.append(("SPAN", (1, r + n), (3, r + n)))
            if n > 0:
                commands.append(("TOPPADDING", (1, r + n), (3, r + n), 0))
            if n < len(pieces) - 1:
                commands.append(("BOTTOMPADDING", (1, r + n), (3, r + n), 0))
        if len(pieces) == 1:
            heights[r] = max(MIN_ROW, row.min_height_mm * mm)
        else:
            commands.append(("VALIGN", (1, r), (3, r + len(pieces) - 1), "TOP"))
            commands.append(("VALIGN", (0, r), (0, r), "TOP"))
        last = r + len(pieces) - 1
        commands.append(("LINEAFTER", (0, r), (0, last), GRID_WIDTH, colors.black))
        commands.append(("LINEBELOW", (0, last), (-1, last), GRID_WIDTH, colors.black))
    return _ClosedTable(
        data,
        colWidths=col_w,
        minRowHeights=heights,
        style=TableStyle(commands),
        splitByRow=1,
    )


def _photo_image(photo: Photo, max_w: float, max_h: float) -> Flowable | None:
    """The photo scaled to fit ``max_w`` × ``max_h`` points, or None when it cannot be read.

    Turned upright (EXIF), flattened onto white and resampled to ``PHOTO_DPI`` at its printed
    size, so a 12-megapixel phone photo does not make a 10 MB PDF.
    """
    from PIL import Image as PILImage
    from PIL import ImageOps

    try:
        with PILImage.open(photo.path) as opened:
            w, h = opened.size
            if w <= 0 or h <= 0:
                return None
            # EXIF orientation 5-8 swaps width and height.
            turned = opened.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            if turned:
                w, h = h, w
            scale = min(max_w / w, max_h / h)
            out_w, out_h = w * scale, h * scale
            pixels = (
                max(1, round(out_w / 72 * PHOTO_DPI)),
                max(1, round(out_h / 72 * PHOTO_DPI)),
            )
            opened.draft("RGB", pixels[::-1] if turned else pixels)
            image = ImageOps.exif_transpose(opened)
            if image.mode in ("RGBA", "LA", "P", "PA"):
                image = image.convert("RGBA")
                background = PILImage.new("RGB", image.size, (255, 255, 255))
                background.paste(image, mask=image.getchannel("A"))
                image = background
            elif image.mode != "RGB":
                image = image.convert("RGB")
            if image.size[0] > pixels[0] or image.size[1] > pixels[1]:
                image = image.resize(pixels, PILImage.Resampling.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=PHOTO_QUALITY)
    except Exception:  # a broken photo must not stop the record from printing
        return None
    buffer.seek(0)
    return Image(buffer, width=out_w, height=out_h)


def _photo_table(block: RecordBlock, styles: _Styles, frame_w: float) -> Table:
    """The photos in a ruled grid, ``per_row`` to a row, each with its caption under it."""
    per_row = block.per_row
    col_w = frame_w / per_row
    max_w = col_w - 2 * PAD_X
    max_h = block.image_height_mm * mm
    caption_style = styles.caption
    data: list[list[Flowable | str | list[Flowable]]] = [
        [styles.cell(block.images_label, "center", frame_w, bold=True)] + [""] * (per_row - 1)
    ]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), GRID_WIDTH, colors.black),
        ("SPAN", (0, 0), (-1, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 1), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
    ]
    heights = [MIN_ROW]
    cells: list[list[Flowable]] = []
    for photo in block.photos:
        image = None if photo.problem else _photo_image(photo, max_w, max_h)
        if image is None:
            problem = photo.problem or unreadable_photo_text(photo.name)
            cells.append([Paragraph(_markup(problem), caption_style)])
        else:
            cells.append([image, Spacer(1, 3), Paragraph(_markup(photo.caption), caption_style)])
    for start in range(0, len(cells), per_row):
        chunk = cells[start : start + per_row]
        data.append([*chunk, *[""] * (per_row - len(chunk))])
        heights.append(MIN_ROW)
    if not block.photos:  # an empty box to paste printed photos into
        data.append([""] * per_row)
        heights.append(max_h + 2 * PAD_Y)
        commands.append(("SPAN", (0, 1), (-1, 1)))
    if block.files:
        r = len(data)
        data.append([styles.cell(files_text(block.files), "left", frame_w)] + [""] * (per_row - 1))
        heights.append(MIN_ROW)
        commands.append(("SPAN", (0, r), (-1, r)))
    return Table(
        data,
        colWidths=[col_w] * per_row,
        minRowHeights=heights,
        style=TableStyle(commands),
        splitByRow=1,
    )


def _record_story(
    data: FormData, styles: _Styles, frame_w: float, frame_h: float
) -> list[Flowable]:
    story: list[Flowable] = []
    for n, block in enumerate(record_blocks(data)):
        if n:
            story.append(PageBreak())
        story += _heading(data, styles, frame_w)
        story.append(_record_table(block, styles, frame_w))
        if block.images_label:
            story.append(_photo_table(block, styles, frame_w))
        story += _tail(data, styles)
    return story


def render_pdf(data: FormData) -> bytes:
    """The form as PDF bytes (A4, landscape when the template says so)."""
    spec = data.spec
    font = register_cjk_font()
    styles = _Styles(font)
    pagesize = landscape(A4) if spec.orientation == "landscape" else A4
    frame_w = pagesize[0] - 2 * MARGIN_X
    frame_h = pagesize[1] - MARGIN_TOP - MARGIN_BOTTOM

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=clean_text(data.display_name),
        author=data.header.get("kindergarten_name") or CREATOR,
        subject=spec.description or clean_text(data.title),
        creator=CREATOR,
        lang="zh-CN",
        invariant=1,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        frame_w,
        frame_h,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame])])
    if spec.layout == "record":
        story = _record_story(data, styles, frame_w, frame_h)
    else:
        story = _table_story(data, styles, frame_w, frame_h)
    try:
        doc.build(story, canvasmaker=_numbered_canvas(font))
    except LayoutError as exc:
        raise UserError(
            f"“{data.display_name}”无法排版：某一格的内容太长，一页放不下。请缩短这条记录后再打印。"
        ) from exc
    return buffer.getvalue()


def write_pdf(data: FormData, out: Path) -> Path:
    """Render and save the form; the file appears whole or not at all."""
    content = render_pdf(data)
    return atomic_write(Path(out), content, "PDF 文件")
