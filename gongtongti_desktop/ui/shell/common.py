"""Small helpers every part of the window shares: error boxes, the wait cursor, questions."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QLabel, QWidget

from gongtongti_desktop.errors import UserError

APP_TITLE = "共同体工作台"
DISCARD_QUESTION = "放弃未保存的修改？"
# What is done and what is missed or due, wherever a status is coloured.
GREEN, RED = "#1e8449", "#c0392b"


def error_text(exc: BaseException) -> str:
    """The Chinese text shown for an error a user can cause (never a traceback)."""
    if isinstance(exc, UserError):
        return exc.message
    if isinstance(exc, OSError):
        name = f"{exc.filename} " if exc.filename else ""
        return f"无法读写文件：{name}{exc.strerror or exc}"
    return f"操作未完成：{exc}"


def show_error(parent: QWidget | None, exc: BaseException, title: str = APP_TITLE) -> None:
    """A warning box with the error's Chinese message."""
    from PySide6.QtWidgets import QMessageBox  # message and file dialogs: not at start-up

    QMessageBox.warning(parent, title, error_text(exc))


def show_info(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(parent, title, text)


def ask_yes_no(parent: QWidget | None, text: str, title: str = APP_TITLE) -> bool:
    """A question with 是/否 (否 is the default, so a stray Enter does nothing)."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


@contextlib.contextmanager
def wait_cursor() -> Iterator[None]:
    """Show the busy cursor while a (short) operation runs on the GUI thread."""
    from PySide6.QtCore import Qt  # not at start-up: making the Qt namespace takes ~13 ms

    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


def muted(label: QLabel) -> QLabel:
    """Secondary text: softer than the normal text but still easy to read (disabled grey is
    too faint on an old laptop screen). Follows the palette, so dark themes work too."""
    palette = label.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    back = palette.color(QPalette.ColorRole.Window)
    mixed = QColor(
        round(text.red() * 0.65 + back.red() * 0.35),
        round(text.green() * 0.65 + back.green() * 0.35),
        round(text.blue() * 0.65 + back.blue() * 0.35),
    )
    palette.setColor(QPalette.ColorRole.WindowText, mixed)
    label.setPalette(palette)
    return label


def ask_save_path(
    parent: QWidget | None, caption: str, suggested: Path, file_filter: str
) -> Path | None:
    """A save-file dialog that returns the chosen path, or None when cancelled. A name typed
    without one of the filters' suffixes gets the suffix of the filter chosen (else
    ``suggested``'s): "附件2" saved under "Word 文档 (*.docx)" becomes "附件2.docx"."""
    from PySide6.QtWidgets import QFileDialog

    name, chosen = QFileDialog.getSaveFileName(parent, caption, str(suggested), file_filter)
    if not name:
        return None
    path = Path(name)
    allowed = [s.lower() for s in re.findall(r"\*(\.\w+)", file_filter)]
    if path.suffix.lower() not in (allowed or [suggested.suffix.lower()]):
        suffix = (re.findall(r"\*(\.\w+)", chosen) or [suggested.suffix])[0]
        path = path.with_name(path.name + suffix)
    remember_folder(path.parent)
    return path


LAST_FOLDER_KEY = "last_folder/files"


def documents_folder() -> Path:
    """Where file dialogs start: the folder the director last chose a file in (remembered
    across starts), else her Documents folder — not the Documents folder every time."""
    from PySide6.QtCore import QSettings

    saved = QSettings().value(LAST_FOLDER_KEY)
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return Path(saved)
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def remember_folder(folder: Path) -> None:
    from PySide6.QtCore import QSettings

    if folder.is_dir():
        QSettings().setValue(LAST_FOLDER_KEY, str(folder))


def shortcut(key: QKeySequence, widget: QWidget, slot: Callable[[], object], context) -> QShortcut:
    """A key for ``widget`` in ``context`` (Qt.ShortcutContext).

    Why not ``QShortcut(key, widget, slot, context=…)``: PySide6 drops that keyword, the
    shortcut stays window-wide, and two lists' Delete keys in one window cancel each other out
    as ambiguous — the key then does nothing anywhere."""
    made = QShortcut(key, widget)
    made.setContext(context)
    made.activated.connect(slot)
    return made
