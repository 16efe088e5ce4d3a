"""附件4 考核评估指标 and the 督导评估 checklist as printed: every A/B/C item of the index, the
scores (※ for an accepted suggestion), the sums from core.scoring.totals, the blank version,
the notes, the xlsx sheet, and the template loader's checks of ``index``."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from _output_forms import pdf_pages
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from gongtongti_desktop.core.checks import score_suggestions
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.forms.form_data import FormData, form_data, workbook_datas
from gongtongti_desktop.core.forms.form_reports import SUGGESTED_MARK, SUGGESTED_NOTE, TICK
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.indexes import VERDICTS, fmt_points
from gongtongti_desktop.core.profile.programme import Programme, get_programme, load_programme
from gongtongti_desktop.core.profile.toml_table import ProfileError
from gongtongti_desktop.core.records import scoring
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output.layout import build_grid
from gongtongti_desktop.output.pdf import MARGIN_X, render_pdf
from gongtongti_desktop.output.xlsx import write_workbook

FORMS = Path(__file__).resolve().parents[2] / "forms"


@pytest.fixture(scope="module")
def gaozhuang_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Programme]]:
    """The 高庄镇 demo (its 督导评估 checklist judged); read only."""
    store = create_demo(tmp_path_factory.mktemp("gaozhuang") / "d.gtdb", "gaozhuang-town-group")
    try:
        yield store, get_programme(store.programme_id)
    finally:
        store.close()


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _year(programme: Programme, year: str = "2024") -> periods.Period:
    return periods.parse_school_year(programme.calendar, year)


def _annex4(demo: tuple[Store, Programme], **kw: Any) -> FormData:
    store, programme = demo
    return form_data(store, programme, "annex4", _year(programme), **kw)


def _placed(content: bytes) -> list[tuple[int, str, float, float]]:
    """Every line drawn: (page, text, x, y) in points from the page's bottom left.

    reportlab sets a line in pieces (one per font subset) starting at the same point; the
    pieces are joined here.
    """
    lines: dict[tuple[int, float, float], str] = {}
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found.append((text, x, y))

    for n, page in enumerate(PdfReader(io.BytesIO(content)).pages):
        found.clear()
        page.extract_text(visitor_text=visit)
        for text, x, y in found:
            key = (n, round(x, 1), round(y, 1))
            lines[key] = lines.get(key, "") + text
    return [(n, text.strip(), x, y) for (n, x, y), text in lines.items() if text.strip()]


def _column_edges(data: FormData) -> list[tuple[float, float]]:
    """Left and right x of each column of the printed table (portrait A4)."""
    frame_w = A4[0] - 2 * MARGIN_X
    total = sum(c.width for c in data.spec.columns)
    edges, x = [], MARGIN_X
    for column in data.spec.columns:
        w = frame_w * column.width / total
        edges.append((x, x + w))
        x += w
    return edges


def _in_column(placed: list[tuple[int, str, float, float]], edge: tuple[float, float]) -> list[str]:
    return [text for _, text, x, _ in placed if edge[0] <= x < edge[1]]


# -- 附件4: every item, as written -------------------------------------------------------------------


def test_annex4_pdf_has_every_a_b_c_item_and_the_seeds_headings(yiyuan_demo) -> None:
    _store, programme = yiyuan_demo
    index = programme.index("annex4")
    data = _annex4(yiyuan_demo)
    text = _flat("".join(pdf_pages(render_pdf(data))))
    assert text.startswith("附件4") and _flat(index.title) in text
    for heading in index.headings:
        assert heading in text
    for group in index.groups:
        assert _flat(f"{group.code}{group.name}（{fmt_points(group.points)}分）") in text
    for sub in index.subgroups:
        assert _flat(f"{sub.code}．{sub.text}") in text, sub.code
    for item in index.items:
        assert _flat(item.label) in text, item.code
    assert [r["code"] for r in data.rows] == [i.code for i in index.items]


def test_annex4_columns_are_headed_as_the_index_heads_them(programme: Programme) -> None:
    index = programme.index("annex4")
    titles = [c.title for c in programme.form("annex4").columns]
    assert titles == [*index.headings, "自评", "考核得分"]


def test_annex4_prints_scores_and_sums_equal_to_core_totals(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    index = programme.index("annex4")
    scores = scoring.get_scores(store, index, "2024")
    assert scores, "the demo scores its school year 2024"
    data = _annex4(yiyuan_demo)
    by_label = {t.label: t.values for t in data.totals}
    for side in scoring.SIDES:
        totals = scoring.totals(index, scores, side)
        column = f"{side}_score"
        expected = {
            f"基础项合计（满分{fmt_points(totals.base_max)}分）": totals.base,
            f"加分项合计（满分{fmt_points(totals.bonus_max)}分）": totals.bonus,
            f"总分（满分{fmt_points(totals.base_max + totals.bonus_max)}分）": totals.total,
        }
        for group in index.groups:
            if group.code not in index.bonus:
                have, most = totals.by_unit[group.code]
                expected[f"{group.code}{group.name}小计（满分{fmt_points(most)}分）"] = have
        for label, value in expected.items():
            assert by_label[label][column] == fmt_points(value), (side, label)
    # printed in the sum row, in the score columns
    placed = _placed(render_pdf(data))
    edges = _column_edges(data)
    for total in data.totals:
        (page, _, _, y) = next(p for p in placed if p[1] == total.label)
        row = [p for p in placed if p[0] == page and abs(p[3] - y) < 1]
        for col, bind in ((3, "self_score"), (4, "county_score")):
            shown = [t for t in _in_column(row, edges[col])]
            assert shown == ([total.values[bind]] if total.values[bind] else []), total.label


def test_sums_follow_the_items_not_the_headings(own_demo) -> None:
    """Every item at full points: the sums are the items' 90 + 20, as core computes them."""
    store, programme = own_demo
    index = programme.index("annex4")
    for item in index.items:
        scoring.set_score(store, index, "2024", item.code, self_score=item.points)
    data = form_data(store, programme, "annex4", _year(programme))
    values = {t.label: t.values["self_score"] for t in data.totals}
    assert values[f"基础项合计（满分{fmt_points(index.base_points)}分）"] == fmt_points(
        index.base_points
    )
    most = index.base_points + index.bonus_points
    assert values[f"总分（满分{fmt_points(most)}分）"] == fmt_points(most)
    assert not any("尚未评分" in n for n in data.notes if "自评" in n)


def test_suggested_mark_appears_exactly_for_accepted_suggestions(own_demo) -> None:
    store, programme = own_demo
    index = programme.index("annex4")
    year = _year(programme)
    for row in scoring.get_scores(store, index, "2024").values():  # start from no scores
        scoring.set_score(store, index, "2024", row["item"], self_score=None, county_score=None)
    data = form_data(store, programme, "annex4", year)
    text = "".join(pdf_pages(render_pdf(data)))
    assert SUGGESTED_MARK not in text and SUGGESTED_NOTE not in data.notes

    suggestions = score_suggestions.suggest(store, programme, index, year, store.today())
    accepted = sorted(suggestions)[:3]
    for code in accepted:
        scoring.accept_suggestion(store, index, "2024", suggestions[code])
    typed = next(i for i in index.items if i.code not in accepted)
    scoring.set_score(store, index, "2024", typed.code, self_score=typed.points)
    retyped = accepted[0]  # accepted, then typed over: no mark
    scoring.set_score(store, index, "2024", retyped, self_score=0)
    data = form_data(store, programme, "annex4", year)
    marked = {r["code"] for r in data.rows if r["self_score"].endswith(SUGGESTED_MARK)}
    assert marked == set(accepted[1:])
    for row in data.rows:
        if row["code"] in marked:
            assert row["self_score"] == fmt_points(suggestions[row["code"]].score) + SUGGESTED_MARK
    assert SUGGESTED_NOTE in data.notes
    text = "".join(pdf_pages(render_pdf(data)))
    assert text.count(SUGGESTED_MARK) == len(marked) + 1  # the marks and the note's
    assert not any(SUGGESTED_MARK in t.values["self_score"] for t in data.totals)


def test_blank_annex4_has_no_scores_in_the_score_columns(yiyuan_demo) -> None:
    filled = _annex4(yiyuan_demo)
    blank = _annex4(yiyuan_demo, blank=True)
    assert blank.blank and SUGGESTED_NOTE not in blank.notes
    assert [t.label for t in blank.totals] == [t.label for t in filled.totals]
    grid = build_grid(blank)
    assert all(row[3] == "" and row[4] == "" for row in grid.rows)
    edges = _column_edges(blank)
    for data, expect_digits in ((filled, True), (blank, False)):
        placed = _placed(render_pdf(data))
        shown = _in_column(placed, edges[3]) + _in_column(placed, edges[4])
        digits = [t for t in shown if re.search(r"\d", t)]
        assert bool(digits) is expect_digits
        assert set(shown) - set(digits) <= {"自评", "考核得分", "考核得", "分"}
    text = _flat("".join(pdf_pages(render_pdf(blank))))
    for item in blank.rows:
        assert _flat(item["item"]) in text


def test_blank_is_refused_for_a_form_without_scores(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    for form_id in ("annex1", "annex2", "annex3", "rules-report"):
        with pytest.raises(UserError, match="空白"):
            form_data(store, programme, form_id, _year(programme), blank=True)


def test_notes_show_the_seeds_contradictions(yiyuan_demo) -> None:
    _store, programme = yiyuan_demo
    data = _annex4(yiyuan_demo)
    notes = programme.index("annex4").discrepancies()
    assert notes and data.notes[: len(notes)] == notes
    text = _flat("".join(pdf_pages(render_pdf(data))))
    for note in notes:
        assert _flat(note) in text


def test_a_term_or_month_prints_the_school_year_scored(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    year = _year(programme)
    for period in (
        periods.parse_term(programme.calendar, "2024-autumn"),
        periods.parse_term(programme.calendar, "2025-spring"),
        periods.parse_month("2024-10"),
    ):
        data = form_data(store, programme, "annex4", period)
        assert data.period == year and data.header["period_label"] == year.label


# -- the checklist -------------------------------------------------------------------------------


def test_checklist_ticks_each_verdict_in_its_column(gaozhuang_demo) -> None:
    store, programme = gaozhuang_demo
    index = programme.index("supervision")
    term = periods.parse_term(programme.calendar, "2024-autumn")
    data = form_data(store, programme, "supervision", term)
    scores = scoring.get_scores(store, index, periods.period_key(term))
    verdicts = {code: row["verdict"] for code, row in scores.items() if row["verdict"]}
    assert verdicts, "the demo judges its autumn term"
    for row in data.rows:
        wanted = verdicts.get(row["number"], "")
        assert row["marks"] == {v: TICK if v == wanted else "" for v in VERDICTS}
    (total,) = data.totals
    for verdict in VERDICTS:
        assert total.values["marks"][verdict] == str(list(verdicts.values()).count(verdict))
    content = render_pdf(data)
    text = "".join(pdf_pages(content))
    assert text.count(TICK) == len(verdicts)
    flat = _flat(text)
    for item in index.items:
        assert _flat(item.text) in flat, item.code
    for group in index.groups:
        assert _flat(f"{group.code}{group.name}") in flat
    edges = _column_edges(data)
    placed = _placed(content)
    for n, verdict in enumerate(VERDICTS):
        ticks = [t for t in _in_column(placed, edges[3 + n]) if t == TICK]
        assert len(ticks) == list(verdicts.values()).count(verdict)

    blank = form_data(store, programme, "supervision", term, blank=True)
    assert TICK not in "".join(pdf_pages(render_pdf(blank)))
    assert blank.totals[0].values["marks"] == dict.fromkeys(VERDICTS, "")


def test_per_term_checklist_asked_for_a_year(gaozhuang_demo) -> None:
    store, programme = gaozhuang_demo
    year = _year(programme)
    with pytest.raises(UserError, match="按学期评分"):
        form_data(store, programme, "supervision", year)
    # a whole workbook does not fail on it: the term of the day
    datas = {d.spec.id: d for d in workbook_datas(store, programme, year)}
    term = periods.period_containing(programme.calendar, "term", store.today())
    assert datas["supervision"].period == term


# -- xlsx ------------------------------------------------------------------------------------------


def test_annex4_xlsx_mirrors_items_sums_and_notes(tmp_path: Path, yiyuan_demo) -> None:
    data = _annex4(yiyuan_demo)
    ws = openpyxl.load_workbook(write_workbook([data], tmp_path / "a.xlsx")).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(n for n, row in enumerate(values) if row[0] == data.spec.columns[0].title)
    assert values[head] == [c.title for c in data.spec.columns]
    items = [row[2] for row in values[head + 1 : head + 1 + len(data.rows)]]
    assert items == [r["item"] for r in data.rows]
    scores = [(row[3] or "", row[4] or "") for row in values[head + 1 : head + 1 + len(data.rows)]]
    assert scores == [(r["self_score"], r["county_score"]) for r in data.rows]
    merged = {str(r) for r in ws.merged_cells.ranges}
    for n, total in enumerate(data.totals):
        r = head + 1 + len(data.rows) + n
        row = values[r]
        assert row[0] == total.label
        assert (row[3] or "", row[4] or "") == (
            total.values["self_score"],
            total.values["county_score"],
        )
        assert f"A{r + 1}:C{r + 1}" in merged  # the label spans the index columns
    cells = [v for row in values for v in row if isinstance(v, str)]
    for note in data.notes:
        assert any(note in c for c in cells), note


# -- the loader ------------------------------------------------------------------------------------


def _profile(tmp_path: Path, template: str) -> Path:
    folder = tmp_path / "yiyuan-2022"
    shutil.copytree(FORMS / "yiyuan-2022", folder)
    (folder / "templates" / "x.toml").write_text(template, encoding="utf-8")
    return folder


INDEX_FORM = """id = "x"
title = "t"
source = "{source}"
{index}
[[columns]]
title = "{title}"
bind = "{bind}"
"""


@pytest.mark.parametrize(
    ("source", "index", "title", "bind", "message"),
    [
        ("index_items", "", "a", "item", "需要 index"),
        ("index_items", 'index = "nowhere"', "a", "item", "不在 indexes/ 中"),
        ("checklist_items", 'index = "annex4"', "a", "item", "需要 'checklist'"),
        ("index_items", 'index = "annex4"', "{heading4}", "item", "超出了指标 annex4"),
        ("index_items", 'index = "annex4"', "{other}", "item", "不认识"),
        ("plan_rows", "", "{heading1}", "plan", "只用于考核指标表"),
        ("plan_rows", 'index = "annex4"', "a", "plan", "index 只用于数据源"),
        ("index_items", 'index = "annex4"', "a", "nothing", "不是数据源 index_items 的字段"),
    ],
)
def test_loader_checks_index_templates(
    tmp_path: Path, source: str, index: str, title: str, bind: str, message: str
) -> None:
    folder = _profile(
        tmp_path, INDEX_FORM.format(source=source, index=index, title=title, bind=bind)
    )
    with pytest.raises(ProfileError, match=re.escape(message)):
        load_programme(folder)


def test_loader_fills_heading_titles(tmp_path: Path) -> None:
    text = INDEX_FORM.format(
        source="index_items", index='index = "annex4"', title="{heading3}（三级）", bind="item"
    )
    programme = load_programme(_profile(tmp_path, text))
    heading = programme.index("annex4").headings[2]
    assert programme.form("x").columns[0].title == f"{heading}（三级）"
