"""Reading the roster table out of a checked workbook: find the header, read every row,
check the rows against each other.

Why so careful: the bureau's sheet is typed by hand. The lead and its person and phone are
often written only on the first row of its block (merged or left blank below); phones arrive
as numbers that lost their leading 0 or as "1.52E+10". Every problem in the table is reported
at once, each naming the sheet, row and column, so the director fixes the file in one pass.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import validation as v
from gongtongti_desktop.core.roster_import.workbook_guard import (
    check_container,
    load_workbook,
    read_bytes,
    refuse,
)
from gongtongti_desktop.errors import ImportRefused

MAX_DATA_ROWS = 5_000
MAX_CELL_CHARS = 200
HEADER_SEARCH_ROWS = 10
HEADER_SEARCH_COLUMNS = 50

PERSON_LABEL = "责任人"
PHONE_LABEL = "联系方式"

# "1.52E+10" typed or pasted as text: the number's last digits are gone for good.
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedRow:
    """One pairing as read from the sheet (names and phones already cleaned)."""

    sheet_row: int  # 1-based Excel row number
    lead: str
    lead_person: str
    lead_phone: str
    partner: str
    partner_person: str
    partner_phone: str


@dataclass(frozen=True)
class RosterFile:
    path: Path
    sheet: str
    rows: tuple[ImportedRow, ...]


# -- reading the whole file ------------------------------------------------------------------


def read_roster_xlsx(path: Path, programme: Programme) -> RosterFile:
    """Read and check the roster workbook; raise ImportRefused listing every problem."""
    path = Path(path)
    data = read_bytes(path)
    check_container(path, data)
    workbook = load_workbook(path, data)
    try:
        sheet = _find_table(workbook, _expected_header(programme))
        rows = _read_rows(sheet)
    finally:
        workbook.close()
    return RosterFile(path=path, sheet=sheet.name, rows=rows)


# -- reading: finding the table ------------------------------------------------------------------


def _expected_header(programme: Programme) -> tuple[str, ...]:
    partner = programme.roles.partners[0]
    return (
        programme.roles.lead,
        PERSON_LABEL,
        PHONE_LABEL,
        partner,
        PERSON_LABEL,
        PHONE_LABEL,
    )


def _header_key(value: Any) -> str:
    """A header cell compared without any whitespace ("受援 学区", "联系\\n方式")."""
    if value is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


# A merged range as (top, left, bottom, right); its value lives in the cell (top, left).
_Range = tuple[int, int, int, int]


@dataclass(frozen=True)
class _ColumnMerges:
    """The merged ranges crossing one column, sorted by top row (they never overlap)."""

    tops: list[int]
    ranges: list[_Range]

    def at(self, row: int) -> _Range | None:
        i = bisect.bisect_right(self.tops, row) - 1
        if i >= 0 and self.ranges[i][2] >= row:
            return self.ranges[i]
        return None


@dataclass(frozen=True)
class _Table:
    """Where the roster sits in a sheet, with merged ranges resolved on lookup."""

    name: str
    cells: dict[tuple[int, int], Any]  # the cells the sheet actually has
    header_row: int
    first_column: int
    header: tuple[str, ...]
    merges: dict[int, _ColumnMerges]  # table column -> merged ranges covering it

    @property
    def columns(self) -> range:
        return range(self.first_column, self.first_column + len(self.header))

    def raw(self, row: int, column: int) -> Any:
        return _value(self.cells.get((row, column)))

    def merged(self, row: int, column: int) -> _Range | None:
        found = self.merges.get(column)
        return found.at(row) if found else None

    def anchor(self, row: int, index: int) -> tuple[int, int]:
        """The cell holding the value shown at (row, table column index)."""
        column = self.first_column + index
        found = self.merged(row, column)
        return (found[0], found[1]) if found else (row, column)

    def value(self, row: int, index: int) -> Any:
        return _value(self.cells.get(self.anchor(row, index)))

    def is_error(self, row: int, index: int) -> bool:
        return getattr(self.cells.get(self.anchor(row, index)), "data_type", "") == "e"

    def place(self, row: int, index: int) -> str:
        """Where a cell is, in Chinese; a merged cell is named by its top-left cell."""
        anchor_row, anchor_column = self.anchor(row, index)
        letter = get_column_letter(anchor_column)
        return f"工作表“{self.name}”第 {anchor_row} 行 {letter} 列（{self.header[index]}）"


def _value(cell: Any) -> Any:
    return None if cell is None else cell.value


def _sheet_cells(ws: Worksheet) -> dict[tuple[int, int], Any]:
    # The cells the file contains. ``ws.cell``/``iter_rows`` would create every missing cell of
    # the used range (millions, if one stray cell sits at row 1 048 576); openpyxl keeps the
    # real ones in ``_cells``.
    return dict(ws._cells)


def _find_table(workbook: Workbook, header: tuple[str, ...]) -> _Table:
    sheets = list(workbook.worksheets)
    if workbook.active in sheets:
        sheets.remove(workbook.active)
        sheets.insert(0, workbook.active)
    for ws in sheets:
        cells = _sheet_cells(ws)
        found = _find_header(cells, header)
        if found:
            row, column = found
            return _Table(
                name=ws.title,
                cells=cells,
                header_row=row,
                first_column=column,
                header=header,
                merges=_merge_index(ws, range(column, column + len(header))),
            )
    names = "、".join(f"“{ws.title}”" for ws in workbook.worksheets)
    raise refuse(
        f"找不到表头：{'|'.join(header)}（已查看工作表{names}的前 {HEADER_SEARCH_ROWS} 行；"
        "表头须恰好是这 6 列，顺序相同）"
    )


def _find_header(
    cells: dict[tuple[int, int], Any], header: tuple[str, ...]
) -> tuple[int, int] | None:
    """(row, first column) of the header row within the first rows, or None."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, column), cell in cells.items():
        if row <= HEADER_SEARCH_ROWS and column <= HEADER_SEARCH_COLUMNS:
            key = _header_key(_value(cell))
            if key:
                by_row.setdefault(row, []).append((column, key))
    for row in sorted(by_row):
        found = sorted(by_row[row])
        columns = [c for c, _ in found]
        keys = tuple(k for _, k in found)
        consecutive = columns == list(range(columns[0], columns[0] + len(columns)))
        if keys == header and consecutive:
            return row, columns[0]
    return None


def _merge_index(ws: Worksheet, columns: range) -> dict[int, _ColumnMerges]:
    found: dict[int, list[_Range]] = {}
    for merged in ws.merged_cells.ranges:
        bounds = (merged.min_row, merged.min_col, merged.max_row, merged.max_col)
        for column in columns:
            if merged.min_col <= column <= merged.max_col:
                found.setdefault(column, []).append(bounds)
    return {
        column: _ColumnMerges([r[0] for r in sorted(ranges)], sorted(ranges))
        for column, ranges in found.items()
    }


# -- reading: the rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lead:
    """The lead side, carried down to continuation rows whose lead cell is blank."""

    name: str
    person: str
    phone: str
    ok: bool  # False: its row already reported a problem; rows under it are not imported


def _read_rows(table: _Table) -> tuple[ImportedRow, ...]:
    data_rows = _data_rows(table)
    if not data_rows:
        raise refuse(f"工作表“{table.name}”表头（第 {table.header_row} 行）下面没有任何结对。")
    problems: list[str] = []
    rows: list[ImportedRow] = []
    carried: _Lead | None = None
    for row in data_rows:
        parsed, carried = _read_row(table, row, carried, problems)
        if parsed is not None:
            rows.append(parsed)
    rows = _merge_duplicates(table, rows, problems)
    rows = _check_leads(table, rows, problems)
    rows = _check_people(table, rows, problems)
    if problems:
        # A merged cell is named by its top-left cell, so its problem is listed once.
        raise ImportRefused(list(dict.fromkeys(problems)))
    return tuple(rows)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _data_rows(table: _Table) -> list[int]:
    """Rows below the header with something in the table's columns, except note lines."""
    rows = {
        row
        for (row, column), cell in table.cells.items()
        if row > table.header_row and column in table.columns and not _blank(_value(cell))
    }
    if len(rows) > MAX_DATA_ROWS:
        raise refuse(
            f"工作表“{table.name}”有 {len(rows)} 行数据（最多 {MAX_DATA_ROWS} 行），"
            "不像结对名单，已拒绝。"
        )
    return sorted(r for r in rows if not _is_header_or_note(table, r))


def _is_header_or_note(table: _Table, row: int) -> bool:
    """A repeated header row, or one text merged across the whole table width (a note)."""
    keys = tuple(_header_key(table.raw(row, c)) for c in table.columns)
    if keys == table.header:
        return True
    first, last = table.columns[0], table.columns[-1]
    merged = table.merged(row, first)
    return merged is not None and merged[0] == row and merged[3] >= last


def _read_row(
    table: _Table, row: int, carried: _Lead | None, problems: list[str]
) -> tuple[ImportedRow | None, _Lead | None]:
    """One sheet row as a pairing (None after reporting its problems) and the lead to carry."""
    lead_name = _name_cell(table, row, 0, problems, required=False)
    inherited = carried.person if lead_name == "" and carried is not None else ""
    lead_side = _person_phone(table, row, 0, problems, inherited)
    partner = _name_cell(table, row, 3, problems, required=True)
    partner_side = _person_phone(table, row, 3, problems)
    if lead_name == "":  # blank: a continuation row of the lead above
        lead = _continue_lead(table, row, carried, lead_side, problems)
        next_carried = carried
    else:
        ok = lead_name is not None and lead_side is not None
        lead = _Lead(lead_name or "", *(lead_side or ("", "")), ok=ok)
        next_carried = lead
    if lead is None or not lead.ok or partner is None or partner_side is None:
        return None, next_carried
    if lead.name == partner:
        problems.append(f"{table.place(row, 3)}：{table.header[3]}不能与{table.header[0]}相同")
        return None, next_carried
    pairing = ImportedRow(row, lead.name, lead.person, lead.phone, partner, *partner_side)
    return pairing, next_carried


def _continue_lead(
    table: _Table,
    row: int,
    carried: _Lead | None,
    own: tuple[str, str] | None,
    problems: list[str],
) -> _Lead | None:
    if carried is None:
        problems.append(f"{table.place(row, 0)}：{table.header[0]}不能为空")
        return None
    if own is None:
        return None
    person, phone = own
    return _Lead(carried.name, person or carried.person, phone or carried.phone, carried.ok)


def _person_phone(
    table: _Table, row: int, start: int, problems: list[str], inherited: str = ""
) -> tuple[str, str] | None:
    """(责任人, 联系方式) of the side whose name is in column ``start``; None on a problem.

    ``inherited`` is the person carried down from the lead above, whom a lone phone describes.
    """
    person = _name_cell(table, row, start + 1, problems, required=False)
    phone = _phone_cell(table, row, start + 2, problems)
    if person is None or phone is None:
        return None
    if phone and not (person or inherited):
        problems.append(
            f"{table.place(row, start + 1)}：{PERSON_LABEL}为空，却填了{PHONE_LABEL}“{phone}”"
        )
        return None
    return person, phone


def _checked_value(table: _Table, row: int, index: int, problems: list[str]) -> tuple[bool, Any]:
    """(ok, value) of a cell after the checks every column shares."""
    value = table.value(row, index)
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        problems.append(
            f"{table.place(row, index)}：内容过长（{len(value)} 字，最多 {MAX_CELL_CHARS} 字）"
        )
        return False, None
    if table.is_error(row, index):
        problems.append(f"{table.place(row, index)}：单元格是 Excel 错误值 {value}，请改为实际内容")
        return False, None
    return True, value


def _name_cell(
    table: _Table, row: int, index: int, problems: list[str], *, required: bool
) -> str | None:
    """A kindergarten or person name, cleaned; "" when blank; None after a reported problem."""
    ok, value = _checked_value(table, row, index, problems)
    if not ok:
        return None
    label = table.header[index]
    try:
        return v.clean_name(_name_text(value, label), label, required=required)
    except ValueError as exc:
        problems.append(f"{table.place(row, index)}：{exc}")
        return None


def _name_text(value: Any, label: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        raise ValueError(f"{label}应为文字，单元格里是日期、时间或逻辑值（{value}）")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _phone_cell(table: _Table, row: int, index: int, problems: list[str]) -> str | None:
    """A phone, normalised by ``validation.clean_phone``; "" when blank; None on a problem."""
    ok, value = _checked_value(table, row, index, problems)
    if not ok:
        return None
    try:
        return v.clean_phone(_phone_text(value))
    except ValueError as exc:
        hint = ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            hint = "（单元格是数字格式：固定电话开头的 0 会被 Excel 去掉，请把单元格设为文本后重新输入）"
        problems.append(f"{table.place(row, index)}：{exc}{hint}")
        return None


def _phone_text(value: Any) -> str:
    """A phone cell as text: numbers keep every digit, never "1.5169302257E10"."""
    if value is None:
        return ""
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        raise ValueError(f"{PHONE_LABEL}应为号码，单元格里是日期、时间或逻辑值（{value}）")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{PHONE_LABEL}“{value}”是小数，不是号码")
        return str(int(value))
    text = str(value)
    if _SCIENTIFIC.match(unicodedata.normalize("NFKC", text).strip()):
        raise ValueError(
            f"{PHONE_LABEL}“{text.strip()}”是科学计数法，号码的后几位已经丢失（Excel 把长数字显示成"
            "科学计数法后又存成了文字）；请在原表中重新输入完整号码"
        )
    return text


# -- reading: consistency across rows ---------------------------------------------------------


def _merge_duplicates(
    table: _Table, rows: list[ImportedRow], problems: list[str]
) -> list[ImportedRow]:
    """The same pairing twice: identical rows collapse, differing ones are a conflict."""
    first: dict[tuple[str, str], ImportedRow] = {}
    kept = []
    for row in rows:
        key = (row.lead, row.partner)
        seen = first.get(key)
        if seen is None:
            first[key] = row
            kept.append(row)
            continue
        differs = _differences(table, seen, row)
        if differs:
            problems.append(
                f"工作表“{table.name}”第 {row.sheet_row} 行：与第 {seen.sheet_row} 行是同一结对"
                f"（{row.lead} — {row.partner}），但{'、'.join(differs)}不同"
            )
    return kept


def _differences(table: _Table, a: ImportedRow, b: ImportedRow) -> list[str]:
    fields = (
        ("lead_person", f"{table.header[0]}{PERSON_LABEL}"),
        ("lead_phone", f"{table.header[0]}{PHONE_LABEL}"),
        ("partner_person", f"{table.header[3]}{PERSON_LABEL}"),
        ("partner_phone", f"{table.header[3]}{PHONE_LABEL}"),
    )
    return [label for attr, label in fields if getattr(a, attr) != getattr(b, attr)]


def _check_leads(table: _Table, rows: list[ImportedRow], problems: list[str]) -> list[ImportedRow]:
    """One lead has one responsible person and phone; blanks take the lead's stated value."""
    stated: dict[str, dict[str, tuple[str, int]]] = {}
    for row in rows:
        for attr, index in (("lead_person", 1), ("lead_phone", 2)):
            value = getattr(row, attr)
            if not value:
                continue
            known = stated.setdefault(row.lead, {}).setdefault(attr, (value, row.sheet_row))
            if known[0] != value:
                problems.append(
                    f"{table.place(row.sheet_row, index)}：{table.header[0]}“{row.lead}”的"
                    f"{table.header[index]}在第 {known[1]} 行是“{known[0]}”，这里是“{value}”"
                    f"（同一{table.header[0]}只能填一个{table.header[index]}）"
                )
    return [
        dataclasses.replace(
            row,
            lead_person=row.lead_person or _known(stated, row.lead, "lead_person"),
            lead_phone=row.lead_phone or _known(stated, row.lead, "lead_phone"),
        )
        for row in rows
    ]


def _known(stated: dict[str, dict[str, tuple[str, int]]], key: str, attr: str) -> str:
    return stated.get(key, {}).get(attr, ("", 0))[0]


def _check_people(table: _Table, rows: list[ImportedRow], problems: list[str]) -> list[ImportedRow]:
    """One person (name, kindergarten) has one phone wherever they appear in the file."""
    phones: dict[tuple[str, str], tuple[str, int]] = {}
    for row in rows:
        for kg, person, phone, index in people_of(row):
            if not person or not phone:
                continue
            known = phones.setdefault((person, kg), (phone, row.sheet_row))
            if known[0] != phone:
                problems.append(
                    f"{table.place(row.sheet_row, index)}：“{person}”（{kg}）的{PHONE_LABEL}"
                    f"在第 {known[1]} 行是 {known[0]}，这里是 {phone}"
                )

    def phone_of(kg: str, person: str, phone: str) -> str:
        return phone or (phones.get((person, kg), ("", 0))[0] if person else "")

    return [
        dataclasses.replace(
            row,
            lead_phone=phone_of(row.lead, row.lead_person, row.lead_phone),
            partner_phone=phone_of(row.partner, row.partner_person, row.partner_phone),
        )
        for row in rows
    ]


def people_of(row: ImportedRow) -> Iterator[tuple[str, str, str, int]]:
    """(kindergarten, person, phone, phone column index) for both sides of a row."""
    yield row.lead, row.lead_person, row.lead_phone, 2
    yield row.partner, row.partner_person, row.partner_phone, 5
