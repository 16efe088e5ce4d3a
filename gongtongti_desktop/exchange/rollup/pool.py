"""Reading and computing many packages' figures for the 汇总 — in parallel processes when
there are many.

Why processes: one package of a busy school year (2 000 activities) costs about 45 ms of
Python work — JSON parsing, every row checked, loaded into a throw-away data file, rules
evaluated — and a county clerk merges 200 of them. Threads would share one interpreter lock;
worker processes use every core of the clerk's laptop (``workers.in_order``). Each worker
keeps its own in-memory empty data files (``figures.Scratch``) in its own sub-folder of the merge's
temporary folder, which the caller removes afterwards.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from pathlib import Path

from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package.format import Limits
from gongtongti_desktop.exchange.package.read import read_package
from gongtongti_desktop.exchange.package.signed_forms import summary as signed_summary
from gongtongti_desktop.exchange.rollup.figures import KindergartenRow, Scratch, figures
from gongtongti_desktop.exchange.rollup.photos import photo_counts
from gongtongti_desktop.exchange.rollup.workers import in_order

# (file, its figures or None, why it was skipped — "" when it was not)
Outcome = tuple[Path, KindergartenRow | None, str]

PACKAGES_PER_WORKER = 8  # below this many per worker, starting processes costs more than it saves
MAX_WORKERS = 8

_scratches: dict[Path, Scratch] = {}  # per process: the empty data files of one merge's folder


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return exc.message
    return f"数据无法载入（{exc}）"


def figures_of(path: Path, limits: Limits, folder: Path) -> Outcome:
    """One package read with every check and its figures computed; a bad one gives its
    reason instead (the caller lists it and goes on)."""
    scratch = _scratches.get(folder)
    if scratch is None:
        own = folder / f"worker-{os.getpid()}"
        own.mkdir(exist_ok=True)
        scratch = _scratches[folder] = Scratch(own)
    try:
        # The workbook is never opened here: its byte checks suffice (see read_package).
        package = read_package(path, limits=limits, open_workbook=False)
        row = figures(scratch, package)
        row.signed = signed_summary(package.manifest)  # the manifest's few lines, no more
        photo_counts(row, package.manifest)
        return path, row, ""
    except (UserError, sqlite3.Error, OverflowError, ValueError, OSError) as exc:
        return path, None, _reason(exc)  # listed with its reason; the others go on


def _figures_of_task(task: tuple[Path, Limits, Path]) -> Outcome:
    """One package in a worker process, without the cyclic garbage collector.

    Why: a package's JSON is some 10 000 objects and lists, and while they are built the
    collector keeps walking them (and every module of the worker) looking for cycles that
    parsed JSON cannot have — about 5 % of the worker's time. The worker is ours alone; the
    collector is back on between packages, so any cycle a package left is still collected."""
    gc.disable()
    try:
        return figures_of(*task)
    finally:
        gc.enable()


# glibc's mallopt parameters (malloc.h): M_TRIM_THRESHOLD, M_MMAP_THRESHOLD.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
KEEP_FREED = 128 * 1024 * 1024  # freed heap a worker keeps for the next package
HEAP_UP_TO = 32 * 1024 * 1024  # blocks up to this size come from the heap (glibc's maximum)


def _worker_start() -> None:
    """A worker keeps the memory one package freed for the next (Linux's C library).

    Why: each package's big blocks — data.json's 2–20 MB of bytes, its decoded text, the
    zip's buffers — are by default each mapped from the system and given back when freed,
    and the freed top of the heap is returned too; the next package maps and faults the same
    10 MB in again: some 2 500 page faults a package, about a sixth of a worker's time
    (4.7 ms of system time a package, and the user time of touching fresh pages). Taken
    from the heap and kept there, they are reused. The worker is ours alone and lives for
    one merge, so what it keeps is at most its largest package's, which the limits bound.
    Other systems' allocators are left as they are."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (no mallopt): nothing to tune
        return
    mallopt(_M_TRIM_THRESHOLD, KEEP_FREED)
    mallopt(_M_MMAP_THRESHOLD, HEAP_UP_TO)


def _forget(folder: Path) -> None:
    scratch = _scratches.pop(folder, None)
    if scratch is not None:
        scratch.close()


def worker_count(packages: int) -> int:
    """How many processes a merge of ``packages`` files is worth (1: do it in this one)."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS, packages // PACKAGES_PER_WORKER))


def figures_all(
    paths: Sequence[Path],
    folder: Path,
    limits: Limits,
    progress: Callable[[int, str], None] | None = None,
) -> Iterator[Outcome]:
    """Every package's outcome, in the order given; ``progress(n, name)`` after each.

    If the consumer stops early (the user cancelled through ``progress``), packages not yet
    started are dropped and the workers are told to stop."""
    workers = worker_count(len(paths))
    if workers == 1:
        try:
            for n, path in enumerate(paths, 1):
                outcome = figures_of(path, limits, folder)
                if progress is not None:
                    progress(n, path.name)
                yield outcome
        finally:
            _forget(folder)
        return
    tasks = [(path, limits, folder) for path in paths]
    with closing(in_order(tasks, workers, _figures_of_task, _lost, _worker_start)) as outcomes:
        for n, outcome in enumerate(outcomes, 1):
            if progress is not None:
                progress(n, outcome[0].name)
            yield outcome


def _lost(task: tuple[Path, Limits, Path]) -> Outcome:
    """A package whose worker process died while reading it (ended from outside, or out of
    memory): listed with the reason, the others go on."""
    return task[0], None, "数据无法载入（读取它的进程意外结束）"
