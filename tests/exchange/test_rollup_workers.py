"""The 汇总's worker processes (exchange/rollup/workers.py): answers in the order of the
tasks, whatever order the workers finish in; a worker that dies loses only its own task;
stopping early leaves no process behind; each worker runs ``start`` first."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

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
