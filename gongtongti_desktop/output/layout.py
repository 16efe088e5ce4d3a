"""The grid of a printable form, shared by the PDF and the xlsx writers.

Turns a template (``FormSpec``) and its rows (``FormData``) into plain text cells, the merged
spans of the ``merge`` columns and the header line, so both outputs print the same table; for
a record form (``layout = "record"``) into one ``RecordBlock`` per row: label/value rows, long
texts and photos. No drawing here, and nothing specific to one form.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from gongtongti_desktop.core.forms.form_data import FormData

NO_RECORDS = "（无记录）"
BLANK = "＿" * 6  # the xlsx stand-in for a line to fill in by hand

# C0 controls other than \t and \n: XML 1.0 (xlsx, PDF markup) cannot hold them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text as printable: line breaks normalised to ``\\n``, other control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


@dataclass(frozen=True)
class Span:
    """Body rows ``first``..``last`` (inclusive, 0-based, ``last > first``) of ``column`` are one cell."""

    column: int
    first: int
    last: int


@dataclass(frozen=True)
class HSpan:
    """Columns ``first``..``last`` (inclusive, 0-based) of body row ``row`` are one cell (the
    label of a sum row, e.g. "基础项合计（满分90分）" across the index columns)."""

    row: int
    first: int
    last: int


@dataclass(frozen=True)
class HeaderItem:
    label: str
    value: str | None  # None: a blank line to fill in by hand


@dataclass(frozen=True)
class Grid:
    """The body of a form table as text.

    ``kind`` is ``"data"`` (rows from the data, then the sum rows, then any blank rows),
    ``"blank"`` (only ``empty_rows`` blank rows) or ``"none"`` (one row saying ``NO_RECORDS``
    across the table). Body rows ``data_rows``..``data_rows + total_rows - 1`` are sum rows.
    ``groups[i]`` is the group number of body row ``i``; rows may merge only within a group,
    and ``None`` marks rows that never merge (blank rows, rows with an empty group key).
    """

    headers: tuple[str, ...]
    aligns: tuple[str, ...]
    widths: tuple[float, ...]
    merge: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    groups: tuple[int | None, ...]
    kind: Literal["data", "blank", "none"]
    data_rows: int
    valigns: tuple[str, ...] = ()
    min_height_mm: float = 0.0  # data rows at least this tall (template min_row_height_mm)
    total_rows: int = 0
    hspans: tuple[HSpan, ...] = ()

    def row_kind(self, i: int) -> Literal["data", "total", "blank"]:
        if i < self.data_rows:
            return "data"
        return "total" if i < self.data_rows + self.total_rows else "blank"

    def spans(self, breaks: Collection[int] = ()) -> list[Span]:
        """Merged cells: within a group, runs of equal text in a merge column.

        ``breaks`` are body-row indices where a new run must start even inside a group (used
        by the PDF to cut a group taller than a page; the merged text is then repeated).
        """
        out: list[Span] = []
        cut = set(breaks)
        for col, merged in enumerate(self.merge):
            if not merged:
                continue
            start = 0
            for i in range(1, len(self.rows) + 1):
                same = (
                    i < len(self.rows)
                    and i not in cut
                    and self.groups[i] is not None
                    and self.groups[i] == self.groups[start]
                    and self.rows[i][col] == self.rows[start][col]
                )
                if not same:
                    if i - 1 > start:
                        out.append(Span(col, start, i - 1))
                    start = i
        return out

    def group_runs(self) -> list[tuple[int, int]]:
        """(first, last) body rows of each run of rows sharing a group (single rows included)."""
        runs: list[tuple[int, int]] = []
        start = 0
        for i in range(1, len(self.rows) + 1):
            if (
                i == len(self.rows)
                or self.groups[i] is None
                or self.groups[i] != self.groups[start]
            ):
                runs.append((start, i - 1))
                start = i
        return runs if self.rows else []


def build_grid(data: FormData) -> Grid:
    spec = data.spec
    columns = spec.columns
    rows: list[tuple[str, ...]] = []
    groups: list[int | None] = []
    group_no = -1
    previous_key: str | None = None
    for row in data.rows:
        rows.append(tuple(clean_text(data.cell(row, c.bind)) for c in columns))
        key = data.cell(row, spec.group_by) if spec.group_by else ""
        if not key:
            groups.append(None)
            previous_key = None
            continue
        if key != previous_key:
            group_no += 1
            previous_key = key
        groups.append(group_no)
    data_rows = len(rows)
    hspans = []
    for total in data.totals:
        fields = set(total.values)
        first_value = next(
            (n for n, c in enumerate(columns) if c.bind.split(":", 1)[0] in fields), len(columns)
        )
        texts = [clean_text(total.label)] + [""] * (max(first_value, 1) - 1)
        texts += [clean_text(data.cell(total.values, c.bind)) for c in columns[len(texts) :]]
        if first_value > 1:
            hspans.append(HSpan(len(rows), 0, first_value - 1))
        rows.append(tuple(texts))
        groups.append(None)
    for _ in range(max(spec.empty_rows, 0)):
        rows.append(("",) * len(columns))
        groups.append(None)
    kind: Literal["data", "blank", "none"] = "data"
    if not data_rows and not data.totals:
        kind = "blank" if rows else "none"
    return Grid(
        headers=tuple(clean_text(c.title) for c in columns),
        aligns=tuple(c.align for c in columns),
        widths=tuple(c.width for c in columns),
        merge=tuple(c.merge for c in columns),
        rows=tuple(rows),
        groups=tuple(groups),
        kind=kind,
        data_rows=data_rows,
        valigns=tuple(c.valign for c in columns),
        min_height_mm=spec.min_row_height_mm,
        total_rows=len(data.totals),
        hspans=tuple(hspans),
    )


def header_items(data: FormData) -> list[HeaderItem]:
    """The header line: bound fields show their value, unbound (or empty) ones a blank line."""
    items = []
    for field in data.spec.header_fields:
        value = clean_text(data.header.get(field.bind, "") or "").strip() if field.bind else ""
        label = clean_text(field.label).strip()
        if not label.endswith(("：", ":")):
            label += "："
        value = value.replace("\n", " ").replace("\t", " ")
        items.append(HeaderItem(label.replace("\n", " ").replace("\t", " "), value or None))
    return items


def notes_lines(data: FormData) -> list[str]:
    """The notes under the table: "注：…" for one, "注：" then "1．…" lines for several."""
    notes = [clean_text(n).strip() for n in data.notes if n.strip()]
    if len(notes) <= 1:
        return [f"注：{n}" for n in notes]
    return ["注：", *(f"{n}．{text}" for n, text in enumerate(notes, 1))]


def header_line_text(data: FormData) -> str:
    """The header line as one string (for the xlsx sheet)."""
    return "    ".join(
        f"{item.label}{item.value if item.value is not None else BLANK}"
        for item in header_items(data)
    )


# -- record forms -------------------------------------------------------------------------------

# Relative widths of a record table's four columns: label, value, label, value.
RECORD_WIDTHS = (1.0, 2.2, 1.0, 2.2)
NO_ATTACHMENTS = ""  # no photos: the photo box is left empty, to paste prints into


@dataclass(frozen=True)
class PairRow:
    """One or two (label, value) pairs side by side; a single pair's value spans the row."""

    cells: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TextRow:
    """A long text with its label; may continue on the next page."""

    label: str
    text: str
    min_height_mm: float = 0.0


@dataclass(frozen=True)
class Photo:
    name: str  # the original file name
    caption: str  # printed under the photo (the caption, else the file name)
    path: str  # the stored copy; "" when it cannot be shown (see ``problem``)
    problem: str = ""  # printed instead of the photo, e.g. "（图片文件缺失：a.jpg）"


@dataclass(frozen=True)
class RecordBlock:
    """One record (one activity) as printed: a page (or more) of the record form."""

    rows: tuple[PairRow | TextRow, ...]
    images_label: str = ""  # "" when the form shows no photos
    photos: tuple[Photo, ...] = ()
    files: tuple[str, ...] = ()  # attachments that are not images, by name
    per_row: int = 2
    image_height_mm: float = 55.0


def missing_photo_text(name: str) -> str:
    return f"（图片文件缺失：{name}）"


def unreadable_photo_text(name: str) -> str:
    return f"（图片无法读取：{name}）"


def files_text(names: tuple[str, ...]) -> str:
    return "其他附件：" + "、".join(names)


def _record_rows(data: FormData, row: dict[str, Any]) -> tuple[PairRow | TextRow, ...]:
    out: list[PairRow | TextRow] = []
    waiting: tuple[str, str] | None = None  # a short field waiting for its partner
    for f in data.spec.fields:
        label = clean_text(f.label)
        value = clean_text(data.cell(row, f.bind))
        if f.kind == "short" and waiting is not None:
            out.append(PairRow((waiting, (label, value))))
            waiting = None
            continue
        if waiting is not None:
            out.append(PairRow((waiting,)))
            waiting = None
        if f.kind == "short":
            waiting = (label, value)
        elif f.kind == "wide":
            out.append(PairRow(((label, value),)))
        else:
            out.append(TextRow(label, value, f.min_height_mm))
    if waiting is not None:
        out.append(PairRow((waiting,)))
    return tuple(out)


def _photos(files: list[dict[str, Any]]) -> tuple[tuple[Photo, ...], tuple[str, ...]]:
    photos, others = [], []
    for f in files:
        name = clean_text(str(f.get("original_name") or f.get("name") or ""))
        if not f.get("is_image"):
            others.append(name)
            continue
        caption = clean_text(str(f.get("caption") or "")).strip() or name
        if f.get("missing") or not f.get("path"):
            photos.append(Photo(name, caption, "", missing_photo_text(name)))
        else:
            photos.append(Photo(name, caption, str(f["path"])))
    return tuple(photos), tuple(others)


def record_blocks(data: FormData) -> list[RecordBlock]:
    """One block per row; no rows gives one blank block (a record sheet to fill in by hand)."""
    spec = data.spec
    blocks = []
    for row in data.rows or [{}]:
        photos: tuple[Photo, ...] = ()
        files: tuple[str, ...] = ()
        if spec.images:
            raw = row.get(spec.images) or []
            photos, files = _photos(list(raw))
        blocks.append(
            RecordBlock(
                rows=_record_rows(data, row),
                images_label=clean_text(spec.images_label) if spec.images else "",
                photos=photos,
                files=files,
                per_row=spec.images_per_row,
                image_height_mm=spec.image_height_mm,
            )
        )
    return blocks
