"""Every record type at once: the 回收站, undo and the record forms, which may meet any kind
of record, look types up here.

Why a module of its own: each record module (roster, plans, diary, attachments) registers its
types with the engine when imported, and the engine must not import them back (that was an
import cycle). This module sits above them all and imports each, so asking it for a type or
for the 回收站 always finds every type, in one fixed order whichever module came first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import (
    attachments,  # noqa: F401  (registers its types)
    diary,  # noqa: F401
    engine,
    plans,  # noqa: F401
    roster,  # noqa: F401
)
from gongtongti_desktop.core.records.engine import RecordType
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError

_ORDER = (
    "attachment", "plan_item", "activity", "kindergarten", "person", "pairing", "mentor_pair",
    "staff_exchange",
)  # fmt: skip


def registry() -> dict[str, RecordType]:
    """Every record type by table, in a fixed order (the 回收站 lists by it): those named in
    ``_ORDER`` first, any other after them in the order registered."""
    ordered = {table: engine.REGISTRY[table] for table in _ORDER if table in engine.REGISTRY}
    ordered.update(engine.REGISTRY)
    return ordered


def record_type(table: str) -> RecordType:
    return engine.record_type(table)


def describe(store: Store, table: str, record_id: str) -> str:
    """How the program names a record to the user, e.g. 幼儿园“实验幼儿园”."""
    row = store.query(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
    if not row:
        raise UserError("记录不存在")
    return _describe(store, table, row[0])


@dataclass(frozen=True)
class DeletedBatch:
    batch: str
    deleted_at: str
    summary: str
    count: int


def _describe(store: Store, table: str, row: dict[str, Any]) -> str:
    rtype = record_type(table)
    if rtype.describe is not None:
        return rtype.describe(store, row)
    name = row.get("name") or row.get("title") or row.get("task") or ""
    return f"{rtype.label}“{name}”"


def recycle_bin(store: Store) -> list[DeletedBatch]:
    """What was deleted, newest first, one entry per delete action."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    order = list(registry())
    for table in order:
        for row in store.query(f"SELECT * FROM {table} WHERE deleted_at IS NOT NULL"):
            found.setdefault(row["deleted_batch"], []).append((table, row))
    batches = []
    for batch, items in found.items():
        root_id = [*batch.split("/"), ""][1]
        items.sort(key=lambda item: (item[1]["id"] != root_id, order.index(item[0])))
        table, first = items[0]
        summary = _describe(store, table, first)
        if len(items) > 1:
            summary += f"（连同 {len(items) - 1} 条关联记录）"
        batches.append(DeletedBatch(batch, first["deleted_at"], summary, len(items)))
    batches.sort(key=lambda b: b.deleted_at, reverse=True)
    return batches


def restore_batch(store: Store, batch: str) -> int:
    """Bring back everything one delete removed; refuses (changing nothing) when that would
    clash with what exists now."""
    with store.atomic():
        restored = 0
        for table in registry():
            rows = store.query(f"SELECT id FROM {table} WHERE deleted_batch = ?", (batch,))
            for row in rows:
                engine.note(store, table, row["id"])
                store.execute(
                    f"UPDATE {table} SET deleted_at = NULL, deleted_batch = NULL, updated_at = ?"
                    " WHERE id = ?",
                    [now_iso(), row["id"]],
                )
                restored += 1
        if not restored:
            raise UserError("回收站中没有这批记录")
        problems = [p for check in engine.RESTORE_CHECKS for p in check(store)]
        if problems:
            raise UserError("无法恢复：" + "；".join(problems))
    return restored
