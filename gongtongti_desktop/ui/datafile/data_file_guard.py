"""What the window does around opening a data file: one writer (core's lock), a damaged file
answered with the newest good backup, the first start of the day backed up, and a warning
when the file lives in a cloud-synced folder. The decisions are core's (core/backups.py,
core/file_safety.py); this module only asks and tells."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from gongtongti_desktop.core.datafile import backups
from gongtongti_desktop.core.datafile import lock as file_safety
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.errors import DamagedFileError, UserError
from gongtongti_desktop.ui.shell.common import APP_TITLE, show_error

_locks: set[Path] = set()
_warned_cloud: set[Path] = set()


def acquire(path: Path) -> None:
    """Hold the data file for this window (core's one-writer lock, the same the commands
    take); UserError naming the holder when another window or command has it."""
    key = Path(path).resolve()
    if key in _locks:
        return
    file_safety.acquire(key, "窗口")
    _locks.add(key)


def release(path: Path) -> None:
    key = Path(path).resolve()
    if key in _locks:
        _locks.discard(key)
        file_safety.release(key)


def offer_backup(parent: QWidget | None, path: Path, exc: DamagedFileError) -> bool:
    """A damaged data file: offer the newest good backup. True when it was restored."""
    newest = backups.newest_good_backup(path)
    if newest is None:
        return False
    counts = backups.describe_counts(backups.check_backup(newest.path))
    from PySide6.QtWidgets import QMessageBox  # not at start-up

    box = QMessageBox(
        QMessageBox.Icon.Warning,
        APP_TITLE,
        f"{exc.message}\n\n找到一份完好的备份：\n"
        f"{newest.made_at:%Y年%m月%d日 %H:%M}（{newest.reason_text}，{counts}）\n\n"
        "要用这份备份恢复吗？已损坏的文件会改名保存在同一文件夹中，不会被覆盖。",
        parent=parent,
    )
    restore = box.addButton("用备份恢复", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("不恢复", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not restore:
        return False
    try:
        kept = backups.restore(path, newest.path)
    except UserError as err:
        show_error(parent, err, "恢复备份")
        return False
    QMessageBox.information(
        parent,
        APP_TITLE,
        f"已用 {newest.made_at:%Y-%m-%d %H:%M} 的备份恢复。\n损坏的文件保存在：{kept}",
    )
    return True


def after_open(parent: QWidget | None, store: Store) -> None:
    """The day's first backup (quietly; a failure is said, not fatal) and the cloud warning."""
    from gongtongti_desktop.ui.shell import fit

    try:
        backups.daily_backup(store)
    except UserError as exc:
        fit.ensure()  # at start-up the window has not installed it yet
        show_error(parent, exc, "自动备份")
    warning = file_safety.cloud_warning(store.path)
    key = Path(store.path).resolve()
    if warning and key not in _warned_cloud:
        _warned_cloud.add(key)
        fit.ensure()
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, "数据文件在云同步文件夹中", warning)
