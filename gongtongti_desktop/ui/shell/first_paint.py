"""Run something just after a widget's first frame is on screen.

For work the first frame need not wait for: the window appears, then fills. A paint that
never comes (a window shown minimised) must not leave the work undone, so a timer runs it
anyway a moment later; it runs once either way.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 250


class _AfterFirstPaint(QObject):
    def __init__(self, widget: QWidget, work: Callable[[], object]) -> None:
        super().__init__(widget)
        self._work: Callable[[], object] | None = work
        widget.installEventFilter(self)
        self._timer = single_shot(self, self._run, FALLBACK_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._timer.start(0)  # after this paint has finished
        return False

    def _run(self) -> None:
        work, self._work = self._work, None
        if work is not None:
            work()


def single_shot(parent: QObject, work: Callable[[], object], ms: int | None = None) -> QTimer:
    """A single-shot timer owned by ``parent`` (gone with it), started when ``ms`` is given.
    Not ``QTimer.singleShot(ms, parent, work)``: choosing among that one's overloads makes
    PySide6 build QMetaMethod's class, which the first frame need not wait for."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.timeout.connect(work)
    if ms is not None:
        timer.start(ms)
    return timer


def after_first_paint(widget: QWidget, work: Callable[[], object]) -> None:
    """Call ``work`` once, right after ``widget`` has painted for the first time."""
    _AfterFirstPaint(widget, work)
