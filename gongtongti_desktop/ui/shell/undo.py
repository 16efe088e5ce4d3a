"""Undo and redo (Ctrl+Z / Ctrl+Y) for the plan and diary tabs.

A command is a before/after picture of the records one user operation touched (the record
saved, the plan items a link marks 已完成, the items "复制上月" made, an attachment), taken
through core. Undo and redo bring the records back to one picture with core's own operations:
``save_record`` for values, ``delete_record`` for "not there", ``restore_batch`` for "there
again". The store stays the truth: nothing is kept in the widgets, every tab refreshes from
core afterwards, and a record undone away lies in the 回收站 like any other delete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtGui import QUndoCommand, QUndoStack

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import catalog
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError

Key = tuple[str, str]  # (table, record id)
State = dict[str, Any] | None  # the record's field values; None: not there (deleted or unborn)
Picture = dict[Key, State]
T = TypeVar("T")


def snapshot(store: Store, keys: Iterable[Key]) -> Picture:
    """The current state of each record (field values as ``save_record`` takes them)."""
    out: Picture = {}
    for table, record_id in keys:
        if not record_id or (table, record_id) in out:
            continue
        row = records.get_record(store, table, record_id, missing_ok=True)
        fields = catalog.record_type(table).fields
        out[(table, record_id)] = None if row is None else {f.name: row.get(f.name) for f in fields}
    return out


def _apply_one(store: Store, programme: Programme, key: Key, wanted: State) -> None:
    table, record_id = key
    current = records.get_record(store, table, record_id, missing_ok=True)
    if wanted is None:
        if current is not None:
            records.delete_record(store, table, record_id)
        return
    if current is None:
        rows = store.query(f"SELECT deleted_batch FROM {table} WHERE id = ?", (record_id,))
        if not rows or not rows[0]["deleted_batch"]:
            raise UserError(f"{catalog.record_type(table).label}已不存在，无法撤销或重做")
        catalog.restore_batch(store, rows[0]["deleted_batch"])
        current = records.get_record(store, table, record_id)
        assert current is not None
    if any(current.get(name) != value for name, value in wanted.items()):
        records.save_record(store, programme, table, wanted, record_id)


def apply_picture(store: Store, programme: Programme, picture: Picture) -> None:
    """Bring every record of the picture to its state, all in one transaction (in the
    picture's order: the record operated on first, then what its save changed)."""
    with store.atomic():
        for key, wanted in picture.items():
            _apply_one(store, programme, key, wanted)


@dataclass
class UndoContext:
    """What commands need: the data file, and whom to tell about a change or a failure."""

    store: Store
    programme: Programme
    changed: Callable[[], None]
    failed: Callable[[UserError], None]


class RecordsCommand(QUndoCommand):
    """One user operation as before/after pictures. Pushed after the operation ran (its
    first ``redo`` does nothing), so core's errors reach the form that caused them."""

    def __init__(self, ctx: UndoContext, text: str, before: Picture, after: Picture) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.before = before
        self.after = after
        self._pending_first_redo = True

    def redo(self) -> None:
        if self._pending_first_redo:
            self._pending_first_redo = False
            return
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)

    def _apply(self, picture: Picture) -> None:
        try:
            apply_picture(self.ctx.store, self.ctx.programme, picture)
        except UserError as exc:
            # What the command would restore clashes with what exists now (e.g. a person it
            # refers to was deleted): nothing was changed; the command leaves the stack.
            self.setObsolete(True)
            self.ctx.failed(exc)
        self.ctx.changed()


def perform(
    stack: QUndoStack,
    ctx: UndoContext,
    text: str,
    keys: Iterable[Key],
    operation: Callable[[], T],
    created: Callable[[T], Iterable[Key]] = lambda _result: (),
) -> T:
    """Run ``operation`` (a core call) and push it as an undoable command.

    ``keys``: every record it may change, pictured before it runs (for an activity: itself and
    the plan items it is linked to before and after); ``created(result)``: the records it made
    (they were "not there" before). Exceptions from the operation propagate and nothing is
    pushed.
    """
    keys = list(keys)
    before = snapshot(ctx.store, keys)
    result = operation()
    new = [k for k in created(result) if k not in before]
    before.update({k: None for k in new})
    after = snapshot(ctx.store, [*keys, *new])
    if before != after:
        stack.push(RecordsCommand(ctx, text, before, after))
    ctx.changed()
    return result


class CallCommand(QUndoCommand):
    """An operation on something that is not a record (the plan table's 填报人 / 主要负责人):
    one function to do it again, one to undo it. Pushed after it ran, like RecordsCommand."""

    def __init__(
        self, ctx: UndoContext, text: str, do: Callable[[], None], undo: Callable[[], None]
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._do = do
        self._undo = undo
        self._pending_first_redo = True

    def redo(self) -> None:
        if self._pending_first_redo:
            self._pending_first_redo = False
            return
        self._run(self._do)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, func: Callable[[], None]) -> None:
        try:
            func()
        except UserError as exc:
            self.setObsolete(True)
            self.ctx.failed(exc)
        self.ctx.changed()
