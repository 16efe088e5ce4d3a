"""Undo and redo (Ctrl+Z / Ctrl+Y) for the plan and diary tabs.

A command is a before/after picture of the records one user operation touched (the record
saved, the plan items a link marks 已完成, the items "复制上月" made, an attachment), taken
through core. Undo and redo bring the records back to one picture with core's own operations:
``save_record`` for values, ``delete_record`` for "not there", ``restore_batch`` for "there
again". The store stays the truth: nothing is kept in the widgets, every tab refreshes from
core afterwards, and a record undone away lies in the 回收站 like any other delete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtGui import QUndoCommand, QUndoStack

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import catalog
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records.changes import Changes, Key, Picture, State
from gongtongti_desktop.errors import UserError

T = TypeVar("T")


def _apply_one(store: Store, programme: Programme, key: Key, wanted: State) -> None:
    table, record_id = key
    current = records.get_record(store, table, record_id, missing_ok=True)
    if wanted is None:
        if current is not None:
            records.delete_record(store, table, record_id)
        return
    if current is None:
        batch = records.deleted_batch(store, table, record_id)
        if not batch:
            raise UserError(f"{catalog.record_type(table).label}已不存在，无法撤销或重做")
        catalog.restore_batch(store, batch)
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
    changed: Callable[[Changes], None]  # what core reports the operation (or its undo) changed
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
        with records.recording(self.ctx.store) as journal:
            try:
                apply_picture(self.ctx.store, self.ctx.programme, picture)
            except UserError as exc:
                # What the command would restore clashes with what exists now (e.g. a person it
                # refers to was deleted): nothing was changed; the command leaves the stack.
                self.setObsolete(True)
                self.ctx.failed(exc)
        self.ctx.changed(journal.result)


def perform(stack: QUndoStack, ctx: UndoContext, text: str, operation: Callable[[], T]) -> T:
    """Run ``operation`` (a core call) and push it as an undoable command.

    Core says what the operation changed — the records it saved, made or deleted and their
    side effects — and those before/after pictures are what undo and redo bring back; the tab
    need not know them. Exceptions from the operation propagate and nothing is pushed.
    """
    with records.recording(ctx.store) as journal:
        result = operation()
    changes = journal.result
    if changes:
        stack.push(RecordsCommand(ctx, text, changes.before, changes.after))
    ctx.changed(changes)
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
        self.ctx.changed(Changes())  # not a record: the tab knows what it shows
