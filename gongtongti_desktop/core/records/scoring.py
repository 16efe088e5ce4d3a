"""考核评分: self and county scores per index item and period, their evidence, the sums, and
scores suggested from the rule engine's counts.

A score is 0..the item's points in half points; anything else is refused with a message naming
the item and its maximum. Sums are computed from the items (never from the notice's headings).
A suggestion is only ever shown: it becomes a score when the director accepts it, and the
score then remembers it came from a suggestion (``*_suggested``) so the printout can mark it;
typing another value clears the mark.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.indexes import VERDICTS, Index, Item, fmt_points
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError

SIDES = ("self", "county")
SIDE_TEXT = {"self": "自评", "county": "考核"}
EVIDENCE_TABLES = {"activity": "帮扶活动", "attachment": "附件", "plan_item": "计划事项"}
MAX_COMMENT = 2000


if TYPE_CHECKING:
    from gongtongti_desktop.core.checks.score_suggestions import Suggestion


def check_score(item: Item, value: float | None) -> float | None:
    """The value as stored, or UserError: 0..points, whole or half points."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise UserError(f"{item.code} 的分数应为数字")
    maximum = item.points or 0
    if value < 0:
        raise UserError(f"{item.code} 的分数不能为负数")
    if value > maximum:
        raise UserError(f"{item.code} 最高 {fmt_points(maximum)} 分，不能打 {fmt_points(value)} 分")
    if value * 2 != int(value * 2):
        raise UserError(f"{item.code} 的分数只能是整分或半分（如 3 或 3.5），不能是 {value:g}")
    return float(value)


def parse_score(item: Item, text: str) -> float | None:
    """What a director typed ("", "3", "3.5", "３．５") as a checked score."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{item.code} 的分数“{text}”不是数字") from None
    return check_score(item, value)


# -- reading and writing ------------------------------------------------------------------------


def get_scores(store: Store, index: Index, key: str) -> dict[str, dict[str, Any]]:
    """The score rows of one index and period, by item code (items never scored are absent)."""
    rows = store.query(
        "SELECT * FROM score WHERE index_id = ? AND period = ? AND deleted_at IS NULL",
        [index.id, key],
    )
    return {row["item"]: row for row in rows}


def _row(store: Store, index: Index, key: str, item: Item) -> dict[str, Any]:
    """The score row of an item, created empty when missing (inside the caller's transaction)."""
    rows = store.query(
        "SELECT * FROM score WHERE index_id = ? AND period = ? AND item = ?",
        [index.id, key, item.code],
    )
    if rows:
        if rows[0]["deleted_at"]:
            store.execute(
                "UPDATE score SET deleted_at = NULL, deleted_batch = NULL WHERE id = ?",
                [rows[0]["id"]],
            )
        return rows[0]
    now = now_iso()
    row_id = new_id()
    store.execute(
        "INSERT INTO score (id, created_at, updated_at, index_id, period, item)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [row_id, now, now, index.id, key, item.code],
    )
    return store.query("SELECT * FROM score WHERE id = ?", [row_id])[0]


_UNSET: Any = object()


def set_score(
    store: Store,
    index: Index,
    key: str,
    code: str,
    *,
    self_score: float | None = _UNSET,
    county_score: float | None = _UNSET,
    verdict: str = _UNSET,
    comment: str = _UNSET,
    suggested: bool = False,
) -> dict[str, Any]:
    """Change what is given (the rest stays). ``suggested``: the scores given were accepted
    from the suggestion (else typing clears that side's mark)."""
    try:
        item = index.item(code)
    except KeyError:
        raise UserError(f"{index.title}中没有 {code} 项") from None
    changes: dict[str, Any] = {}
    for side, value in (("self", self_score), ("county", county_score)):
        if value is not _UNSET:
            if index.kind != "score":
                raise UserError(f"{index.title}是检查表，不打分")
            changes[f"{side}_score"] = check_score(item, value)
            changes[f"{side}_suggested"] = int(suggested and value is not None)
    if verdict is not _UNSET:
        if index.kind != "checklist":
            raise UserError(f"{index.title}按分数评定，没有“符合/不符合”")
        if verdict not in ("", *VERDICTS):
            raise UserError(f"评定只能是 {'、'.join(VERDICTS)}")
        changes["verdict"] = verdict
    if comment is not _UNSET:
        if len(comment) > MAX_COMMENT:
            raise UserError(f"说明最多 {MAX_COMMENT} 字")
        changes["comment"] = comment
    with store.atomic():
        row = _row(store, index, key, item)
        if changes:
            changes["updated_at"] = now_iso()
            store.execute(
                f"UPDATE score SET {', '.join(f'{k} = ?' for k in changes)} WHERE id = ?",
                [*changes.values(), row["id"]],
            )
    return store.query("SELECT * FROM score WHERE id = ?", [row["id"]])[0]


# -- evidence -------------------------------------------------------------------------------------


def _touch(store: Store, score_id: str) -> None:
    """Evidence is part of the score: changing it makes the score newer (for merging) and,
    the row updated before its links, lets a reported score's revision keep the old list."""
    store.execute("UPDATE score SET updated_at = ? WHERE id = ?", [now_iso(), score_id])


def add_evidence(
    store: Store, index: Index, key: str, code: str, table: str, target_id: str
) -> None:
    if table not in EVIDENCE_TABLES:
        raise ValueError(table)
    exists = store.query(f"SELECT 1 FROM {table} WHERE id = ? AND deleted_at IS NULL", [target_id])
    if not exists:
        raise UserError(f"要关联的{EVIDENCE_TABLES[table]}不存在或已删除")
    with store.atomic():
        row = _row(store, index, key, index.item(code))
        linked = store.query(
            "SELECT 1 FROM score_evidence WHERE score_id = ? AND target_table = ? AND target_id = ?",
            [row["id"], table, target_id],
        )
        if not linked:
            _touch(store, row["id"])
            store.execute(
                "INSERT INTO score_evidence (score_id, target_table, target_id) VALUES (?, ?, ?)",
                [row["id"], table, target_id],
            )


def remove_evidence(
    store: Store, index: Index, key: str, code: str, table: str, target_id: str
) -> None:
    row = get_scores(store, index, key).get(code)
    if row is not None:
        with store.atomic():
            _touch(store, row["id"])
            store.execute(
                "DELETE FROM score_evidence WHERE score_id = ? AND target_table = ? AND target_id = ?",
                [row["id"], table, target_id],
            )


def list_evidence(store: Store, index: Index, key: str, code: str) -> list[dict[str, Any]]:
    """Linked records, described for a list: table, id, text, deleted (shown struck out)."""
    row = get_scores(store, index, key).get(code)
    if row is None:
        return []
    out = []
    for link in store.query(
        "SELECT target_table, target_id FROM score_evidence WHERE score_id = ? ORDER BY rowid",
        [row["id"]],
    ):
        table, target = link["target_table"], link["target_id"]
        found = store.query(f"SELECT * FROM {table} WHERE id = ?", [target])
        rec = found[0] if found else {}
        if table == "activity":
            text = f"{rec.get('day', '')} {rec.get('kind', '')}：{rec.get('title', '')}"
        elif table == "attachment":
            text = f"附件：{rec.get('original_name', '')}"
        else:
            text = f"{rec.get('month', '')} 计划：{rec.get('task', '')}"
        out.append(
            {
                "table": table,
                "id": target,
                "text": text.strip() or "（已不存在）",
                "deleted": not rec or bool(rec.get("deleted_at")),
            }
        )
    return out


def evidence_counts(store: Store, index: Index, key: str) -> dict[str, int]:
    rows = store.query(
        "SELECT s.item, COUNT(e.target_id) AS n FROM score s JOIN score_evidence e"
        " ON e.score_id = s.id WHERE s.index_id = ? AND s.period = ? GROUP BY s.item",
        [index.id, key],
    )
    return {r["item"]: r["n"] for r in rows}


# -- sums -------------------------------------------------------------------------------------


def verdict_counts(items: Iterable[Item], scores: dict[str, dict[str, Any]]) -> dict[str, int]:
    """How many of the items (a checklist's, or one section's) got each verdict ("" = not
    yet judged). The one count of verdicts: the 考核评分 tab and the printed checklist both use it."""
    counts = dict.fromkeys((*VERDICTS, ""), 0)
    for item in items:
        verdict = (scores.get(item.code) or {}).get("verdict") or ""
        counts[verdict if verdict in counts else ""] += 1
    return counts


@dataclass(frozen=True)
class Totals:
    """Sums of one side (self or county) of one index and period. ``by_unit``: group and
    subgroup codes → (scored, maximum); ``scored_items``: how many items have a score."""

    by_unit: dict[str, tuple[float, float]] = field(default_factory=dict)
    base: float = 0.0
    base_max: float = 0.0
    bonus: float = 0.0
    bonus_max: float = 0.0
    scored_items: int = 0

    @property
    def total(self) -> float:
        return self.base + self.bonus


def totals(index: Index, scores: dict[str, dict[str, Any]], side: str) -> Totals:
    column = f"{side}_score"
    by_unit: dict[str, tuple[float, float]] = {}
    base = bonus = 0.0
    scored = 0
    for item in index.items:
        value = (scores.get(item.code) or {}).get(column)
        got = float(value) if value is not None else 0.0
        scored += value is not None
        units = [index.group_of(item).code]
        sub = index.subgroup_of(item)
        if sub is not None:
            units.append(sub.code)
        for unit in units:
            have, most = by_unit.get(unit, (0.0, 0.0))
            by_unit[unit] = (have + got, most + (item.points or 0))
        if index.is_bonus(item):
            bonus += got
        else:
            base += got
    return Totals(by_unit, base, index.base_points, bonus, index.bonus_points, scored)


# -- suggestions ------------------------------------------------------------------------------------


def accept_suggestion(
    store: Store, index: Index, key: str, suggestion: Suggestion, side: str = "self"
) -> dict[str, Any]:
    value = {f"{side}_score": suggestion.score}
    return set_score(store, index, key, suggestion.item, suggested=True, **value)


# -- periods -----------------------------------------------------------------------------------


def scoring_period(programme: Programme, index: Index, today: dt.date | None = None) -> Period:
    """The period a scoring opens on: the index's kind (school year / term) containing today."""
    today = today or dt.date.today()
    return periods.period_containing(programme.calendar, index.period, today)  # type: ignore[arg-type]


def previous_key(programme: Programme, period: Period) -> str:
    """The key of the period before (last school year / last term), for side-by-side."""
    return periods.period_key(periods.previous_period(programme.calendar, period))
