"""Diary search over 100 000 records in core, against listing every activity unfiltered — the
query the 帮扶日志 tab runs when it opens — measured on the same file.

Words: "沉与浮" (3 characters, FTS trigram, in every 50th record), "区域活动" (4 characters,
in about a fifth: the FTS index must hand back and sort many rows) and "教研" (2 characters,
no trigram: the single-character index of migration 0005 answers it as a phrase).

Each word is timed the ways the tab searches (core ``DiaryList``): right after the full list
was read (the tab has just opened, or the search box was emptied), the text index's matches
are put in that list's order; right after an edit (an activity's title and start time changed
and committed before every repeat: its text re-indexed, its place in the list moved) the list
is first brought up to date from the journal of migration 0007 and then answers the same way.
Beside them, on the same file in the same run: the plain query (``search_rowids``, what
answers when the list cannot be caught up), and that query as it ran before migration 0007 —
every match looked up in the activity table and sorted, and the list dropped after every edit:
the search after an edit as it was.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from timing import median_call

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import diary

WORDS = ("沉与浮", "区域活动", "教研")


@dataclass
class SearchTiming:
    word: str
    how: str
    found: int
    seconds: float
    reference: bool = False  # the search as it was (a comparison, no target)


def measure(data_file: Path, repeat: int) -> tuple[float, int, list[SearchTiming]]:
    """(unfiltered list seconds, record count, four timings per word: after the full list,
    after an edit by the list caught up, by the plain query, by the query before 0007)."""
    store = Store.open(data_file)
    try:
        lister = diary.DiaryList(store)
        everything = lister.search()  # also warms the page cache
        base = median_call(lister.search, repeat)
        out = []
        for word in WORDS:
            f = diary.DiaryFilter(text=word)
            index = "FTS 三字索引" if len(word) >= 3 else "FTS 单字索引（短语）"
            found = len(diary.search_rowids(store, f))
            lister.search()  # the full list again, as the tab reads it (the edits below age it)
            before = lister.answered_from_list
            listed = median_call(lambda f=f: lister.search(f), repeat)
            if lister.answered_from_list != before + repeat or len(lister.search(f)) != found:
                raise RuntimeError("DiaryList 没有按已读出的全部列表回答，计时不代表标签页")
            out.append(SearchTiming(word, f"{index}，按已列出的全部排序", found, listed))
            before, caught = lister.answered_from_list, lister.caught_up
            edited = _after_edits(store, lambda f=f: lister.search(f), repeat)
            if (lister.answered_from_list, lister.caught_up) != (before + repeat, caught + repeat):
                raise RuntimeError("改动后 DiaryList 没有按变更记录补上列表再回答")
            out.append(
                SearchTiming(
                    word, f"{index}，刚改动一条后：列表按变更记录补上再排序", found, edited
                )
            )
            queried = _after_edits(store, lambda f=f: diary.search_rowids(store, f), repeat)
            out.append(SearchTiming(word, f"{index}，SQL 查询排序（刚改动一条后）", found, queried))
            old = _after_edits(store, lambda f=f: _search_as_0006(store, f), repeat)
            out.append(
                SearchTiming(
                    word, f"{index}，改动后（0007 之前的查询：逐条回表再排序）", found, old, True
                )
            )
        return base, len(everything), out
    finally:
        store.close()


def _after_edits(store: Store, search: Callable[[], list[int]], repeat: int) -> float:
    """Median seconds of ``search()`` each timed right after an edit committed on the same
    connection: an activity's title (the text indexes change) and start time (its place in
    the list moves), put back afterwards."""
    rowid, title, start_time = store.execute(
        "SELECT rowid, title, start_time FROM activity WHERE deleted_at IS NULL LIMIT 1"
    ).fetchone()
    times = []
    try:
        for n in range(repeat):
            with store.atomic():
                store.execute(
                    "UPDATE activity SET title = ?, start_time = ? WHERE rowid = ?",
                    [f"{title}{n}", f"{7 + n % 12:02d}:{n % 60:02d}", rowid],
                )
            start = time.perf_counter()
            search()
            times.append(time.perf_counter() - start)
    finally:
        with store.atomic():
            store.execute(
                "UPDATE activity SET title = ?, start_time = ? WHERE rowid = ?",
                [title, start_time, rowid],
            )
    return statistics.median(times)


def _search_as_0006(store: Store, f: diary.DiaryFilter) -> list[int]:
    """``search_rowids`` as it ran before migration 0007: the text index drove the query, so
    every match was looked up in the activity table (day, time, deleted mark) and sorted."""
    where, params = diary._where(f)
    where = where.replace("+a.rowid IN", "a.rowid IN")
    sql = f"SELECT a.rowid FROM activity a NOT INDEXED WHERE {where} {diary._NEWEST_FIRST}"
    found = store.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    if not any("INTEGER PRIMARY KEY" in str(row[-1]) for row in found):
        raise RuntimeError(f"0007 之前的查询计划没有复现：{found}")
    return [r[0] for r in store.execute(sql, params).fetchall()]
