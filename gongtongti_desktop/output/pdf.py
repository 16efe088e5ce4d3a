"""Printing any form template to an A4 PDF, laid out like a printed Chinese official form.

Everything comes from the template (``FormSpec``) and its rows (``FormData``): the label
("附件1") top left, the centred title, the header line with blanks to sign, the ruled table with
the ``merge`` columns spanning each group's rows, the footnote, the signature line and page
numbers. ``invariant=1`` makes the same input give byte-identical files.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
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
    LayoutError,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from gongtongti_desktop.core.form_data import FormData
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output._files import atomic_write
from gongtongti_desktop.output.fonts import register_cjk_font
from gongtongti_desktop.output.layout import (
    NO_RECORDS,
    Grid,
    HeaderItem,
    Span,
    build_grid,
    header_items,
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

GRID_WIDTH = 0.5
PAD_X = 4
PAD_Y = 4
MIN_ROW = 24  # a data row, tall enough to read and to correct by hand
BLANK_ROW = 28  # a row left blank to fill in by hand

SHRINK_LIMIT = 0.85  # set a cell up to 15 % smaller rather than wrap a character or two

_SPACES = re.compile(" {2,}")

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


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

    def _natural(self, item: HeaderItem) -> tuple[float, float]:
        label_w = stringWidth(item.label, self.font, self.size)
        if item.value is None:
            return label_w, 6 * self.size
        return label_w, max(
            stringWidth(item.value, self.font, self.size) + self.size, 5 * self.size
        )

    def _fits(self, line: list[tuple[HeaderItem, float, float]], width: float) -> bool:
        gap = 1.5 * self.size
        return sum(lw + uw for _, lw, uw in line) + gap * (len(line) - 1) <= width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        gap = 1.5 * self.size
        measured = []
        for item in self.items:
            label_w, line_w = self._natural(item)
            measured.append((item, label_w, min(line_w, max(avail_width - label_w, 3 * self.size))))
        # Fewest lines (greedy), then the same number of fields on each line when that fits:
        # "时间 幼儿园 / 填报人 签字" reads better than three fields and one left over.
        greedy: list[list[tuple[HeaderItem, float, float]]] = [[]]
        for entry in measured:
            if greedy[-1] and not self._fits([*greedy[-1], entry], avail_width):
                greedy.append([])
            greedy[-1].append(entry)
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
        self.signature = ParagraphStyle(
            "signature",
            parent=self.base,
            fontSize=HEADER_LINE_SIZE,
            leading=HEADER_LINE_SIZE * 1.8,
            alignment=TA_RIGHT,
        )

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
    grid: Grid, cells: list[list[Paragraph]], col_w: list[float], spans: list[Span]
) -> list[float]:
    """Row heights that fit every cell, a merged cell's text fitting its spanned rows."""
    covered = {(r, s.column) for s in spans for r in range(s.first, s.last + 1)}
    heights = []
    for i, row in enumerate(cells):
        floor = MIN_ROW if i < grid.data_rows else BLANK_ROW
        own = [
            _cell_height(para, col_w[col])
            for col, para in enumerate(row)
            if (i, col) not in covered
        ]
        heights.append(max([floor, *own]))
    for span in spans:
        need = _cell_height(cells[span.first][span.column], col_w[span.column])
        have = sum(heights[span.first : span.last + 1])
        if need > have:
            heights[span.last] += need - have
    return heights


def _group_breaks(grid: Grid, heights: list[float], first_room: float, room: float) -> list[int]:
    """Where to cut groups taller than a page, so the table can break inside them.

    Follows how reportlab will fill the pages: a group that fits the rest of the page stays
    there, one that fits a fresh page moves to it whole (a SPAN is never split), and a group
    taller than a page fills the rest of this page and then whole pages, each piece repeating
    the merged text.
    """
    breaks: list[int] = []
    remaining = first_room
    for first, last in grid.group_runs():
        height = sum(heights[first : last + 1])
        if height <= remaining:
            remaining -= height
            continue
        if height <= room:
            remaining = room - height
            continue
        for i in range(first, last + 1):
            if heights[i] > remaining:
                if i > first:
                    breaks.append(i)
                remaining = room
            remaining -= heights[i]
    return breaks


def _table(grid: Grid, styles: _Styles, frame_w: float, frame_h: float, used: float) -> Table:
    """The ruled table; ``used`` is the height already taken on the first page."""
    total = sum(grid.widths)
    col_w = [frame_w * w / total for w in grid.widths]
    ncols = len(col_w)
    header = [
        styles.cell(h, "center", w, bold=True) for h, w in zip(grid.headers, col_w, strict=True)
    ]
    header_h = max([MIN_ROW, *(_cell_height(p, w) for p, w in zip(header, col_w, strict=True))])
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), GRID_WIDTH, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
    ]
    if grid.kind == "none":
        commands.append(("SPAN", (0, 1), (-1, 1)))
        body = [[styles.cell(NO_RECORDS, "center", frame_w)] + [""] * (ncols - 1)]
        return Table(
            [header, *body],
            colWidths=col_w,
            rowHeights=[header_h, MIN_ROW],
            repeatRows=1,
            style=TableStyle(commands),
        )

    cells = [
        [
            styles.cell(text, align, w)
            for text, align, w in zip(row, grid.aligns, col_w, strict=True)
        ]
        for row in grid.rows
    ]
    slack = 3  # points kept free so a rounding difference never pushes a piece to the next page
    room = frame_h - header_h - slack
    breaks = _group_breaks(grid, _row_heights(grid, cells, col_w, grid.spans()), room - used, room)
    spans = grid.spans(breaks)
    heights = _row_heights(grid, cells, col_w, spans)
    for i, height in enumerate(heights):
        if height > room:
            column = max(range(ncols), key=lambda c: len(grid.rows[i][c]))
            start = grid.rows[i][column][:12].replace("\n", " ")
            raise UserError(
                f"第 {i + 1} 行“{grid.headers[column]}”一格的内容太长（“{start}……”），"
                "一页放不下，无法打印。请缩短这条记录后再试。"
            )
    data: list[list[Paragraph | str]] = [header, *cells]
    for span in spans:
        for r in range(span.first + 1, span.last + 1):
            data[r + 1][span.column] = ""
        commands.append(("SPAN", (span.column, span.first + 1), (span.column, span.last + 1)))
    return Table(
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
        title=spec.display_name,
        author=data.header.get("kindergarten_name") or CREATOR,
        subject=spec.description or spec.title,
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

    story: list[Flowable] = []
    if spec.label:
        story.append(_bold(spec.label, styles.label, 0.35))
    story.append(_bold(spec.title, styles.title, 0.5))
    items = header_items(data)
    if items:
        story.append(_HeaderLine(items, font, HEADER_LINE_SIZE))
        story.append(Spacer(1, 4))
    story.append(
        _table(build_grid(data), styles, frame_w, frame_h, _stack_height(story, frame_w, frame_h))
    )
    if spec.footnote:
        story.append(Spacer(1, 6))
        story.append(Paragraph(_markup(spec.footnote), styles.footnote))
    if spec.signature:
        story.append(Spacer(1, 16))
        story.append(Paragraph(_markup(spec.signature), styles.signature))
    try:
        doc.build(story, canvasmaker=_numbered_canvas(font))
    except LayoutError as exc:
        raise UserError(
            f"“{spec.display_name}”无法排版：某一格的内容太长，一页放不下。请缩短这条记录后再打印。"
        ) from exc
    return buffer.getvalue()


def write_pdf(data: FormData, out: Path) -> Path:
    """Render and save the form; the file appears whole or not at all."""
    content = render_pdf(data)
    return atomic_write(Path(out), content, "PDF 文件")
