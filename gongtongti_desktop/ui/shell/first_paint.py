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
        QTimer.singleShot(FALLBACK_MS, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)  # after this paint has finished
        return False

    def _run(self) -> None:
        work, self._work = self._work, None
        if work is not None:
            work()


def after_first_paint(widget: QWidget, work: Callable[[], object]) -> None:
    """Call ``work`` once, right after ``widget`` has painted for the first time."""
    _AfterFirstPaint(widget, work)
