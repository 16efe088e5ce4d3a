"""Diary search over 100 000 records in core (``diary.search_ids``), against listing every id
unfiltered — the query the 帮扶日志 tab runs when it opens — measured on the same file.

Words: "沉与浮" (3 characters, FTS trigram, in every 50th record), "区域活动" (4 characters,
in about a fifth: the FTS index must hand back and sort many rows) and "教研" (2 characters,
no trigram: the single-character index of migration 0005 answers it as a phrase).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from gongtongti_desktop.core import diary
from gongtongti_desktop.core.store import Store

WORDS = ("沉与浮", "区域活动", "教研")


@dataclass
class SearchTiming:
    word: str
    how: str
    found: int
    seconds: float


def _median(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(data_file: Path, repeat: int) -> tuple[float, int, list[SearchTiming]]:
    """(unfiltered list seconds, record count, one timing per word)."""
    store = Store.open(data_file)
    try:
        everything = diary.search_ids(store)  # warm the page cache
        base = _median(lambda: diary.search_ids(store), repeat)
        out = []
        for word in WORDS:
            f = diary.DiaryFilter(text=word)
            found = len(diary.search_ids(store, f))
            how = "FTS 三字索引" if len(word) >= 3 else "FTS 单字索引（短语）"
            out.append(
                SearchTiming(
                    word, how, found, _median(lambda f=f: diary.search_ids(store, f), repeat)
                )
            )
        return base, len(everything), out
    finally:
        store.close()
