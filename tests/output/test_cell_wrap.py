"""A table cell is broken into lines once per width and its markup parsed once per form: the
same lines, fewer layouts and parses, and the printed form byte for byte what it was when
every cell was parsed and every wrap laid the text out again."""

from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph
from reportlab.platypus.paraparser import ParaParser

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import form_data
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.output import pdf_style
from gongtongti_desktop.output.fonts import register_cjk_font
from gongtongti_desktop.output.pdf import render_pdf
from gongtongti_desktop.output.pdf_style import CellParagraph, Styles

TEXT = "城关第二实验幼儿园与南麻街道中心幼儿园联合开展“送教下乡”活动（2分），记录完整。" * 3


@pytest.fixture
def styles() -> Styles:
    return Styles(register_cjk_font())


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    widths: list[float] = []
    plain = Paragraph.breakLinesCJK

    def counted(self: Paragraph, widths_: list[float]) -> object:
        widths.append(widths_[0])
        return plain(self, widths_)

    monkeypatch.setattr(Paragraph, "breakLinesCJK", counted)
    return widths


def test_same_width_is_laid_out_once(styles: Styles, monkeypatch: pytest.MonkeyPatch) -> None:
    para = styles.cell(TEXT, "left", 120)
    assert isinstance(para, CellParagraph)
    laid = _counting(monkeypatch)
    first = para.wrap(112, 1e6)
    assert para.wrap(112, 72000) == first  # the height offered does not change the lines
    assert len(laid) == 1
    fresh = Paragraph(para.text, para.style)
    assert fresh.wrap(112, 1e6) == first


def test_other_width_lays_out_again(styles: Styles, monkeypatch: pytest.MonkeyPatch) -> None:
    para = styles.cell(TEXT, "left", 120)
    narrow = para.wrap(112, 1e6)
    laid = _counting(monkeypatch)
    wide = para.wrap(300, 1e6)
    assert len(laid) == 1 and wide[1] < narrow[1]
    fresh = Paragraph(para.text, para.style)
    assert fresh.wrap(300, 1e6) == wide
    assert len(para.blPara.lines) == len(fresh.blPara.lines) > 1
    assert para.wrap(112, 1e6) == narrow


def test_split_forgets_the_lines(styles: Styles, monkeypatch: pytest.MonkeyPatch) -> None:
    para = styles.cell(TEXT, "left", 120)
    height = para.wrap(112, 1e6)[1]
    pieces = para.split(112, height / 2)
    assert len(pieces) == 2
    laid = _counting(monkeypatch)
    para.wrap(112, 1e6)
    assert len(laid) == 1


def test_no_room_is_not_kept(styles: Styles, monkeypatch: pytest.MonkeyPatch) -> None:
    para = styles.cell(TEXT, "left", 120)
    assert para.wrap(1e-9, 1e6)[1] == 0x7FFFFFFF
    laid = _counting(monkeypatch)
    para.wrap(1e-9, 1e6)
    para.wrap(112, 1e6)
    assert len(laid) == 1


def test_repeated_text_parsed_once(styles: Styles, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    plain = ParaParser.parse

    def counted(self: ParaParser, text: str, style: object) -> object:
        parsed.append(text)
        return plain(self, text, style)

    monkeypatch.setattr(ParaParser, "parse", counted)
    first = styles.cell(TEXT, "left", 120)
    again = styles.cell(TEXT, "left", 120)
    other = styles.cell(TEXT, "center", 120)  # another style: parsed on its own
    assert len(parsed) == 2
    assert again.text == first.text and again.style is first.style
    assert again.frags is not first.frags
    assert all(a is not b for a, b in zip(again.frags, first.frags, strict=True))
    assert [f.__dict__ for f in again.frags] == [f.__dict__ for f in first.frags]
    assert other.wrap(112, 1e6)[1] == first.wrap(112, 1e6)[1] == again.wrap(112, 1e6)[1]
    first.frags[0].text = "改"  # laying out one cell never changes another
    assert again.frags[0].text != "改"
    assert styles.cell(TEXT, "left", 120).frags[0].text == again.frags[0].text


@pytest.mark.parametrize("form_id", ["annex1", "annex2", "annex3", "annex4"])
def test_form_unchanged(
    form_id: str, yiyuan_demo: tuple[Store, Programme], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every annex as plain paragraphs (a parse per cell, a layout per wrap) print it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1727654400")
    store, programme = yiyuan_demo
    data = form_data(store, programme, form_id, today=store.today())
    laid = _counting(monkeypatch)
    cached = render_pdf(data)
    cached_layouts = len(laid)
    monkeypatch.setattr(pdf_style.CellParagraph, "wrap", Paragraph.wrap)
    monkeypatch.setattr(
        Styles, "_paragraph", lambda self, marked, style: CellParagraph(marked, style)
    )
    laid.clear()
    assert render_pdf(data) == cached
    assert cached_layouts < len(laid)
