"""Indexing one very long diary field (150 000 characters, as pasted text can be) against
saving the same row with the one-character index's triggers dropped: what that index costs.
Migration 0005's recursive query took minutes here; 0006's function is one pass."""

from __future__ import annotations

from pathlib import Path

from timing import median_numbered

from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.timeutil import now_iso

LENGTH = 150_000


def _text() -> str:
    base = "今天在区域活动中开展了沉与浮的科学探究，教研组长点评。"
    return (base * (LENGTH // len(base) + 1))[:LENGTH]


def _saver(store: Store, text: str):  # type: ignore[no-untyped-def]
    def save(_n: int) -> None:
        now = now_iso()
        with store.atomic():
            store.execute(
                "INSERT INTO activity (id, created_at, updated_at, day, kind, title, record)"
                " VALUES (?, ?, ?, '2024-10-09', '会议', '长记录', ?)",
                [new_id(), now, now, text],
            )

    return save


def measure(folder: Path, repeat: int) -> tuple[float, float]:
    """(seconds with the character index, seconds without it) for one 150 000-character row."""
    text = _text()
    with Store.create(folder / "index.gtdb", kindergarten="", programme_id="yiyuan-2022") as s:
        indexed = median_numbered(_saver(s, text), repeat)
        for (name,) in s.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'activity_fts_chars%'"
        ).fetchall():
            s.execute(f"DROP TRIGGER {name}")
        plain = median_numbered(_saver(s, text), repeat)
    return indexed, plain
