"""Automatic backups beside the data file, their rotation, and restoring one.

Every backup is made with SQLite's backup API (``Store.backup``), never by copying a live file
(a WAL database's last commits may still sit in the -wal file). Automatic backups — the first
start of each day, before a migration, an import or a restore — rotate: the newest of each of
the last 7 days that have one, and the newest of each of the 4 weeks before, are kept; backups
the director made on purpose (``manual``) are never deleted.

Restoring checks the backup first (ours, not newer, ``quick_check`` ok), backs up the current
file, then writes the backup into place through the backup API again. A damaged current file
is never overwritten: it is renamed beside (``…-damaged-<time>.gtdb``) and kept.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from pathlib import Path
from typing import NamedTuple

from gongtongti_desktop.core.datafile.store import (
    APPLICATION_ID,
    BACKUP_DIR_NAME,
    PARTIAL_SUFFIX,
    Store,
    read_header,
    storage_reason,
)
from gongtongti_desktop.core.datafile.version import SCHEMA_VERSION
from gongtongti_desktop.errors import DataFileError, StorageError

AUTOMATIC = ("daily", "before-migration", "before-import", "before-restore")
REASON_TEXT = {
    "daily": "每日自动备份",
    "before-migration": "升级数据格式前",
    "before-import": "导入前",
    "before-restore": "恢复前",
    "manual": "手动备份",
}
KEEP_DAILY = 7
KEEP_WEEKLY = 4
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z-]+)\Z")
COUNTED = (("activity", "活动"), ("plan_item", "计划事项"), ("kindergarten", "幼儿园"))


class BackupInfo(NamedTuple):
    """A backup file with when and why it was made, as 备份与恢复 lists it."""

    path: Path
    made_at: dt.datetime
    reason: str
    size: int

    @property
    def reason_text(self) -> str:
        return REASON_TEXT.get(self.reason, self.reason)

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC


def backup_folder(data_file: Path) -> Path:
    return Path(data_file).parent / BACKUP_DIR_NAME


def _stamp_time(stamp: str) -> dt.datetime:
    """``20261123-144500-123456`` (fixed digits, see _NAME) as a time. Not strptime: its
    imports (_strptime, locale, calendar) cost a few ms on the start-up path (the day's backup
    check); an impossible date raises ValueError all the same."""
    day, clock, micro = stamp.split("-")
    return dt.datetime(
        int(day[:4]), int(day[4:6]), int(day[6:]),
        int(clock[:2]), int(clock[2:4]), int(clock[4:]), int(micro),
    )  # fmt: skip


def list_backups(data_file: Path) -> list[BackupInfo]:
    """Backups of this data file (named after it), newest first."""
    folder = backup_folder(data_file)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.stem)
        wanted = path.suffix == (Path(data_file).suffix or ".gtdb")
        if not wanted or not match or match["stem"] != Path(data_file).stem or not path.is_file():
            continue
        made = _stamp_time(match["stamp"])
        found.append(BackupInfo(path, made, match["reason"], path.stat().st_size))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def check_backup(path: Path) -> dict[str, int]:
    """Record counts of a sound backup; DataFileError saying why one cannot be used."""
    user_version, application_id = read_header(path)
    if application_id != APPLICATION_ID:
        raise DataFileError(f"{path.name} 不是共同体工作台的数据文件")
    if user_version > SCHEMA_VERSION:
        raise DataFileError(f"{path.name} 由更新版本的程序写入，本程序无法使用")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise DataFileError(f"备份 {path.name} 已损坏")
        counts = {}
        for table, _label in COUNTED:
            try:
                counts[table] = conn.execute(
                    f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL"
                ).fetchone()[0]
            except sqlite3.OperationalError:
                counts[table] = 0  # an old schema without that table
        return counts
    except sqlite3.DatabaseError as exc:
        raise DataFileError(f"备份 {path.name} 无法读取：{exc}") from exc
    finally:
        conn.close()


def describe_counts(counts: dict[str, int]) -> str:
    return "，".join(f"{label} {counts.get(table, 0)}" for table, label in COUNTED)


def newest_good_backup(data_file: Path) -> BackupInfo | None:
    """The newest backup that passes ``check_backup`` (for a damaged data file)."""
    for info in list_backups(data_file):
        try:
            check_backup(info.path)
        except DataFileError:
            continue
        return info
    return None


def rotate(data_file: Path, today: dt.date | None = None) -> list[Path]:
    """Delete automatic backups beyond 7 daily + 4 weekly; returns what was deleted."""
    today = today or dt.date.today()
    automatic = [b for b in list_backups(data_file) if b.automatic]
    keep: set[Path] = set()
    days: list[dt.date] = []
    for b in automatic:  # newest first: the first seen of a day is its newest
        day = b.made_at.date()
        if day not in days:
            days.append(day)
            if len(days) <= KEEP_DAILY:
                keep.add(b.path)
    oldest_daily = days[min(len(days), KEEP_DAILY) - 1] if days else today
    weeks: list[tuple[int, int]] = []
    for b in automatic:
        day = b.made_at.date()
        if day >= oldest_daily:
            continue
        week = day.isocalendar()[:2]
        if week not in weeks:
            weeks.append(week)
            if len(weeks) <= KEEP_WEEKLY:
                keep.add(b.path)
    deleted = []
    folder = backup_folder(data_file)
    if folder.is_dir():  # a backup cut short (a kill, a full disk): never a finished backup
        for partial in folder.glob(f"{Path(data_file).stem}-*{PARTIAL_SUFFIX}"):
            partial.unlink(missing_ok=True)
            deleted.append(partial)
    for b in automatic:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            deleted.append(b.path)
    return deleted


def daily_backup(store: Store, today: dt.date | None = None) -> Path | None:
    """The first start of a day backs the file up (then rotates); later starts do nothing."""
    today = today or dt.date.today()
    if any(b.made_at.date() == today for b in list_backups(store.path) if b.reason == "daily"):
        return None
    path = store.backup(reason="daily")
    rotate(store.path, today)
    return path


def _free_space_needed(data_file: Path, backup: Path) -> int:
    """Bytes a restore may write: a backup of the current file, the restored content (through
    the journal, or as a new file) and a margin."""
    current = data_file.stat().st_size if data_file.exists() else 0
    wal = Path(str(data_file) + "-wal")
    current += wal.stat().st_size if wal.exists() else 0
    return current + 2 * backup.stat().st_size + 4 * 1024 * 1024


def _check_space(data_file: Path, backup: Path) -> None:
    needed = _free_space_needed(data_file, backup)
    free = shutil.disk_usage(data_file.parent).free
    if free < needed:
        raise StorageError(
            f"磁盘空间不足：恢复需要约 {needed / 1e6:.1f} MB，{data_file.parent} 所在磁盘只剩 "
            f"{free / 1e6:.1f} MB。请删除不需要的文件、清空回收站后再试；当前数据文件未改变。"
        )


def _stage(backup: Path, staged: Path) -> None:
    """The backup's content written to ``staged`` (a new file beside the data file), checked."""
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(str(staged))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            if target.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise DataFileError(f"恢复失败：写出的文件检查未通过（{staged}）。")
        finally:
            target.close()
        with staged.open("rb+") as fh:
            os.fsync(fh.fileno())
    finally:
        source.close()


def _swap_in_damaged(data_file: Path, backup: Path) -> Path:
    """A damaged (or unreadable foreign) current file: the backup is written beside it, the
    damaged bytes keep a second name, and one rename puts the backup in place. At every moment
    the data file's path holds either the damaged file or the restored one."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = data_file.with_name(f"{data_file.stem}-damaged-{stamp}{data_file.suffix}")
    staged = data_file.with_name(f".{data_file.name}.restoring")
    staged.unlink(missing_ok=True)
    try:
        _stage(backup, staged)
        try:
            os.link(data_file, aside)  # the damaged bytes, under a second name
        except OSError:
            shutil.copy2(data_file, aside)  # a file system without hard links (FAT32)
        for suffix in ("-wal", "-shm"):  # the damaged file's journal goes with it
            journal = Path(str(data_file) + suffix)
            if journal.exists():
                os.replace(journal, Path(str(aside) + suffix))
        os.replace(staged, data_file)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return aside


def restore(data_file: Path, backup: Path) -> Path:
    """Put a backup in place of the data file, under the one-writer lock (the window's own
    restore runs inside the lock it already holds).

    Returns where the previous content went: a ``before-restore`` backup, or — when the
    current file is damaged — the damaged file itself, kept beside under a new name. The free
    space is checked first; a healthy file receives the backup through SQLite's backup API in
    one transaction, so any failure (a full disk midway) leaves it exactly as it was.
    """
    from gongtongti_desktop.core.datafile import lock

    data_file, backup = Path(data_file), Path(backup)
    with lock.writing(data_file, "恢复备份"):
        check_backup(backup)
        _check_space(data_file, backup)
        if not data_file.exists():
            staged = data_file.with_name(f".{data_file.name}.restoring")
            try:
                _stage(backup, staged)
                os.replace(staged, data_file)
            finally:
                staged.unlink(missing_ok=True)
            Store.open(data_file).close()
            return data_file
        try:
            current = Store.open(data_file)
        except StorageError:
            raise  # a full disk, a read-only folder, another program: not damage
        except DataFileError:
            kept = _swap_in_damaged(data_file, backup)
        else:
            with current:
                kept = current.backup(reason="before-restore")
                _write_through(backup, current, kept)
        Store.open(data_file).close()  # the restored file opens (and upgrades if it was older)
    return kept


def _write_through(backup: Path, current: Store, kept: Path) -> None:
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        source.backup(current.conn)  # one transaction: all of it or none
    except sqlite3.Error as exc:
        why = storage_reason(exc) or str(exc)
        raise StorageError(
            f"恢复失败：{why}。当前数据文件未改变（恢复前的备份：{kept}）。"
        ) from exc
    finally:
        source.close()
