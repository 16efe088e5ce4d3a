"""Starting the window: the QApplication with Qt's own Chinese translations, the data file
(first-run setup when it does not exist, a clear message when it cannot be used), and a last
resort for unexpected errors (a message, the details in a log file, never a traceback)."""

from __future__ import annotations

import datetime as dt
import gc
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QStandardPaths, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from gongtongti_desktop.core.paths import resources_dir
from gongtongti_desktop.errors import DamagedFileError, UserError
from gongtongti_desktop.ui.shell.common import APP_TITLE, error_text

if TYPE_CHECKING:
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.programme import Programme
    from gongtongti_desktop.ui.shell.main_window import MainWindow

ORGANIZATION = "gongtongti"
APPLICATION = "gongtongti-desktop"
DEFAULT_FILE_NAME = "gongtongti.gtdb"
OPEN_OTHER, CREATE_NEW, QUIT = "open", "new", "quit"
REMINDERS_AFTER_MS = 600  # after 概览 and its rule rows are on screen
# Opening waits this long for the damage check before the window shows that it is opening.
OPENING_SHOWN_AFTER_S = 0.15


def install_translations(app: QApplication) -> list[QTranslator]:
    """Load PySide6's own zh_CN translations, so standard buttons and dialogs are Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for name in ("qtbase_zh_CN",):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed


def default_data_path() -> Path:
    """``文档/共同体工作台/gongtongti.gtdb`` (the folder is created when missing); a data file
    still at the old default (``AppDataLocation``) is offered to move there, or used where
    it is (``ui.shell.data_location``)."""
    from gongtongti_desktop.ui.shell.data_location import choose_default_data_file

    return choose_default_data_file()


def ask_after_failure(message: str, parent: QWidget | None = None) -> str:
    """The data file cannot be used: say why and offer another file. Returns the choice."""
    from PySide6.QtWidgets import QMessageBox  # message and file dialogs: not at start-up

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(APP_TITLE)
    box.setText(message)
    box.setInformativeText("可以打开另一个数据文件，或新建一个数据文件。")
    open_button = box.addButton("打开其他文件…", QMessageBox.ButtonRole.AcceptRole)
    new_button = box.addButton("新建数据文件…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_button)
    box.exec()
    clicked = box.clickedButton()
    if clicked is open_button:
        return OPEN_OTHER
    if clicked is new_button:
        return CREATE_NEW
    return QUIT


def run_first_run(path: Path, *, first_run: bool = True) -> tuple[Store, Programme] | None:
    from gongtongti_desktop.ui.shell.first_run import FirstRunDialog

    dialog = FirstRunDialog(path, first_run=first_run)
    if dialog.exec() != FirstRunDialog.DialogCode.Accepted or dialog.store is None:
        return None
    assert dialog.programme is not None
    return dialog.store, dialog.programme


def obtain_store(
    path: Path, before_dialog: Callable[[], object] = lambda: None
) -> tuple[Store, Programme] | None:
    """The data file to work on: ``path`` if usable, the first-run setup if it does not exist,
    otherwise whatever the director chooses instead. None: the director gave up (quit).
    A file that cannot be opened is never modified. ``before_dialog``: called before any
    dialog appears (the window puts itself behind it)."""
    from gongtongti_desktop.ui.datafile import data_file_guard
    from gongtongti_desktop.ui.shell import fit
    from gongtongti_desktop.ui.shell.main_window import DATA_FILE_FILTER, open_data_file

    def dialog_next() -> None:
        before_dialog()
        fit.ensure()
        gc.enable()  # off for start-up (cli.cmd_window); a dialog may stay open for minutes

    while True:
        if not path.exists():
            dialog_next()
            return run_first_run(path)
        try:
            return open_data_file(path)
        except DamagedFileError as exc:
            dialog_next()
            if data_file_guard.offer_backup(None, path, exc):
                continue
            choice = ask_after_failure(exc.message)
        except UserError as exc:
            dialog_next()
            choice = ask_after_failure(exc.message)
        from PySide6.QtWidgets import QFileDialog

        if choice == OPEN_OTHER:
            name, _filter = QFileDialog.getOpenFileName(
                None, "打开数据文件", str(path.parent), DATA_FILE_FILTER
            )
        elif choice == CREATE_NEW:
            name, _filter = QFileDialog.getSaveFileName(
                None, "新建数据文件", str(path.parent / "新数据文件.gtdb"), DATA_FILE_FILTER
            )
            if name:
                created = run_first_run(Path(name), first_run=False)
                if created is not None:
                    return created
                continue
        else:
            return None
        if not name:
            continue
        path = Path(name)


def _error_log() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return folder / "error.log"


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Unexpected errors: a short Chinese message; the traceback goes to a log file."""
    from PySide6.QtWidgets import QMessageBox

    if isinstance(exc, UserError | OSError):
        QMessageBox.warning(None, APP_TITLE, error_text(exc))
        return
    log = _error_log()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"\n== {dt.datetime.now().isoformat(timespec='seconds')}\n")
            fh.write("".join(traceback.format_exception(kind, exc, tb)))
        where = f"详细信息已记录在 {log}。"
    except OSError:
        where = ""
    if sys.__stderr__ is not None:  # none in a windowed build on Windows
        traceback.print_exception(kind, exc, tb, file=sys.__stderr__)
    QMessageBox.critical(
        None,
        APP_TITLE,
        f"程序出现意外错误，刚才的操作可能没有完成。已保存的数据不受影响。\n{where}",
    )


def build_app() -> QApplication:
    """The QApplication with our names, Chinese Qt translations and error hook. Dialogs are
    fitted to the screen from when the window says (``fit.install``, ``fit.ensure``); the icon
    comes with the first frame (``set_window_icon``)."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    install_translations(app)
    sys.excepthook = _excepthook
    return app


def set_window_icon() -> None:
    """The program's icon on its windows. Set just after the window's first frame: the SVG
    icon loads Qt's SVG plugin and library (~2.5 ms) that frame need not wait for (the taskbar
    shows the program file's own icon meanwhile)."""
    from PySide6.QtGui import QIcon

    icon = resources_dir() / "icon.svg"
    if icon.is_file():
        QApplication.setWindowIcon(QIcon(str(icon)))


def start_window(path: Path, package: Path | None = None) -> MainWindow | None:
    """The window on ``path``, its first frame showing the data file's 概览. None: the
    director gave up opening (the window closed).

    Why so: a director must see at once that the program has started — no second
    double-click, no second copy. Opening takes well under a second, so the window simply
    appears with 概览 filled. When it will take longer (the damage check of a big file on a
    slow disk still running) or a dialog comes first (first run, a damaged file, another copy
    open), the window appears at once saying which file it is opening, the dialog over it.
    ``package``: a double-clicked .gtt, whose import preview opens once the data file shows."""
    from gongtongti_desktop.core.datafile import early_check
    from gongtongti_desktop.ui.shell.first_paint import after_first_paint
    from gongtongti_desktop.ui.shell.main_window import MainWindow

    early_check.start(path)  # (``gongtongti --data FILE`` started it before Qt loaded)
    window = MainWindow(opening=path)
    after_first_paint(window, set_window_icon)  # (or a moment later, under a first dialog)
    if not early_check.settled(path, OPENING_SHOWN_AFTER_S):
        _on_screen_now(window)
    if not _open_into(window, path, package):
        return None
    window.show()
    return window


def _on_screen_now(window: MainWindow) -> None:
    """The window on screen now, saying which file it is opening (unless it already is)."""
    if not window.isVisible():
        window.show_opening()
        QApplication.processEvents()  # painted before opening goes on


def _open_into(window: MainWindow, path: Path, package: Path | None = None) -> bool:
    """Open ``path`` (or what the director chooses instead) into ``window``; False when she
    gave up, the window closed."""
    from gongtongti_desktop.ui.shell import fit
    from gongtongti_desktop.ui.shell.first_paint import after_first_paint, single_shot

    opened, attached = None, False
    try:
        opened = obtain_store(path, lambda: _on_screen_now(window))
        if opened is not None:
            window.attach(*opened)
            attached = True
    finally:  # garbage collection, off for start-up (cli.cmd_window): on once 概览 shows,
        if attached:  # or at once when it will not
            after_first_paint(window, gc.enable)
        else:
            gc.enable()
    if opened is None:
        window.close()
        return False
    # Every dialog fits the screen from the frame showing 概览 on (``fit.ensure``).
    after_first_paint(window, fit.ensure)
    if package is not None:
        fit.ensure()
        window.show()
        window.import_package(package)  # a double-clicked .gtt: its preview, no reminders
        return True
    store = window.store

    def remind() -> None:  # what is due, each a click from where to act — once 概览 shows;
        # the setting read then too (its module and QSettings are no part of 概览's frame)
        from gongtongti_desktop.ui.overview.reminders import show_at_start

        # not once the window is closed (its data file with it)
        if show_at_start() and window.isVisible() and window.store is store:
            window.daily.show_reminders()

    single_shot(window, remind, REMINDERS_AFTER_MS)
    return True


def run_gui(data_path: Path | None, package: Path | None = None) -> int:
    """Open the window on ``data_path`` (default: 文档/共同体工作台); with ``package`` (a .gtt
    opened by double-click) its import preview over it. The exit code."""
    app = build_app()
    path = Path(data_path) if data_path is not None else default_data_path()
    window = start_window(path, package)  # kept alive until the event loop ends
    if window is None:  # the director gave up opening a data file
        return 0
    return app.exec()
