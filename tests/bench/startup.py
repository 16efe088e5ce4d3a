"""Start-up to the first shown frame: the program on ten years of data vs a bare PySide6 window
with the same six tabs, and where the program's time goes.

Both are fresh processes, offscreen, timed from just before the parent starts the process to
the moment the window's first frame has been painted: an event filter on the top-level window
sees its first Paint event and, once that paint is over (a zero timer after it), prints the
monotonic clock, which is shared by every process on Linux. The program is started the way a
director starts it, through ``gongtongti --data FILE`` (``cli.main``): lock, ``Store.open``
with its ``quick_check``, the day's first backup, the 概览 rules, the two eager tabs.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Libraries start-up should not load before its first frame (the issue: reportlab and
# openpyxl alone take about 0.25 s to import; QtCharts draws only the 概览 chart).
HEAVY = ("reportlab", "openpyxl", "sqlite_utils", "PIL", "PySide6.QtCharts", "defusedxml")

# Shared by both children. FRAME: the end of the window's first paint. FILLED (the program
# only): the end of its first paint after ``MainWindow.attach`` — the data file open and
# 概览 showing it. Then the window closes and the process quits.
_SPY = f"""
HEAVY = {HEAVY!r}
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class FrameSpy(QObject):
    def __init__(self, wait_for_data):
        super().__init__()
        self.wait_for_data = wait_for_data
        self.framed = self.attached = self.done = False

    def eventFilter(self, obj, event):
        if event.type() != QEvent.Type.Paint or self.done:
            return False
        if not self.framed:
            self.framed = True
            heavy = [m for m in HEAVY if m in sys.modules]
            filled = self.wait_for_data and self.attached  # its first frame shows the data
            last = self.done = not self.wait_for_data or filled
            QTimer.singleShot(0, lambda: self.mark("FRAME", obj, heavy, last, filled))
        elif self.attached:
            self.done = True
            QTimer.singleShot(0, lambda: self.mark("FILLED", obj, None, True))
        return False

    def mark(self, what, window, heavy, last, filled=False):
        now, cpu = time.monotonic(), time.process_time()  # CPU: all threads, this process
        for done in (what, "FILLED") if filled else (what,):
            print(done, now, flush=True)
            print("CPU", done, cpu, flush=True)
        if heavy is not None:
            print("LOADED", " ".join(heavy), flush=True)
        if last:
            window.removeEventFilter(self)
            window.close()
            QApplication.instance().quit()
"""

# The baseline window (also memory.py's): ``app`` and ``w``, a QMainWindow with the program's
# six tab names on empty pages, at the program's size; not shown yet.
BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget
app = QApplication(sys.argv)
w = QMainWindow()
tabs = QTabWidget()
for name in ["概览", "结对名单", "月计划", "帮扶日志", "考核评分", "阶段总结"]:
    tabs.addTab(QWidget(), name)
w.setCentralWidget(tabs)
w.resize(1180, 760)
"""

BARE = (
    _SPY
    + "SPY = FrameSpy(wait_for_data=False)\n"
    + BARE_WINDOW
    + """
w.installEventFilter(SPY)
w.show()
app.exec()
"""
)

# The program's own entry point, run as ``gongtongti --data FILE`` runs it: nothing of PySide6
# or the program is imported before ``cli.main``. The spy is attached by an import hook the
# moment ui.main_window has loaded.
OURS = (
    """
import importlib.machinery, sys

def attach_spy(main_window):
"""
    + "\n".join("    " + line for line in _SPY.splitlines())
    + """
    SPY = FrameSpy(wait_for_data=True)
    show, attach = main_window.MainWindow.show, main_window.MainWindow.attach
    def spied_show(self):
        self.installEventFilter(SPY)
        show(self)
    def spied_attach(self, *args):
        attach(self, *args)
        SPY.attached = True
    main_window.MainWindow.show = spied_show
    main_window.MainWindow.attach = spied_attach

class AfterMainWindow:  # a meta path finder (importlib.abc alone would cost 25 ms)
    def find_spec(self, name, path, target=None):
        if name != "gongtongti_desktop.ui.shell.main_window":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        real = spec.loader.exec_module
        def exec_module(module):
            real(module)
            attach_spy(module)
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, AfterMainWindow())
from gongtongti_desktop.cli import main
raise SystemExit(main(["--data", sys.argv[1]]))
"""
)


# Where the time goes: marks along the same path as ``gongtongti --data FILE`` (the damage
# check started and the data file's modules loaded before Qt, the window built, the file
# opened and 概览 built, then the window shown: its first frame shows the data), and a
# cProfile of ``MainWindow.attach`` (building 概览 from the data file).
PHASES = (
    """
import time
_READY = time.monotonic()
import gc, sys
from pathlib import Path
gc.disable()  # as cli_window.cmd_window does
from gongtongti_desktop.cli_window import prepare_before_qt
prepare_before_qt(Path(sys.argv[1]))
_PREPARED = time.monotonic()
"""
    + _SPY
    + """
import cProfile, io, pstats
marks = [
    ("Python 解释器就绪", _READY),
    ("开始 quick_check（另一线程），导入数据文件所需的模块（Qt 之前）", _PREPARED),
]
from gongtongti_desktop.ui.shell.app import build_app
from gongtongti_desktop.ui.shell import main_window
marks.append(("导入 PySide6 与窗口框架", time.monotonic()))
app = build_app()
marks.append(("QApplication 与中文翻译", time.monotonic()))
SPY = FrameSpy(wait_for_data=True)
window = main_window.MainWindow(opening=Path(sys.argv[1]))
marks.append(("构造窗口（六个标签页、菜单）", time.monotonic()))
store, programme = main_window.open_data_file(Path(sys.argv[1]))
marks.append(("加锁、打开数据文件（取 quick_check 的结果）", time.monotonic()))
profile = cProfile.Profile()
profile.enable()
window.attach(store, programme)
profile.disable()
SPY.attached = True
marks.append(("构造概览（计数、期限；当日备份已有）", time.monotonic()))
window.installEventFilter(SPY)
window.show()
app.exec()  # the collector stays off until after the frame, as ui.shell.app keeps it
gc.enable()
for name, t in marks:
    print("MARK", t, name)
out = io.StringIO()
stats = pstats.Stats(profile, stream=out)
stats.sort_stats("cumulative").print_stats(r"gongtongti_desktop|PySide6|sqlite3", 22)
print("PROFILE")
print(out.getvalue())
"""
)


PYCACHE = Path("/tmp/gongtongti-bench/pycache")


def child_env() -> dict[str, str]:
    """Offscreen, the checkout importable, and bytecode cached as an installed program has it
    (pip compiles a wheel's modules): this shell may set PYTHONDONTWRITEBYTECODE, which would
    make every child compile the whole program again. The cache goes under /tmp, not into
    the checkout."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def frame_seconds(script: str, *args: str) -> dict[str, float]:
    """Seconds from starting ``python -c script`` to the end of its window's first paint
    ("FRAME") and, for the program, of its first paint showing the data file ("FILLED")."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = dict(re.findall(r"^(FRAME|FILLED) (\S+)$", done.stdout, re.M))
    if done.returncode != 0 or "FRAME" not in found:
        raise RuntimeError(f"窗口未显示（退出码 {done.returncode}）：{done.stderr[-2000:]}")
    cpu = re.findall(r"^CPU (FRAME|FILLED) (\S+)$", done.stdout, re.M)
    return {what: float(stamp) - start for what, stamp in found.items()} | {
        f"cpu {what}": float(seconds) for what, seconds in cpu
    }


@dataclass
class Startup:
    ours: float  # to the first frame
    filled: float  # to the first frame showing the data file
    bare: float
    ours_all: list[float] = field(default_factory=list)
    filled_all: list[float] = field(default_factory=list)
    bare_all: list[float] = field(default_factory=list)
    # CPU seconds (all threads) until the same moments: on a machine busy with other work the
    # wall-clock figures swing by 2x between runs, the CPU each process needed far less.
    filled_cpu: float = 0.0
    bare_cpu: float = 0.0


def measure(data_file: Path, repeat: int) -> Startup:
    """One warm-up of each (the warm-up of ours pays the day's first backup of the big file,
    and both fill the disk cache), then ``repeat`` alternating runs."""
    frame_seconds(BARE)
    frame_seconds(OURS, str(data_file))
    bare, ours, filled, bare_cpu, filled_cpu = [], [], [], [], []
    for _ in range(repeat):
        run = frame_seconds(BARE)
        bare.append(run["FRAME"])
        bare_cpu.append(run["cpu FRAME"])
        run = frame_seconds(OURS, str(data_file))
        if "FILLED" not in run:
            raise RuntimeError("程序窗口画出了第一帧，却没有显示数据文件")
        ours.append(run["FRAME"])
        filled.append(run["FILLED"])
        filled_cpu.append(run["cpu FILLED"])
    median = statistics.median
    return Startup(
        median(ours), median(filled), median(bare), ours, filled, bare,
        filled_cpu=median(filled_cpu), bare_cpu=median(bare_cpu),
    )  # fmt: skip


@dataclass
class Analysis:
    steps: list[tuple[str, float]]  # (phase, seconds) from process start to the data shown
    loaded: list[str]  # heavy libraries already imported when the first frame was painted
    profile: str  # cProfile of MainWindow(...), trimmed
    import_total: float  # seconds of top-level imports (python -X importtime)
    import_groups: list[tuple[str, float]]  # self time per group of modules, slowest first
    import_top: list[tuple[str, float]]  # the program's slowest modules by self time
    bare_import_total: float  # the same total for the bare window
    quick_check: float  # seconds of PRAGMA quick_check on the file (warm), part of opening


def analyse(data_file: Path) -> Analysis:
    steps, loaded, profile = _phases(data_file)
    total, groups, top = _import_times(OURS, str(data_file))
    bare_total = _import_times(BARE)[0]
    return Analysis(steps, loaded, profile, total, groups, top, bare_total, _quick_check(data_file))


def _phases(data_file: Path) -> tuple[list[tuple[str, float]], list[str], str]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", PHASES, str(data_file)],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    marks = [(start, "启动进程")]
    filled = 0.0
    loaded: list[str] = []
    for line in done.stdout.splitlines():
        if line.startswith("MARK "):
            _tag, stamp, name = line.split(" ", 2)
            marks.append((float(stamp), name))
        elif line.startswith("FILLED "):
            filled = float(line.split()[1])
        elif line.startswith("LOADED"):
            loaded = line.split()[1:]
    marks.sort()
    marks.append((filled, "显示窗口，画出第一帧（即显示数据的一帧）"))
    steps = [(name, t - marks[n][0]) for n, (t, name) in enumerate(marks[1:])]
    profile = done.stdout.split("PROFILE", 1)[-1]
    return steps, loaded, _trim_profile(profile)


def _trim_profile(text: str) -> str:
    """The pstats table without its preamble, paths shortened to the package."""
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    out = []
    for line in lines[start:]:
        if not line.strip():
            continue
        line = re.sub(r"\S*/site-packages/", "", line)
        out.append(line.replace(str(ROOT) + "/", ""))
    return "\n".join(out)


def _group(module: str) -> str:
    if module.startswith(("PySide6", "shiboken6", "shibokensupport")):
        return "PySide6 / shiboken6"
    if module.startswith("gongtongti_desktop.ui"):
        return "本程序 ui/"
    if module.startswith("gongtongti_desktop"):
        return "本程序 core/ 等"
    return "标准库及其他"


def _import_times(
    script: str, *args: str, top: int = 8
) -> tuple[float, list[tuple[str, float]], list[tuple[str, float]]]:
    """``python -X importtime`` of the program's start: the total, self time per group of
    modules, and the program's own slowest modules (self time: its own code, not imports)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", script, *args],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    total = 0.0
    groups: dict[str, float] = {}
    own: list[tuple[str, float]] = []
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not found:
            continue
        own_time, name = int(found.group(1)) / 1e6, found.group(4)
        total += own_time
        group = _group(name)
        groups[group] = groups.get(group, 0.0) + own_time
        if name.startswith("gongtongti_desktop"):
            own.append((name, own_time))
    own.sort(key=lambda r: -r[1])
    return total, sorted(groups.items(), key=lambda g: -g[1]), own[:top]


def _quick_check(data_file: Path) -> float:
    import sqlite3

    conn = sqlite3.connect(f"file:{data_file}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA quick_check").fetchall()  # warm, as the measured runs are
        start = time.perf_counter()
        conn.execute("PRAGMA quick_check").fetchall()
        return time.perf_counter() - start
    finally:
        conn.close()
