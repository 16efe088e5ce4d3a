"""The 汇总's worker processes (exchange/rollup/workers.py): answers in the order of the
tasks, whatever order the workers finish in; a worker that dies loses only its own task;
stopping early leaves no process behind; each worker runs ``start`` first."""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any

import pytest

from gongtongti_desktop.exchange.rollup import workers
from gongtongti_desktop.exchange.rollup.workers import in_order

_STARTED: list[int] = []  # per process: filled by _mark_started in a worker


def _slow_for_small(n: int) -> tuple[int, int]:
    """Small numbers take longest: workers finish out of order."""
    time.sleep(0.02 * (5 - n % 5))
    return n, n * n


def _die_on_three(n: int) -> int:
    if n == 3:
        os._exit(3)  # as a worker killed from outside, or out of memory, ends
    return n * 10


def _die_on_three_or_wait(n: int) -> int:
    """The other tasks take long enough for the death to be seen while tasks are left."""
    if n != 3:
        time.sleep(0.2)
    return _die_on_three(n)


def _fails_on_two(n: int) -> int:
    if n == 2:
        raise ValueError(f"坏的任务 {n}")
    return n


def _mark_started() -> None:
    _STARTED.append(os.getpid())


def _started_here(n: int) -> tuple[int, bool]:
    return n, [os.getpid()] == _STARTED


def test_answers_come_in_the_order_of_the_tasks() -> None:
    answers = list(in_order(list(range(12)), 3, _slow_for_small, lost=lambda n: (n, -1)))
    assert answers == [(n, n * n) for n in range(12)]
    assert multiprocessing.active_children() == []


def test_a_worker_that_dies_loses_only_its_own_task() -> None:
    answers = list(in_order(list(range(8)), 2, _die_on_three, lost=lambda n: -n))
    assert answers == [0, 10, 20, -3, 40, 50, 60, 70]
    assert multiprocessing.active_children() == []


def test_stopping_early_leaves_no_worker_behind() -> None:
    answers = in_order(list(range(40)), 2, _slow_for_small, lost=lambda n: (n, -1))
    assert next(answers) == (0, 0) and next(answers) == (1, 1)
    answers.close()
    assert multiprocessing.active_children() == []


def test_each_worker_runs_start_first() -> None:
    answers = list(in_order(list(range(6)), 2, _started_here, lambda n: (n, False), _mark_started))
    assert answers == [(n, True) for n in range(6)]


def test_no_tasks_start_no_workers() -> None:
    assert list(in_order([], 4, _die_on_three, lost=lambda n: n)) == []
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("workers", [1, 5])
def test_more_workers_than_tasks_or_one(workers: int) -> None:
    answers = list(in_order([1, 2, 3], workers, _die_on_three, lost=lambda n: -n))
    assert answers == [10, 20, -3]


def test_an_exception_in_a_task_is_raised_here_and_no_worker_is_left() -> None:
    """As a pool's would be: the caller's own handler says what failed (a worker would
    otherwise print a traceback on the console of the command line)."""
    answers = in_order(list(range(6)), 2, _fails_on_two, lost=lambda n: -n)
    assert next(answers) == 0 and next(answers) == 1
    with pytest.raises(ValueError, match="坏的任务 2"):
        next(answers)
    assert multiprocessing.active_children() == []


def test_a_worker_dying_on_the_last_task_is_not_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[object] = []

    class Counted(workers._Worker):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            started.append(self)

    monkeypatch.setattr(workers, "_Worker", Counted)
    assert list(in_order([1, 2, 3], 2, _die_on_three, lost=lambda n: -n)) == [10, 20, -3]
    assert len(started) == 2  # no new worker for no task
    started.clear()
    answers = list(in_order([3, 1, 2, 4], 2, _die_on_three_or_wait, lost=lambda n: -n))
    assert answers == [-3, 10, 20, 40]
    assert len(started) == 3  # the tasks not yet given out needed one
    assert multiprocessing.active_children() == []
