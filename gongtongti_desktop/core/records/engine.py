"""Records a user edits: described as data, validated per field, saved one transaction each,
deleted softly into the 回收站 and restored as one batch.

Every editable kind of record (roster entries, plan items, diary activities) registers a
``RecordType`` here. The window builds its tables and forms from these descriptions and the
validation messages come back per field, so no rule lives in the UI; the importer and the CLI
go through the same ``save_record``.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import validation as v
from gongtongti_desktop.core.records.changes import Changes, Journal, State
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError, ValidationError

FieldKind = Literal[
    "name",  # a short required-looking name: spaces folded, ≤ 60 characters
    "text",  # one line of free text
    "longtext",  # paragraphs (方案, 记录, …)
    "choice",  # one of a programme vocabulary
    "phone",
    "date",
    "time",  # HH:MM
    "month",  # YYYY-MM
    "int",
    "bool",
    "kindergarten",  # reference to one active kindergarten
    "person",  # reference to one active person
    "plan_item",  # reference to one active plan item
    "kindergartens",  # several kindergartens (stored in a link table)
    "people",  # several people (stored in a link table)
]


class Field(NamedTuple):
    """One field of a record type: how it is edited, checked and stored."""

    name: str
    label: str
    kind: FieldKind
    required: bool = False
    vocab: str = ""  # choice fields: a Programme attribute, or a name in VOCABULARIES
    link_table: str = ""  # kindergartens/people fields: (record_col, other_col) live there


class Column(NamedTuple):
    """A column of a table shown in the window (a key of the listed rows)."""

    key: str
    label: str


CrossCheck = Callable[[Store, Programme, dict[str, Any], str | None], dict[str, str]]
Describe = Callable[[Store, dict[str, Any]], str]


@dataclass(frozen=True)
class RecordType:
    """A kind of record described as data, so one engine lists, edits, checks and deletes
    every kind the same way."""

    table: str
    label: str
    fields: tuple[Field, ...]
    columns: tuple[Column, ...]
    cross_check: CrossCheck | None = None
    describe: Describe | None = None  # how the 回收站 names a deleted record
    on_insert: Callable[[Store, dict[str, Any]], None] | None = None  # e.g. sort order
    after_save: Callable[[Store, str, dict[str, Any]], None] | None = None  # same transaction
    cascades: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (table, where with :id)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


REGISTRY: dict[str, RecordType] = {}
VOCABULARIES: dict[str, tuple[str, ...]] = {}


def register(rtype: RecordType) -> RecordType:
    REGISTRY[rtype.table] = rtype
    return rtype


def record_type(table: str) -> RecordType:
    """A registered record type. Its module registers it on import; a module whose records
    own others (an activity its attachments) imports theirs, so cascades always find them.
    ``catalog.record_type`` loads every record module first."""
    try:
        return REGISTRY[table]
    except KeyError:
        raise UserError(f"未知的记录类型 {table}") from None


def choices(programme: Programme, f: Field) -> tuple[str, ...]:
    if f.vocab == "partner_roles":
        return programme.roles.partners
    if f.vocab in VOCABULARIES:
        return VOCABULARIES[f.vocab]
    return tuple(getattr(programme, f.vocab))


# -- validation -------------------------------------------------------------------------------


def active(store: Store, table: str, record_id: str) -> dict[str, Any] | None:
    rows = store.query(f"SELECT * FROM {table} WHERE id = ? AND deleted_at IS NULL", (record_id,))
    return rows[0] if rows else None


def clean_record(
    store: Store, programme: Programme, table: str, values: dict[str, Any], record_id: str | None
) -> dict[str, Any]:
    """Return the cleaned values, or raise ValidationError with a message per field."""
    rtype = record_type(table)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for f in rtype.fields:
        try:
            cleaned[f.name] = _clean_field(store, programme, f, values.get(f.name))
        except ValueError as exc:
            errors[f.name] = str(exc)
    current = active(store, table, record_id) if record_id else None
    for name, message in _check_choices(programme, rtype, cleaned, current).items():
        errors.setdefault(name, message)
    if not errors:
        if "start_date" in cleaned and "end_date" in cleaned:
            try:
                v.check_order(cleaned["start_date"], cleaned["end_date"])
            except ValueError as exc:
                errors["end_date"] = str(exc)
        if rtype.cross_check is not None:
            errors.update(rtype.cross_check(store, programme, cleaned, record_id))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_field(store: Store, programme: Programme, f: Field, raw: Any) -> Any:
    if f.kind == "bool":
        return 1 if raw in (True, 1, "1", "是", "true") else 0
    if f.kind in ("kindergartens", "people"):
        ids = [str(x).strip() for x in (raw or []) if str(x).strip()]
        ids = list(dict.fromkeys(ids))
        if f.required and not ids:
            raise ValueError(f"请选择{f.label}")
        table = "kindergarten" if f.kind == "kindergartens" else "person"
        if any(active(store, table, i) is None for i in ids):
            raise ValueError(f"{f.label}中有不存在或已删除的记录")
        return ids
    text = "" if raw is None else str(raw)
    if f.kind == "name":
        return v.clean_name(text, f.label, required=f.required)
    if f.kind in ("text", "longtext"):
        cleaned = v.clean_text(text, f.label, max_len=v.MAX_TEXT_LEN if f.kind == "text" else 20000)
        if f.required and not cleaned:
            raise ValueError(f"{f.label}不能为空")
        return cleaned
    if f.kind == "phone":
        return v.clean_phone(text, required=f.required)
    if f.kind == "date":
        return v.clean_date(text, f.label, required=f.required)
    if f.kind == "time":
        return v.clean_time(text, f.label, required=f.required)
    if f.kind == "month":
        return v.clean_month(text, f.label, required=f.required)
    if f.kind == "int":
        return v.clean_int(text, f.label, required=f.required)
    if f.kind == "choice":
        text = text.strip()
        if not text:
            if f.required:
                raise ValueError(f"请选择{f.label}")
            return ""
        return text
    # single references
    text = text.strip()
    if not text:
        if f.required:
            raise ValueError(f"请选择{f.label}")
        return None
    if active(store, f.kind, text) is None:
        raise ValueError(f"{f.label}不存在或已删除")
    return text


def _check_choices(
    programme: Programme, rtype: RecordType, cleaned: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, str]:
    """A choice must be in the programme's list, unless it is the value already stored (a
    record made under another profile or an older list stays editable)."""
    errors = {}
    for f in rtype.fields:
        value = cleaned.get(f.name)
        if f.kind != "choice" or not value:
            continue
        if current is not None and current.get(f.name) == value:
            continue
        allowed = choices(programme, f)
        if value not in allowed:
            errors[f.name] = f"{f.label}“{value}”不在可选范围内：{'、'.join(allowed)}"
    return errors


# -- writing ------------------------------------------------------------------------------------


def _links(store: Store, f: Field, record_id: str) -> list[str]:
    own, other = _link_columns(f)
    rows = store.execute(
        f"SELECT {other} FROM {f.link_table} WHERE {own} = ? ORDER BY rowid", [record_id]
    ).fetchall()
    return [r[0] for r in rows]


def _link_columns(f: Field) -> tuple[str, str]:
    other = "kindergarten_id" if f.kind == "kindergartens" else "person_id"
    return "record_id", other


def _write_links(store: Store, f: Field, record_id: str, ids: list[str]) -> None:
    own, other = _link_columns(f)
    store.execute(f"DELETE FROM {f.link_table} WHERE {own} = ?", [record_id])
    for i in ids:
        store.execute(f"INSERT INTO {f.link_table} ({own}, {other}) VALUES (?, ?)", [record_id, i])


def save_record(
    store: Store,
    programme: Programme,
    table: str,
    values: dict[str, Any],
    record_id: str | None = None,
) -> str:
    """Insert (record_id None) or update one record after validation; returns its id.

    ``values`` holds every field of the record (a form's whole content): a field left out is
    saved empty. Unchanged records are not written (``updated_at`` stays).
    """
    rtype = record_type(table)
    with store.atomic():
        current = None
        if record_id is not None:
            current = get_record(store, table, record_id, missing_ok=True)
            if current is None:
                raise UserError(f"要修改的{rtype.label}不存在或已删除")
        cleaned = clean_record(store, programme, table, values, record_id)
        multi = {f.name: f for f in rtype.fields if f.link_table}
        plain = {k: val for k, val in cleaned.items() if k not in multi}
        now = now_iso()
        if current is None:
            record_id = new_id()
            note(store, table, record_id)
            row = {"id": record_id, "created_at": now, "updated_at": now, **plain}
            if rtype.on_insert is not None:
                rtype.on_insert(store, row)
            store.db.table(table).insert(row)
            for name, f in multi.items():
                _write_links(store, f, record_id, cleaned[name])
        else:
            assert record_id is not None
            note(store, table, record_id)
            changed = {k: val for k, val in plain.items() if current.get(k) != val}
            changed_links = [n for n in multi if current.get(n) != cleaned[n]]
            # The row first: a reported record's revision trigger (migration 0004) then still
            # sees the old links when it keeps the version before this edit.
            if changed or changed_links:
                store.db.table(table).update(record_id, {**changed, "updated_at": now})
            for name in changed_links:
                _write_links(store, multi[name], record_id, cleaned[name])
        if rtype.after_save is not None:
            rtype.after_save(store, record_id, cleaned)
    return record_id


# -- what an operation changed ------------------------------------------------------------------

_JOURNALS: weakref.WeakKeyDictionary[Store, list[Journal]] = weakref.WeakKeyDictionary()


def state_of(store: Store, table: str, record_id: str) -> State:
    """A record's field values as ``save_record`` takes them (None: not there)."""
    row = get_record(store, table, record_id, missing_ok=True)
    return None if row is None else {f.name: row.get(f.name) for f in record_type(table).fields}


def note(store: Store, table: str, record_id: str) -> None:
    """Every write calls this just before it touches a record, so a recording knows the
    record's state before the operation (only the first note of a record counts)."""
    journals = _JOURNALS.get(store)
    if not journals or not record_id or table not in REGISTRY:
        return
    key = (table, record_id)
    waiting = [j for j in journals if key not in j.notes]
    if waiting:
        state = state_of(store, table, record_id)
        for journal in waiting:
            journal.notes[key] = state


@contextlib.contextmanager
def recording(store: Store) -> Iterator[Journal]:
    """Collect what the operations inside change; afterwards ``journal.result`` holds the
    records that differ, before and after (recordings may nest: each sees its own)."""
    journal = Journal()
    _JOURNALS.setdefault(store, []).append(journal)
    try:
        yield journal
    finally:
        _JOURNALS[store].remove(journal)
    after = {key: state_of(store, *key) for key in journal.notes}
    differ = [key for key in journal.notes if journal.notes[key] != after[key]]
    journal.result = Changes({k: journal.notes[k] for k in differ}, {k: after[k] for k in differ})


def deleted_batch(store: Store, table: str, record_id: str) -> str:
    """The 回收站 batch a deleted record lies in ("" when it is not deleted or never was)."""
    rows = store.query(f"SELECT deleted_batch FROM {table} WHERE id = ?", (record_id,))
    return (rows[0]["deleted_batch"] or "") if rows else ""


def get_record(
    store: Store, table: str, record_id: str, *, missing_ok: bool = False
) -> dict[str, Any] | None:
    """The stored record with its multi-valued fields as lists (``missing_ok``: None if gone)."""
    rtype = record_type(table)
    row = active(store, table, record_id)
    if row is None:
        if missing_ok:
            return None
        raise UserError("记录不存在或已删除")
    for f in rtype.fields:
        if f.link_table:
            row[f.name] = _links(store, f, record_id)
    return row


def delete_record(store: Store, table: str, record_id: str) -> str:
    """Soft-delete a record and what depends on it; returns the batch id for restoring."""
    record_type(table)
    # The batch names its root record, so the 回收站 can say what the user deleted.
    batch = f"{table}/{record_id}/{new_id()}"
    now = now_iso()
    with store.atomic():
        if active(store, table, record_id) is None:
            raise UserError("要删除的记录不存在或已删除")
        _soft_delete(store, table, "id = :id", record_id, batch, now)
    return batch


def _soft_delete(
    store: Store, table: str, where: str, record_id: str, batch: str, now: str
) -> None:
    ids = [
        r["id"]
        for r in store.query(
            f"SELECT id FROM {table} WHERE ({where}) AND deleted_at IS NULL", {"id": record_id}
        )
    ]
    for rid in ids:
        note(store, table, rid)
        store.execute(
            f"UPDATE {table} SET deleted_at = ?, deleted_batch = ?, updated_at = ? WHERE id = ?",
            [now, batch, now, rid],
        )
        for child, child_where in record_type(table).cascades:
            _soft_delete(store, child, child_where, rid, batch, now)


def _cascade_ids(store: Store, table: str, record_id: str, seen: set[tuple[str, str]]) -> None:
    for child, where in record_type(table).cascades:
        for row in store.query(
            f"SELECT id FROM {child} WHERE ({where}) AND deleted_at IS NULL", {"id": record_id}
        ):
            key = (child, row["id"])
            if key not in seen:
                seen.add(key)
                _cascade_ids(store, child, row["id"], seen)


def dependents(store: Store, table: str, record_id: str) -> int:
    """How many other active records a delete of this one would take along (each counted
    once, however many ways it is reached). Read-only."""
    seen: set[tuple[str, str]] = set()
    _cascade_ids(store, table, record_id, seen)
    seen.discard((table, record_id))
    return len(seen)


RestoreCheck = Callable[[Store], list[str]]
RESTORE_CHECKS: list[RestoreCheck] = []  # checks a restore must pass (roster: no clashes)
