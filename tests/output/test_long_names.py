"""Long kindergarten names and rare characters on every form of every programme: each text run
printed stays inside the page's margins and none overlaps another on its line — a 60-character
name (the longest accepted) wraps or shrinks inside its box; 王𠀀 prints as 王𠀀, not 王.

Text boxes are measured from the PDF itself: pypdf reports each run of text with its position
and size, and its width is that of the fonts it was set in (the main font and the fallbacks).
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from pypdf import PdfReader

from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.forms.form_data import FormData, form_data
from gongtongti_desktop.core.profile.programme import available_programmes, get_programme
from gongtongti_desktop.core.records.validation import MAX_NAME_LEN
from gongtongti_desktop.core.signed.printed import PrintMark, content_lines
from gongtongti_desktop.output.fonts import register_cjk_font
from gongtongti_desktop.output.glyphs import font_set
from gongtongti_desktop.output.pdf import MARGIN_BOTTOM, MARGIN_X, render_pdf

RARE = ("王𠀀", "李䶮", "欧阳㛃", "赵鿏")
LONG = (
    "沂源县城关街道办事处第一实验幼儿园东校区（城乡教育共同体核心园）暨县级示范性幼儿园分园第二教学点"
    * 2
)[:MAX_NAME_LEN]
SLACK = 1.0  # points: rounding of positions


def _forms(folder: Path) -> list[FormData]:
    out = []
    for pid in available_programmes():
        store = create_demo(folder / f"{pid}.gtdb", pid)
        try:
            store.set_setting("kindergarten_name", LONG)
            people = [r[0] for r in store.conn.execute("SELECT id FROM person ORDER BY rowid")]
            for person, name in zip(people, RARE, strict=False):
                store.conn.execute("UPDATE person SET name = ? WHERE id = ?", (name, person))
            store.conn.execute(
                "UPDATE kindergarten SET name = ? WHERE rowid = (SELECT min(rowid) FROM kindergarten)",
                (LONG,),
            )
            store.conn.commit()
            programme = get_programme(pid)
            out += [
                form_data(store, programme, spec.id, today=store.today())
                for spec in programme.forms
            ]
        finally:
            store.close()
    return out


def _mark(data: FormData) -> PrintMark:
    lines = content_lines(data)
    return PrintMark("TESTFILE", data.spec.id, data.period, (), False, data.display_name, lines)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[FormData, bytes]]:
    """Every form as printed: with each page's code (QR and short code) in its margin."""
    forms = _forms(tmp_path_factory.mktemp("long"))
    return [(data, render_pdf(data, _mark(data))) for data in forms]


def test_the_code_on_every_page_moves_nothing(rendered) -> None:
    """Each page carries its own short code below the frame, and no form takes a page more
    (or less) than without the codes: the annex's layout is kept line for line."""
    for data, content in rendered:
        pages = PdfReader(io.BytesIO(content)).pages
        mark = _mark(data)
        assert len(pages) == len(PdfReader(io.BytesIO(render_pdf(data))).pages), data.spec.id
        for n, page in enumerate(pages, 1):
            text = page.extract_text()
            assert f"表格编号 {mark.code(n)}" in text, (data.spec.id, n)
        labels = [r for r in _runs(content) if r[4].startswith("表格编号")]
        assert len(labels) == len(pages)
        assert all(y < MARGIN_BOTTOM - 5 for _p, _x, y, *_ in labels), data.spec.id


def _runs(content: bytes) -> list[tuple[int, float, float, float, str, float]]:
    """(page, x, y, size, text, page width) of every run of text."""
    out = []
    for n, page in enumerate(PdfReader(io.BytesIO(content)).pages):
        width = float(page.mediabox.width)

        def visit(text, cm, tm, _font, size, n=n, width=width) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[0] * cm[0]) or 1.0
            for line in text.split("\n"):
                if line.strip():
                    out.append((n, x, y, size * scale, line, width))

        page.extract_text(visitor_text=visit)
    # A line set in several fonts is several runs that pypdf reports at the line's start (it
    # does not advance the position over a run): join them into the line they make.
    merged: list[tuple[int, float, float, float, str, float]] = []
    for run in out:
        last = merged[-1] if merged else None
        if last and last[:3] == run[:3]:
            merged[-1] = (*last[:4], last[4] + run[4], last[5])
        else:
            merged.append(run)
    return merged


def test_every_run_of_text_stays_inside_the_margins(rendered) -> None:
    fonts = font_set(register_cjk_font())
    assert len(rendered) == sum(len(get_programme(p).forms) for p in available_programmes())
    for data, content in rendered:
        for page, x, _y, size, text, width in _runs(content):
            right = x + fonts.width(text.rstrip(), size)
            where = f"{data.spec.id} p{page + 1} “{text}”"
            assert x >= MARGIN_X - SLACK, where
            assert right <= width - MARGIN_X + SLACK, (where, right, width - MARGIN_X)


def test_no_run_overlaps_another_on_its_line(rendered) -> None:
    fonts = font_set(register_cjk_font())
    for data, content in rendered:
        runs = _runs(content)
        for page in {r[0] for r in runs}:
            lines: dict[float, list[tuple[float, float, str]]] = {}
            for p, x, y, size, text, _w in runs:
                if p == page:
                    box = (x, x + fonts.width(text.rstrip(), size), text)
                    lines.setdefault(round(y, 1), []).append(box)
            for y, boxes in lines.items():
                boxes.sort()
                for (_a0, a1, at), (b0, _b1, bt) in itertools.pairwise(boxes):
                    assert a1 <= b0 + SLACK, f"{data.spec.id} p{page + 1} y={y}: “{at}” over “{bt}”"


def test_the_long_name_and_the_rare_names_are_printed_whole(rendered) -> None:
    for data, content in rendered:
        text = "".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
        if data.header.get("kindergarten_name"):
            assert LONG in text, data.spec.id
    for data, content in rendered:  # every rare name a form holds is printed whole
        held = {str(v) for row in data.rows for v in row.values() if isinstance(v, str)}
        names = [name for name in RARE if any(name in value for value in held)]
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        for name in names:
            assert name in "".join(text.split()), (data.spec.id, name)
    annex1 = next(d for d, _c in rendered if d.spec.id == "annex1")
    assert any("王𠀀" in str(v) for row in annex1.rows for v in row.values())
