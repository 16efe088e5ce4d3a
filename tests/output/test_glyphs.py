"""Rare characters (生僻字): a fallback font for what the main font lacks, and a clear list of
what no installed font has — never a silent gap."""

from __future__ import annotations

import io
import shutil

import pytest
from _output_forms import make_spec, roster_rows
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.output.fonts import register_cjk_font
from gongtongti_desktop.output.glyphs import font_set, unprintable_message, unprintable_places

# Ext B, Ext A, Ext A, newest URO (U+9FCF) — names a county really has to print.
RARE_NAMES = ("王𠀀", "李䶮", "欧阳㛃", "赵鿏")
NO_FONT = "\U00030000"  # CJK Extension G: in no font this machine installs


def _has_fallback_font() -> bool:
    fonts = font_set(register_cjk_font())
    return all(fonts.font_for(ch) for name in RARE_NAMES for ch in name)


needs_fallback = pytest.mark.skipif(
    shutil.which("fc-list") is None, reason="fontconfig not installed"
)


@needs_fallback
def test_every_rare_character_gets_a_font_the_main_font_lacks_it() -> None:
    main = register_cjk_font()
    fonts = font_set(main)
    for name in RARE_NAMES:
        rare = name[-1]
        font = fonts.font_for(rare)
        assert font is not None, f"{rare} U+{ord(rare):X}: no fallback font found"
        assert font != main  # the main font (文泉驿微米黑) lacks it: a real fallback
        assert fonts.font_for(name[0]) == main
    assert fonts.unprintable("".join(RARE_NAMES)) == ""


@needs_fallback
def test_drawn_text_copies_back_with_the_rare_characters() -> None:
    fonts = font_set(register_cjk_font())
    buffer = io.BytesIO()
    canv = Canvas(buffer, initialFontName=fonts.main)
    fonts.draw(canv, 50, 700, "园长：" + "、".join(RARE_NAMES), 12)
    style = ParagraphStyle("p", fontName=fonts.main, fontSize=12, leading=16)
    para = Paragraph(fonts.markup("教师：" + " ".join(RARE_NAMES)), style)
    para.wrapOn(canv, 400, 100)
    para.drawOn(canv, 50, 600)
    canv.save()
    text = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    for name in RARE_NAMES:
        assert text.count(name) == 2, (name, text)


def test_runs_split_only_where_the_font_changes() -> None:
    fonts = font_set(register_cjk_font())
    assert fonts.runs("王小明") == [(fonts.main, "王小明")]
    if _has_fallback_font():
        runs = fonts.runs("王𠀀明")
        assert [piece for _, piece in runs] == ["王", "𠀀", "明"]
        assert runs[0][0] == runs[2][0] == fonts.main != runs[1][0]
        assert fonts.width("王𠀀", 10) == pytest.approx(20, abs=2)


def test_characters_no_font_has_are_named_with_where_they_are() -> None:
    fonts = font_set(register_cjk_font())
    rows = roster_rows(1, 2)
    rows[1]["partner_person"] = "张" + NO_FONT
    data = FormData(make_spec(), {"kindergarten_name": "示例幼儿园"}, rows)
    places = unprintable_places(data, fonts)
    assert places == [f"第 2 行“责任人”：{NO_FONT}"]
    message = unprintable_message(data, fonts)
    assert NO_FONT in message and "空白" in message
    clean = FormData(make_spec(), {}, roster_rows(1, 2))
    assert unprintable_message(clean, fonts) == ""
