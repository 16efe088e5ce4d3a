"""Benchmarks, run on demand (not part of the test suite): ``.venv/bin/python tests/bench/run.py``.

Each figure is a median over repeated runs, printed beside a baseline measured in the same run
on the same machine, so the ratio means something even on a slow laptop:

- cold start of the window on the demo data vs a bare PySide6 QMainWindow with the same six tabs
  (both from process start to the first shown frame, offscreen);
- building annex 1 as a PDF inside a running process, and the whole ``gongtongti print`` command
  vs starting a bare Python interpreter.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget
app = QApplication(sys.argv)
w = QMainWindow()
tabs = QTabWidget()
for name in ["概览", "结对名单", "月计划", "帮扶日志", "考核评分", "阶段总结"]:
    tabs.addTab(QWidget(), name)
w.setCentralWidget(tabs)
w.resize(1200, 760)
w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""

OUR_WINDOW = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from gongtongti_desktop.core.programme import get_programme
from gongtongti_desktop.core.store import Store
from gongtongti_desktop.ui.app import build_app
from gongtongti_desktop.ui.main_window import MainWindow
app = build_app()
store = Store.open(Path(sys.argv[1]))
window = MainWindow(store, get_programme(store.programme_id))
window.resize(1200, 760)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def _timed_process(args: list[str], repeat: int) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _timed_call(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from gongtongti_desktop.core.demo import create_demo
    from gongtongti_desktop.core.form_data import form_data
    from gongtongti_desktop.core.programme import get_programme
    from gongtongti_desktop.output.pdf import render_pdf

    repeat = int(os.environ.get("BENCH_REPEAT", "7"))
    rows: list[tuple[str, float, str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.gtdb"
        store = create_demo(demo)
        programme = get_programme(store.programme_id)

        bare = _timed_process([sys.executable, "-c", BARE_WINDOW], repeat)
        ours = _timed_process([sys.executable, "-c", OUR_WINDOW, str(demo)], repeat)
        rows.append(("窗口冷启动（示例数据）", ours, "空白 PySide6 窗口（六个标签页）", bare))

        render_pdf(form_data(store, programme, "annex1"))  # font registration, first imports
        pdf = _timed_call(lambda: render_pdf(form_data(store, programme, "annex1")), repeat * 3)
        noop = _timed_call(lambda: form_data(store, programme, "annex1"), repeat * 3)
        rows.append(("附件1 生成 PDF（进程内）", pdf, "只取数据（不排版）", noop))
        store.close()

        out = Path(tmp) / "a.pdf"
        cmd = [
            sys.executable,
            "-m",
            "gongtongti_desktop",
            "print",
            "annex1",
            "--data",
            str(demo),
            "-o",
            str(out),
        ]
        whole = _timed_process(cmd, repeat)
        python = _timed_process([sys.executable, "-c", "pass"], repeat)
        rows.append(("gongtongti print annex1（整条命令）", whole, "空 Python 进程", python))

    print(f"{'项目':<28}{'中位数':>10}  {'基线':<26}{'基线中位数':>10}{'倍数':>8}")
    for name, value, base_name, base in rows:
        print(
            f"{name:<28}{value * 1000:>8.1f}ms  {base_name:<26}{base * 1000:>8.1f}ms{value / base:>7.2f}×"
        )
    print(
        f"（每项重复 {repeat} 次以上取中位数；Python {sys.version.split()[0]}，{os.cpu_count()} 核）"
    )


if __name__ == "__main__":
    main()
