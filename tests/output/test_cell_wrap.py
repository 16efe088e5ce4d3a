"""A table cell is broken into lines once per width: the same lines, fewer layouts, and the
printed form byte for byte what it was when every wrap laid the text out again."""

from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph

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


@pytest.mark.parametrize("form_id", ["annex1", "annex2", "annex3", "annex4"])
def test_form_unchanged(
    form_id: str, yiyuan_demo: tuple[Store, Programme], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every annex as the plain paragraph (a layout on every wrap) would print it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1727654400")
    store, programme = yiyuan_demo
    data = form_data(store, programme, form_id, today=store.today())
    laid = _counting(monkeypatch)
    cached = render_pdf(data)
    cached_layouts = len(laid)
    monkeypatch.setattr(pdf_style.CellParagraph, "wrap", Paragraph.wrap)
    laid.clear()
    assert render_pdf(data) == cached
    assert cached_layouts < len(laid)
