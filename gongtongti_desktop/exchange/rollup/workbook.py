"""The 汇总 workbook: the ranking sheet, activities per kind and month, and the files left out.

Every text cell goes through ``output.xlsx.put_text``: names come from other people's files,
and a kindergarten called "=HYPERLINK(…)" must stay a name (formula injection). Figures are
numbers so the clerk can sort and sum them. Saved whole or not at all (``atomic_write``).

Each row is made as finished cells — value, number format, the table's ruling — and appended
once (``_Rows``): a 汇总 of 200 packages has some 70 000 cells, and looking each up again by
its coordinates to rule the table afterwards cost about an eighth of writing the workbook.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from gongtongti_desktop.core.profile.indexes import fmt_points
from gongtongti_desktop.core.profile.periods import plan_row_label
from gongtongti_desktop.core.upload import before_export
from gongtongti_desktop.exchange.rollup.counties import CountyRow, county_rows
from gongtongti_desktop.output.files import atomic_write

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as SheetCell
    from openpyxl.worksheet.worksheet import Worksheet

    from gongtongti_desktop.exchange.rollup.figures import KindergartenRow
    from gongtongti_desktop.exchange.rollup.rollup import MergeReport

MAIN_HEADERS = (
    ("排名", 6), ("幼儿园", 30), ("方案", 26), ("期间", 18), ("导出时间", 18),
    ("截止日期", 12), ("按时上报", 10), ("帮扶活动（次）", 12), ("要求达成（项次）", 14),
    ("已到期要求（项次）", 16), ("逾期补录（条）", 12), ("自评总分", 10), ("县评总分", 10), ("满分", 8),
    ("排名依据", 10), ("文件", 40),
)  # fmt: skip
Cell = str | int | float | dt.date | dt.datetime | None
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
STAMP_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
# The main sheet's columns formatted whatever their value: 导出时间, 截止日期 and the totals.
_MAIN_FORMATS = {5: STAMP_FORMAT, 6: DATE_FORMAT, 12: "0.0", 13: "0.0", 14: "0.0"}


def write_report(report: MergeReport) -> None:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    with _collector_paused():
        book = Workbook()
        book.remove(book.active)
        book.properties.creator = "共同体工作台（gongtongti-desktop）"
        book.properties.title = "上报数据汇总"
        _main_sheet(book.create_sheet("汇总"), report.rows)
        _activity_sheet(book.create_sheet("活动统计"), report.rows)
        _open_items_sheet(book.create_sheet("上报时未处理"), report.rows)
        counties = county_rows(report.rows)
        if counties:  # a programme with yearly targets per county (盘锦)
            _county_sheet(book.create_sheet("县区汇总"), counties)
        _rows_sheet(book.create_sheet("签字件"), SIGNED_HEADERS, signed_rows(report.rows))
        _photo_sheet(book.create_sheet("照片核对"), report.rows)
        left_out = [(p.name, why) for p, why in report.bad] + [
            (p.name, f"同一幼儿园同一期间已有更新的数据包（{newer}），本包未计入")
            for p, newer in report.superseded
        ]
        _rows_sheet(book.create_sheet("未汇总的文件"), (("文件", 40), ("原因", 90)), left_out)
        for ws in book.worksheets:
            _printable(ws)
        book.save(buffer)
    atomic_write(report.out, buffer.getvalue(), "汇总表")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the workbook is built and saved.

    Why: its 70 000 cells (and their style arrays) are made in one go and kept to the end, and
    the collector walked them again and again looking for garbage among them — about a sixth
    of writing the 汇总 of 200 packages. It is turned back on (if it was on) however this ends;
    whatever became garbage meanwhile is collected then."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class _Rows:
    """A sheet written row by row: the header (bold, widths, frozen), then the table, every
    cell of it ruled, up to the first empty row; a note below that (after an empty row) is
    not ruled. Every row of a table is as wide as its header."""

    def __init__(
        self, ws: Worksheet, headers: tuple[tuple[str, float], ...] | list[tuple[str, float]]
    ) -> None:
        from openpyxl.cell.cell import Cell as SheetCell
        from openpyxl.styles import Border, Font, Side
        from openpyxl.utils import get_column_letter

        self.ws = ws
        self.ruled = True  # until the first empty row
        thin = Side(style="thin", color="000000")
        # ``cell.border = grid`` looks the border up in the workbook's list of borders by a
        # hash of all its sides and colours, worked out anew each time: it is set once here
        # and its index copied into each ruled cell, as openpyxl's own setter stores it.
        probe = SheetCell(ws)
        probe.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.border_id = probe._style.borderId
        cells = self._cells([title for title, _width in headers])
        bold = Font(bold=True)
        for cell in cells:
            cell.font = bold
        self._append(cells)
        for col, (_title, width) in enumerate(headers, 1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A2"

    def _cells(self, values: tuple[Cell, ...] | list[Cell]) -> list[SheetCell]:
        from openpyxl.cell.cell import Cell as SheetCell

        from gongtongti_desktop.output.xlsx import put_text

        cells = []
        for value in values:
            if isinstance(value, str):
                cell = SheetCell(self.ws)
                put_text(cell, value)
            else:
                cell = SheetCell(self.ws, value=value)
                if isinstance(value, dt.datetime):
                    cell.number_format = STAMP_FORMAT
                elif isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
            cells.append(cell)
        return cells

    def _append(self, cells: list[SheetCell]) -> None:
        from openpyxl.styles.cell_style import StyleArray

        if self.ruled:
            for cell in cells:
                if cell._style is None:  # a cell never styled has no style array yet
                    cell._style = StyleArray()
                cell._style.borderId = self.border_id
        self.ws.append(cells)

    def add(
        self, values: tuple[Cell, ...] | list[Cell], formats: dict[int, str] | None = None
    ) -> None:
        """One row; ``formats``: number formats of some columns (1-based) whatever the value."""
        cells = self._cells(values)
        for col, number_format in (formats or {}).items():
            cells[col - 1].number_format = number_format
        if self.ruled and all(cell.value is None for cell in cells):
            self.ruled = False  # the table ends at its first empty row
        self._append(cells)

    def note(self, text: str) -> None:
        """A line below the table, after an empty row."""
        self.ruled = False
        self.ws.append([])
        self._append(self._cells([text]))


def _printable(ws: Worksheet) -> None:
    """Printed as the clerk hands it on: landscape A4, fit to the page width, every cell of the
    table ruled (``_Rows``), the header row repeated on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


SIGNED_HEADERS = (("幼儿园", 28), ("期间", 16), ("已签字", 8), ("签字后已修改", 12), ("缺", 6),
                  ("签字件", 8), ("明细", 90))  # fmt: skip


def signed_rows(rows: list[KindergartenRow]) -> list[tuple[Cell, ...]]:
    """Per kindergarten: how many forms are signed, signed but changed since, and missing,
    with each one named (a package from before signed forms says so)."""
    out: list[tuple[Cell, ...]] = []
    for r in rows:
        s = r.signed
        if s is None:
            out.append((r.name, r.period.label, None, None, None, None, "数据包中没有签字件信息"))
            continue
        detail = "\n".join(s.lines())
        counts = (len(s.signed), len(s.changed), len(s.missing), s.scans)
        out.append((r.name, r.period.label, *counts, detail))
    return out


def _rows_sheet(
    ws: Worksheet, headers: tuple[tuple[str, float], ...], rows: list[tuple[Cell, ...]]
) -> None:
    sheet = _Rows(ws, headers)
    for values in rows:
        sheet.add(values)


def _stamp(value: dt.datetime) -> dt.datetime:
    """The export time as the clock showed it where it was made (Excel has no time zones)."""
    return value.replace(tzinfo=None)


def _main_sheet(ws: Worksheet, rows: list[KindergartenRow]) -> None:
    sheet = _Rows(ws, MAIN_HEADERS)
    for r in rows:
        late = (r.created_at.date() - r.deadline).days
        sheet.add(
            (
                r.rank,
                r.name,
                r.programme_name,
                r.period.label,
                _stamp(r.created_at),
                r.deadline,
                "按时" if r.on_time else f"逾期 {late} 天",
                r.activities.total(),
                r.rules_met,
                r.rules_closed,
                r.late_entries,
                r.self_total,
                r.county_total,
                r.score_max,
                r.rank_basis,
                r.path.name,
            ),
            _MAIN_FORMATS,
        )
    if rows and any(r.score_max is not None for r in rows):
        most = next(r.score_max for r in rows if r.score_max is not None)
        sheet.note(
            f"说明：总分含加分项（满分 {fmt_points(most)}）；排名在同一方案、同一期间内按县评总分，"
             "未评县评的按自评总分；“要求达成”只计已到期、且整个落在本期间内的要求；“逾期补录”是截止日期之后才录入的记录"
             "（方案规定逾期不计的，不计入要求达成）。"
        )  # fmt: skip


def _activity_sheet(ws: Worksheet, rows: list[KindergartenRow]) -> None:
    """幼儿园 | 期间 | 活动类型 | one column per plan row (month) of any package | 合计."""
    from gongtongti_desktop.output.xlsx import text_width

    spans = sorted(
        {(p.start, p.end): plan_row_label(p) for r in rows for p in r.activities.rows}.items()
    )
    columns = [span for span, _label in spans]
    headers: list[tuple[str, float]] = [("幼儿园", 30), ("期间", 18), ("活动类型", 14)]
    # as wide as its month's name: "2024年12月—2025年1月" is not cut off on paper
    headers += [(label, max(10.0, text_width(label) + 1)) for _span, label in spans]
    headers.append(("合计", 8))
    sheet = _Rows(ws, headers)
    for r in rows:
        counts = r.activities
        where = {(p.start, p.end): i for i, p in enumerate(counts.rows)}
        for kind in [*counts.kinds, "合计"]:
            values = counts.row_totals() if kind == "合计" else counts.counts[kind]
            cells: list[Cell] = [r.name, r.period.label, kind]
            cells += [values[where[c]] if c in where else None for c in columns]
            cells.append(sum(values))
            sheet.add(cells)


def _open_items_sheet(ws: Worksheet, rows: list[KindergartenRow]) -> None:
    """幼儿园 | 期间 | one column per kind of 上报前检查 item | 合计 | 说明: what each package's
    manifest says was still open when it was exported (a package from before the list: —)."""
    kinds = [s.kind for s in before_export.SOURCES]
    kinds += sorted({k for r in rows for k in r.open_items or {}} - set(kinds))
    headers = [("幼儿园", 30), ("期间", 18)]
    headers += [(before_export.kind_label(k), 14) for k in kinds] + [("合计", 8), ("说明", 40)]
    sheet = _Rows(ws, headers)
    for r in rows:
        found = r.open_items
        cells: list[Cell] = [r.name, r.period.label]
        if found is None:
            cells += [None] * (len(kinds) + 1) + ["旧版本导出的数据包，没有记录上报前检查"]
        else:
            cells += [found.get(k, 0) for k in kinds] + [sum(found.values()), ""]
        sheet.add(cells)


COUNTY_HEADERS = (
    ("方案", 26), ("年度", 8), ("县区", 14), ("参与帮扶（所）", 14), ("目标", 8),
    ("被帮扶（所）", 14), ("目标", 8), ("合计（所）", 12), ("目标合计", 10), ("说明", 70),
)  # fmt: skip


def _county_sheet(ws: Worksheet, rows: list[CountyRow]) -> None:
    """Participation per county and for the city against the year's targets: the city's total
    counts each kindergarten once; its target is the notice's "共N所" as written."""
    sheet = _Rows(ws, COUNTY_HEADERS)
    for r in rows:
        sheet.add(
            (r.programme_name, r.year, r.county, r.helpers, r.target_helpers, r.helped,
             r.target_helped, r.total, r.target_total, r.note),
        )  # fmt: skip


PHOTO_HEADERS = (
    ("幼儿园", 30), ("期间", 18), ("照片提示（条）", 14), ("其中已说明", 12), ("未说明", 10),
    ("无拍摄时间等（条）", 18), ("与其他园相同的照片（张）", 24),
)  # fmt: skip


def _photo_sheet(ws: Worksheet, rows: list[KindergartenRow]) -> None:
    """Per kindergarten: the photo flags its package carried (拍摄日期不符, 同一照片多次使用),
    how many the director answered, the milder notes, and photos found in another
    kindergarten's package too. Flags, not verdicts: the clerk reads the answers in the
    package."""
    sheet = _Rows(ws, PHOTO_HEADERS)
    for row in rows:
        sheet.add(
            (
                row.name, row.period.label, row.photo_flags, row.photo_answered,
                row.photo_flags - row.photo_answered, row.photo_notes, row.photo_shared,
            ),
        )  # fmt: skip
