"""规则达成情况 as printed: one row per rule and period within the printed month/term/year, the
counts and statuses of core.rules.evaluate on the day printed, the records behind them; a row
for every profile's rules; and the generic layout pieces it relies on (sum rows spanning
columns, notes)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from _output_forms import make_spec, pdf_pages, roster_rows

from gongtongti_desktop.core.checks import rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.forms.form_data import FormData, form_data
from gongtongti_desktop.core.forms.form_reports import NOT_STARTED, TotalRow
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme, available_programmes, get_programme
from gongtongti_desktop.core.timeutil import chinese_date
from gongtongti_desktop.output.layout import HSpan, build_grid, notes_lines
from gongtongti_desktop.output.pdf import render_pdf


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _report(demo: tuple[Store, Programme], period: periods.Period, today: dt.date) -> FormData:
    store, programme = demo
    return form_data(store, programme, "rules-report", period, today=today)


@pytest.mark.parametrize(
    "today", [dt.date(2024, 10, 15), dt.date(2025, 1, 15), dt.date(2026, 1, 1)]
)
def test_rows_are_the_rule_engines_results(yiyuan_demo, today: dt.date) -> None:
    store, programme = yiyuan_demo
    term = periods.parse_term(programme.calendar, "2024-autumn")
    data = _report(yiyuan_demo, term, today)
    expected = []
    for rule in programme.rules:
        for r in rules.evaluate(store, programme.calendar, rule, term, today):
            status = NOT_STARTED if today < r.period.start else rules.STATUS_TEXT[r.status]
            expected.append(
                (rule.id, r.period.label, r.progress, status, chinese_date(r.deadline), r.count)
            )
    got = [
        (row["rule_id"], row["period"], row["progress"], row["status"], row["deadline"])
        for row in data.rows
    ]
    assert got == [e[:5] for e in expected]
    assert {row["rule_id"] for row in data.rows} == {r.id for r in programme.rules}
    for row, e in zip(data.rows, expected, strict=True):
        named = [line for line in row["evidence"] if not line.startswith("等共")]
        assert len(named) == min(e[5], 3 if e[5] <= 3 else 2)
    assert any(chinese_date(today) in note for note in data.notes)


def test_the_pdf_names_every_rule_its_source_and_status(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    term = periods.parse_term(programme.calendar, "2024-autumn")
    data = _report(yiyuan_demo, term, store.today())
    assert data.spec.orientation == "landscape"
    text = _flat("".join(pdf_pages(render_pdf(data))))
    for rule in programme.rules:
        assert _flat(rule.label) in text, rule.id
        assert _flat(rule.source) in text, rule.id
    for row in data.rows:
        assert _flat(row["deadline"]) in text
    statuses = {row["status"] for row in data.rows}
    for status in statuses:
        assert status in text


def test_evidence_names_the_activities_that_counted(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    term = periods.parse_term(programme.calendar, "2024-autumn")
    data = _report(yiyuan_demo, term, store.today())
    rule = next(r for r in programme.rules if r.counts == "activities")
    (result,) = rules.evaluate(store, programme.calendar, rule, term, store.today())
    row = next(r for r in data.rows if r["rule_id"] == rule.id)
    titles = [
        store.query("SELECT title FROM activity WHERE id = ?", [i])[0]["title"]
        for i in result.record_ids
    ]
    for title, line in zip(titles, row["evidence"], strict=False):
        if not line.startswith("等共"):
            assert title[:5] in line


@pytest.mark.parametrize("programme_id", available_programmes())
def test_every_profile_prints_its_rules(tmp_path, programme_id: str) -> None:
    programme = get_programme(programme_id)
    assert "rules-report" in {f.id for f in programme.forms}
    store = create_demo(tmp_path / "d.gtdb", programme_id)
    try:
        year = periods.period_containing(programme.calendar, "school_year", store.today())
        data = form_data(store, programme, "rules-report", year, today=store.today())
    finally:
        store.close()
    assert {row["rule_id"] for row in data.rows} == {r.id for r in programme.rules}
    text = _flat("".join(pdf_pages(render_pdf(data))))
    for rule in programme.rules:
        assert _flat(rule.label) in text


def test_xlsx_mirrors_the_rows_with_each_rule_merged_down(tmp_path, yiyuan_demo) -> None:
    import openpyxl

    from gongtongti_desktop.output.xlsx import write_workbook

    store, programme = yiyuan_demo
    term = periods.parse_term(programme.calendar, "2024-autumn")
    data = _report(yiyuan_demo, term, store.today())
    ws = openpyxl.load_workbook(write_workbook([data], tmp_path / "r.xlsx")).worksheets[0]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "要求")
    assert [ws.cell(head, c).value for c in range(1, 8)] == [c.title for c in data.spec.columns]
    merged = {str(m) for m in ws.merged_cells.ranges}
    r = head + 1
    for rule in programme.rules:
        mine = [row for row in data.rows if row["rule_id"] == rule.id]
        assert ws.cell(r, 1).value == mine[0]["rule"]
        for n, row in enumerate(mine):
            assert ws.cell(r + n, 2).value == row["period"]
            assert ws.cell(r + n, 3).value == row["progress"]
            assert ws.cell(r + n, 4).value == row["status"]
        if len(mine) > 1:
            assert f"A{r}:A{r + len(mine) - 1}" in merged
        r += len(mine)


# -- layout pieces the report forms use ------------------------------------------------------------


def test_sum_rows_span_the_columns_left_of_their_values() -> None:
    spec = make_spec()
    rows = roster_rows(2, 2)
    totals = [TotalRow("合计（个）", {"partner_phone": "4"}), TotalRow("说明", {})]
    grid = build_grid(FormData(spec, {}, rows, totals=totals))
    assert grid.data_rows == 4 and grid.total_rows == 2
    assert grid.rows[4] == ("合计（个）", "", "", "", "", "4")
    assert grid.rows[5][0] == "说明"
    assert grid.hspans == (HSpan(4, 0, 4), HSpan(5, 0, 5))
    assert [grid.row_kind(i) for i in range(6)] == ["data"] * 4 + ["total"] * 2
    text = _flat("".join(pdf_pages(render_pdf(FormData(spec, {}, rows, totals=totals)))))
    assert "合计（个）4" in text


def test_notes_are_numbered_when_several() -> None:
    spec = make_spec()
    assert notes_lines(FormData(spec, {}, [], notes=["甲"])) == ["注：甲"]
    assert notes_lines(FormData(spec, {}, [], notes=["甲", "乙"])) == ["注：", "1．甲", "2．乙"]
    assert notes_lines(FormData(spec, {}, [])) == []
