"""阶段总结 (stage summaries, 附件3): 亮点工作 / 存在的问题 / 下一步打算 per month, term or year.

"Draft from records" writes a starting text from the period's diary, plan and rule results for
the director to rewrite. The draft's sha256 is kept: while the text is still exactly the draft,
the summary is flagged (the window and the printout warn) and it does not count as written for
the C2 rules — a report the director never read must not pass for one they wrote.
"""

from __future__ import annotations

from typing import Any

from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError

SECTIONS = (("highlights", "亮点工作"), ("problems", "存在的问题"), ("next_steps", "下一步打算"))
TEXT_FIELDS = tuple(name for name, _ in SECTIONS)
NOTE_FIELDS = tuple(f"{name}_note" for name, _ in SECTIONS)
MAX_CHARS = 20_000


def _digest(values: dict[str, Any]) -> str:
    text = "\x1f".join(str(values.get(name, "")) for name in TEXT_FIELDS)
    import hashlib  # not at start-up (the 概览 imports this module)

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get_summary(store: Store, key: str) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM stage_summary WHERE period = ? AND deleted_at IS NULL", [key])
    return rows[0] if rows else None


def is_unedited_draft(row: dict[str, Any] | None) -> bool:
    """True while the sections are exactly what "draft from records" wrote."""
    return bool(row and row["draft_digest"] and row["draft_digest"] == _digest(row))


def is_written(row: dict[str, Any] | None) -> bool:
    return bool(row and any(row[n].strip() for n in TEXT_FIELDS) and not is_unedited_draft(row))


def written_ids(store: Store, key: str) -> list[str]:
    """The summary of this period when the director has written one (not an unedited draft)."""
    row = get_summary(store, key)
    return [row["id"]] if is_written(row) else []


def save_summary(
    store: Store, key: str, values: dict[str, str], *, draft: bool = False
) -> dict[str, Any]:
    """Create or update the summary of a period. ``draft``: the text is a generated draft."""
    unknown = set(values) - {*TEXT_FIELDS, *NOTE_FIELDS, "filler"}
    if unknown:
        raise ValueError(f"unknown summary fields {sorted(unknown)}")
    for name, value in values.items():
        if not isinstance(value, str):
            raise UserError(f"阶段总结的“{name}”应为文字")
        if len(value) > MAX_CHARS:
            raise UserError(f"阶段总结每栏最多 {MAX_CHARS} 字，当前 {len(value)} 字")
    with store.atomic():
        row = get_summary(store, key)
        now = now_iso()
        if row is None:
            row = {
                "id": new_id(),
                "created_at": now,
                "period": key,
                "filler": "",
                "draft_digest": "",
                **{n: "" for n in (*TEXT_FIELDS, *NOTE_FIELDS)},
            }
            store.execute(
                "INSERT INTO stage_summary (id, created_at, updated_at, period) VALUES (?, ?, ?, ?)",
                [row["id"], now, now, key],
            )
        row = {**row, **values, "updated_at": now}
        if draft:
            row["draft_digest"] = _digest(row)
        fields = [*TEXT_FIELDS, *NOTE_FIELDS, "filler", "draft_digest", "updated_at"]
        store.execute(
            f"UPDATE stage_summary SET {', '.join(f'{f} = ?' for f in fields)} WHERE id = ?",
            [row[f] for f in fields] + [row["id"]],
        )
    saved = get_summary(store, key)
    assert saved is not None
    return saved


# -- drafting from the records ----------------------------------------------------------------
