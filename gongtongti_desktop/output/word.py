"""Any form template as a Word file (.docx) with the same table as the PDF, for WPS or Word.

Directors edit what they hand in: a .docx they can open in WPS, correct a word, print and sign.
The content comes from the same grid and record blocks as the PDF and the xlsx sheet
(``layout``): label, title, header line, the ruled table with the ``merge`` columns merged,
notes, footnote, signature line; a record form gives one block per record with its photos, a
page break between records. Fonts are named (宋体, 黑体) but not embedded: WPS and Word draw
rare characters from their own fallback fonts.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.core.signed.printed import PrintMark
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output.codes import QR_SIZE_MM, code_label, qr_png
from gongtongti_desktop.output.files import atomic_write
from gongtongti_desktop.output.layout import (
    NO_RECORDS,
    RECORD_WIDTHS,
    PairRow,
    RecordBlock,
    TextRow,
    build_grid,
    clean_text,
    files_text,
    header_items,
    notes_lines,
    record_blocks,
)

BODY_FONT = "宋体"
LABEL_FONT = "黑体"
BODY_SIZE = Pt(10.5)  # 五号
TITLE_SIZE = Pt(18)  # 小二
LABEL_SIZE = Pt(14)  # 四号
NOTE_SIZE = Pt(9)
MARGIN_X = Mm(20)
MARGIN_Y = Mm(18)
PHOTO_MAX_W_MM = 80.0
ROW_MM = 8.5  # a row at least this tall, to read and to correct by hand (as the PDF's)

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
_VALIGN = {
    "top": WD_CELL_VERTICAL_ALIGNMENT.TOP,
    "middle": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
    "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM,
}


def _set_font(run_or_style: object, name: str, size: Pt, *, bold: bool = False) -> None:
    """Name the font for Latin and East Asian text both (Word picks by script)."""
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = name
    font.size = size
    font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _text(
    par: Paragraph, text: str, name: str = BODY_FONT, size: Pt = BODY_SIZE, *, bold: bool = False
) -> None:
    """Add ``text`` to ``par``, its line breaks as Word line breaks."""
    for n, line in enumerate(clean_text(text).split("\n")):
        run = par.add_run(line)
        _set_font(run, name, size, bold=bold)
        if n:
            run._r.addprevious(_line_break())


def _line_break() -> OxmlElement:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


def _paragraph(doc: DocumentObject, text: str, align: str = "left", **font: object) -> Paragraph:
    par = doc.add_paragraph()
    par.alignment = _ALIGN[align]
    par.paragraph_format.space_after = Pt(2)
    _text(par, text, **font)  # type: ignore[arg-type]
    return par


def _cell(
    cell: _Cell, text: str, align: str = "center", valign: str = "middle", *, bold: bool = False
) -> None:
    par = cell.paragraphs[0]
    par.alignment = _ALIGN.get(align, WD_ALIGN_PARAGRAPH.CENTER)
    _text(par, text, bold=bold)
    cell.vertical_alignment = _VALIGN.get(valign, WD_CELL_VERTICAL_ALIGNMENT.CENTER)


def _repeat_header(table: Table) -> None:
    """The header row printed again on every page the table runs onto."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _min_heights(table: Table, mm: float = ROW_MM) -> None:
    for row in table.rows:
        if row.height is None:
            row.height = Mm(mm)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _widths(table: Table, relative: tuple[float, ...], total: float) -> None:
    whole = sum(relative) or 1.0
    for n, column in enumerate(table.columns):
        width = Mm(total * relative[n] / whole)
        column.width = width
        for cell in column.cells:
            cell.width = width


def _new_document(data: FormData) -> tuple[DocumentObject, float]:
    doc = Document()
    section = doc.sections[0]
    if data.spec.orientation == "landscape":
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = MARGIN_X
    section.top_margin = section.bottom_margin = MARGIN_Y
    _set_font(doc.styles["Normal"], BODY_FONT, BODY_SIZE)
    props = doc.core_properties
    props.title = clean_text(data.display_name) + (
        f"（{data.period.label}）" if data.period else ""
    )
    props.author = data.header.get("kindergarten_name") or "共同体工作台"
    props.comments = "由共同体工作台生成"
    text_width_mm = (section.page_width - 2 * MARGIN_X) / Mm(1)
    return doc, text_width_mm


def _heading(doc: DocumentObject, data: FormData) -> None:
    spec = data.spec
    if spec.label:
        _paragraph(doc, spec.label, name=LABEL_FONT, size=LABEL_SIZE, bold=True)
    _paragraph(doc, data.title, "center", size=TITLE_SIZE, bold=True)
    items = header_items(data)
    if items:
        line = "    ".join(
            f"{item.label}{item.value if item.value is not None else '＿' * 6}" for item in items
        )
        _paragraph(doc, line)


def _tail(doc: DocumentObject, data: FormData) -> None:
    for line in notes_lines(data):
        _paragraph(doc, line, size=NOTE_SIZE)
    if data.spec.footnote:
        _paragraph(doc, data.spec.footnote, size=NOTE_SIZE)
    if data.spec.signature:
        _paragraph(doc, data.spec.signature)


def _grid_table(doc: DocumentObject, data: FormData, width_mm: float) -> None:
    grid = build_grid(data)
    ncols = len(grid.headers)
    body = grid.rows if grid.kind != "none" else ((NO_RECORDS,) + ("",) * (ncols - 1),)
    table = doc.add_table(rows=1 + len(body), cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, grid.widths, width_mm)
    for col, header in enumerate(grid.headers):
        _cell(table.cell(0, col), header, bold=True)
    _repeat_header(table)
    if grid.kind == "none":
        merged = table.cell(1, 0).merge(table.cell(1, ncols - 1))
        _cell(merged, NO_RECORDS)
        return
    covered: set[tuple[int, int]] = set()
    for span in grid.spans():
        cell = table.cell(1 + span.first, span.column).merge(table.cell(1 + span.last, span.column))
        _cell(
            cell,
            body[span.first][span.column],
            grid.aligns[span.column],
            _valign(grid, span.column),
        )
        covered.update((r, span.column) for r in range(span.first, span.last + 1))
    for hspan in grid.hspans:
        cell = table.cell(1 + hspan.row, hspan.first).merge(table.cell(1 + hspan.row, hspan.last))
        _cell(cell, body[hspan.row][hspan.first], bold=True)
        covered.update((hspan.row, c) for c in range(hspan.first, hspan.last + 1))
    for r, row in enumerate(body):
        total = grid.row_kind(r) == "total"
        for c, text in enumerate(row):
            if (r, c) not in covered:
                _cell(table.cell(1 + r, c), text, grid.aligns[c], _valign(grid, c), bold=total)
    if grid.min_height_mm:
        for r in range(grid.data_rows):
            table.rows[1 + r].height = Mm(grid.min_height_mm)
            table.rows[1 + r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    _min_heights(table)


def _valign(grid: object, column: int) -> str:
    valigns = getattr(grid, "valigns", ())
    return valigns[column] if column < len(valigns) else "middle"


def _record_table(doc: DocumentObject, block: RecordBlock, width_mm: float) -> None:
    table = doc.add_table(rows=len(block.rows), cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, RECORD_WIDTHS, width_mm)
    for r, row in enumerate(block.rows):
        if isinstance(row, TextRow):
            _cell(table.cell(r, 0), row.label, bold=True)
            value = table.cell(r, 1).merge(table.cell(r, 3))
            _cell(value, row.text, "left", "top")
            if row.min_height_mm:
                table.rows[r].height = Mm(row.min_height_mm)
            continue
        assert isinstance(row, PairRow)
        if len(row.cells) == 1:
            label, value = row.cells[0]
            _cell(table.cell(r, 0), label, bold=True)
            _cell(table.cell(r, 1).merge(table.cell(r, 3)), value, "left")
        else:
            for n, (label, value) in enumerate(row.cells[:2]):
                _cell(table.cell(r, 2 * n), label, bold=True)
                _cell(table.cell(r, 2 * n + 1), value, "left")
    for r, row in enumerate(block.rows):
        if isinstance(row, TextRow) and row.min_height_mm:
            table.rows[r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    _min_heights(table)


def _photos(doc: DocumentObject, block: RecordBlock, width_mm: float) -> None:
    if not block.images_label:
        return
    _paragraph(doc, block.images_label, bold=True)
    per_row = max(block.per_row, 1)
    photo_w = min(PHOTO_MAX_W_MM, width_mm / per_row - 4)
    for photo in block.photos:
        if photo.problem or not photo.path:
            _paragraph(doc, photo.problem or photo.caption)
            continue
        par = doc.add_paragraph()
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        try:
            par.add_run().add_picture(photo.path, width=Mm(photo_w))
        except (UnrecognizedImageError, OSError, ValueError, ZeroDivisionError):
            par.text = ""
            _text(par, f"（图片无法读取：{photo.name}）")
            continue
        _paragraph(doc, photo.caption, "center", size=NOTE_SIZE)
    if block.files:
        _paragraph(doc, files_text(block.files), size=NOTE_SIZE)


def _code_footer(doc: DocumentObject, mark: PrintMark) -> None:
    """The form's code in the footer of every page: Word paginates, so one code (page 0)
    stands for the whole form, right-aligned under the table like the PDF's."""
    code, qr = mark.whole_form_code()
    section = doc.sections[0]
    section.footer_distance = Mm(4)
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _set_font(paragraph.add_run(code_label(code) + " "), BODY_FONT, Pt(8))
    paragraph.add_run().add_picture(io.BytesIO(qr_png(qr)), width=Mm(QR_SIZE_MM))


def build_document(data: FormData, mark: PrintMark | None = None) -> DocumentObject:
    """The form as a python-docx document (tests read it back); ``mark``: with its code."""
    doc, width_mm = _new_document(data)
    if mark is not None:
        _code_footer(doc, mark)
    if data.spec.layout == "record":
        for n, block in enumerate(record_blocks(data)):
            if n:
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _heading(doc, data)
            _record_table(doc, block, width_mm)
            _photos(doc, block, width_mm)
            _tail(doc, data)
    else:
        _heading(doc, data)
        _grid_table(doc, data, width_mm)
        _tail(doc, data)
    return doc


def render_docx(data: FormData, mark: PrintMark | None = None) -> bytes:
    buffer = io.BytesIO()
    build_document(data, mark).save(buffer)
    return buffer.getvalue()


def write_docx(data: FormData, out: Path, mark: PrintMark | None = None) -> Path:
    """Save the form as .docx; the file appears whole or not at all."""
    if Path(out).suffix.lower() != ".docx":
        raise UserError(f"Word 文件应以 .docx 结尾：{out}")
    return atomic_write(Path(out), render_docx(data, mark), "Word 文件")
