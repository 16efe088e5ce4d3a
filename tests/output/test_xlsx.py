"""The xlsx sheet: same table and merges as the PDF, print setup, text that stays text."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from _output_forms import make_spec, roster_rows
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.core.profile.programme import HeaderField
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output.layout import NO_RECORDS
from gongtongti_desktop.output.xlsx import add_form_sheet, sanitize_sheet_title, write_workbook


def _reload(tmp_path: Path, *datas: FormData) -> openpyxl.Workbook:
    out = write_workbook(list(datas), tmp_path / "annexes.xlsx")
    return openpyxl.load_workbook(out, data_only=False)


def _header_row(ws: Worksheet, first_title: str) -> int:
    for row in range(1, 10):
        if ws.cell(row, 1).value == first_title:
            return row
    raise AssertionError("header row not found")


def _group_sizes(data: FormData) -> list[int]:
    sizes: list[int] = []
    previous = None
    for row in data.rows:
        key = data.cell(row, data.spec.group_by)
        if key == previous:
            sizes[-1] += 1
        else:
            sizes.append(1)
            previous = key
    return sizes


def _expected_merges(data: FormData, first_body_row: int) -> set[str]:
    merge_cols = [i for i, c in enumerate(data.spec.columns) if c.merge]
    expected = set()
    row = first_body_row
    for size in _group_sizes(data):
        if size > 1:
            for col in merge_cols:
                letter = openpyxl.utils.get_column_letter(col + 1)
                expected.add(f"{letter}{row}:{letter}{row + size - 1}")
        row += size
    return expected


def _table_merges(ws: Worksheet, header_row: int) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges if r.min_row > header_row}


# --- the demo forms ---------------------------------------------------------------------


def test_annex1_sheet_mirrors_the_form(tmp_path: Path, yiyuan_annex1: FormData) -> None:
    wb = _reload(tmp_path, yiyuan_annex1)
    ws = wb.worksheets[0]
    spec = yiyuan_annex1.spec
    assert ws.title == spec.display_name
    assert ws["A1"].value == spec.label
    head = _header_row(ws, "核心幼儿园")
    title_cells = [ws.cell(r, 1).value for r in range(1, head)]
    assert spec.title in title_cells
    title_row = title_cells.index(spec.title) + 1
    assert f"A{title_row}:F{title_row}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(title_row, 1).font.b
    assert ws.cell(title_row, 1).alignment.horizontal == "center"
    assert [ws.cell(head, c).value for c in range(1, 7)] == [c.title for c in spec.columns]
    assert all(ws.cell(head, c).font.b for c in range(1, 7))

    # Every row's partner side is written; the lead side only at the top of its group.
    sizes = _group_sizes(yiyuan_annex1)
    assert sizes == [3, 3, 3, 3, 2]
    row = head + 1
    i = 0
    for size in sizes:
        lead = yiyuan_annex1.rows[i]
        assert ws.cell(row, 1).value == lead["lead_name"]
        assert ws.cell(row, 2).value == lead["lead_person"]
        assert ws.cell(row, 3).value == lead["lead_phone"]
        for k in range(size):
            data_row = yiyuan_annex1.rows[i + k]
            assert ws.cell(row + k, 4).value == data_row["partner_name"]
            assert ws.cell(row + k, 5).value == data_row["partner_person"]
            assert ws.cell(row + k, 6).value == data_row["partner_phone"]
            assert ws.cell(row + k, 6).data_type == "s"  # phone numbers stay text
        row += size
        i += size
    assert _table_merges(ws, head) == _expected_merges(yiyuan_annex1, head + 1)


def test_annex1_borders_alignment_and_widths(yiyuan_annex1: FormData) -> None:
    # In memory: openpyxl's reader drops the inner borders of merged cells on reload, although
    # the file has a full border on every cell (which Excel needs to draw a merged cell's edges).
    ws = add_form_sheet(Workbook(), yiyuan_annex1)
    head = _header_row(ws, "核心幼儿园")
    last = head + len(yiyuan_annex1.rows)
    for r in range(head, last + 1):
        for c in range(1, 7):
            border = ws.cell(r, c).border
            assert border.left.style == border.right.style == "thin", (r, c)
            assert border.top.style == border.bottom.style == "thin", (r, c)
    top_left = ws.cell(head + 1, 1)
    assert top_left.alignment.vertical == "center"
    assert top_left.alignment.horizontal == "center"
    assert top_left.alignment.wrap_text
    widths = [ws.column_dimensions[chr(65 + i)].width for i in range(6)]
    relative = [c.width for c in yiyuan_annex1.spec.columns]
    for w, rel in zip(widths, relative, strict=True):
        assert w / widths[0] == pytest.approx(rel / relative[0], rel=0.02)
    assert 80 <= sum(widths) <= 100


def test_print_setup(tmp_path: Path, yiyuan_annex1: FormData) -> None:
    ws = _reload(tmp_path, yiyuan_annex1).worksheets[0]
    head = _header_row(ws, "核心幼儿园")
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == f"${head}:${head}"
    assert ws.freeze_panes == f"A{head + 1}"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def test_landscape_print_setup(tmp_path: Path) -> None:
    data = FormData(make_spec(orientation="landscape"), {}, roster_rows(1, 2))
    ws = _reload(tmp_path, data).worksheets[0]
    assert ws.page_setup.orientation == "landscape"
    widths = [ws.column_dimensions[chr(65 + i)].width for i in range(6)]
    assert sum(widths) > 120


def test_gaotai_arrangement_sheet(tmp_path: Path, gaotai_arrangement: FormData) -> None:
    ws = _reload(tmp_path, gaotai_arrangement).worksheets[0]
    head = _header_row(ws, "帮扶园")
    assert [ws.cell(head, c).value for c in range(1, 5)] == [
        "帮扶园",
        "被帮扶农村园",
        "被帮扶民办园",
        "责任人",
    ]
    assert _table_merges(ws, head) == set()  # no group_by: nothing merges
    for i, row in enumerate(gaotai_arrangement.rows):
        r = head + 1 + i
        assert ws.cell(r, 1).value == row["lead_name"]
        assert ws.cell(r, 2).value == row["partners_by_role"]["被帮扶农村园"]
        assert ws.cell(r, 4).value == row["persons"]
        assert ws.cell(r, 2).alignment.wrap_text
    two_line = next(
        i
        for i, row in enumerate(gaotai_arrangement.rows)
        if "\n" in row["partners_by_role"]["被帮扶农村园"]
    )
    one_line = next(
        i
        for i, row in enumerate(gaotai_arrangement.rows)
        if "\n" not in row["partners_by_role"]["被帮扶农村园"]
    )
    heights = ws.row_dimensions
    assert heights[head + 1 + two_line].height > heights[head + 1 + one_line].height


def test_workbook_with_both_programmes(
    tmp_path: Path, yiyuan_annex1: FormData, gaotai_arrangement: FormData
) -> None:
    wb = _reload(tmp_path, yiyuan_annex1, gaotai_arrangement)
    assert wb.sheetnames == [yiyuan_annex1.spec.display_name, gaotai_arrangement.spec.display_name]


# --- merges on long rosters ---------------------------------------------------------------


def test_long_roster_merges_every_group(tmp_path: Path, long_roster: FormData) -> None:
    ws = _reload(tmp_path, long_roster).worksheets[0]
    head = _header_row(ws, "核心幼儿园")
    merges = _table_merges(ws, head)
    expected = _expected_merges(long_roster, head + 1)
    assert len(expected) == 60 * 3
    assert (
        merges - {str(r) for r in ws.merged_cells.ranges if r.min_col == 1 and r.max_col == 6}
        == expected
    )
    # header line, footnote and signature
    texts = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    header_line = next(t for t in texts if t and t.startswith("幼儿园："))
    assert "幼儿园：示例幼儿园" in header_line
    assert "填报人：＿" in header_line and "主要负责人签字：＿" in header_line
    assert "备注：本表一式两份。" in texts
    signature_row = texts.index(long_roster.spec.signature) + 1
    assert ws.cell(signature_row, 1).alignment.horizontal == "right"


def test_differing_values_inside_a_group_are_not_merged(tmp_path: Path) -> None:
    rows = roster_rows(1, 3)
    rows[2]["lead_person"] = "另一人"
    ws = _reload(tmp_path, FormData(make_spec(), {}, rows)).worksheets[0]
    head = _header_row(ws, "核心幼儿园")
    b = head + 1
    assert _table_merges(ws, head) == {f"A{b}:A{b + 2}", f"B{b}:B{b + 1}", f"C{b}:C{b + 2}"}
    assert ws.cell(b + 2, 2).value == "另一人"


# --- empty forms ---------------------------------------------------------------------------


def test_empty_data_has_a_no_records_row(tmp_path: Path) -> None:
    ws = _reload(tmp_path, FormData(make_spec(), {}, [])).worksheets[0]
    head = _header_row(ws, "核心幼儿园")
    assert ws.cell(head + 1, 1).value == NO_RECORDS
    assert f"A{head + 1}:F{head + 1}" in {str(r) for r in ws.merged_cells.ranges}


def test_empty_rows_are_bordered_blank_rows(tmp_path: Path) -> None:
    data = FormData(make_spec(empty_rows=4), {}, roster_rows(1, 2))
    ws = _reload(tmp_path, data).worksheets[0]
    head = _header_row(ws, "核心幼儿园")
    blank_rows = range(head + 3, head + 7)
    for r in blank_rows:
        assert all(ws.cell(r, c).value is None for c in range(1, 7))
        assert all(ws.cell(r, c).border.bottom.style == "thin" for c in range(1, 7))
    assert NO_RECORDS not in [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    only_blank = _reload(tmp_path, FormData(make_spec(empty_rows=2), {}, [])).worksheets[0]
    assert NO_RECORDS not in [only_blank.cell(r, 1).value for r in range(1, only_blank.max_row + 1)]


# --- text stays text ---------------------------------------------------------------------

DANGEROUS = [
    "=1+1",
    '=HYPERLINK("http://example.invalid","点我")',
    "+86 139 0000 0000",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
]


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    rows = roster_rows(1, len(DANGEROUS))
    for row, text in zip(rows, DANGEROUS, strict=True):
        row["partner_name"] = text
        row["partner_person"] = text
    rows[0]["lead_name"] = "=危险园"
    rows[0]["partner_phone"] = "01234567890"
    spec = make_spec(
        title="=标题",
        footnote="-备注",
        signature="+签字",
        header_fields=(HeaderField("幼儿园", "kindergarten_name"),),
    )
    out = write_workbook([FormData(spec, {"kindergarten_name": "@园"}, rows)], tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(out, data_only=False).worksheets[0]
    head = _header_row(ws, "核心幼儿园")
    for i, text in enumerate(DANGEROUS):
        for col in (4, 5):
            cell = ws.cell(head + 1 + i, col)
            assert cell.value == text
            assert cell.data_type == "s"
            assert cell.quotePrefix
    lead = ws.cell(head + 1, 1)
    assert (lead.value, lead.data_type, lead.quotePrefix) == ("=危险园", "s", True)
    phone = ws.cell(head + 1, 6)
    assert (phone.value, phone.data_type) == ("01234567890", "s")
    values = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "=标题" in values and "-备注" in values and "+签字" in values
    assert any(v and v.startswith("幼儿园：@园") for v in values)
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate

    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert not re.search(r"<(\w+:)?f[\s>/]", xml), "a formula element was written"


def test_control_characters_are_dropped_not_fatal(tmp_path: Path) -> None:
    rows = roster_rows(1, 1)
    rows[0]["partner_name"] = "受援\x00园\x07\x1b一"
    ws = _reload(tmp_path, FormData(make_spec(), {}, rows)).worksheets[0]
    head = _header_row(ws, "核心幼儿园")
    assert ws.cell(head + 1, 4).value == "受援园一"


# --- sheet titles --------------------------------------------------------------------------


def test_sheet_titles_are_sanitised_and_unique() -> None:
    title = sanitize_sheet_title("附件[1]: 名单*?/\\" + "很长" * 30)
    assert len(title) <= 31
    assert not re.search(r"[\[\]:*?/\\]", title)
    assert sanitize_sheet_title("") == "表格"
    assert sanitize_sheet_title("'引号'") == "引号"
    assert sanitize_sheet_title("History") != "History"
    taken = {"名单", "名单(2)"}
    assert sanitize_sheet_title("名单", taken) == "名单(3)"
    assert sanitize_sheet_title("名单".upper(), {"名单"}) == "名单(2)"
    long = "长" * 40
    first = sanitize_sheet_title(long)
    second = sanitize_sheet_title(long, {first})
    assert len(second) <= 31 and second != first and second.endswith("(2)")


def test_add_form_sheet_names_and_repeated_forms(yiyuan_annex1: FormData) -> None:
    wb = Workbook()
    first = add_form_sheet(wb, yiyuan_annex1)
    second = add_form_sheet(wb, yiyuan_annex1)
    third = add_form_sheet(wb, yiyuan_annex1, sheet_title="自定义:名称")
    assert first.title == yiyuan_annex1.spec.display_name
    assert second.title != first.title and len(second.title) <= 31
    assert third.title == "自定义_名称"


def test_multiline_cell_keeps_line_breaks(tmp_path: Path) -> None:
    rows = roster_rows(1, 1)
    rows[0]["partner_name"] = "第一行\r\n第二行"
    rows[0]["partner_person"] = ["王一", "王二"]
    ws = _reload(tmp_path, FormData(make_spec(), {}, rows)).worksheets[0]
    head = _header_row(ws, "核心幼儿园")
    assert ws.cell(head + 1, 4).value == "第一行\n第二行"
    assert ws.cell(head + 1, 5).value == "王一\n王二"
    assert ws.cell(head + 1, 4).alignment.wrap_text
    assert ws.row_dimensions[head + 1].height >= 2 * 15


# --- saving --------------------------------------------------------------------------------


def test_write_workbook_needs_forms(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        write_workbook([], tmp_path / "a.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_write_workbook_to_missing_folder(tmp_path: Path, yiyuan_annex1: FormData) -> None:
    with pytest.raises(UserError, match="文件夹不存在"):
        write_workbook([yiyuan_annex1], tmp_path / "missing" / "a.xlsx")


def test_failed_write_keeps_the_old_workbook(
    tmp_path: Path, yiyuan_annex1: FormData, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"old")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(UserError, match="关闭"):
        write_workbook([yiyuan_annex1], out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]
