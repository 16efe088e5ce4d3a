"""The one-character diary index is built in time linear in the text (migration 0006).

Before, a recursive SQL query spaced the text, its time growing with the square of the text
(a 40 000-character field took ~11 s). A 150 000-character field is now indexed well under a
second; the bound here is generous for a slow CI machine yet far below the quadratic time,
and the ratio between two lengths tells linear from quadratic on any machine."""

from __future__ import annotations

import time

from gongtongti_desktop.core.datafile import search_text
from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.records import diary
from gongtongti_desktop.core.records.diary import DiaryFilter
from gongtongti_desktop.core.timeutil import now_iso


def _text(n: int) -> str:
    base = "今天在区域活动中开展了沉与浮的科学探究，Ab-1。"
    return (base * (n // len(base) + 1))[:n]


def _save(store: Store, record: str) -> float:
    now = now_iso()
    started = time.perf_counter()
    with store.atomic():
        store.execute(
            "INSERT INTO activity (id, created_at, updated_at, day, kind, title, record)"
            " VALUES (?, ?, ?, '2024-10-09', '会议', '长记录', ?)",
            [new_id(), now, now, record],
        )
    return time.perf_counter() - started


def test_a_150000_character_field_is_indexed_well_under_a_second(store: Store) -> None:
    long = _text(150_000 - 2) + "教研"
    seconds = _save(store, long)
    assert seconds < 2.0, seconds  # ~0.1 s here; the quadratic query took many minutes
    lister = diary.DiaryList(store)
    assert len(lister.search(DiaryFilter(text="教研"))) == 1  # the index holds the very end
    store.execute("INSERT INTO activity_fts_chars(activity_fts_chars) VALUES ('integrity-check')")


def test_indexing_time_grows_linearly(store: Store) -> None:
    short = min(_save(store, _text(20_000) + str(i)) for i in range(3))
    long = min(_save(store, _text(160_000) + str(i)) for i in range(3))
    assert long < short * 20, (short, long)  # 8× the text: linear ≈ 8×, quadratic ≈ 64×


def test_the_spaced_text_is_what_0005s_query_made() -> None:
    assert search_text.spaced("教研A-b 1。") == "教 研 A xx b xx 1 。"
    assert search_text.spaced("") is None and search_text.spaced(None) is None
