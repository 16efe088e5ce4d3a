"""A record form (``layout = "record"``): for each row a ruled label/value table whose long
texts may run onto the next page, then its photos scaled into a grid.

Why photos are resampled here: a phone photo is 12 megapixels; printed 6 cm wide it needs a
fraction of that, and a diary of forty activities should not make a PDF too big to send.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from gongtongti_desktop.output.layout import (
    RECORD_WIDTHS,
    PairRow,
    Photo,
    RecordBlock,
    TextRow,
    files_text,
    unreadable_photo_text,
)
from gongtongti_desktop.output.pdf_style import (
    GRID_WIDTH,
    MIN_ROW,
    PAD_X,
    PAD_Y,
    Styles,
    markup,
    text_pieces,
)
from gongtongti_desktop.output.pdf_tables import ClosedTable

PHOTO_DPI = 200  # photos are resampled to this resolution at their printed size
PHOTO_QUALITY = 85


def record_table(block: RecordBlock, styles: Styles, frame_w: float) -> Table:
    """The ruled label/value table of one record: pairs, wide rows and long texts."""
    total = sum(RECORD_WIDTHS)
    col_w = [frame_w * w / total for w in RECORD_WIDTHS]
    wide_w = sum(col_w[1:])
    text_style = styles.text
    data: list[list[Flowable | str]] = []
    heights: list[float] = []
    commands: list[tuple] = [
        ("BOX", (0, 0), (-1, -1), GRID_WIDTH, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
    ]
    for row in block.rows:
        r = len(data)
        if isinstance(row, PairRow):
            cells: list[Flowable | str] = []
            for n, (label, value) in enumerate(row.cells):
                value_w = col_w[1] if len(row.cells) == 2 else wide_w
                cells += [
                    styles.cell(label, "center", col_w[2 * n], bold=True),
                    styles.cell(value, "left", value_w),
                ]
            cells += [""] * (4 - len(cells))
            data.append(cells)
            heights.append(MIN_ROW)
            if len(row.cells) == 1:
                commands.append(("SPAN", (1, r), (3, r)))
                commands.append(("LINEAFTER", (0, r), (0, r), GRID_WIDTH, colors.black))
            else:
                commands.append(("LINEAFTER", (0, r), (2, r), GRID_WIDTH, colors.black))
            commands.append(("LINEBELOW", (0, r), (-1, r), GRID_WIDTH, colors.black))
            continue
        assert isinstance(row, TextRow)
        pieces = text_pieces(row.text, text_style, wide_w)
        for n, piece in enumerate(pieces):
            label = styles.cell(row.label, "center", col_w[0], bold=True) if n == 0 else ""
            data.append([label, piece, "", ""])
            heights.append(MIN_ROW)
            commands.append(("SPAN", (1, r + n), (3, r + n)))
            if n > 0:
                commands.append(("TOPPADDING", (1, r + n), (3, r + n), 0))
            if n < len(pieces) - 1:
                commands.append(("BOTTOMPADDING", (1, r + n), (3, r + n), 0))
        if len(pieces) == 1:
            heights[r] = max(MIN_ROW, row.min_height_mm * mm)
        else:
            commands.append(("VALIGN", (1, r), (3, r + len(pieces) - 1), "TOP"))
            commands.append(("VALIGN", (0, r), (0, r), "TOP"))
        last = r + len(pieces) - 1
        commands.append(("LINEAFTER", (0, r), (0, last), GRID_WIDTH, colors.black))
        commands.append(("LINEBELOW", (0, last), (-1, last), GRID_WIDTH, colors.black))
    return ClosedTable(
        data,
        colWidths=col_w,
        minRowHeights=heights,
        style=TableStyle(commands),
        splitByRow=1,
    )


def _photo_image(photo: Photo, max_w: float, max_h: float) -> Flowable | None:
    """The photo scaled to fit ``max_w`` × ``max_h`` points, or None when it cannot be read.

    Turned upright (EXIF), flattened onto white and resampled to ``PHOTO_DPI`` at its printed
    size, so a 12-megapixel phone photo does not make a 10 MB PDF.
    """
    from PIL import Image as PILImage
    from PIL import ImageOps

    try:
        with PILImage.open(photo.path) as opened:
            w, h = opened.size
            if w <= 0 or h <= 0:
                return None
            # EXIF orientation 5-8 swaps width and height.
            turned = opened.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            if turned:
                w, h = h, w
            scale = min(max_w / w, max_h / h)
            out_w, out_h = w * scale, h * scale
            pixels = (
                max(1, round(out_w / 72 * PHOTO_DPI)),
                max(1, round(out_h / 72 * PHOTO_DPI)),
            )
            opened.draft("RGB", pixels[::-1] if turned else pixels)
            image = ImageOps.exif_transpose(opened)
            if image.mode in ("RGBA", "LA", "P", "PA"):
                image = image.convert("RGBA")
                background = PILImage.new("RGB", image.size, (255, 255, 255))
                background.paste(image, mask=image.getchannel("A"))
                image = background
            elif image.mode != "RGB":
                image = image.convert("RGB")
            if image.size[0] > pixels[0] or image.size[1] > pixels[1]:
                image = image.resize(pixels, PILImage.Resampling.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=PHOTO_QUALITY)
    except Exception:  # a broken photo must not stop the record from printing
        return None
    buffer.seek(0)
    return Image(buffer, width=out_w, height=out_h)


def photo_table(block: RecordBlock, styles: Styles, frame_w: float) -> Table:
    """The photos in a ruled grid, ``per_row`` to a row, each with its caption under it."""
    per_row = block.per_row
    col_w = frame_w / per_row
    max_w = col_w - 2 * PAD_X
    max_h = block.image_height_mm * mm
    caption_style = styles.caption
    data: list[list[Flowable | str | list[Flowable]]] = [
        [styles.cell(block.images_label, "center", frame_w, bold=True)] + [""] * (per_row - 1)
    ]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), GRID_WIDTH, colors.black),
        ("SPAN", (0, 0), (-1, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 1), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
    ]
    heights = [MIN_ROW]
    cells: list[list[Flowable]] = []
    for photo in block.photos:
        image = None if photo.problem else _photo_image(photo, max_w, max_h)
        if image is None:
            problem = photo.problem or unreadable_photo_text(photo.name)
            cells.append([Paragraph(markup(problem), caption_style)])
        else:
            cells.append([image, Spacer(1, 3), Paragraph(markup(photo.caption), caption_style)])
    for start in range(0, len(cells), per_row):
        chunk = cells[start : start + per_row]
        data.append([*chunk, *[""] * (per_row - len(chunk))])
        heights.append(MIN_ROW)
    if not block.photos:  # an empty box to paste printed photos into
        data.append([""] * per_row)
        heights.append(max_h + 2 * PAD_Y)
        commands.append(("SPAN", (0, 1), (-1, 1)))
    if block.files:
        r = len(data)
        data.append([styles.cell(files_text(block.files), "left", frame_w)] + [""] * (per_row - 1))
        heights.append(MIN_ROW)
        commands.append(("SPAN", (0, r), (-1, r)))
    return Table(
        data,
        colWidths=[col_w] * per_row,
        minRowHeights=heights,
        style=TableStyle(commands),
        splitByRow=1,
    )
