"""备份到U盘: a copy of the data file and its photos in a folder the director chooses (a USB
stick, another drive), and restoring from such a copy.

Why besides the automatic backups: those sit in ``backups/`` beside the data file, on the same
disk — a stolen or broken laptop takes them too. A portable backup is one folder
``共同体工作台备份-<园名>-<时间>/`` holding the data file (SQLite's backup API, never a file
copy) and the ``attachments/`` it refers to, checked after writing: it opens, passes
``quick_check`` and holds as many records as the file it came from. Restoring checks the copy
the same way before anything is replaced (``backups.restore`` also backs the current file up
first), then brings back the photos the copy has and the data folder lacks; nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from gongtongti_desktop.core.datafile import backups
from gongtongti_desktop.core.datafile.store import ATTACHMENTS_DIR_NAME as FOLDER_NAME
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.errors import DataFileError, UserError

PREFIX = "共同体工作台备份"


@dataclass(frozen=True)
class PortableBackup:
    folder: Path
    data_file: Path
    counts: dict[str, int]
    files: int  # attachment files copied


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", name)[:30] or "数据"


def backup_to_folder(store: Store, target: Path, now: dt.datetime | None = None) -> PortableBackup:
    """Write a checked copy of ``store`` and its attachments into a new folder in ``target``.
    A copy that fails its check is removed and the error says why."""
    target = Path(target)
    if not target.is_dir():
        raise UserError(f"文件夹 {target} 不存在或无法打开（U盘是否已插好？）")
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = target / f"{PREFIX}-{_safe(store.kindergarten_name)}-{stamp}"
    try:
        folder.mkdir()
        data_file = folder / (store.path.name or "数据文件.gtdb")
        store.backup(reason="manual", dest=data_file)
        files = 0
        source = store.path.parent / FOLDER_NAME
        if source.is_dir():
            shutil.copytree(source, folder / FOLDER_NAME)
            files = sum(1 for p in (folder / FOLDER_NAME).rglob("*") if p.is_file())
        counts = backups.check_backup(data_file)
        expected = {
            table: int(
                store.query(f"SELECT count(*) AS n FROM {table} WHERE deleted_at IS NULL")[0]["n"]
            )
            for table, _label in backups.COUNTED
        }
        if counts != expected:
            raise DataFileError(f"备份核对不一致：{counts} ≠ {expected}")
    except (OSError, UserError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        detail = exc.message if isinstance(exc, UserError) else str(exc)
        raise UserError(f"备份到 {target} 失败：{detail}。原数据文件未改变。") from exc
    return PortableBackup(folder, data_file, counts, files)


def check_portable(data_file: Path) -> dict[str, int]:
    """Record counts of a portable copy that can be restored; UserError saying why not."""
    data_file = Path(data_file)
    if not data_file.is_file():
        raise UserError(f"找不到备份文件 {data_file}")
    return backups.check_backup(data_file)


def restore_from_folder(current: Path, data_file: Path) -> tuple[Path, int]:
    """Put a portable copy in place of ``current`` (checked first; the current content is
    backed up beside it) and bring back its photos. Returns (where the old content went,
    photos brought back)."""
    check_portable(data_file)
    kept = backups.restore(Path(current), Path(data_file))
    brought = 0
    source = Path(data_file).parent / FOLDER_NAME
    if source.is_dir():
        target = Path(current).parent / FOLDER_NAME
        for path in source.rglob("*"):
            if path.is_file():
                dest = target / path.relative_to(source)
                if not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, dest)
                    brought += 1
    return kept, brought
