"""The printed look of a form: type sizes, paragraph styles, text as markup, bold without a
bold face, the header line with blanks to sign, and the page numbers.

Why one place: the table and the record layouts must set the same sizes and the same rules
(标点禁则, a cell set a little smaller rather than wrap a character or two), so a form printed
either way looks like one family of official forms.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag

from gongtongti_desktop.output import linebreak
from gongtongti_desktop.output.codes import draw_code
from gongtongti_desktop.output.glyphs import FontSet, escape, font_set
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
SHRINK_LIMIT = 0.85  # set a short name up to 15 % smaller rather than wrap a character or two
SHRINK_MAX_CHARS = 16  # … a name, not a sentence: longer text slightly too wide wraps
NAME_CHARS = 12  # a cell of words no longer than this, separated by spaces, wraps between them
SHRINK_TITLE = 0.75  # and a title up to 25 % smaller rather than wrap it
TEXT_PIECE = 6 * BODY_LEADING  # a long text is cut into pieces this tall, to break between

_SPACES = re.compile(" {2,}")
_NO_ROOM = 0x7FFFFFFF  # the height reportlab answers for a width that holds no character

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}

# 标点禁则 (output/linebreak): closing marks never start a line, opening ones never end it, a
# number or "（2分）" is not cut in two.
linebreak.install()

# The fonts of the form being printed: the main Chinese font and its fallbacks for rare
# characters (set by ``Styles``; one main font per run, so one set).
_fonts: FontSet | None = None
HEADER_MIN_SCALE = 0.75  # a header value is set down to 75 % before it wraps on its blank


def markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, line breaks and runs of spaces kept,
    a character the main font lacks set in a fallback font.

    A run of spaces (e.g. "年  月  日", where the date is written by hand) keeps its width with
    no-break spaces, leaving one ordinary space so the line may still wrap there.
    """
    lines = []
    for line in text.replace("\t", " ").split("\n"):
        marked = _fonts.markup(line) if _fonts is not None else escape(line)
        lines.append(_SPACES.sub(lambda m: "\u00a0" * (len(m.group()) - 1) + " ", marked))
    return "<br/>".join(lines)


class CellParagraph(Paragraph):
    """A table cell's paragraph that lays its lines out once per width.

    Why: a cell is wrapped to measure its row's height (output/pdf_tables) and then again,
    at the same width, when the table draws it — breaking a Chinese text into lines is most
    of the cost of a form (附件4: some 120 cells, each wrapped twice). reportlab's ``wrap``
    depends on the width alone (not on the height offered), so a second call at the same
    width returns the lines already broken. ``split`` forgets them: its pieces are new
    paragraphs, and reportlab may re-wrap this one while splitting it."""

    _wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        at = self._wrapped_at
        if at is not None and abs(at - availWidth) < 1e-9:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        # A width too small for one character is answered without laying out: not kept.
        self._wrapped_at = availWidth if size[1] != _NO_ROOM else None
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._wrapped_at = None
        return super().split(availWidth, availHeight)


class _BoldParagraph(CellParagraph):
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
    """ "幼儿园：XXX    填报人：＿＿＿＿": labels, values set on a line, blank lines to sign on.

    A value too long for its line (a kindergarten name of 60 characters) is set smaller, down
    to ``HEADER_MIN_SCALE``, then wrapped on its blank over as many lines as it needs — it never
    runs over its label or off the page.
    """

    def __init__(self, items: list[HeaderItem], font: str, size: float) -> None:
        super().__init__()
        self.items = items
        self.font = font
        self.fonts = font_set(font)
        self.size = size
        self.line_height = size * 2.2
        self._lines: list[list[tuple[HeaderItem, float, float]]] = []
        self._heights: list[float] = []

    def _w(self, text: str, size: float | None = None) -> float:
        return self.fonts.width(text, size or self.size)

    def _natural(self, item: HeaderItem, blank: float = 6, pad: float = 1) -> tuple[float, float]:
        label_w = self._w(item.label)
        if item.value is None:
            return label_w, blank * self.size
        return label_w, max(self._w(item.value) + pad * self.size, 5 * self.size)

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

    def fit_value(self, value: str, width: float) -> tuple[float, list[str]]:
        """(size, lines) of a value set on a blank ``width`` wide: whole at the line's size,
        else smaller, else wrapped at 80 % of the size."""
        room = max(width - 0.4 * self.size, self.size)
        natural = self._w(value)
        if natural <= room:
            return self.size, [value]
        scale = room / natural
        if scale >= HEADER_MIN_SCALE:
            return math.floor(self.size * scale * 4) / 4, [value]
        size = self.size * 0.8
        lines, current = [], ""
        for ch in value:
            if current and self._w(current + ch, size) > room:
                lines.append(current)
                current = ""
            current += ch
        return size, [*lines, current]

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
        self._heights = []
        for line in lines:
            height = self.line_height
            for item, _lw, line_w in line:
                if item.value is not None:
                    size, parts = self.fit_value(item.value, line_w)
                    height = max(height, (len(parts) - 1) * size * 1.2 + self.line_height)
            self._heights.append(height)
        self.width = avail_width
        self.height = sum(self._heights)
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.setFont(self.font, self.size)
        gap = 1.5 * self.size
        top = self.height
        for line, row_h in zip(self._lines, self._heights, strict=True):
            baseline = top - row_h + self.line_height * 0.32
            top -= row_h
            x = 0.0
            for item, label_w, line_w in line:
                self.fonts.draw(canv, x, baseline, item.label, self.size)
                x += label_w
                canv.setLineWidth(GRID_WIDTH)
                canv.line(x, baseline - 2.5, x + line_w, baseline - 2.5)
                if item.value is not None:
                    size, parts = self.fit_value(item.value, line_w)
                    for n, part in enumerate(parts):
                        y = baseline + (len(parts) - 1 - n) * size * 1.2
                        left = x + (line_w - self._w(part, size)) / 2
                        self.fonts.draw(canv, left, y, part, size)
                x += line_w + gap


class RecordMark(Flowable):
    """Takes no room: the pages from here on belong to the record ``label`` (an activity, or
    the period of a table), for the page numbers of that record and its continuation heading."""

    def __init__(self, key: int, label: str) -> None:
        super().__init__()
        self.key = key
        self.label = label

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.canv._gtt_record = (self.key, self.label)  # type: ignore[attr-defined]


def numbered_canvas(
    font: str, title: str, top: float, stamp: PageStamp | None = None
) -> type[Canvas]:
    """A canvas that, once all pages are known, numbers each record's pages "第 n 页 / 共 m 页"
    (when it has more than one; with several records also "全文第 N 页 / 共 M 页") and heads its
    continuation pages with the form's title, "（续）" and the record — a loose page still says
    what it belongs to. ``top``: the baseline of that heading, above the frame. ``stamp``: given
    the number of pages, each page's (short code, QR text), drawn in the bottom margin."""
    fonts = font_set(font)

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            # the page's starting font: ours, so no unembedded Helvetica is listed in the file
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font
            kwargs["initialFontSize"] = kwargs.get("initialFontSize") or FOOTER_SIZE
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            self._gtt_record: tuple[int, str] = (0, "")

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            keys = [state["_gtt_record"][0] for state in self._pages]
            page_codes = stamp(len(self._pages)) if stamp is not None else []
            for n, state in enumerate(self._pages):
                self.__dict__.update(state)
                key, label = state["_gtt_record"]
                first = keys.index(key)
                total = keys.count(key)
                page = n - first + 1
                self.saveState()
                parts = [f"第 {page} 页 / 共 {total} 页"] if total > 1 else []
                if len(set(keys)) > 1 and len(keys) > 1:  # several records: the whole run too
                    parts.append(f"全文第 {n + 1} 页 / 共 {len(keys)} 页")
                if parts:
                    text = "　　".join(parts)
                    width = fonts.width(text, FOOTER_SIZE)
                    fonts.draw(self, (self._pagesize[0] - width) / 2, FOOTER_Y, text, FOOTER_SIZE)
                if page > 1:
                    heading = "　".join(part for part in (f"{title}（续）", label) if part)
                    self.setFillColor(colors.black)
                    left = (self._pagesize[0] - fonts.width(heading, FOOTER_SIZE)) / 2
                    fonts.draw(self, max(left, 10 * mm), top, heading, FOOTER_SIZE)
                if page_codes:
                    draw_code(self, fonts, *page_codes[n])
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


# Given the number of pages, each page's (short code, QR text) (core/signed/printed.PrintMark).
PageStamp = Callable[[int], list[tuple[str, str]]]


@dataclass
class Styles:
    font: str

    def __post_init__(self) -> None:
        global _fonts
        self.fonts = _fonts = font_set(self.font)
        self.base = ParagraphStyle(
            "body",
            fontName=self.font,
            fontSize=BODY_SIZE,
            leading=BODY_LEADING,
            wordWrap="CJK",
        )
        self._cells: dict[tuple[str, float, bool], ParagraphStyle] = {}
        # Parsed markup of the cells set so far, by (markup, style name): a form repeats
        # many cell texts ("", "10", a partner's name on each of its rows; 附件4 holds 155
        # cells, 74 different), and reportlab's markup parser is a third of a cell's cost.
        self._frags: dict[tuple[str, str], list[ParaFrag]] = {}
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
        natural = max(self.fonts.width(line, TITLE_SIZE) for line in title.split("\n"))
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
        widest = max(self.fonts.width(line, BODY_SIZE) for line in lines)
        size, cjk = BODY_SIZE, True
        if widest > avail:
            scale = avail / widest
            if scale >= SHRINK_LIMIT and len(lines) == 1 and len(lines[0]) <= SHRINK_MAX_CHARS:
                size = math.floor(BODY_SIZE * scale * 4) / 4
            elif any(" " in line for line in lines) and all(
                self.fonts.width(word, BODY_SIZE) <= avail and len(word) <= NAME_CHARS
                for line in lines
                for word in line.split()
            ):
                cjk = False  # names ("余瑶瑶  熊伟  崔莉"), not "3. 送教下乡：…" cut after "3."
        style = self._cell_style(align, size, cjk)
        if bold:
            return bold_paragraph(text, style, 0.25)
        return self._paragraph(markup(text), style)

    def _paragraph(self, marked: str, style: ParagraphStyle) -> CellParagraph:
        """``CellParagraph(marked, style)``, the markup parsed once per form. Each paragraph
        gets copies of the fragments (reportlab changes a fragment's text while laying out)."""
        key = (marked, style.name)
        known = self._frags.get(key)
        if known is None:
            para = CellParagraph(marked, style)
            self._frags[key] = [_copy_frag(frag) for frag in para.frags]
            return para
        para = CellParagraph(marked, style, frags=[_copy_frag(frag) for frag in known])
        para.text = cleanBlockQuotedText(marked)  # as the parsing constructor sets it
        return para


def _copy_frag(frag: ParaFrag) -> ParaFrag:
    """A fragment's own copy, its lists (links, underlines) copied too."""
    lists = {k: list(v) for k, v in frag.__dict__.items() if isinstance(v, list)}
    return frag.clone(**lists)


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
