"""文件 → 备份到U盘… / 从U盘恢复…: choose a folder (a USB stick, another drive), write a
checked copy of the data file and its photos there; or choose such a copy, see what it holds,
and put it in place after a 是.  The work is core's (``core/datafile/portable_backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gongtongti_desktop.core.datafile import backups, portable_backup
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import ask_yes_no, show_error, wait_cursor
from gongtongti_desktop.ui.shell.file_choice import last_folder, remember_folder

if TYPE_CHECKING:
    from gongtongti_desktop.ui.shell.main_window import MainWindow

PURPOSE = "usb_backup"


def backup_to_folder(window: MainWindow) -> portable_backup.PortableBackup | None:
    chosen = QFileDialog.getExistingDirectory(
        window, "备份到U盘：选择U盘或其他文件夹", str(last_folder(PURPOSE))
    )
    if not chosen:
        return None
    remember_folder(PURPOSE, Path(chosen))
    summary = window.summary_page.content
    if summary is not None and not summary.save_now(quiet=False):  # type: ignore[attr-defined]
        return None  # typed text first: it goes into the copy
    try:
        with wait_cursor():
            made = portable_backup.backup_to_folder(window.store, Path(chosen))
    except UserError as exc:
        show_error(window, exc, "备份到U盘")
        return None
    QMessageBox.information(
        window,
        "备份到U盘",
        f"已备份并核对无误：\n{made.folder}\n\n{backups.describe_counts(made.counts)}，"
        f"照片和附件 {made.files} 个。\n\n拔出U盘前请先在系统中“弹出”U盘。",
    )
    return made


def restore_from_folder(window: MainWindow) -> bool:
    name, _filter = QFileDialog.getOpenFileName(
        window,
        "从U盘恢复：选择备份文件夹中的数据文件",
        str(last_folder(PURPOSE)),
        "共同体工作台数据文件 (*.gtdb)",
    )
    if not name:
        return False
    chosen = Path(name)
    remember_folder(PURPOSE, chosen)
    try:
        counts = portable_backup.check_portable(chosen)
    except UserError as exc:
        show_error(window, exc, "从U盘恢复")
        return False
    question = (
        f"备份 {chosen.parent.name} 核对无误：{backups.describe_counts(counts)}。\n\n"
        "用它替换当前的数据吗？当前的数据会先自动备份，可在“文件 → 备份与恢复”中找回。"
    )
    if not ask_yes_no(window, question, "从U盘恢复"):
        return False
    summary = window.summary_page.content
    if summary is not None and not summary.save_now(quiet=False):  # type: ignore[attr-defined]
        return False
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.programme import get_programme

    path = Path(window.store.path)
    try:
        with wait_cursor():
            kept, photos = portable_backup.restore_from_folder(path, chosen)
            store = Store.open(path)
    except UserError as exc:
        show_error(window, exc, "从U盘恢复")
        return False
    window.switch_to(store, get_programme(store.programme_id))
    QMessageBox.information(
        window,
        "从U盘恢复",
        f"已恢复 {chosen.parent.name}（带回照片和附件 {photos} 个）。\n恢复前的数据保存在：{kept}",
    )
    QSettings().sync()
    return True
