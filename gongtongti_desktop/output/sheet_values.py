"""What a form's cells hold in a workbook: numbers as numbers, dates as dates, ※ apart.

The grid the PDF prints is text ("3.5", "1※", "2025年3月30日"); in Excel text cannot be summed or
sorted, so the bureau's clerk would retype it. Here a cell whose whole text is a plain number
becomes a number, a whole date becomes a date shown as 2024年9月30日, and a score marked ※ (taken
from the program's suggestion) is split: the number stays in its column, the ※ goes to a narrow
column of its own beside it. Phone numbers, codes and "0/3" stay text: only short numbers
without a leading zero are numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from openpyxl.cell.cell import Cell

from gongtongti_desktop.output.layout import Grid, HSpan

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
MARK = "※"
MARK_WIDTH = 0.22  # relative width of the ※ column (a score column is about 0.5)

# At most six digits before the point and no leading zero: a phone (11 digits), an ID or a
# code such as "007" stays text.
_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,5})(?:\.\d+)?")
_DATES = (
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
)


def number_of(text: str) -> int | float | None:
    """The number ``text`` is, when it is nothing but a plain number."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def date_of(text: str) -> dt.date | None:
    text = text.strip()
    for pattern in _DATES:
        match = pattern.fullmatch(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


def put_value(cell: Cell, text: str) -> bool:
    """Write a number or a date when ``text`` is one (True), else leave the cell alone."""
    number = number_of(text)
    if number is not None:
        cell.value = number
        return True
    day = date_of(text)
    if day is not None:
        cell.value = day
        cell.number_format = DATE_FORMAT
        return True
    return False


def _marked(text: str) -> bool:
    return text.endswith(MARK) and number_of(text[: -len(MARK)]) is not None


def split_marks(grid: Grid) -> Grid:
    """The grid with a "※" column after each column holding marked scores ("2※" → 2 | ※)."""
    marked = [
        c
        for c in range(len(grid.headers))
        if any(_marked(row[c]) for row in grid.rows[: grid.data_rows])
    ]
    if not marked:
        return grid

    def widen(values: tuple, extra: object) -> tuple:
        out: list = []
        for c, value in enumerate(values):
            out.append(value)
            if c in marked:
                out.append(extra)
        return tuple(out)

    rows = []
    for row in grid.rows:
        cells: list[str] = []
        for c, text in enumerate(row):
            if c in marked and _marked(text):
                cells += [text[: -len(MARK)], MARK]
            else:
                cells += [text, ""] if c in marked else [text]
        rows.append(tuple(cells))

    def shifted(col: int) -> int:
        return col + sum(1 for m in marked if m < col)

    hspans = tuple(HSpan(h.row, shifted(h.first), shifted(h.last)) for h in grid.hspans)
    return replace(
        grid,
        headers=widen(grid.headers, MARK),
        aligns=widen(grid.aligns, "center"),
        widths=widen(grid.widths, MARK_WIDTH),
        merge=widen(grid.merge, False),
        valigns=widen(grid.valigns, "middle") if grid.valigns else (),
        rows=tuple(rows),
        hspans=hspans,
    )
