"""Printing any form template to an A4 PDF, laid out like a printed Chinese official form.

Everything comes from the template (``FormSpec``) and its rows (``FormData``): the label
("附件1") top left, the centred title, the header line with blanks to sign, the ruled table with
the ``merge`` columns spanning each group's rows, the footnote, the signature line and page
numbers. A record form (``layout = "record"``) prints the same heading for each row, then a
ruled label/value table whose long texts may run onto the next page, then its photos scaled
into a grid; a page break separates the rows. A page a record (or the table) runs onto is
headed with the title, "（续）" and the record, and numbered within that record.

This module builds the story and the document; the look is in ``pdf_style``, the ruled table
in ``pdf_tables``, the record table and its photos in ``pdf_records``.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LayoutError,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.core.signed.printed import PrintMark
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output.files import atomic_write
from gongtongti_desktop.output.fonts import register_cjk_font
from gongtongti_desktop.output.layout import (
    PairRow,
    RecordBlock,
    build_grid,
    clean_text,
    header_items,
    notes_lines,
    record_blocks,
)
from gongtongti_desktop.output.pdf_records import photo_table, record_table
from gongtongti_desktop.output.pdf_style import (
    HEADER_LINE_SIZE,
    HeaderLine,
    RecordMark,
    Styles,
    bold_paragraph,
    markup,
    numbered_canvas,
)
from gongtongti_desktop.output.pdf_tables import table

CREATOR = "共同体工作台（gongtongti-desktop）"

MARGIN_X = 20 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 18 * mm


def _stack_height(flowables: list[Flowable], width: float, height: float) -> float:
    """Height the flowables take at the top of a page (a little more, never less)."""
    total = 0.0
    for flowable in flowables:
        total += flowable.wrap(width, height)[1]
        total += flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _heading(data: FormData, styles: Styles, frame_w: float) -> list[Flowable]:
    """Label, title and header line, as at the top of the form."""
    story: list[Flowable] = []
    if data.spec.label:
        story.append(bold_paragraph(data.spec.label, styles.label, 0.35))
    story.append(bold_paragraph(data.title, styles.title_for(data.title, frame_w), 0.5))
    items = header_items(data)
    if items:
        story.append(HeaderLine(items, styles.font, HEADER_LINE_SIZE))
        story.append(Spacer(1, 4))
    return story


def _tail(data: FormData, styles: Styles) -> list[Flowable]:
    """Notes, footnote and signature line, below the table."""
    story: list[Flowable] = []
    notes = notes_lines(data)
    if notes:
        story.append(Spacer(1, 4))
        story += [Paragraph(markup(line), styles.note) for line in notes]
    if data.spec.footnote:
        story.append(Spacer(1, 6))
        story.append(Paragraph(markup(data.spec.footnote), styles.footnote))
    if data.spec.signature:
        story.append(Spacer(1, 16))
        story.append(Paragraph(markup(data.spec.signature), styles.signature))
    return story


def _record_label(block: RecordBlock, n: int) -> str:
    """What a continuation page of a record says it belongs to: its theme (the first field
    set on a row of its own) and its date, e.g. "送教下乡：大班科学《沉与浮》　2024-10-15"."""
    theme = date = ""
    for row in block.rows:
        if not isinstance(row, PairRow):
            continue
        for label, value in row.cells:
            if not theme and len(row.cells) == 1 and value.strip():
                theme = value.strip()
            if not date and ("日期" in label or "时间" in label) and value.strip():
                date = value.strip()
    label = "　".join(part for part in (theme, date) if part)
    return (label[:60] + "…") if len(label) > 61 else (label or f"第 {n} 条记录")


def _table_story(data: FormData, styles: Styles, frame_w: float, frame_h: float) -> list[Flowable]:
    story: list[Flowable] = [RecordMark(0, data.period.label if data.period else "")]
    story += _heading(data, styles, frame_w)
    story.append(
        table(build_grid(data), styles, frame_w, frame_h, _stack_height(story, frame_w, frame_h))
    )
    return story + _tail(data, styles)


def _record_story(data: FormData, styles: Styles, frame_w: float, frame_h: float) -> list[Flowable]:
    story: list[Flowable] = []
    for n, block in enumerate(record_blocks(data)):
        if n:
            story.append(PageBreak())
        story.append(RecordMark(n, _record_label(block, n + 1)))
        story += _heading(data, styles, frame_w)
        story.append(record_table(block, styles, frame_w))
        if block.images_label:
            story.append(photo_table(block, styles, frame_w))
        story += _tail(data, styles)
    return story


def document_title(data: FormData) -> str:
    """The PDF's title: the form and the period it covers ("附件2 …月工作计划（2024年秋季学期）")."""
    title = clean_text(data.display_name).replace("\n", " ")
    return f"{title}（{data.period.label}）" if data.period else title


def render_pdf(data: FormData, mark: PrintMark | None = None) -> bytes:
    """The form as PDF bytes (A4, landscape when the template says so).

    ``mark``: print each page's code (QR and short code) in the bottom margin; the mark then
    knows the pages, for ``record_print``. Without it (a package's copy) no code is printed.

    The creation date is the real one (``SOURCE_DATE_EPOCH``, when set, fixes it: the same
    input then gives byte-identical files)."""
    spec = data.spec
    font = register_cjk_font()
    styles = Styles(font)
    pagesize = landscape(A4) if spec.orientation == "landscape" else A4
    frame_w = pagesize[0] - 2 * MARGIN_X
    frame_h = pagesize[1] - MARGIN_TOP - MARGIN_BOTTOM

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=document_title(data),
        author=data.header.get("kindergarten_name") or CREATOR,
        subject=spec.description or clean_text(data.title),
        creator=CREATOR,
        lang="zh-CN",
        invariant=0,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        frame_w,
        frame_h,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame])])
    if spec.layout == "record":
        story = _record_story(data, styles, frame_w, frame_h)
    else:
        story = _table_story(data, styles, frame_w, frame_h)
    try:
        top = pagesize[1] - MARGIN_TOP + 4 * mm
        doc.build(
            story,
            canvasmaker=numbered_canvas(
                font,
                clean_text(data.title).replace("\n", ""),
                top,
                mark.page_codes if mark is not None else None,
            ),
        )
    except LayoutError as exc:
        raise UserError(
            f"“{data.display_name}”无法排版：某一格的内容太长，一页放不下。请缩短这条记录后再打印。"
        ) from exc
    return buffer.getvalue()


def write_pdf(data: FormData, out: Path, mark: PrintMark | None = None) -> Path:
    """Render and save the form; the file appears whole or not at all."""
    content = render_pdf(data, mark)
    return atomic_write(Path(out), content, "PDF 文件")
