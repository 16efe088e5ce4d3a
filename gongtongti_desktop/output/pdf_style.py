"""The printed look of a form: type sizes, paragraph styles, text as markup, bold without a
bold face, the header line with blanks to sign, and the page numbers.

Why one place: the table and the record layouts must set the same sizes and the same rules
(标点禁则, a cell set a little smaller rather than wrap a character or two), so a form printed
either way looks like one family of official forms.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit_module
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus import paragraph as _paragraph_module

from gongtongti_desktop.output.layout import HeaderItem

FOOTER_Y = 9 * mm

LABEL_SIZE = 14  # 四号
TITLE_SIZE = 18  # 小二
HEADER_LINE_SIZE = 11
BODY_SIZE = 10.5  # 五号
BODY_LEADING = 14
FOOTER_SIZE = 9
NOTE_SIZE = 9  # notes under a table (the notice's contradictions, what ※ means)

GRID_WIDTH = 0.5
PAD_X = 4
PAD_Y = 4
MIN_ROW = 24  # a data row, tall enough to read and to correct by hand
SHRINK_LIMIT = 0.85  # set a cell up to 15 % smaller rather than wrap a character or two
SHRINK_TITLE = 0.75  # and a title up to 25 % smaller rather than wrap it
TEXT_PIECE = 6 * BODY_LEADING  # a long text is cut into pieces this tall, to break between

_SPACES = re.compile(" {2,}")

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}

# 标点禁则: reportlab keeps ASCII and some CJK closing marks off the start of a line, but not
# the full-width comma, semicolon, colon and friends that Chinese text is full of.
_CANNOT_START = "，；：？！）》」』】〕…、。"
for _module in (_paragraph_module, _textsplit_module):
    _module.ALL_CANNOT_START += "".join(
        ch for ch in _CANNOT_START if ch not in _module.ALL_CANNOT_START
    )


def markup(text: str) -> str:
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


def bold_paragraph(text: str, style: ParagraphStyle, stroke: float) -> _BoldParagraph:
    para = _BoldParagraph(markup(text), style)
    para.stroke = stroke
    return para


class HeaderLine(Flowable):
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


def numbered_canvas(font: str) -> type[Canvas]:
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
class Styles:
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
            return bold_paragraph(text, style, 0.25)
        return Paragraph(markup(text), style)


def text_pieces(text: str, style: ParagraphStyle, width: float) -> list[Paragraph]:
    """A long text as paragraphs of at most ``TEXT_PIECE`` height, cut between lines.

    Each piece is one table row, so the table can break between them and a text longer than
    a page runs on to the next one. One paragraph per line of the text (reportlab mis-sets
    the line after a ``<br/>`` in a split paragraph), a long one cut into pieces.
    """
    avail = max(width - 2 * PAD_X, 1.0)
    pieces = []
    for line in text.split("\n"):
        para = Paragraph(markup(line) or "\u00a0", style)
        while True:
            height = para.wrap(avail, 1e6)[1]
            parts = para.split(avail, TEXT_PIECE) if height > TEXT_PIECE + 1 else []
            if len(parts) < 2:
                pieces.append(para)
                break
            pieces.append(parts[0])
            para = parts[1]
    return pieces
