"""Benchmark of the 帮扶日志 tab with 100 000 activities, run on demand (not part of the test
suite): ``.venv/bin/python tests/bench/diary_bench.py [COUNT]``.

Generates the activities into a temporary data file (plain SQL inserts in one transaction; the
FTS triggers index them), then prints medians of:

- opening the tab: constructing it, showing it and painting the first page;
- scrolling to the end: the last page painted (the model knows every id, so this fetches one
  page), and, for comparison, reading every page of the list;
- searching: core's ``search_rowids`` (the plain query) and ``DiaryList.search`` after the
  full list, for 3+ character words (FTS5 trigram) and 2-character words (the single-character
  index), and the whole search in the tab (ids, model reset, first page, detail), both right
  after the full list and after an edit (the plain query answers);

beside a baseline measured in the same run: a plain QStandardItemModel holding the first 200
rows in a QTableView (built and painted). Targets: search ≤ 50 ms, tab open ≤ 300 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ui"))

from _diary_data import insert_activities, small_roster  # noqa: E402

REPEAT = 7
TARGETS_MS = {"tab open": 300.0, "search": 50.0}


def median_ms(func: Callable[[], object], repeat: int = REPEAT, setup=None) -> float:
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.core.records import diary
    from gongtongti_desktop.ui.diary.tab import DiaryTab
    from gongtongti_desktop.ui.shell.app import build_app

    def quiet(_kind, _context, message: str) -> None:
        # The offscreen platform says so on every show; anything else is worth seeing.
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = build_app()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.create(
            Path(folder) / "bench.gtdb", kindergarten="基准测试园", programme_id="yiyuan-2022"
        )
        programme = get_programme(store.programme_id)
        host = small_roster(store, programme)["host"]
        start = time.perf_counter()
        insert_activities(store, count, host)
        generated = time.perf_counter() - start
        print(f"{count} activities generated and indexed in {generated:.1f} s")

        def process() -> None:
            QApplication.processEvents()

        # -- baseline: 200 rows in a QStandardItemModel
        first_ids = diary.search_ids(store)[:200]
        rows = diary.rows_for(store, first_ids)
        keys = ["day", "time", "kind", "title", "mode", "host_name", "receivers"]

        def baseline() -> None:
            model = QStandardItemModel()
            for row in rows:
                model.appendRow([QStandardItem(str(row.get(k) or "")) for k in keys])
            view = QTableView()
            view.setModel(model)
            view.resize(1200, 700)
            view.show()
            view.grab()
            view.close()
            view.deleteLater()
            process()

        base = median_ms(baseline)

        # -- the tab
        tabs: list[DiaryTab] = []

        def open_tab() -> None:
            tab = DiaryTab(store, programme)
            tab.resize(1200, 700)
            tab.show()
            tab.view.grab()
            tabs.append(tab)

        def close_tabs() -> None:
            while tabs:
                tab = tabs.pop()
                tab.close()
                tab.deleteLater()
            process()

        open_ms = median_ms(open_tab, setup=close_tabs)
        close_tabs()
        open_tab()
        tab = tabs[0]
        assert tab.model.rowCount() == count, tab.model.rowCount()

        def to_end() -> None:
            tab.view.scrollToTop()
            tab.model.reload()
            tab.view.scrollToBottom()
            tab.view.grab()

        end_ms = median_ms(to_end)

        def every_page() -> None:
            tab.model.reload()
            for row in range(0, tab.model.rowCount(), tab.model.page_size):
                tab.model.row_data(row)

        all_pages_ms = median_ms(every_page, repeat=3)

        results = [("baseline: 200 rows in QStandardItemModel + QTableView", base, None)]
        results.append(("diary tab open (construct, show, first page)", open_ms, "tab open"))
        results.append(("scroll to the end (last page painted)", end_ms, None))
        results.append(
            (f"read every page ({count // tab.model.page_size} pages of 200)", all_pages_ms, None)
        )
        lister = diary.DiaryList(store)
        for word in ("区域活动", "沉与浮", "教研", "研修"):
            lister.search()  # the full list (the last word's edits made it out of date)
            f = diary.DiaryFilter(text=word)
            found = len(diary.search_rowids(store, f))
            how = "FTS trigram" if len(word) >= 3 else "FTS single characters"
            core_ms = median_ms(lambda f=f: diary.search_rowids(store, f))
            results.append((f"search “{word}” in core, query ({how}, {found})", core_ms, "search"))
            listed_ms = median_ms(lambda f=f: lister.search(f))
            results.append((f"search “{word}” in core, after the full list", listed_ms, "search"))

            def in_tab(w: str = word) -> None:
                tab.search_edit.blockSignals(True)
                tab.search_edit.setText(w)
                tab.search_edit.blockSignals(False)
                tab.apply_filter()
                tab.view.grab()

            def reset(edit: bool = False) -> None:
                tab.search_edit.blockSignals(True)
                tab.search_edit.setText("")
                tab.search_edit.blockSignals(False)
                if edit:  # any write makes the full list out of date: the plain query answers
                    with store.atomic():
                        store.execute("UPDATE activity SET title = title WHERE rowid = 1")

            reset()
            tab.apply_filter()  # the full list, as when the tab opens
            tab_ms = median_ms(in_tab, setup=reset)
            results.append((f"search “{word}” in the tab after the full list", tab_ms, "search"))
            edited_ms = median_ms(in_tab, setup=lambda: reset(edit=True))
            results.append((f"search “{word}” in the tab after an edit", edited_ms, "search"))
        close_tabs()
        store.close()

    width = max(len(name) for name, _ms, _t in results)
    print(f"\n{'measure':<{width}}  median ms  target   x baseline")
    for name, ms, target in results:
        goal = TARGETS_MS.get(target or "")
        mark = "" if goal is None else (f"≤ {goal:.0f}  " + ("ok" if ms <= goal else "MISSED"))
        print(f"{name:<{width}}  {ms:9.1f}  {mark:<10} {ms / base:6.1f}")
    app.quit()


if __name__ == "__main__":
    main()
