"""A progress dialog fed by the exchange layer's ``progress(done, total, text)`` callbacks.

Writing, reading and merging packages run on the GUI thread (no threads: the store's SQLite
connection belongs to this thread). The callback processes pending events, so the window
repaints and the bar moves; the dialog is window-modal, so nothing else can be clicked
meanwhile. Only steps that write nothing may be cancelled (reading a package to plan its
import): there the callback raises ``Cancelled`` and the caller drops what it was doing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from gongtongti_desktop.ui.shell.common import wait_cursor


class Cancelled(Exception):
    """The director pressed 取消 in a progress dialog of a step that writes nothing."""


class Progress:
    """The callback; ``dialog`` is the QProgressDialog it drives."""

    def __init__(self, parent: QWidget | None, title: str, *, cancellable: bool = False) -> None:
        self.dialog = QProgressDialog(parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setLabelText("正在准备……")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.setMinimumDuration(300)
        self.dialog.setMinimumWidth(420)
        self.dialog.setRange(0, 0)  # busy until the first step says how many there are
        self.cancellable = cancellable
        if cancellable:
            self.dialog.setCancelButtonText("取消")
        else:
            self.dialog.setCancelButton(None)  # type: ignore[arg-type]
        self.steps: list[tuple[int, int, str]] = []  # what was reported, for tests

    def __call__(self, done: int, total: int, text: str) -> None:
        self.steps.append((done, total, text))
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))
        self.dialog.setLabelText(text)
        QApplication.processEvents()
        if self.cancellable and self.dialog.wasCanceled():
            raise Cancelled

    def close(self) -> None:
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()


@contextlib.contextmanager
def progress(
    parent: QWidget | None, title: str, *, cancellable: bool = False
) -> Iterator[Progress]:
    """A progress dialog for the time of the ``with`` block, with the busy cursor when there
    is no 取消 button to point at."""
    bar = Progress(parent, title, cancellable=cancellable)
    try:
        with contextlib.nullcontext() if cancellable else wait_cursor():
            yield bar
    finally:
        bar.close()
