"""Medians of repeated calls, for the benchmark rows."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_call(func: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` calls of ``func()``."""
    return median_numbered(lambda _n: func(), repeat)


def median_numbered(func: Callable[[int], object], repeat: int) -> float:
    """Median seconds of ``func(0)`` … ``func(repeat - 1)`` (e.g. a new output file each)."""
    times = []
    for n in range(repeat):
        start = time.perf_counter()
        func(n)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
