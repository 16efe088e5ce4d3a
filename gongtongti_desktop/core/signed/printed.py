"""What was printed, recorded under each page's code, so a signed page can be checked later.

Why the content and not only its hash: a signed form whose data changed since must say WHAT
changed ("第3行 活动主题：原为…，现为…"), so the printed text is kept as lines. The lines are
the form as a reader sees it — title, header line, every cell under its column's title, sums
and notes — not the records behind it, so a change that does not alter the paper (an internal
id, a field the form does not show) is not reported as a change.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.signed import codes
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError

FILE_ID_KEY = "file_id"
_CONTROL = re.compile("[\x00-\x1f\x7f\ufffe\uffff]")


def clean_line(text: object) -> str:
    """A value as one line of text: line breaks as spaces, control characters dropped."""
    text = str(text or "").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return _CONTROL.sub("", text).strip()


def file_id(store: Store) -> str:
    """The data file's id printed in every QR code (set by migration 0008)."""
    value = store.setting(FILE_ID_KEY)
    if not value:  # a file made before the migration wrote it cannot exist; be safe anyway
        value = codes.new_file_id()
        store.set_setting(FILE_ID_KEY, value)
    return value


def content_lines(data: FormData) -> list[str]:
    """The form as printed, one line per header field, table row, sum row and note."""
    spec = data.spec
    lines = [f"标题：{clean_line(data.title)}"]
    if data.period is not None:
        lines.append(f"期间：{data.period.label}")
    for item in spec.header_fields:
        value = data.header.get(item.bind, "") if item.bind else ""
        lines.append(f"{clean_line(item.label).rstrip('：:')}：{clean_line(value)}")
    for n, row in enumerate(data.rows, 1):
        cells = [
            f"{clean_line(c.title)}：{clean_line(data.cell(row, c.bind))}" for c in spec.columns
        ]
        lines.append(f"第{n}行　" + "　".join(cells))
    for total in data.totals:
        cells = [clean_line(data.cell(total.values, c.bind)) for c in spec.columns]
        lines.append(f"{clean_line(total.label)}：" + "　".join(c for c in cells if c))
    lines += [f"注：{clean_line(note)}" for note in data.notes if note.strip()]
    return lines


def fingerprint(lines: list[str]) -> str:
    """16 hex digits of the SHA-256 of the printed lines."""
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def selection(data: FormData) -> tuple[str, ...]:
    """The activities a record form was printed for (empty: the form of a whole period)."""
    if data.spec.source == "activities" and data.period is None:
        return tuple(str(row.get("id", "")) for row in data.rows)
    return ()


@dataclass
class PrintMark:
    """One printing of one form: hands the renderer each page's code, then is recorded.

    ``pages`` is set by the renderer once it knows how many pages the form took (0 for a
    .docx, whose pages only Word knows: its one code stands for the whole form)."""

    file_id: str
    form_id: str
    period: Period | None
    selection: tuple[str, ...]
    blank: bool
    title: str
    lines: list[str]
    fingerprint: str = ""
    pages: int = 0
    drawn: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fingerprint = fingerprint(self.lines)

    def code(self, page: int) -> str:
        """The short code of ``page`` (1-based; 0: the whole form)."""
        period = _period_key(self.period)
        chosen = ",".join(self.selection)
        blank = "1" if self.blank else "0"
        parts = (self.file_id, self.form_id, period, chosen, blank, str(page), self.fingerprint)
        return codes.make_code(*parts)

    def page_codes(self, total: int) -> list[tuple[str, str]]:
        """(short code, QR text) of pages 1..total; remembers ``total`` for ``record_print``."""
        self.pages = total
        out = [
            (self.code(n), codes.qr_text(self.file_id, self.code(n))) for n in range(1, total + 1)
        ]
        self.drawn = [code for code, _ in out]
        return out

    def whole_form_code(self) -> tuple[str, str]:
        """(short code, QR text) standing for the whole form (a .docx: Word paginates)."""
        self.pages = 0
        code = self.code(0)
        self.drawn = [code]
        return code, codes.qr_text(self.file_id, code)


def _period_key(period: Period | None) -> str:
    return f"{period.kind}:{period.start.isoformat()}:{period.end.isoformat()}" if period else ""


def print_mark(store: Store, data: FormData) -> PrintMark:
    """The mark for printing ``data`` from ``store`` (nothing written yet)."""
    return PrintMark(
        file_id(store),
        data.spec.id,
        data.period,
        selection(data),
        data.blank,
        clean_line(data.display_name),
        content_lines(data),
    )


def record_print(store: Store, mark: PrintMark) -> list[str]:
    """Record the pages ``mark`` was drawn on; returns their codes. Printing the same content
    again gives the same codes and changes nothing (the first printing's time is kept)."""
    if not mark.drawn:
        raise UserError("没有生成任何页，无法记录打印")
    period = mark.period
    now = now_iso()
    rows: list[dict[str, Any]] = []
    for n, code in enumerate(mark.drawn, 1 if mark.pages else 0):
        rows.append(
            {
                "code": code,
                "file_id": mark.file_id,
                "form_id": mark.form_id,
                "period_kind": period.kind if period else "",
                "period_start": period.start.isoformat() if period else "",
                "period_end": period.end.isoformat() if period else "",
                "period_label": period.label if period else "",
                "selection": ",".join(mark.selection),
                "blank": int(mark.blank),
                "page": n,
                "pages": mark.pages,
                "fingerprint": mark.fingerprint,
                "title": mark.title,
                "content": json.dumps(mark.lines, ensure_ascii=False),
                "printed_at": now,
            }
        )
    with store.atomic():
        for row in rows:
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            store.execute(
                f"INSERT OR IGNORE INTO printed_form ({columns}) VALUES ({marks})",
                list(row.values()),
            )
    return list(mark.drawn)


def find_code(store: Store, code: str) -> dict[str, Any] | None:
    """The printed page a short code names in this data file, or None."""
    rows = store.query("SELECT * FROM printed_form WHERE code = ?", [code])
    return rows[0] if rows else None


def stored_period(row: dict[str, Any]) -> Period | None:
    """The period a printed_form row was printed for."""
    import datetime as dt

    if not row["period_kind"]:
        return None
    start = dt.date.fromisoformat(row["period_start"])
    end = dt.date.fromisoformat(row["period_end"])
    return Period(row["period_kind"], start, end, row["period_label"])
