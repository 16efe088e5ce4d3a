"""Word files (.docx) for WPS: every form of every programme saved with the same table as the
PDF, read back with python-docx; the CLI writes .docx by the output's name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from _output_forms import make_spec, roster_rows
from docx import Document

from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.forms.form_data import FormData, form_data
from gongtongti_desktop.core.profile.programme import available_programmes, get_programme
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output.layout import PairRow, build_grid, header_items, record_blocks
from gongtongti_desktop.output.word import build_document, write_docx


def _doc_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def every_form(tmp_path_factory: pytest.TempPathFactory) -> list[FormData]:
    out = []
    for pid in available_programmes():
        path = tmp_path_factory.mktemp(pid) / "d.gtdb"
        store = create_demo(path, pid)
        try:
            programme = get_programme(pid)
            for spec in programme.forms:
                out.append(form_data(store, programme, spec.id, today=dt.date(2025, 6, 30)))
        finally:
            store.close()
    return out


def test_every_form_of_every_programme_as_docx_holds_the_pdfs_table(
    every_form: list[FormData], tmp_path: Path
) -> None:
    assert len(every_form) == sum(len(get_programme(p).forms) for p in available_programmes())
    for n, data in enumerate(every_form):
        out = write_docx(data, tmp_path / f"{n}.docx")
        doc = Document(str(out))
        text = _doc_text(doc)
        where = data.display_name
        assert data.title.replace("\n", "") in text.replace("\n", ""), where
        for item in header_items(data):
            assert item.label in text, (where, item.label)
            if item.value:
                assert item.value in text, (where, item.value)
        if data.spec.layout == "record":
            blocks = record_blocks(data)
            for block in blocks:
                for row in block.rows:
                    for label, value in (
                        row.cells if isinstance(row, PairRow) else ((row.label, row.text),)
                    ):
                        assert label in text and value in text, (where, label)
            continue
        grid = build_grid(data)
        table = doc.tables[0]
        assert [c.text for c in table.rows[0].cells] == list(grid.headers), where
        if grid.kind == "data":
            assert len(table.rows) == 1 + len(grid.rows), where
            for r, row in enumerate(grid.rows):
                got = [c.text for c in table.rows[1 + r].cells]
                for c, value in enumerate(row):
                    if value:
                        assert got[c] == value, (where, r, c, value, got[c])


def test_merged_cells_and_repeated_header_as_in_the_pdf() -> None:
    data = FormData(make_spec(), {"kindergarten_name": "示例幼儿园"}, roster_rows(2, 3))
    doc = build_document(data)
    table = doc.tables[0]
    # the core kindergarten spans its three partners' rows: one cell object, three rows
    column = [c._tc for c in table.columns[0].cells]
    assert column[1] is column[2] is column[3] and column[3] is not column[4]
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")


def test_rare_characters_and_what_was_typed_are_kept() -> None:
    rows = roster_rows(1, 1)
    rows[0]["partner_person"] = "欧阳㛃"
    rows[0]["partner_name"] = "城关幼儿园（东校区）①"
    doc = build_document(FormData(make_spec(), {}, rows))
    text = _doc_text(doc)
    assert "欧阳㛃" in text and "城关幼儿园（东校区）①" in text


def test_docx_needs_its_suffix_and_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    data = FormData(make_spec(), {}, roster_rows(1, 1))
    with pytest.raises(UserError, match=r"\.docx"):
        write_docx(data, tmp_path / "a.pdf")
    with pytest.raises(UserError):
        write_docx(data, tmp_path / "missing" / "a.docx")
    assert not list(tmp_path.iterdir())


def test_every_form_as_docx_carries_its_code_and_qr_in_the_footer(every_form) -> None:
    """Word paginates, so the .docx carries one code for the whole form (page 0) in the
    footer of every page, with the QR code as a picture that reads back to the same code."""
    import io

    import zxingcpp
    from PIL import Image

    from gongtongti_desktop.core.signed.codes import parse_qr
    from gongtongti_desktop.core.signed.printed import PrintMark, content_lines

    for data in every_form[:3] + every_form[-2:]:
        mark = PrintMark("FILE2345", data.spec.id, data.period, (), False, "t", content_lines(data))
        doc = build_document(data, mark)
        footer = doc.sections[0].footer
        assert f"表格编号 {mark.code(0)}" in footer.paragraphs[0].text, data.spec.id
        assert mark.drawn == [mark.code(0)] and mark.pages == 0
        (blob,) = [r.target_part.blob for r in footer.part.rels.values() if "image" in r.reltype]
        (read,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(blob)))
        assert parse_qr(read.text) == ("FILE2345", mark.code(0))
