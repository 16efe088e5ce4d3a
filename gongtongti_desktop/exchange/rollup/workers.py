"""Worker processes fed one task at a time, each through its own pipe; the answers come back
in the order of the tasks.

Why not ``multiprocessing.Pool``: its worker-watching thread waits on the one pipe all answers
share and so wakes at every answer, spinning until the result thread has read it — in a 汇总
of 200 packages some 0.25 s of processor time in the parent, taken from the two workers of a
two-core laptop. And a worker that dies (killed, out of memory) takes its task with it: the
pool starts another worker, but ``imap`` waits for that answer for ever. Here each worker
has its own pipe, and the parent waits (``multiprocessing.connection.wait``) on the pipes of
the busy workers and on the processes themselves: an answer is read when it arrives; a
worker that dies is seen, its task answered by ``lost(task)``, and a new worker takes the
rest. Nothing ever sends an empty message (Wine's named pipes block on those: why this is not
a ``ProcessPoolExecutor``, whose manager thread is woken that way).

Workers are started with "spawn" on every platform: the same behaviour on Windows (which has
nothing else) and Linux, and no fork of a process that runs Qt's threads.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

Task = TypeVar("Task")
Answer = TypeVar("Answer")

JOIN_SECONDS = 5.0  # a worker told to stop has this long to end before it is terminated


def _serve(conn: Connection, work: Callable[[Any], Any], start: Callable[[], None]) -> None:
    """A worker's life: ``start()``, then a task in and its answer out, until None."""
    start()
    while True:
        task = conn.recv()
        if task is None:
            return
        conn.send(work(task))


def _nothing() -> None:
    """The default start of a worker."""


class _Worker:
    """One process, the parent's end of its pipe, and the index of the task it is on."""

    def __init__(self, work: Callable[[Any], Any], start: Callable[[], None]) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, work, start), daemon=True)
        self.process.start()
        theirs.close()  # the parent keeps only its own end: EOF when the worker is gone
        self.index: int | None = None

    def give(self, index: int | None, task: object) -> None:
        self.index = index
        if index is not None:
            with suppress(OSError):  # it died after its last answer: seen dead at the next wait
                self.conn.send(task)

    def stop(self, politely: bool) -> None:
        if politely:
            with suppress(OSError):  # already gone
                self.conn.send(None)
            self.process.join(JOIN_SECONDS)
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.conn.close()


def in_order(
    tasks: Sequence[Task],
    workers: int,
    work: Callable[[Task], Answer],
    lost: Callable[[Task], Answer],
    start: Callable[[], None] = _nothing,
) -> Iterator[Answer]:
    """``work(task)`` for every task in ``workers`` processes, answers in the order of the
    tasks. ``work`` and ``start`` (run first in each worker) must be module-level functions
    (a spawned process imports them by name). A task whose worker died is answered by
    ``lost(task)`` in this process. If the consumer stops early, the workers are
    terminated: tasks not yet done are dropped."""
    pending = iter(range(len(tasks)))

    def next_task(worker: _Worker) -> None:
        index = next(pending, None)
        worker.give(index, None if index is None else tasks[index])

    answers: dict[int, Answer] = {}
    running: list[_Worker] = []
    finished = False
    try:
        for _ in range(min(workers, len(tasks))):
            running.append(_Worker(work, start))
            next_task(running[-1])
        for wanted in range(len(tasks)):
            while wanted not in answers:
                _collect(running, answers, tasks, lost, next_task, work, start)
            yield answers.pop(wanted)
        finished = True
    finally:
        for worker in running:
            worker.stop(politely=finished)


def _collect(
    running: list[_Worker],
    answers: dict[int, Answer],
    tasks: Sequence[Task],
    lost: Callable[[Task], Answer],
    next_task: Callable[[_Worker], None],
    work: Callable[[Task], Answer],
    start: Callable[[], None],
) -> None:
    """Wait until some busy worker answers or dies; take its answer, give it the next task
    (a dead one: its task lost, a new worker for the rest)."""
    busy = [w for w in running if w.index is not None]
    ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
    for worker in busy:
        index = worker.index
        assert index is not None
        if worker.conn in ready:
            try:
                answers[index] = worker.conn.recv()
            except (EOFError, OSError):  # it died before its answer was whole
                pass
            else:
                next_task(worker)
                continue
        elif worker.process.sentinel not in ready:
            continue
        answers[index] = lost(tasks[index])
        running.remove(worker)
        worker.stop(politely=False)
        running.append(_Worker(work, start))
        next_task(running[-1])
