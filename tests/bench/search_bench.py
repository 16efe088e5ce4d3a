"""Diary search over 100 000 records in core, against listing every activity unfiltered — the
query the 帮扶日志 tab runs when it opens — measured on the same file.

Words: "沉与浮" (3 characters, FTS trigram, in every 50th record), "区域活动" (4 characters,
in about a fifth: the FTS index must hand back and sort many rows) and "教研" (2 characters,
no trigram: the single-character index of migration 0005 answers it as a phrase).

Each word is timed both ways the tab searches (core ``DiaryList``): right after the full list
was read (the tab has just opened, or the search box was emptied), the text index's matches
are put in that list's order; after any change to the data file, ``search_rowids`` asks SQLite
to look up and sort the matches.
"""

from __future__ import annotations

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


def measure(data_file: Path, repeat: int) -> tuple[float, int, list[SearchTiming]]:
    """(unfiltered list seconds, record count, two timings per word: after the full list, and
    the plain query that answers after a change)."""
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
            before = lister.answered_from_list
            listed = median_call(lambda f=f: lister.search(f), repeat)
            if lister.answered_from_list != before + repeat or len(lister.search(f)) != found:
                raise RuntimeError("DiaryList 没有按已读出的全部列表回答，计时不代表标签页")
            out.append(SearchTiming(word, f"{index}，按已列出的全部排序", found, listed))
            queried = median_call(lambda f=f: diary.search_rowids(store, f), repeat)
            out.append(SearchTiming(word, f"{index}，SQL 查询排序（数据改动后）", found, queried))
        return base, len(everything), out
    finally:
        store.close()
