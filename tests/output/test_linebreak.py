"""标点禁则 in printed cells: no opening bracket or quote at a line's end, no number or short
bracketed group such as "（2分）" cut in two, closing marks never start a line."""

from __future__ import annotations

import itertools

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from gongtongti_desktop.output import linebreak
from gongtongti_desktop.output.fonts import register_cjk_font
from gongtongti_desktop.output.glyphs import font_set

TEXT = "共同体每月有工作计划（2分）、工作总结（2分），“半年”与年度总结齐全，2024年共12次。"


@pytest.fixture(scope="module")
def style() -> ParagraphStyle:
    linebreak.install()
    return ParagraphStyle(
        "c", fontName=register_cjk_font(), fontSize=10, leading=14, wordWrap="CJK"
    )


def _lines(markup: str, style: ParagraphStyle, width: float) -> list[str]:
    """The printed lines: one font (reportlab's fast path) or several (a fallback glyph)."""
    para = Paragraph(markup, style)
    para.wrap(width, 1000)
    if para.blPara.kind == 0:
        return ["".join(words) for _extra, words in para.blPara.lines]
    return ["".join(getattr(w, "text", "") for w in line.words) for line in para.blPara.lines]


def _check(lines: list[str], text: str) -> None:
    assert "".join(lines) == text  # nothing lost
    for line in lines:
        assert line[-1] not in linebreak.CANNOT_END, lines
        assert line[0] not in linebreak.CANNOT_START, lines
    for a, b in itertools.pairwise(lines):
        for whole in ("（2分）", "2024", "12"):
            cut = any(
                a.endswith(whole[:k]) and b.startswith(whole[k:]) for k in range(1, len(whole))
            )
            assert not cut, (whole, lines)


@pytest.mark.parametrize("width", [w * 10.0 for w in range(4, 16)])
def test_one_font_no_opening_mark_ends_a_line_and_groups_stay_whole(
    style: ParagraphStyle, width: float
) -> None:
    _check(_lines(TEXT, style, width), TEXT)


@pytest.mark.parametrize("width", [w * 10.0 for w in range(4, 16)])
def test_with_a_fallback_glyph_the_same_rules_hold(style: ParagraphStyle, width: float) -> None:
    text = "王𠀀" + TEXT
    fonts = font_set(style.fontName)
    lines = _lines(fonts.markup(text), style, width)
    if fonts.font_for("𠀀") == fonts.main:
        pytest.skip("no fallback font for Ext B here: one font only")
    _check(lines, text)


def test_a_group_longer_than_a_line_still_breaks(style: ParagraphStyle) -> None:
    lines = _lines("（2分）（2分）（2分）", style, 25)
    assert "".join(lines) == "（2分）（2分）（2分）" and len(lines) > 1
    assert all(lines)


def test_no_break_before_marks_numbers_and_groups() -> None:
    text = "评分（2分）共2024年"
    blocked = linebreak.no_break_before(text)
    assert blocked[text.index("2")] and blocked[text.index("）")]  # inside （2分）
    assert not blocked[text.index("共")]
    assert blocked[text.index("0")]  # inside 2024
