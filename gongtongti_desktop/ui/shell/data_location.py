"""The window's default data file: 文档/共同体工作台/gongtongti.gtdb (Qt's DocumentsLocation),
where a director finds it, with its attachments and backups beside it in that one folder.

Before this version the default was Qt's AppDataLocation (hidden under AppData on Windows). A
data file found there, and none at the new place, is offered to move (with its attachments
and backups, ``core.datafile.location.move_data_file``); if the director declines, it is used
where it is — and that answer is remembered — so there are never two copies.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox, QWidget

from gongtongti_desktop.core.datafile import location
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import APP_TITLE, error_text

KEPT_KEY = "data/keep_old_location"  # the old data file the director chose to keep using


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def old_default_file() -> Path:
    """Where earlier versions put the data file: ``AppDataLocation/gongtongti.gtdb``."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / location.DEFAULT_FILE_NAME


def ask_to_move(parent: QWidget | None, old: Path, new: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        APP_TITLE,
        f"在原来的默认位置找到了您的数据文件：\n{old}\n\n"
        f"新版本把数据文件放在“文档”里的“{location.FOLDER_NAME}”文件夹中，附件和备份也在其中，"
        "便于查找，也便于整个文件夹复制到 U 盘。\n\n"
        f"是否把数据文件连同附件和备份一起移动到：\n{new.parent}\n\n"
        "选“否”则继续在原位置使用，不会复制出第二份。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def choose_default_data_file(
    settings: QSettings | None = None,
    documents: Path | None = None,
    old: Path | None = None,
    parent: QWidget | None = None,
) -> Path:
    """The data file to open when none is named (its folder made when missing)."""
    settings = settings if settings is not None else QSettings()
    new = location.default_data_file(documents if documents is not None else documents_folder())
    old = old if old is not None else old_default_file()
    if location.legacy_to_offer(old, new) is not None:
        if settings.value(KEPT_KEY, "") == str(old):
            return old
        if not ask_to_move(parent, old, new):
            settings.setValue(KEPT_KEY, str(old))
            return old
        try:
            location.move_data_file(old, new)
        except (UserError, OSError) as exc:
            QMessageBox.warning(
                parent, APP_TITLE, f"数据文件没有移动，继续在原位置使用。\n{error_text(exc)}"
            )
            return old
        settings.remove(KEPT_KEY)
        return new
    new.parent.mkdir(parents=True, exist_ok=True)
    return new
