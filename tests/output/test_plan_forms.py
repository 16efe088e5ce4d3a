"""The plan tables: Yiyuan 附件2 月工作计划表 (fixed plan rows) and the Gaotai 计划表 (dated
rows, merged months, footnote), in PDF and xlsx, from the demo data."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
from pathlib import Path

import openpyxl
from _output_forms import pdf_pages, pdf_text_y
from reportlab.lib.units import mm

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import (
    DATE_BLANK,
    FormData,
    default_period,
    form_data,
    status_note,
)
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import plans
from gongtongti_desktop.output.layout import build_grid
from gongtongti_desktop.output.pdf import render_pdf
from gongtongti_desktop.output.xlsx import write_workbook

SEED_ROWS_2022 = ["7-8月", "9月", "10月", "11月", "12-2023年1月"]
ROWS_2024 = ["7-8月", "9月", "10月", "11月", "12-2025年1月"]
GAOTAI_MONTHS = ["三", "四", "五", "六", "九", "十", "十一", "十二"]
FOOTNOTE = (
    "备注：帮扶园每月开展帮扶工作不少于三项，要体现帮扶活动的连续性、目标性，确保帮扶出成效，"
    "要创新开展疫情防控期间的帮扶指导工作。被帮扶园每月安排观摩交流等活动不少于1次。"
)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _annex2(demo: tuple[Store, Programme], term: str) -> FormData:
    store, programme = demo
    return form_data(store, programme, "annex2", periods.parse_term(programme.calendar, term))


def _gaotai_plan(demo: tuple[Store, Programme], year: str = "2020") -> FormData:
    store, programme = demo
    period = periods.parse_school_year(programme.calendar, year)
    return form_data(store, programme, "plan", period)


def _reload(tmp_path: Path, *datas: FormData) -> openpyxl.Workbook:
    out = write_workbook(list(datas), tmp_path / "forms.xlsx")
    return openpyxl.load_workbook(out)


def _row_of(ws: openpyxl.worksheet.worksheet.Worksheet, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == text)


# --- 附件2 -----------------------------------------------------------------------------------


def test_annex2_autumn_term_has_the_five_rows_in_order_and_every_task(yiyuan_demo) -> None:
    data = _annex2(yiyuan_demo, "2024-autumn")
    assert [r["month_label"] for r in data.rows] == ROWS_2024
    pages = pdf_pages(render_pdf(data))
    assert len(pages) == 1
    text = pages[0]
    assert text.lstrip().startswith("附件2")
    assert "沂源县幼儿园城乡教育共同体月工作计划表" in text
    for word in ("月份", "工作计划", "备注"):
        assert word in text
    positions = [text.index(label) for label in ROWS_2024]
    assert positions == sorted(positions)
    store, programme = yiyuan_demo
    items = plans.list_items(
        store, programme, periods.parse_term(programme.calendar, "2024-autumn")
    )
    assert len(items) == 15
    flat = _flat(text)
    for item in items:
        assert _flat(item["task"]) in flat
        assert f"负责人：{item['responsible']}" in flat


def test_annex2_header_line_and_blank_signature(yiyuan_demo) -> None:
    data = _annex2(yiyuan_demo, "2024-autumn")
    flat = _flat(pdf_pages(render_pdf(data))[0])
    assert "幼儿园：" + _flat(yiyuan_demo[0].kindergarten_name) in flat
    assert "填报人：" in flat  # no filler set: a blank line
    assert "主要负责人签字：" in flat


def test_annex2_filler_comes_from_the_plan_header(own_demo) -> None:
    store, _programme = own_demo
    plans.set_header(store, "李晓燕", "王校长")
    data = _annex2(own_demo, "2024-autumn")
    assert data.header["filler"] == "李晓燕"
    flat = _flat(pdf_pages(render_pdf(data))[0])
    assert "填报人：李晓燕" in flat
    assert "王校长" not in flat  # 主要负责人 signs by hand


def test_annex2_term_of_the_seed_gives_the_seed_rows_even_without_items(yiyuan_demo) -> None:
    data = _annex2(yiyuan_demo, "2022-autumn")
    assert [r["month_label"] for r in data.rows] == SEED_ROWS_2022
    assert all(r["plan"] == [] and r["note"] == "" for r in data.rows)
    content = render_pdf(data)
    text = pdf_pages(content)[0]
    positions = [text.index(label) for label in SEED_ROWS_2022]
    assert positions == sorted(positions)
    # Fixed rows with room to write: labels at least 40 mm apart (template min_row_height_mm).
    ys = pdf_text_y(content)
    heights = [ys[a] - ys[b] for a, b in itertools.pairwise(SEED_ROWS_2022)]
    assert all(h >= 40 * mm - 1 for h in heights), heights


def test_annex2_notes_summarise_statuses(yiyuan_demo) -> None:
    data = _annex2(yiyuan_demo, "2024-autumn")
    september = data.rows[1]
    assert september["month_label"] == "9月"
    # Expected from the stored items of that row, numbered as in the plan cell.
    store, programme = yiyuan_demo
    assert data.period is not None
    items = [i for i in plans.list_items(store, programme, data.period) if i["row_label"] == "9月"]
    by_status: dict[str, list[str]] = {}
    for number, item in enumerate(items, 1):
        by_status.setdefault(item["status"], []).append(str(number))
    expected = [
        f"{s} {len(n)} 项（{'、'.join(n)}）" for s, n in by_status.items() if s != plans.PLANNED
    ]
    assert sorted(september["note"].split("\n")) == sorted(expected)
    assert {"已完成", "顺延"} <= set(by_status), "the demo has both statuses in 9月"
    text = pdf_pages(render_pdf(data))[0]
    assert expected[0] in text


def test_status_note() -> None:
    def items(*statuses: str) -> list[dict[str, str]]:
        return [{"status": s} for s in statuses]

    assert status_note([]) == ""
    assert status_note(items(plans.PLANNED, plans.PLANNED)) == ""  # a plan made in advance
    assert status_note(items(plans.DONE, plans.PLANNED, plans.CANCELLED, plans.DONE)) == (
        "已完成 2 项（1、4）\n取消 1 项（3）\n待完成 1 项（2）"
    )


def test_annex2_month_and_school_year_periods(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    august = form_data(store, programme, "annex2", periods.parse_month("2024-08"))
    assert [r["month_label"] for r in august.rows] == ["7-8月"]
    january = form_data(store, programme, "annex2", periods.parse_month("2025-01"))
    assert [r["month_label"] for r in january.rows] == ["12-2025年1月"]
    year = form_data(
        store, programme, "annex2", periods.parse_school_year(programme.calendar, "2024")
    )
    assert len(year.rows) == 10
    pages = pdf_pages(render_pdf(year))
    assert len(pages) >= 2 and "第 1 页" in pages[0]


def test_period_forms_default_to_the_current_term(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    spec = programme.form("annex2")
    assert spec.periodic and not programme.form("annex1").periodic
    today = dt.date.today()
    expected = periods.term_of(programme.calendar, today)
    assert default_period(programme, spec) == expected
    data = form_data(store, programme, "annex2")
    assert data.period == expected
    assert data.header["period_label"] == expected.label
    assert [r["month_label"] for r in data.rows] == [
        r.label for r in periods.plan_rows(programme.calendar, expected)
    ]
    autumn = default_period(programme, spec, dt.date(2024, 10, 8))
    assert autumn == periods.term_period(programme.calendar, 2024, "autumn")
    record = programme.form("activity-record")
    assert default_period(programme, record, dt.date(2024, 10, 8)) == periods.month_period(2024, 10)


def test_annex2_xlsx_mirrors_columns_rows_and_heights(tmp_path: Path, yiyuan_demo) -> None:
    data = _annex2(yiyuan_demo, "2024-autumn")
    ws = _reload(tmp_path, data).worksheets[0]
    head = _row_of(ws, "月份")
    assert [ws.cell(head, c).value for c in range(1, 4)] == ["月份", "工作计划", "备注"]
    for i, row in enumerate(data.rows):
        r = head + 1 + i
        assert ws.cell(r, 1).value == row["month_label"]
        assert ws.cell(r, 2).value == "\n".join(row["plan"])
        assert ws.cell(r, 3).value == (row["note"] or None)
        assert ws.row_dimensions[r].height >= 40 * 72 / 25.4 - 0.1
        assert ws.cell(r, 2).alignment.vertical == "top"
        assert ws.cell(r, 1).alignment.vertical == "center"
    header = next(
        ws.cell(r, 1).value
        for r in range(1, head)
        if (ws.cell(r, 1).value or "").startswith("幼儿园：")
    )
    assert "填报人：＿" in header and "主要负责人签字：＿" in header


# --- Gaotai 计划表 ---------------------------------------------------------------------------


def test_gaotai_plan_months_rows_title_and_footnote(gaotai_demo) -> None:
    data = _gaotai_plan(gaotai_demo)
    store, _ = gaotai_demo
    assert data.title == f"{store.kindergarten_name}2020年结对帮扶工作计划表"
    assert data.header["year"] == "2020"
    months = list(dict.fromkeys(r["month_cn"] for r in data.rows))
    assert months == GAOTAI_MONTHS
    for month in GAOTAI_MONTHS:
        assert sum(r["month_cn"] == month for r in data.rows) >= 3
    pages = pdf_pages(render_pdf(data))
    assert len(pages) == 1
    text = pages[0]
    flat = _flat(text)
    assert text.lstrip().startswith("附件3")
    assert _flat(data.title) in flat
    for word in ("月份", "帮扶时间（月日）", "帮扶任务", "负责人", "完成情况"):
        assert word in flat
    assert _flat(FOOTNOTE) in flat
    lines = [line.strip() for line in text.splitlines()]
    shown = [m for m in lines if m in GAOTAI_MONTHS]
    assert shown == GAOTAI_MONTHS  # each month printed once: merged down its rows
    blank = sum(1 for r in data.rows if "task" not in r)  # rows padded to three a month
    assert sum(" ".join(line.split()) == "月 日" for line in lines) == blank


def test_gaotai_plan_rows_dates_and_completion(gaotai_demo) -> None:
    data = _gaotai_plan(gaotai_demo)
    blank = [r for r in data.rows if "task" not in r]
    dated = [r for r in data.rows if "task" in r]
    assert all(r["date"] == DATE_BLANK for r in blank)
    assert dated and all(re.fullmatch(r"\d{1,2}月 \d{1,2}日", r["date"]) for r in dated)
    for row in dated:
        assert row["date"].startswith(row["month_label"])
        if row["status"] == plans.PLANNED:
            assert row["completion"] == ""
        else:
            assert row["status"] in row["completion"]
    grid = build_grid(data)
    month_spans = [s for s in grid.spans() if s.column == 0]
    assert len(month_spans) == 8
    assert all(s.last - s.first + 1 >= 3 for s in month_spans)


def test_gaotai_plan_grows_past_three_rows_and_keeps_other_months(tmp_path: Path) -> None:
    from gongtongti_desktop.core.demo.builder import create_demo
    from gongtongti_desktop.core.profile.programme import get_programme

    store = create_demo(tmp_path / "g.gtdb", "gaotai-2020")
    try:
        programme = get_programme(store.programme_id)
        for day, task in (("2020-09-02", "第四项任务"), ("2020-09-28", "第五项任务")):
            records.save_record(
                store,
                programme,
                "plan_item",
                {"month": day[:7], "day": day, "task": task, "status": plans.DONE},
            )
        records.save_record(
            store,
            programme,
            "plan_item",
            {"month": "2020-09", "task": "未定日期的任务", "status": plans.PLANNED},
        )
        records.save_record(  # July is not a printed month: it gets its own rows
            store,
            programme,
            "plan_item",
            {"month": "2020-07", "day": "2020-07-10", "task": "暑期培训", "status": plans.DONE},
        )
        data = _gaotai_plan((store, programme), "2020")
    finally:
        store.close()
    september = [r for r in data.rows if r["month_cn"] == "九"]
    assert len(september) == 6
    assert [r["date"] for r in september][:2] == ["9月 2日", "9月 6日"]
    assert september[-1]["date"] == "9月    日"  # no day: the day is written by hand
    months = list(dict.fromkeys(r["month_cn"] for r in data.rows))
    assert months == ["三", "四", "五", "六", "七", "九", "十", "十一", "十二"]
    july = [r.get("task") for r in data.rows if r["month_cn"] == "七"]
    assert july == ["暑期培训", None, None]  # padded like every printed month
    text = _flat("".join(pdf_pages(render_pdf(data))))
    assert "第五项任务" in text and "暑期培训" in text


def test_gaotai_plan_year_is_the_calendar_year_the_period_starts_in(gaotai_demo) -> None:
    store, programme = gaotai_demo
    cal = programme.calendar
    spring = form_data(store, programme, "plan", periods.parse_term(cal, "2021-spring"))
    assert spring.header["year"] == "2021" and "2021年结对帮扶" in spring.title
    assert spring.period is not None
    assert (spring.period.start, spring.period.end) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    march = form_data(store, programme, "plan", periods.parse_month("2021-03"))
    assert march.header["year"] == "2021"
    spring_rows = [r for r in spring.rows if "task" in r]
    assert spring_rows and all(r["month_key"].startswith("2021-") for r in spring_rows)
    assert programme.form("plan").display_name == "附件3 本园××年结对帮扶工作计划表"


def test_gaotai_plan_xlsx_merges_the_month_column(tmp_path: Path, gaotai_demo) -> None:
    data = _gaotai_plan(gaotai_demo)
    ws = _reload(tmp_path, data).worksheets[0]
    head = _row_of(ws, "月份")
    assert [ws.cell(head, c).value for c in range(1, 6)] == [c.title for c in data.spec.columns]
    merges = {
        (r.min_row, r.max_row)
        for r in ws.merged_cells.ranges
        if r.min_col == r.max_col == 1 and r.min_row > head
    }
    expected = {
        (head + 1 + s.first, head + 1 + s.last) for s in build_grid(data).spans() if s.column == 0
    }
    assert merges == expected and len(merges) == 8
    assert [ws.cell(first, 1).value for first, _ in sorted(merges)] == GAOTAI_MONTHS
    for i, row in enumerate(data.rows):
        assert ws.cell(head + 1 + i, 2).value == row["date"]
        assert ws.cell(head + 1 + i, 3).value == row.get("task")
    values = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert FOOTNOTE in values
    assert data.title in values


# --- both ------------------------------------------------------------------------------------


def test_plan_pdfs_are_deterministic(yiyuan_demo, gaotai_demo) -> None:
    for data in (_annex2(yiyuan_demo, "2024-autumn"), _gaotai_plan(gaotai_demo)):
        assert render_pdf(data) == render_pdf(data)


def test_formula_like_plan_text_stays_text(tmp_path: Path) -> None:
    from gongtongti_desktop.core.demo.builder import create_demo
    from gongtongti_desktop.core.profile.programme import get_programme

    store = create_demo(tmp_path / "g.gtdb", "gaotai-2020")
    try:
        programme = get_programme(store.programme_id)
        for day, task in (("2020-10-02", "=1+1"), ("2020-10-03", '@HYPERLINK("x")')):
            records.save_record(
                store,
                programme,
                "plan_item",
                {
                    "month": day[:7],
                    "day": day,
                    "task": task,
                    "status": plans.CANCELLED,
                    "completion_note": "-2+3",
                },
            )
        datas = [
            _gaotai_plan((store, programme)),
            form_data(store, programme, "activity-record", periods.parse_month("2020-10")),
        ]
    finally:
        store.close()
    out = write_workbook(datas, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(out).worksheets[0]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value}
    for text in ("=1+1", '@HYPERLINK("x")', "取消：-2+3"):
        assert cells[text].data_type == "s"
    assert cells["=1+1"].quotePrefix and cells['@HYPERLINK("x")'].quotePrefix
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert not re.search(r"<(\w+:)?f[\s>/]", archive.read(name).decode("utf-8"))
    assert "=1+1" in _flat(pdf_pages(render_pdf(datas[0]))[0])
