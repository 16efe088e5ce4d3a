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
import pickle
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

Task = TypeVar("Task")
Answer = TypeVar("Answer")

JOIN_SECONDS = 5.0  # a worker told to stop has this long to end before it is terminated


def _serve(conn: Connection, work: Callable[[Any], Any], start: Callable[[], None]) -> None:
    """A worker's life: ``start()``, then a task in and its answer out, until None. An
    exception of ``work`` goes back as the answer, to be raised in the parent (as a pool's
    would be), not printed by a process nobody reads."""
    start()
    while True:
        task = conn.recv()
        if task is None:
            return
        try:
            answer: tuple[bool, Any] = (True, work(task))
        except Exception as exc:  # raised again in the parent: its handler says what failed
            answer = (False, exc)
        try:
            conn.send(answer)
        except (TypeError, AttributeError, pickle.PicklingError):  # an exception not picklable
            conn.send((False, RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))


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


class _Run(Generic[Task, Answer]):
    """The tasks, the next one to give out, the answers not yet taken, the workers."""

    def __init__(
        self,
        tasks: Sequence[Task],
        work: Callable[[Task], Answer],
        lost: Callable[[Task], Answer],
        start: Callable[[], None],
    ) -> None:
        self.tasks, self.work, self.lost, self.start = tasks, work, lost, start
        self.given = 0  # tasks given out so far
        self.answers: dict[int, tuple[bool, Any]] = {}  # (done, answer or its exception)
        self.running: list[_Worker] = []

    def add_worker(self) -> None:
        worker = _Worker(self.work, self.start)
        self.running.append(worker)
        self.feed(worker)

    def feed(self, worker: _Worker) -> None:
        """The next task, or none left (the worker waits to be stopped)."""
        if self.given < len(self.tasks):
            worker.give(self.given, self.tasks[self.given])
            self.given += 1
        else:
            worker.give(None, None)

    def collect(self) -> None:
        """Wait until some busy worker answers or dies; take its answer and give it the next
        task (a dead one: its task lost, a new worker for the tasks not yet given out)."""
        busy = [w for w in self.running if w.index is not None]
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
        for worker in busy:
            index = worker.index
            assert index is not None
            if worker.conn in ready:
                try:
                    self.answers[index] = worker.conn.recv()
                except (EOFError, OSError):  # it died before its answer was whole
                    pass
                else:
                    self.feed(worker)
                    continue
            elif worker.process.sentinel not in ready:
                continue
            self.answers[index] = (True, self.lost(self.tasks[index]))
            self.running.remove(worker)
            worker.stop(politely=False)
            if self.given < len(self.tasks):
                self.add_worker()


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
    ``lost(task)`` in this process; an exception ``work`` raised is raised here. If the
    consumer stops early, the workers are terminated: tasks not yet done are dropped."""
    run = _Run(tasks, work, lost, start)
    finished = False
    try:
        for _ in range(min(workers, len(tasks))):
            run.add_worker()
        for wanted in range(len(tasks)):
            while wanted not in run.answers:
                run.collect()
            done, answer = run.answers.pop(wanted)
            if not done:
                raise answer  # in its turn, as the pool's ``imap`` raised it
            yield answer
        finished = True
    finally:
        for worker in run.running:
            worker.stop(politely=finished)
