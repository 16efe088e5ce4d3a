"""The PDF renderer: text, fonts, merges, page breaks, determinism, safe saving."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from _output_forms import make_spec, pdf_pages, roster_rows
from pypdf import PdfReader

from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.core.profile.programme import Column, HeaderField
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output import pdf
from gongtongti_desktop.output.layout import NO_RECORDS
from gongtongti_desktop.output.pdf import render_pdf, write_pdf

A4_W, A4_H = 595.2756, 841.8898


def _reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def _flat(text: str) -> str:
    """Page text with line breaks and spaces removed (cells may wrap)."""
    return re.sub(r"\s+", "", text)


def _line_ops(content: bytes) -> int:
    """Number of ruled lines drawn (``l`` operators) over all pages."""
    reader = _reader(content)
    return sum(len(re.findall(rb"\sl\s", page.get_contents().get_data())) for page in reader.pages)


# --- the demo forms ---------------------------------------------------------------------


def test_annex1_shows_title_headers_and_every_name_and_phone(yiyuan_annex1: FormData) -> None:
    content = render_pdf(yiyuan_annex1)
    pages = pdf_pages(content)
    assert len(pages) == 1
    text = pages[0]
    spec = yiyuan_annex1.spec
    assert spec.title in text
    assert text.lstrip().startswith(spec.label)
    for column in spec.columns:
        assert column.title in text
    assert len(yiyuan_annex1.rows) == 14
    for row in yiyuan_annex1.rows:
        for key in ("lead_name", "lead_person", "lead_phone"):
            assert row[key] in text
        for key in ("partner_name", "partner_person", "partner_phone"):
            assert row[key] in text
    assert "第 1 页" not in text  # one page: no page numbers


def test_annex1_core_kindergarten_spans_its_rows(yiyuan_annex1: FormData) -> None:
    text = pdf_pages(render_pdf(yiyuan_annex1))[0]
    rows = yiyuan_annex1.rows
    leads = {r["lead_id"]: r for r in rows}
    assert len(leads) == 5
    for lead in leads.values():
        # Merged: the lead's phone is printed once although it belongs to 2-3 rows.
        assert text.count(lead["lead_phone"]) == 1
        assert text.count(lead["lead_name"]) == 1
    for row in rows:
        assert text.count(row["partner_phone"]) == 1


def test_annex1_is_a4_portrait_with_metadata(yiyuan_annex1: FormData) -> None:
    reader = _reader(render_pdf(yiyuan_annex1))
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_W, abs=0.5)
    assert float(box.height) == pytest.approx(A4_H, abs=0.5)
    assert reader.metadata.title == yiyuan_annex1.spec.display_name
    assert reader.metadata.author == yiyuan_annex1.header["kindergarten_name"]
    assert "共同体工作台" in reader.metadata.creator


def test_gaotai_arrangement_shows_every_unit_and_person(gaotai_arrangement: FormData) -> None:
    content = render_pdf(gaotai_arrangement)
    pages = pdf_pages(content)
    assert len(pages) == 1
    text = pages[0]
    flat = _flat(text)
    spec = gaotai_arrangement.spec
    assert spec.title in text
    assert spec.label in text
    assert [c.title for c in spec.columns] == ["帮扶园", "被帮扶农村园", "被帮扶民办园", "责任人"]
    for column in spec.columns:
        assert column.title in text
    for row in gaotai_arrangement.rows:
        assert row["lead_name"] in text
        for partner in row["partners"]:
            assert partner in text
        for person in row["persons"].split():
            assert person in flat


def test_font_is_embedded_with_unicode_map(yiyuan_annex1: FormData) -> None:
    reader = _reader(render_pdf(yiyuan_annex1))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    cjk = []
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is not None and "/FontFile2" in descriptor.get_object():
            cjk.append(font)
    assert cjk, "no embedded TrueType font"
    assert all("/ToUnicode" in font for font in cjk)


def test_same_input_gives_identical_bytes_with_a_fixed_date(
    yiyuan_annex1: FormData, long_roster: FormData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1727654400")  # reproducible builds' convention
    assert render_pdf(yiyuan_annex1) == render_pdf(yiyuan_annex1)
    assert render_pdf(long_roster) == render_pdf(long_roster)


def test_creation_date_is_real_and_every_font_embedded(
    yiyuan_annex1: FormData, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    reader = _reader(render_pdf(yiyuan_annex1))
    created = reader.metadata.creation_date
    now = dt.datetime.now(created.tzinfo)
    assert abs((now - created).total_seconds()) < 120  # not reportlab's 2000-01-01
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None and "/FontFile2" in descriptor.get_object(), font


# --- long tables --------------------------------------------------------------------------


def test_long_roster_has_page_numbers_and_header_on_every_page(long_roster: FormData) -> None:
    content = render_pdf(long_roster)
    pages = pdf_pages(content)
    total = len(pages)
    assert total >= 3
    for n, text in enumerate(pages, 1):
        assert f"第 {n} 页 / 共 {total} 页" in text
        assert "核心幼儿园" in text and "受援学区" in text  # header row repeated
    assert long_roster.spec.title in pages[0]
    for text in pages[1:]:  # continuation pages: the title, marked as continued, not the heading
        assert f"{long_roster.spec.title}（续）" in text
        assert text.count(long_roster.spec.title) == 1
    assert "备注：本表一式两份。" in pages[-1]
    assert "主要负责人签字" in pages[-1]


def test_long_roster_keeps_each_group_on_one_page(long_roster: FormData) -> None:
    pages = pdf_pages(render_pdf(long_roster))
    rows = long_roster.rows
    for g in range(60):
        lead = rows[3 * g]
        on = [n for n, text in enumerate(pages) if lead["lead_phone"] in text]
        assert len(on) == 1, f"{lead['lead_name']} printed on pages {on}"
        page = pages[on[0]]
        for row in rows[3 * g : 3 * g + 3]:
            assert row["partner_name"] in page
            assert row["partner_phone"] in page


def test_group_taller_than_a_page_repeats_merged_value(tmp_path: Path) -> None:
    rows = roster_rows(1, 70, first=2)
    data = FormData(make_spec(), {}, roster_rows(2, 2) + rows)
    pages = pdf_pages(render_pdf(data))
    assert len(pages) >= 3
    lead = rows[0]
    # The first page is used (no blank page before the giant group) ...
    assert lead["partner_phone"] in pages[0]
    # ... and every page holding part of the group shows the core kindergarten again.
    for text in pages:
        if any(r["partner_phone"] in text for r in rows):
            assert lead["lead_phone"] in text
            assert text.count(lead["lead_phone"]) == 1
    for row in rows:
        assert sum(row["partner_phone"] in text for text in pages) == 1


def test_landscape_orientation() -> None:
    data = FormData(make_spec(orientation="landscape"), {}, roster_rows(2, 2))
    box = _reader(render_pdf(data)).pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_H, abs=0.5)
    assert float(box.height) == pytest.approx(A4_W, abs=0.5)


# --- edge cases -------------------------------------------------------------------------


def test_markup_characters_are_printed_literally() -> None:
    rows = roster_rows(1, 2)
    rows[0]["lead_name"] = "A&B<幼儿园>"
    rows[1]["lead_name"] = "A&B<幼儿园>"
    rows[0]["partner_name"] = '"<b>粗</b>" & <br/>'
    rows[1]["partner_person"] = "李&amp;四"
    spec = make_spec(
        title="标题 <i>不是</i> & 斜体",
        footnote="备注：a<b & c>d",
        header_fields=(HeaderField("幼儿园", "kindergarten_name"),),
    )
    text = pdf_pages(render_pdf(FormData(spec, {"kindergarten_name": "<园>&"}, rows)))[0]
    flat = _flat(text)
    assert "A&B<幼儿园>" in flat
    assert '"<b>粗</b>"&<br/>' in flat
    assert "李&amp;四" in flat
    assert _flat("标题 <i>不是</i> & 斜体") in flat
    assert "备注：a<b&c>d" in flat
    assert "<园>&" in flat


def test_control_characters_do_not_break_rendering() -> None:
    rows = roster_rows(1, 1)
    rows[0]["partner_name"] = "受援\x00园\x07\x1b一\r\n二\t三"
    text = pdf_pages(render_pdf(FormData(make_spec(), {}, rows)))[0]
    assert "受援园一" in text
    assert "二" in text and "三" in text


def test_multiline_cells_become_line_breaks() -> None:
    rows = roster_rows(1, 1)
    rows[0]["partner_name"] = "第一行单位\n第二行单位"
    rows[0]["partner_person"] = ["王一", "王二"]  # lists join with line breaks (FormData.cell)
    text = pdf_pages(render_pdf(FormData(make_spec(), {}, rows)))[0]
    lines = [line.strip() for line in text.splitlines()]
    assert any(line.endswith("第一行单位") or line == "第一行单位" for line in lines)
    assert any(line.startswith("第二行单位") for line in lines)
    assert "第一行单位第二行单位" not in _flat(text.replace("\n", "|"))


def test_long_cell_text_wraps_inside_its_column() -> None:
    rows = roster_rows(1, 1)
    long_name = "非常非常长的受援学区名称用来检验单元格内的中文自动换行是否正常工作"
    rows[0]["partner_name"] = long_name
    text = pdf_pages(render_pdf(FormData(make_spec(), {}, rows)))[0]
    assert long_name in _flat(text)
    assert long_name not in text  # it did wrap onto several lines


def test_empty_data_prints_no_records_row() -> None:
    text = pdf_pages(render_pdf(FormData(make_spec(), {}, [])))[0]
    assert NO_RECORDS in text
    assert "核心幼儿园" in text


def test_empty_rows_are_blank_rows_to_fill_by_hand() -> None:
    none = render_pdf(FormData(make_spec(), {}, []))
    blank = render_pdf(FormData(make_spec(empty_rows=5), {}, []))
    text = pdf_pages(blank)[0]
    assert NO_RECORDS not in text
    assert "核心幼儿园" in text
    assert _line_ops(blank) > _line_ops(none)
    more = render_pdf(FormData(make_spec(empty_rows=8), {}, []))
    assert _line_ops(more) > _line_ops(blank)
    with_data = pdf_pages(render_pdf(FormData(make_spec(empty_rows=3), {}, roster_rows(1, 2))))[0]
    assert "第1组受援1" in with_data and NO_RECORDS not in with_data


def test_header_fields_show_values_and_blanks_to_sign() -> None:
    spec = make_spec(
        header_fields=(
            HeaderField("时间", "period_label"),
            HeaderField("幼儿园", "kindergarten_name"),
            HeaderField("填报人"),
            HeaderField("主要负责人签字："),
        )
    )
    header = {"kindergarten_name": "城关实验幼儿园", "period_label": ""}
    text = pdf_pages(render_pdf(FormData(spec, header, roster_rows(1, 1))))[0]
    assert "幼儿园：城关实验幼儿园" in _flat(text)
    assert "时间：" in text
    assert "填报人：" in text
    assert "主要负责人签字：" in text
    assert "主要负责人签字：：" not in text


def test_columns_without_groups_never_merge() -> None:
    columns = (Column("姓名", "lead_person", merge=True), Column("电话", "lead_phone"))
    rows = [{"lead_person": "同名", "lead_phone": f"1300000000{i}"} for i in range(3)]
    text = pdf_pages(render_pdf(FormData(make_spec(columns=columns, group_by=""), {}, rows)))[0]
    assert text.count("同名") == 3


def test_differing_values_inside_a_group_are_not_merged() -> None:
    rows = roster_rows(1, 3)
    rows[2]["lead_person"] = "另一人"
    text = pdf_pages(render_pdf(FormData(make_spec(), {}, rows)))[0]
    assert "甲1" in text and "另一人" in text
    assert text.count(rows[0]["lead_phone"]) == 1


# --- saving -----------------------------------------------------------------------------


def test_write_pdf_writes_whole_file_and_no_temp_files(
    tmp_path: Path, yiyuan_annex1: FormData
) -> None:
    out = tmp_path / "附件1.pdf"
    assert write_pdf(yiyuan_annex1, out) == out
    assert out.read_bytes() == render_pdf(yiyuan_annex1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["附件1.pdf"]


def test_write_pdf_to_missing_folder_is_a_user_error(
    tmp_path: Path, yiyuan_annex1: FormData
) -> None:
    with pytest.raises(UserError, match="文件夹不存在"):
        write_pdf(yiyuan_annex1, tmp_path / "nope" / "a.pdf")
    assert not (tmp_path / "nope").exists()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere"
)
def test_write_pdf_to_read_only_folder_is_a_user_error(
    tmp_path: Path, yiyuan_annex1: FormData
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match="无法保存"):
            write_pdf(yiyuan_annex1, folder / "a.pdf")
    finally:
        folder.chmod(0o755)
    assert list(folder.iterdir()) == []


def test_failed_render_leaves_existing_file_untouched(
    tmp_path: Path, yiyuan_annex1: FormData, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "a.pdf"
    out.write_bytes(b"old")

    def boom(data: FormData, mark: object = None) -> bytes:
        raise UserError("排版失败")

    monkeypatch.setattr(pdf, "render_pdf", boom)
    with pytest.raises(UserError):
        pdf.write_pdf(yiyuan_annex1, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_failed_write_leaves_existing_file_untouched(
    tmp_path: Path, yiyuan_annex1: FormData, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "a.pdf"
    out.write_bytes(b"old")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(UserError, match="无法保存"):
        write_pdf(yiyuan_annex1, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_write_pdf_onto_a_folder_is_a_user_error(tmp_path: Path, yiyuan_annex1: FormData) -> None:
    with pytest.raises(UserError, match="文件夹"):
        write_pdf(yiyuan_annex1, tmp_path)


def test_folder_that_refuses_new_files_is_a_user_error(
    tmp_path: Path, yiyuan_annex1: FormData, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(UserError, match="不能在文件夹"):
        write_pdf(yiyuan_annex1, tmp_path / "a.pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_row_taller_than_a_page_is_a_clear_user_error() -> None:
    rows = roster_rows(2, 2)
    rows[1]["partner_name"] = "很长" * 3000
    with pytest.raises(UserError, match=r"第 2 行“受援学区”.*太长"):
        render_pdf(FormData(make_spec(), {}, rows))
