"""附件3 阶段工作总结上报表 as printed: the three rows with the summary's text and notes, the
header, the warning for an unedited draft, a long text running on over pages (PDF) and over
sheet rows (xlsx) without losing a character."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from _output_forms import pdf_pages

from gongtongti_desktop.core.checks import stage_report_draft
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import FormData, form_data
from gongtongti_desktop.core.forms.form_reports import DRAFT_WARNING
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import stage_reports
from gongtongti_desktop.output.layout import build_grid
from gongtongti_desktop.output.pdf import render_pdf
from gongtongti_desktop.output.xlsx import MAX_ROW, write_workbook

SEED_ROWS = [
    "亮点工作",
    "存在的问题",
    "下一步打算",
]  # 沂源县源教体发〔2022〕11号 附件3 (its "亮点\n\n工作" on one line)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _term(programme: Programme, key: str = "2024-autumn") -> periods.Period:
    return periods.parse_term(programme.calendar, key)


def _annex3(store: Store, programme: Programme, key: str = "2024-autumn") -> FormData:
    return form_data(store, programme, "annex3", _term(programme, key))


def _long_text(lines: int) -> str:
    return "\n".join(
        f"第{n}条：核心园骨干教师入园指导第{n}次，围绕区域活动创设与一日生活常规开展跟班指导，"
        f"形成过程性资料与反思记录，受援园教师专业能力逐步提升。结束{n}"
        for n in range(1, lines + 1)
    )


def test_annex3_has_the_seeds_header_rows_and_columns(programme: Programme) -> None:
    spec = programme.form("annex3")
    assert spec.label == "附件3" and spec.title == "沂源县幼儿园城乡教育共同体阶段工作总结上报表"
    assert [h.label for h in spec.header_fields] == ["时间", "幼儿园", "填报人", "主要负责人签字"]
    assert [c.title for c in spec.columns] == ["名称", "工作开展情况", "备注"]
    assert [label for _, label in stage_reports.SECTIONS] == SEED_ROWS


def test_annex3_shows_the_summary_text_notes_and_filler(own_demo) -> None:
    store, programme = own_demo
    values = {
        "highlights": "送教下乡 5 次，覆盖全部受援园。\n集体备课形成教案 12 篇。",
        "problems": "线上教研参与率不高。",
        "next_steps": "春季学期每月一次同课异构。",
        "highlights_note": "见活动照片",
        "problems_note": "",
        "next_steps_note": "需教研室支持",
        "filler": "赵文",
    }
    stage_reports.save_summary(store, "2024-autumn", values)
    data = _annex3(store, programme)
    assert [r["name"] for r in data.rows] == SEED_ROWS
    assert data.header["period_label"] == _term(programme).label
    assert data.header["filler"] == "赵文"
    assert not data.warnings and not data.notes
    pages = pdf_pages(render_pdf(data))
    assert len(pages) == 1
    text = _flat(pages[0])
    assert text.startswith("附件3")
    for word in ("时间", "幼儿园", "填报人", "主要负责人签字", "名称", "工作开展情况", "备注"):
        assert word in text
    assert _flat(f"时间：{_term(programme).label}") in text and "赵文" in text
    positions = [text.index(name) for name in SEED_ROWS]
    assert positions == sorted(positions)
    for name, _ in stage_reports.SECTIONS:
        for field in (name, f"{name}_note"):
            if values[field]:
                assert _flat(values[field]) in text, field


def test_annex3_xlsx_mirrors_rows_and_header(tmp_path: Path, own_demo) -> None:
    store, programme = own_demo
    values = {"highlights": "送教下乡 5 次", "problems": "参与率不高", "next_steps": "每月一次"}
    notes = {"highlights_note": "见照片", "next_steps_note": "需支持"}
    stage_reports.save_summary(store, "2024-autumn", {**values, **notes})
    data = _annex3(store, programme)
    ws = openpyxl.load_workbook(write_workbook([data], tmp_path / "a.xlsx")).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "附件3" and rows[1][0] == data.title
    assert f"时间：{_term(programme).label}" in rows[2][0]
    head = next(n for n, row in enumerate(rows) if row[0] == "名称")
    assert rows[head] == ["名称", "工作开展情况", "备注"]
    body = rows[head + 1 : head + 4]
    assert [r[0] for r in body] == SEED_ROWS
    for row, (name, _) in zip(body, stage_reports.SECTIONS, strict=True):
        assert row[1] == values[name] and (row[2] or "") == notes.get(f"{name}_note", "")
    floor = programme.form("annex3").min_row_height_mm * 72 / 25.4
    for r in range(head + 2, head + 5):
        assert ws.row_dimensions[r].height >= floor - 0.5


def test_empty_summary_prints_rows_to_write_in_and_says_so(own_demo) -> None:
    store, programme = own_demo
    data = _annex3(store, programme, "2023-autumn")
    assert all(r["text"] == "" and r["note"] == "" for r in data.rows)
    assert any("还没有填写阶段总结" in w for w in data.warnings)
    grid = build_grid(data)
    assert grid.min_height_mm == programme.form("annex3").min_row_height_mm >= 40
    text = _flat(pdf_pages(render_pdf(data))[0])
    assert all(name in text for name in SEED_ROWS)


def test_an_unedited_draft_is_flagged_until_edited(own_demo) -> None:
    store, programme = own_demo
    term = _term(programme)
    draft = stage_report_draft.draft_from_records(store, programme, term, store.today())
    stage_reports.save_summary(store, "2024-autumn", draft.as_values(), draft=True)
    data = _annex3(store, programme)
    assert DRAFT_WARNING in data.warnings
    assert any("尚未修改" in n for n in data.notes)
    assert "尚未修改" in "".join(pdf_pages(render_pdf(data)))
    stage_reports.save_summary(
        store, "2024-autumn", {"highlights": draft.highlights + "\n（已审阅）"}
    )
    data = _annex3(store, programme)
    assert not data.warnings and not data.notes


def test_a_month_prints_the_summary_of_its_plan_row(own_demo) -> None:
    """沂源's 附件2 merges 7-8月: August's summary is the one filed under 2024-07."""
    store, programme = own_demo
    stage_reports.save_summary(store, "2024-07", {"highlights": "暑期教师集中培训"})
    data = form_data(store, programme, "annex3", periods.parse_month("2024-08"))
    assert data.period is not None and periods.period_key(data.period) == "2024-07"
    assert data.rows[0]["text"] == "暑期教师集中培训"


def test_a_text_longer_than_a_page_continues_on_the_next_pages(own_demo) -> None:
    store, programme = own_demo
    text = _long_text(60)
    stage_reports.save_summary(
        store, "2024-autumn", {"highlights": text, "problems": "问题一", "next_steps": "打算一"}
    )
    pages = pdf_pages(render_pdf(_annex3(store, programme)))
    assert len(pages) >= 3
    joined = _flat("".join(pages))
    for line in text.split("\n"):  # every line, whole and in order
        assert _flat(line) in joined
    ends = [joined.index(f"结束{n}第") for n in range(1, 60)]
    assert ends == sorted(ends)
    for page in pages[:-1]:  # the row's name is printed beside each piece
        assert "亮点工作" in page
    assert "存在的问题" in pages[-1] and "问题一" in pages[-1]


def test_one_paragraph_longer_than_a_page_is_cut_between_lines(own_demo) -> None:
    store, programme = own_demo
    text = "".join(f"共同体第{n}次教研。" for n in range(1, 700))
    stage_reports.save_summary(store, "2024-autumn", {"highlights": text})
    pages = pdf_pages(render_pdf(_annex3(store, programme)))
    assert len(pages) >= 2
    joined = _flat("".join(pages))
    for noise in (r"第\d+页/共\d+页", "名称工作开展情况备注", "亮点工作"):  # repeated per page
        joined = re.sub(noise, "", joined)
    assert _flat(text) in joined


@pytest.mark.parametrize("lines", [60, 1])
def test_xlsx_keeps_a_long_text_over_sheet_rows(tmp_path: Path, own_demo, lines: int) -> None:
    store, programme = own_demo
    text = _long_text(lines) if lines > 1 else "很长的一行" * 1500
    stage_reports.save_summary(store, "2024-autumn", {"highlights": text, "problems": "问题一"})
    data = _annex3(store, programme)
    ws = openpyxl.load_workbook(write_workbook([data], tmp_path / "a.xlsx")).worksheets[0]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "名称")
    first = head + 1
    problems = next(r for r in range(first, ws.max_row + 1) if ws.cell(r, 1).value == "存在的问题")
    assert problems - first >= 2  # the text took several sheet rows
    pieces = [ws.cell(r, 2).value or "" for r in range(first, problems)]
    assert "\n".join(pieces) == text or "".join(pieces) == text
    for r in range(first, problems):
        assert ws.row_dimensions[r].height <= MAX_ROW + 9
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"A{first}:A{problems - 1}" in merged  # 亮点工作 beside all of its pieces
    assert ws.cell(first, 1).value == "亮点工作"
    assert ws.cell(problems, 2).value == "问题一"
