"""Import the bureau's Excel of 附件1 结对名单 (pairing roster) into the data file.

Why: the county bureau hands every kindergarten the roster as an Excel workbook; retyping it
row by row is where names and phone numbers go wrong. The file comes from outside, so it is
treated as hostile until proven otherwise, and the director sees what would change before
anything is written.

Three steps, each usable on its own (the CLI and the window call exactly these):

``read_roster_xlsx``
    Reads and checks the whole file without touching any database. Before openpyxl sees the
    bytes, the file is checked as a zip: size, member count, declared uncompressed size
    (Python's ``zipfile`` never inflates a member past its declared size, so the declared
    sizes are a real bound), encryption, any DTD/entity declaration in any part (a "billion
    laughs" bomb; openpyxl also parses through defusedxml, this is the second fence), and the
    number of cells and of merged cells (openpyxl creates an object for every cell of a merged
    range, so a 5 KB file merging A1:XFD1048576 would never finish loading). Every problem in
    the table is reported at once, each naming the sheet, row and column.
``plan_import``
    Compares the file with the data file, read-only: what would be added or changed.
``apply_import``
    Recomputes the plan inside one transaction and writes it through ``roster.save_record``,
    so the import validates exactly like the roster window. Re-importing the same file
    writes nothing.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.core.records import validation as v
from gongtongti_desktop.errors import ImportRefused

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_CELLS = 200_000  # cells in all sheets; a roster has a few hundred
MAX_MERGED_CELLS = 100_000  # cells covered by merged ranges, all sheets
MAX_DATA_ROWS = 5_000
MAX_CELL_CHARS = 200
HEADER_SEARCH_ROWS = 10
HEADER_SEARCH_COLUMNS = 50

PERSON_LABEL = "责任人"
PHONE_LABEL = "联系方式"
DISTRICT_SUFFIX = "学区"
DISTRICT_KIND = "学区"
DISTRICT_POST = "学区负责人"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
# A DTD has no business in an xlsx part; searched for in every member (UTF-16 parts are
# converted to UTF-8 first, the other encodings an XML parser accepts are ASCII-compatible).
DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")
CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
MERGE_REF = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
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


@dataclass(frozen=True)
class ImportPlan:
    file: RosterFile
    new_kindergartens: tuple[str, ...]
    new_people: tuple[tuple[str, str], ...]  # (person name, kindergarten name)
    changed_phones: tuple[tuple[str, str, str, str], ...]  # (person, kindergarten, old, new)
    new_pairings: tuple[tuple[str, str], ...]  # (lead, partner)
    changed_pairings: tuple[tuple[str, str, str], ...]  # (lead, partner, what changes)
    unchanged: int  # pairings already present exactly

    @property
    def is_empty(self) -> bool:
        """True when applying the plan would change nothing."""
        return not (
            self.new_kindergartens
            or self.new_people
            or self.changed_phones
            or self.new_pairings
            or self.changed_pairings
        )

    def summary_lines(self) -> list[str]:
        """Chinese lines for the preview dialog and the CLI."""
        lines = [
            f"文件：{self.file.path.name}（工作表“{self.file.sheet}”，{len(self.file.rows)} 对结对）"
        ]
        if self.is_empty:
            lines.append("没有需要导入的变化：名单与现有数据一致。")
            return lines
        lines += _section(f"新增幼儿园 {len(self.new_kindergartens)} 所：", self.new_kindergartens)
        lines += _section(
            f"新增人员 {len(self.new_people)} 人：",
            (f"{person}（{kg}）" for person, kg in self.new_people),
        )
        lines += _section(
            f"修改联系方式 {len(self.changed_phones)} 处：",
            (
                f"{person}（{kg}）：{old or '（空）'} → {new}"
                for person, kg, old, new in self.changed_phones
            ),
        )
        lines += _section(
            f"新增结对 {len(self.new_pairings)} 对：",
            (f"{lead} — {partner}" for lead, partner in self.new_pairings),
        )
        lines += _section(
            f"修改结对 {len(self.changed_pairings)} 对：",
            (f"{lead} — {partner}：{what}" for lead, partner, what in self.changed_pairings),
        )
        if self.unchanged:
            lines.append(f"已有且无变化的结对 {self.unchanged} 对")
        return lines


def _section(heading: str, items: Iterable[str]) -> list[str]:
    listed = [f"  - {item}" for item in items]
    return [heading, *listed] if listed else []


# -- reading: the file as bytes ---------------------------------------------------------------


def read_roster_xlsx(path: Path, programme: Programme) -> RosterFile:
    """Read and check the roster workbook; raise ImportRefused listing every problem."""
    path = Path(path)
    data = _read_bytes(path)
    _check_container(path, data)
    workbook = _load_workbook(path, data)
    try:
        sheet = _find_table(workbook, _expected_header(programme))
        rows = _read_rows(sheet)
    finally:
        workbook.close()
    return RosterFile(path=path, sheet=sheet.name, rows=rows)


def _refuse(message: str) -> ImportRefused:
    return ImportRefused([message])


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _refuse(
                f"文件“{path.name}”太大（{size / 1024 / 1024:.1f} MB，最多 "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB）；结对名单不会这么大，请检查是否选错了文件。"
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise _refuse(f"文件“{path}”不存在。") from exc
    except IsADirectoryError as exc:
        raise _refuse(f"“{path}”是文件夹，不是 Excel 文件。") from exc
    except OSError as exc:
        raise _refuse(f"无法读取文件“{path.name}”：{exc.strerror or exc}") from exc


def _check_container(path: Path, data: bytes) -> None:
    """Refuse anything that is not a sane xlsx zip before openpyxl parses a byte of it."""
    name = path.name
    if not data:
        raise _refuse(f"文件“{name}”是空的。")
    if data.startswith(_OLE_MAGIC):
        if _OLE_ENCRYPTED_MARK in data:
            raise _refuse(
                f"文件“{name}”设置了打开密码（已加密），无法读取。请在 Excel/WPS 中取消密码，"
                "另存为 .xlsx 后再导入。"
            )
        raise _refuse(
            f"文件“{name}”是旧版 Excel 97-2003 工作簿（.xls），不是 .xlsx。请在 Excel/WPS 中"
            "打开，另存为“Excel 工作簿（*.xlsx）”后再导入。"
        )
    if not data.startswith(_ZIP_MAGIC):
        raise _refuse(
            f"文件“{name}”不是 Excel 工作簿（.xlsx），可能是文本、CSV 或改了扩展名的其他文件。"
            "请在 Excel/WPS 中打开，另存为“Excel 工作簿（*.xlsx）”后再导入。"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(name, members)
            _scan_parts(name, archive, members)
    except zipfile.BadZipFile as exc:
        detail = str(exc) if str(exc).startswith("部件") else "压缩结构无法读取"
        raise _refuse(
            f"文件“{name}”不完整或已损坏（{detail}），无法作为 Excel 工作簿读取。"
        ) from exc


def _check_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refuse(
            f"文件“{name}”内部含有 {len(members)} 个部件（最多 {MAX_ZIP_MEMBERS} 个），"
            "不像正常的结对名单，已拒绝。"
        )
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _refuse(
            f"文件“{name}”解压后有 {total / 1024 / 1024:.0f} MB（最多 "
            f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB），可能是恶意构造的压缩文件，已拒绝。"
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise _refuse(f"文件“{name}”已加密，无法读取。请取消密码后另存为 .xlsx 再导入。")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _refuse(
            f"文件“{name}”是压缩文件，但里面没有 Excel 工作表（可能是 Word 文档或其他压缩包）。"
        )


def _scan_parts(name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Refuse entity declarations, and more cells or merged cells than openpyxl should build."""
    cells = merged = 0
    for member in members:
        text = part_bytes(archive, member)
        if any(mark in text for mark in DTD_MARKS):
            raise _refuse(
                f"文件“{name}”的部件 {member.filename} 含有 XML 实体/DTD 声明（正常的 Excel "
                "文件不会有，可能是恶意构造的文件），已拒绝。"
            )
        cells += sum(1 for _ in CELL_TAG.finditer(text))
        merged += sum(merged_area(m.group(1)) for m in MERGE_REF.finditer(text))
    if cells > MAX_CELLS:
        raise _refuse(
            f"文件“{name}”共有 {cells} 个单元格（最多 {MAX_CELLS} 个），不像结对名单，已拒绝。"
        )
    if merged > MAX_MERGED_CELLS:
        raise _refuse(
            f"文件“{name}”的合并单元格共覆盖 {merged} 个单元格（最多 {MAX_MERGED_CELLS} 个），"
            "可能是恶意构造的文件，已拒绝。"
        )


def part_bytes(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes (at most its declared size); UTF-16 XML re-encoded as UTF-8."""
    try:
        data = archive.read(member)
    except Exception as exc:
        # Truncated data, a bad CRC, zlib.error, an unsupported compression method: all mean
        # the same to the director.
        raise zipfile.BadZipFile(f"部件 {member.filename} 无法解压") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le"
        if data.startswith(b"\x00<"):
            encoding = "utf-16-be"
        data = data.decode(encoding, errors="replace").encode("utf-8")
    return data


def merged_area(ref: bytes) -> int:
    """Cells covered by a merged range such as ``A1:F1``; 0 when openpyxl could not read it."""
    try:
        left, top, right, bottom = range_boundaries(ref.decode("ascii", errors="replace"))
    except (ValueError, TypeError):
        return 0
    rows = (bottom or 1_048_576) - (top or 1) + 1
    columns = (right or 16_384) - (left or 1) + 1
    return max(rows, 0) * max(columns, 0)


def _load_workbook(path: Path, data: bytes) -> Workbook:
    """openpyxl on the checked bytes; merged cells need read_only=False; no formula is kept."""
    try:
        with warnings.catch_warnings():
            # Unsupported extensions (data validation, conditional formats) only warn.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=False, data_only=True, keep_links=False
            )
    except Exception as exc:  # a hostile or damaged file can fail in any parser layer
        forbidden = defusedxml_cause(exc)
        if forbidden is not None:
            raise _refuse(
                f"文件“{path.name}”含有被禁止的 XML 内容（{type(forbidden).__name__}），可能是恶意"
                "构造的文件，已拒绝。"
            ) from exc
        raise _refuse(
            f"文件“{path.name}”已损坏或不是有效的 Excel 工作簿，无法读取（{type(exc).__name__}：{exc}）。"
        ) from exc


def defusedxml_cause(exc: BaseException | None) -> BaseException | None:
    """defusedxml's refusal, which openpyxl re-raises wrapped in a ValueError."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


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
    raise _refuse(
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
        raise _refuse(f"工作表“{table.name}”表头（第 {table.header_row} 行）下面没有任何结对。")
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
        raise _refuse(
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
        for kg, person, phone, index in _people_of(row):
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


def _people_of(row: ImportedRow) -> Iterator[tuple[str, str, str, int]]:
    """(kindergarten, person, phone, phone column index) for both sides of a row."""
    yield row.lead, row.lead_person, row.lead_phone, 2
    yield row.partner, row.partner_person, row.partner_phone, 5


# -- planning -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    """The active roster records, keyed the way the import matches them."""

    kindergartens: dict[str, dict[str, Any]]  # normalised name -> row
    people: dict[tuple[str, str], dict[str, Any]]  # (normalised name, kindergarten id) -> row
    people_by_id: dict[str, dict[str, Any]]
    pairings: dict[tuple[str, str], dict[str, Any]]  # (lead id, partner id) -> row

    @classmethod
    def load(cls, store: Store) -> _Snapshot:
        kindergartens: dict[str, dict[str, Any]] = {}
        for row in store.query(
            "SELECT * FROM kindergarten WHERE deleted_at IS NULL ORDER BY rowid"
        ):
            kindergartens.setdefault(v.normalize_name(row["name"]), row)
        people: dict[tuple[str, str], dict[str, Any]] = {}
        people_by_id: dict[str, dict[str, Any]] = {}
        for row in store.query("SELECT * FROM person WHERE deleted_at IS NULL ORDER BY rowid"):
            people.setdefault((v.normalize_name(row["name"]), row["kindergarten_id"]), row)
            people_by_id[row["id"]] = row
        pairings: dict[tuple[str, str], dict[str, Any]] = {}
        for row in store.query("SELECT * FROM pairing WHERE deleted_at IS NULL ORDER BY rowid"):
            pairings.setdefault((row["lead_id"], row["partner_id"]), row)
        return cls(kindergartens, people, people_by_id, pairings)

    def kindergarten_id(self, name: str) -> str | None:
        row = self.kindergartens.get(name)
        return row["id"] if row else None

    def person(self, name: str, kindergarten: str) -> dict[str, Any] | None:
        kg_id = self.kindergarten_id(kindergarten)
        return self.people.get((name, kg_id)) if kg_id else None

    def pairing(self, lead: str, partner: str) -> dict[str, Any] | None:
        lead_id, partner_id = self.kindergarten_id(lead), self.kindergarten_id(partner)
        if lead_id is None or partner_id is None:
            return None
        return self.pairings.get((lead_id, partner_id))


def _file_people(file: RosterFile) -> dict[tuple[str, str], str]:
    """(person, kindergarten) -> phone (may be blank), in file order."""
    people: dict[tuple[str, str], str] = {}
    for row in file.rows:
        for kg, person, phone, _index in _people_of(row):
            if person:
                people[(person, kg)] = people.get((person, kg)) or phone
    return people


def _file_kindergartens(file: RosterFile) -> list[str]:
    names: dict[str, None] = {}
    for row in file.rows:
        names.setdefault(row.lead)
        names.setdefault(row.partner)
    return list(names)


def plan_import(store: Store, programme: Programme, file: RosterFile) -> ImportPlan:
    """What importing ``file`` would change; reads the data file, writes nothing."""
    snap = _Snapshot.load(store)
    new_people, changed_phones = _plan_people(snap, file)
    new_pairings, changed_pairings, unchanged = _plan_pairings(snap, programme, file)
    return ImportPlan(
        file=file,
        new_kindergartens=tuple(
            n for n in _file_kindergartens(file) if n not in snap.kindergartens
        ),
        new_people=tuple(new_people),
        changed_phones=tuple(changed_phones),
        new_pairings=tuple(new_pairings),
        changed_pairings=tuple(changed_pairings),
        unchanged=unchanged,
    )


def _plan_people(
    snap: _Snapshot, file: RosterFile
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]]]:
    new: list[tuple[str, str]] = []
    changed: list[tuple[str, str, str, str]] = []
    for (person, kg), phone in _file_people(file).items():
        current = snap.person(person, kg)
        if current is None:
            new.append((person, kg))
        elif phone and current["phone"] != phone:
            changed.append((person, kg, current["phone"], phone))
    return new, changed


def _plan_pairings(
    snap: _Snapshot, programme: Programme, file: RosterFile
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]], int]:
    new: list[tuple[str, str]] = []
    changed: list[tuple[str, str, str]] = []
    unchanged = 0
    for row in file.rows:
        current = snap.pairing(row.lead, row.partner)
        if current is None:
            new.append((row.lead, row.partner))
            continue
        what = _pairing_changes(snap, programme, row, current)
        if what:
            changed.append((row.lead, row.partner, "；".join(what)))
        else:
            unchanged += 1
    return new, changed, unchanged


def _pairing_changes(
    snap: _Snapshot, programme: Programme, row: ImportedRow, current: dict[str, Any]
) -> list[str]:
    """What the file changes in an existing pairing: only stated responsible persons."""
    what = []
    sides = (
        (programme.roles.lead, row.lead_person, current["lead_person_id"]),
        (current["partner_role"], row.partner_person, current["partner_person_id"]),
    )
    for role, wanted, person_id in sides:
        now = snap.people_by_id.get(person_id or "")
        now_name = v.normalize_name(now["name"]) if now else ""
        if wanted and wanted != now_name:
            what.append(f"{role}{PERSON_LABEL} {now_name or '（空）'} → {wanted}")
    return what


# -- applying -------------------------------------------------------------------------------------


def apply_import(store: Store, programme: Programme, plan: ImportPlan) -> ImportPlan:
    """Apply the plan (recomputed now) in one transaction; returns what was applied.

    On any error nothing is written and the error propagates.
    """
    with store.atomic():
        fresh = plan_import(store, programme, plan.file)
        if fresh.is_empty:
            return fresh
        _Applier(store, programme, fresh).run()
    return fresh


def import_roster(store: Store, programme: Programme, path: Path) -> ImportPlan:
    """Read, plan and apply in one go (for the CLI)."""
    return apply_import(
        store, programme, plan_import(store, programme, read_roster_xlsx(path, programme))
    )


class _Applier:
    """Writes one plan through ``roster.save_record`` (the window's validation)."""

    def __init__(self, store: Store, programme: Programme, plan: ImportPlan) -> None:
        self.store = store
        self.programme = programme
        self.plan = plan
        self.snap = _Snapshot.load(store)
        self.kg_ids = {name: row["id"] for name, row in self.snap.kindergartens.items()}
        self.is_district = {
            name: _is_district(row["name"], row["kind"])
            for name, row in self.snap.kindergartens.items()
        }
        self.file_people = _file_people(plan.file)
        self.rows = {(r.lead, r.partner): r for r in plan.file.rows}

    def save(self, table: str, values: dict[str, Any], record_id: str | None = None) -> str:
        return roster.save_record(self.store, self.programme, table, values, record_id)

    def run(self) -> None:
        for name in self.plan.new_kindergartens:
            self.kg_ids[name] = self.save("kindergarten", {"name": name, "kind": self._kind(name)})
            self.is_district[name] = _is_district(name, "")
        for person, kg in self.plan.new_people:
            values = {
                "name": person,
                "post": self._post(kg),
                "phone": self.file_people[(person, kg)],
                "kindergarten_id": self.kg_ids[kg],
            }
            self.save("person", values)
        for person, kg, _old, new in self.plan.changed_phones:
            current = self._person(person, kg)
            self.save("person", {**current, "phone": new}, current["id"])
        for lead, partner in self.plan.new_pairings:
            self._save_pairing(self._row(lead, partner), {}, None)
        for lead, partner, _what in self.plan.changed_pairings:
            current = self._pairing(lead, partner)
            self._save_pairing(self._row(lead, partner), current, current["id"])

    def _save_pairing(
        self, row: ImportedRow, current: dict[str, Any], record_id: str | None
    ) -> None:
        values = {
            **current,
            "lead_id": self.kg_ids[row.lead],
            "partner_id": self.kg_ids[row.partner],
            "partner_role": current.get("partner_role") or self.programme.roles.partners[0],
        }
        for side, person, kg in (
            ("lead", row.lead_person, row.lead),
            ("partner", row.partner_person, row.partner),
        ):
            key = f"{side}_person_id"
            if person:
                values[key] = self._person(person, kg)["id"]
            elif values.get(key) and values[key] not in self.snap.people_by_id:
                # A responsible person deleted since: the window shows none, and save_record
                # would refuse the dangling reference.
                values[key] = None
        self.save("pairing", values, record_id)

    def _person(self, name: str, kg: str) -> dict[str, Any]:
        rows = self.store.query(
            "SELECT * FROM person WHERE deleted_at IS NULL AND kindergarten_id = ?",
            (self.kg_ids[kg],),
        )
        return next(r for r in rows if v.normalize_name(r["name"]) == name)

    def _pairing(self, lead: str, partner: str) -> dict[str, Any]:
        rows = self.store.query(
            "SELECT * FROM pairing WHERE deleted_at IS NULL AND lead_id = ? AND partner_id = ?"
            " ORDER BY rowid LIMIT 1",
            (self.kg_ids[lead], self.kg_ids[partner]),
        )
        return rows[0]

    def _row(self, lead: str, partner: str) -> ImportedRow:
        return self.rows[(lead, partner)]

    def _kind(self, name: str) -> str:
        district = name.endswith(DISTRICT_SUFFIX)
        return (
            DISTRICT_KIND if district and DISTRICT_KIND in self.programme.kindergarten_kinds else ""
        )

    def _post(self, kg: str) -> str:
        district = self.is_district.get(kg, False)
        return DISTRICT_POST if district and DISTRICT_POST in self.programme.posts else ""


def _is_district(name: str, kind: str) -> bool:
    """A kind says so; an unknown kind falls back to the name ending in 学区."""
    return kind == DISTRICT_KIND or (not kind and name.endswith(DISTRICT_SUFFIX))
