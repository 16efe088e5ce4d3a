"""What one user operation changed: each record it touched, as it was before and as it is
after — the record saved, and its side effects (the plan item an activity marks 已完成, the
attachments a delete takes along, what a restore brings back).

Why core says it and not the window: only core knows an operation's side effects. The window
used to guess them (saving an activity had to know it marks a plan item done, or undo missed
it); now undo replays exactly these pictures and each tab refreshes when a table it shows is
among ``tables``. Every write in ``core/records`` notes a record before touching it
(``engine.note``); ``engine.recording(store)`` around an operation collects those notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Key = tuple[str, str]  # (table, record id)
State = dict[str, Any] | None  # the record's field values; None: not there (deleted or unborn)
Picture = dict[Key, State]


@dataclass(frozen=True)
class Changes:
    """Before and after pictures of the records that differ, in the order first touched."""

    before: Picture = field(default_factory=dict)
    after: Picture = field(default_factory=dict)

    @property
    def added(self) -> list[Key]:
        return [k for k in self.before if self.before[k] is None and self.after[k] is not None]

    @property
    def changed(self) -> list[Key]:
        return [k for k in self.before if None not in (self.before[k], self.after[k])]

    @property
    def removed(self) -> list[Key]:
        return [k for k in self.before if self.before[k] is not None and self.after[k] is None]

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(table for table, _id in self.before)

    def __bool__(self) -> bool:
        return bool(self.before)

    def ids(self, table: str) -> list[str]:
        return [rid for t, rid in self.before if t == table]


@dataclass
class Journal:
    """The records noted during one recording, each with its state before its first write."""

    notes: Picture = field(default_factory=dict)
    result: Changes = field(default_factory=Changes)
