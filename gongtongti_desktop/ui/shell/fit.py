"""Every window fits the screen it opens on: a small laptop (1024×600) or a scaled one (1366×768
at 150 %, 911×512 in Qt's logical pixels) must still show a dialog's 确定/取消.

Why one filter for the whole application rather than code in each dialog: a form's height
depends on the programme's fields, the font and the scaling, so no dialog can know in advance
whether it fits. When a dialog is about to be shown and is taller or wider than the screen's
available area, its content (everything but the button row) moves into a scroll area and the
dialog is sized to the screen; the buttons stay at the bottom, always visible. A dialog that
fits is left exactly as it was. The main window opens at its remembered size and place when
that is still on a screen, otherwise fitted to the screen (maximised where the screen is
small).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QBoxLayout, QDialog, QMainWindow, QWidget

if TYPE_CHECKING:  # the dialog classes load when a dialog is first fitted, not at start-up
    from PySide6.QtWidgets import QDialogButtonBox, QScrollArea

# Room left for the window frame and title bar the window manager adds around a dialog.
FRAME_ALLOWANCE = QSize(16, 40)
# Below this available size the main window opens maximised.
SMALL_SCREEN = QSize(1280, 720)
DEFAULT_MAIN_SIZE = QSize(1180, 760)
GEOMETRY_KEY = "main_window/geometry"


def available_rect(widget: QWidget | None = None) -> QRect:
    """The available area (without task bar) of the screen ``widget`` is on, in Qt's logical
    pixels (so 150 % scaling makes it smaller)."""
    screen = widget.screen() if widget is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def _button_box(dialog: QDialog) -> QDialogButtonBox | None:
    from PySide6.QtWidgets import QDialogButtonBox

    layout = dialog.layout()
    if not isinstance(layout, QBoxLayout):
        return None
    for index in range(layout.count()):
        widget = layout.itemAt(index).widget()
        if isinstance(widget, QDialogButtonBox):
            return widget
    return None


def make_scrollable(dialog: QDialog) -> QScrollArea | None:
    """Move everything of ``dialog``'s layout but its button row into a scroll area.

    Returns the scroll area, or None when the dialog has no box layout with a button row
    (message boxes, file dialogs: Qt sizes those itself)."""
    existing = getattr(dialog, "fit_scroll_area", None)
    if existing is not None:
        return existing
    layout = dialog.layout()
    buttons = _button_box(dialog)
    if buttons is None or not isinstance(layout, QBoxLayout):
        return None
    from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout

    content = QWidget()
    inner = QVBoxLayout(content)
    inner.setContentsMargins(0, 0, 0, 0)
    moved = []
    index = 0
    while index < layout.count():
        item = layout.itemAt(index)
        if item.widget() is buttons:
            index += 1
            continue
        moved.append((layout.stretch(index), layout.takeAt(index)))
    for stretch, item in moved:
        if item.widget() is not None:
            inner.addWidget(item.widget(), stretch)
        elif item.layout() is not None:
            child = item.layout()
            child.setParent(None)
            inner.addLayout(child, stretch)
        elif item.spacerItem() is not None:
            inner.addStretch(max(stretch, 1))
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    layout.insertWidget(0, area, 1)
    dialog.fit_scroll_area = area  # type: ignore[attr-defined]
    return area


def fit_dialog(dialog: QDialog, room: QRect | None = None) -> None:
    """Make ``dialog`` fit ``room`` (default: its screen's available area): scroll its form
    when too tall or too wide, shrink it, and keep it inside the screen."""
    room = room if room is not None else available_rect(dialog)
    limit = QSize(room.width() - FRAME_ALLOWANCE.width(), room.height() - FRAME_ALLOWANCE.height())
    hint = dialog.size().expandedTo(dialog.minimumSizeHint())
    too_big = hint.width() > limit.width() or hint.height() > limit.height()
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    if too_big and isinstance(dialog, QMessageBox | QFileDialog):
        dialog.resize(hint.boundedTo(limit))
    elif too_big and make_scrollable(dialog) is not None:
        dialog.setMinimumSize(0, 0)
        for child in (dialog.fit_scroll_area.widget(),):  # type: ignore[attr-defined]
            child.setMinimumWidth(0)
        dialog.resize(hint.boundedTo(limit))
    if dialog.maximumWidth() > limit.width() or dialog.maximumHeight() > limit.height():
        dialog.setMaximumSize(
            min(dialog.maximumWidth(), limit.width()), min(dialog.maximumHeight(), limit.height())
        )
    _keep_inside(dialog, room)


def _keep_inside(widget: QWidget, room: QRect) -> None:
    frame = widget.frameGeometry()
    x = min(max(frame.x(), room.left()), room.right() - frame.width() + 1)
    y = min(max(frame.y(), room.top()), room.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        widget.move(max(x, room.left()), max(y, room.top()))


class _FitFilter(QObject):
    """Fits every dialog of the application just before it is first shown (and puts the
    labels Qt's translation misses on its file dialogs in Chinese)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QDialog)
            and not getattr(watched, "_fitted", False)
        ):
            watched._fitted = True  # type: ignore[attr-defined]
            from PySide6.QtWidgets import QFileDialog

            if isinstance(watched, QFileDialog):
                from gongtongti_desktop.ui.shell.file_choice import chinese_labels

                chinese_labels(watched)
            fit_dialog(watched)
        return False


_installed: dict[int, QObject] = {}


def install(app: QApplication) -> QObject:
    """Fit every dialog of ``app`` to its screen (once per dialog, when first shown).

    Remembered here rather than found among ``app.children()``: listing them makes PySide6
    build Python types for every child (~13 ms before the first frame)."""
    fitter = _installed.get(id(app))
    if fitter is None:
        fitter = _installed[id(app)] = _FitFilter(app)
        app.installEventFilter(fitter)
    return fitter


def ensure() -> None:
    """``install`` on the running application. Start-up installs the filter only once 概览 is
    painted (``app.start_window``): an application-wide filter in Python is called for every
    event of every widget, and the first two frames alone have hundreds (~10 % of start-up).
    What start-up may show before then (first-run setup, a damaged or held file, the day's
    backup failing) calls this first, so those dialogs fit too."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        install(app)


# -- the main window ---------------------------------------------------------------------------


def place_main_window(window: QMainWindow, settings: QSettings | None = None) -> None:
    """The remembered size and place when it is on a screen now, otherwise fitted to the
    screen: maximised on a small one, the default size (or less) centred on a large one."""
    settings = settings if settings is not None else QSettings()
    saved = settings.value(GEOMETRY_KEY)
    room = available_rect(window)
    if (
        isinstance(saved, QByteArray)
        and window.restoreGeometry(saved)
        and room.contains(window.frameGeometry().center())
        and _fits(window.size(), room)
    ):
        return
    size = DEFAULT_MAIN_SIZE.boundedTo(room.size() - FRAME_ALLOWANCE)
    window.resize(size)
    window.move(
        room.x() + (room.width() - size.width()) // 2,
        room.y() + max(0, (room.height() - size.height() - FRAME_ALLOWANCE.height()) // 2),
    )
    # Maximised when shown (``MainWindow.show``): setting the window state here would make
    # PySide6 build the whole Qt namespace (~40 ms) before the first frame.
    window.open_maximized = (  # type: ignore[attr-defined]
        room.width() < SMALL_SCREEN.width() or room.height() < SMALL_SCREEN.height()
    )


def _fits(size: QSize, room: QRect) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def remember_main_window(window: QMainWindow, settings: QSettings | None = None) -> None:
    settings = settings if settings is not None else QSettings()
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
