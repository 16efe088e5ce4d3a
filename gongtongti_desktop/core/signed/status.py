"""Which printed forms are signed, and which were changed after signing — and what changed.

Why re-derive: a signed page vouches for the lines printed on it. The form is built again
from today's data exactly as printing would build it, and its lines are compared with those
kept at printing; a different line is a change the signature did not cover ("第3行 联系方式：
15208159075 → 13900000000"). Used by ``gongtongti signed list``, the window's 签字件 view and
(after merging) the 上报前检查 list; needs nothing from the UI.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from dataclasses import dataclass
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import covered_period, default_period, form_data
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.signed.printed import (
    PrintMark,
    content_lines,
    print_mark,
    stored_period,
)
from gongtongti_desktop.errors import UserError

NOT_PRINTED = "未打印"
PRINTED = "已打印未签字"
SIGNED = "已签字"
CHANGED = "签字后数据已修改"
STATES = (NOT_PRINTED, PRINTED, SIGNED, CHANGED)
MAX_CHANGES = 8
_SHOWN = 60


@dataclass(frozen=True)
class SignedFormStatus:
    """One form of one period: its state, its pages signed, what changed since signing."""

    form_id: str
    title: str
    period_label: str
    state: str
    pages: int = 0  # pages of the print that counts (0: not printed, or a .docx)
    signed_pages: int = 0
    changes: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()  # the codes of that print, page by page
    blank: bool = False

    def line(self) -> str:
        """The form, its period and state in one line ("附件1 …（2024年秋季学期）：已签字")."""
        period = f"（{self.period_label}）" if self.period_label else ""
        blank = "（空白表）" if self.blank else ""
        state = self.state
        if self.state in (SIGNED, CHANGED, PRINTED) and self.pages > 1:
            state += f"（已签 {self.signed_pages} / {self.pages} 页）"
        return f"{self.title}{period}{blank}：{state}"


def _clip(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _cells(line: str) -> tuple[str, list[str]]:
    head, _, rest = line.partition("　")
    return head, rest.split("　") if rest else []


def what_changed(before: list[str], after: list[str]) -> list[str]:
    """The lines that differ, in words: a row's changed cells "old → new", rows added and
    removed; at most ``MAX_CHANGES`` lines and a count of the rest."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        old, new = before[a0:a1], after[b0:b1]
        for a, b in zip(old, new, strict=False):
            head_a, cells_a = _cells(a)
            head_b, cells_b = _cells(b)
            if head_a == head_b and len(cells_a) == len(cells_b) and cells_a:
                for x, y in zip(cells_a, cells_b, strict=True):
                    if x != y:
                        label, _, value = x.partition("：")
                        out.append(
                            f"{head_a} {label}：{_clip(value)} → {_clip(y.partition('：')[2])}"
                        )
            else:
                out.append(f"原为“{_clip(a)}”，现为“{_clip(b)}”")
        out += [f"删去“{_clip(a)}”" for a in old[len(new) :]]
        out += [f"新增“{_clip(b)}”" for b in new[len(old) :]]
    if len(out) > MAX_CHANGES:
        out = [*out[:MAX_CHANGES], f"……另有 {len(out) - MAX_CHANGES} 处不同"]
    return out


def _key(row: dict[str, Any]) -> tuple[str, str, str, str, int]:
    return (row["form_id"], row["period_start"], row["period_end"], row["selection"], row["blank"])


def _current(
    store: Store, programme: Programme, first: dict[str, Any], today: dt.date
) -> list[str]:
    selection = [i for i in first["selection"].split(",") if i] or None
    data = form_data(
        store,
        programme,
        first["form_id"],
        stored_period(first),
        activity_ids=selection,
        blank=bool(first["blank"]),
        today=today,
    )
    return content_lines(data)


def _status_of(
    store: Store, programme: Programme, rows: list[dict[str, Any]], today: dt.date
) -> SignedFormStatus:
    """The state of one (form, period, selection, blank) from its printed pages."""
    signed = [r for r in rows if r["signed"]]
    base = signed or rows
    latest = max(base, key=lambda r: (r["signed_at"] or "", r["printed_at"]))
    pages = [
        r
        for r in rows
        if (r["fingerprint"], r["pages"]) == (latest["fingerprint"], latest["pages"])
    ]
    pages.sort(key=lambda r: r["page"])
    common = {
        "form_id": latest["form_id"],
        "title": latest["title"],
        "period_label": latest["period_label"],
        "pages": latest["pages"],
        "signed_pages": sum(1 for r in pages if r["signed"]),
        "codes": tuple(r["code"] for r in pages),
        "blank": bool(latest["blank"]),
    }
    if not signed:
        return SignedFormStatus(state=PRINTED, **common)
    before = json.loads(latest["content"])
    try:
        now = _current(store, programme, latest, today)
    except UserError as exc:
        return SignedFormStatus(state=CHANGED, changes=(f"无法重新生成这张表格：{exc}",), **common)
    if now == before:
        complete = common["signed_pages"] >= max(latest["pages"], 1)
        return SignedFormStatus(state=SIGNED if complete else PRINTED, **common)
    return SignedFormStatus(state=CHANGED, changes=tuple(what_changed(before, now)), **common)


def _printed_rows(store: Store) -> dict[tuple[str, str, str, str, int], list[dict[str, Any]]]:
    rows = store.query(
        """SELECT p.*, count(s.id) AS signed, max(s.created_at) AS signed_at
           FROM printed_form p LEFT JOIN signed_scan s
             ON s.code = p.code AND s.deleted_at IS NULL
           GROUP BY p.code ORDER BY p.printed_at, p.page"""
    )
    groups: dict[tuple[str, str, str, str, int], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(_key(row), []).append(row)
    return groups


def _current_mark(
    store: Store, programme: Programme, form_id: str, today: dt.date, period: Period | None
) -> PrintMark | None:
    try:
        return print_mark(store, form_data(store, programme, form_id, period, today=today))
    except UserError:
        return None


def _overlaps(key: tuple[str, str, str, str, int], period: Period) -> bool:
    """Whether a printed form's period (none: the roster, chosen activities) meets ``period``."""
    start, end = key[1], key[2]
    return not start or (start <= period.end.isoformat() and end >= period.start.isoformat())


def signed_forms_status(
    store: Store,
    programme: Programme,
    today: dt.date | None = None,
    *,
    period: Period | None = None,
) -> list[SignedFormStatus]:
    """Every printable form of the current periods (未打印 when never printed) and every
    other form or period that was printed, in the programme's order of forms.

    ``period``: the forms of that period instead of the current ones, and only the printed
    forms whose period meets it (an upload package's)."""
    today = today or store.today()
    groups = _printed_rows(store)
    if period is not None:
        groups = {key: rows for key, rows in groups.items() if _overlaps(key, period)}
    order = {spec.id: n for n, spec in enumerate(programme.forms)}
    out: list[tuple[tuple[int, str, str], SignedFormStatus]] = []
    for spec in programme.forms:
        if spec.layout == "record" and spec.periodic:
            # a page per activity: a year's 2 000 are not built to say "未打印" (its title
            # and period need no rows); a printed one is judged from its print below
            wanted = period or default_period(programme, spec, today)
            covered: Period | None = covered_period(spec, wanted)
            title = spec.display_name
        else:
            mark = _current_mark(store, programme, spec.id, today, period)
            if mark is None:
                continue
            covered, title = mark.period, mark.title
        key = (
            spec.id,
            covered.start.isoformat() if covered else "",
            covered.end.isoformat() if covered else "",
            "",
            0,
        )
        if key not in groups:
            label = covered.label if covered else ""
            state = SignedFormStatus(spec.id, title, label, NOT_PRINTED)
            out.append(((order[spec.id], key[1], key[3]), state))
    for key, rows in groups.items():
        state = _status_of(store, programme, rows, today)
        out.append(((order.get(key[0], len(order)), key[1], key[3]), state))
    out.sort(key=lambda item: item[0])
    return [state for _, state in out]


def status_counts(statuses: list[SignedFormStatus]) -> dict[str, int]:
    """How many forms are in each state (for the package's manifest and the 汇总)."""
    return {state: sum(1 for s in statuses if s.state == state) for state in STATES}
