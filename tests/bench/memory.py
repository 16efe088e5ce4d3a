"""Peak memory with 100 000 records: a child process opens the big file through the program's
own path (lock, ``Store.open``, the day's backup), builds the main window offscreen, shows the
帮扶日志 tab, scrolls to the end and searches; it reports its own high-water mark (``VmHWM``;
``ru_maxrss`` would report the bench's own peak when that is larger — Linux keeps it across
exec — and it is, once the photo rows have decoded 12-megapixel photos). The baseline is the
same figure for the bare six-tab window after its first frame.

The child also times the search as the director sees it (ids, model reset, first page
painted) for a 3+ character and a 2-character word: medians of five, each after clearing the
box (diary_bench's method). Nothing is written after the tab lists everything, so these are
searches answered from that full list (core ``DiaryList``; the first of them also makes its
place table, ~4 ms); after an edit the plain query answers — diary_bench.py times both.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from startup import BARE_WINDOW, child_env

_MAXRSS = """
import resource
def maxrss_mb():
    try:  # this process's own peak (Linux)
        with open("/proc/self/status") as status:
            hwm = [line for line in status if line.startswith("VmHWM")][0]
        return int(hwm.split()[1]) / 1024
    except (OSError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
"""

BARE = (
    _MAXRSS
    + BARE_WINDOW
    + """
w.show()
for _ in range(5):
    app.processEvents()
w.grab()
print("MAXRSS", maxrss_mb())
"""
)

OURS = (
    _MAXRSS
    + """
import statistics, sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from gongtongti_desktop.ui.shell.app import build_app
from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file

def settle():
    for _ in range(3):
        app.processEvents()

app = build_app()
window = MainWindow(*open_data_file(Path(sys.argv[1])))
window.resize(1180, 760)
window.show()
settle()
window.tabs.setCurrentWidget(window.diary_page)
settle()
tab = window.diary_tab
print("ROWS", tab.model.rowCount())
tab.view.scrollToBottom()
settle()
tab.view.grab()

def search(word):
    tab.search_edit.blockSignals(True)
    tab.search_edit.setText("")
    tab.search_edit.blockSignals(False)
    start = time.perf_counter()
    tab.search_edit.blockSignals(True)
    tab.search_edit.setText(word)
    tab.search_edit.blockSignals(False)
    tab.apply_filter()
    tab.view.grab()
    return time.perf_counter() - start

for word in sys.argv[2:]:
    print("SEARCH", word, statistics.median(search(word) for _ in range(5)))
print("MAXRSS", maxrss_mb())
window.close()
"""
)


@dataclass
class Memory:
    ours_mb: float
    bare_mb: float
    rows: int
    tab_search: dict[str, float]  # word → seconds (median)


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0 or "MAXRSS" not in done.stdout:
        raise RuntimeError(f"子进程失败（退出码 {done.returncode}）：{done.stderr[-2000:]}")
    return done.stdout


def measure(data_file: Path, words: tuple[str, ...], repeat: int) -> Memory:
    """Medians over ``repeat`` children each (after one warm-up of ours: the day's backup)."""
    _run(OURS, str(data_file))
    ours, bare, rows = [], [], 0
    searches: dict[str, list[float]] = {w: [] for w in words}
    for _ in range(repeat):
        out = _run(OURS, str(data_file), *words)
        ours.append(float(re.search(r"^MAXRSS (\S+)", out, re.M).group(1)))  # type: ignore[union-attr]
        rows = int(re.search(r"^ROWS (\d+)", out, re.M).group(1))  # type: ignore[union-attr]
        for word, seconds in re.findall(r"^SEARCH (\S+) (\S+)$", out, re.M):
            searches[word].append(float(seconds))
        out = _run(BARE)
        bare.append(float(re.search(r"^MAXRSS (\S+)", out, re.M).group(1)))  # type: ignore[union-attr]
    return Memory(
        statistics.median(ours),
        statistics.median(bare),
        rows,
        {w: statistics.median(s) for w, s in searches.items()},
    )
