"""Where the director's data file lives by default, without Qt: 文档\\共同体工作台\\ (Documents),
the data file with its attachments and backups folders inside that one folder, so copying the
folder to a U盘 carries everything.

The window asks Qt for the Documents folder (``QStandardPaths``); this module finds the same
folder for code without Qt (Windows' known folder, the XDG user directory on Linux, else
~/Documents), and moves a data file from the old default location (Qt's AppDataLocation)
into the new one when the director agrees — with its attachments and backups, never leaving
two copies.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from gongtongti_desktop.errors import UserError

FOLDER_NAME = "共同体工作台"
DEFAULT_FILE_NAME = "gongtongti.gtdb"
# core.records.attachments.FOLDER_NAME and core.datafile.store.BACKUP_DIR_NAME, not imported:
# the window asks for the default location before its first frame (a test keeps them equal)
ATTACHMENTS_DIR_NAME = "attachments"
BACKUP_DIR_NAME = "backups"
SIDE_FILES = ("-wal", "-shm")  # SQLite's files beside the data file


def documents_dir(home: Path | None = None, env: dict[str, str] | None = None) -> Path:
    """The user's Documents folder: Windows' known folder; on Linux ``XDG_DOCUMENTS_DIR``
    (environment, then ~/.config/user-dirs.dirs); else ~/Documents."""
    env = dict(os.environ) if env is None else env
    home = home or Path.home()
    if sys.platform == "win32" and home == Path.home():
        found = _windows_documents()
        if found is not None:
            return found
    value = env.get("XDG_DOCUMENTS_DIR") or _user_dirs_documents(home, env)
    if value:
        value = value.replace("$HOME", str(home))
        path = Path(value).expanduser()
        if path.is_absolute() and path != home:
            return path
    return home / "Documents"


def _user_dirs_documents(home: Path, env: dict[str, str]) -> str | None:
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    match = re.search(r'^\s*XDG_DOCUMENTS_DIR\s*=\s*"([^"]*)"', text, re.MULTILINE)
    return match.group(1) if match else None


def _windows_documents() -> Path | None:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class GUID(ctypes.Structure):
        _fields_ = [
            ("Data1", wintypes.DWORD),
            ("Data2", wintypes.WORD),
            ("Data3", wintypes.WORD),
            ("Data4", ctypes.c_ubyte * 8),
        ]

    # FOLDERID_Documents {FDD39AD0-238F-46AF-ADB4-6C85480369C7}
    folder_id = GUID(
        0xFDD39AD0,
        0x238F,
        0x46AF,
        (ctypes.c_ubyte * 8)(0xAD, 0xB4, 0x6C, 0x85, 0x48, 0x03, 0x69, 0xC7),
    )
    out = ctypes.c_wchar_p()
    shell32 = ctypes.windll.shell32  # type: ignore[attr-defined]
    if shell32.SHGetKnownFolderPath(ctypes.byref(folder_id), 0, None, ctypes.byref(out)) != 0:
        return None
    try:
        return Path(out.value) if out.value else None
    finally:
        ctypes.windll.ole32.CoTaskMemFree(out)  # type: ignore[attr-defined]


def default_data_file(documents: Path) -> Path:
    """文档/共同体工作台/gongtongti.gtdb under ``documents``."""
    return documents / FOLDER_NAME / DEFAULT_FILE_NAME


def legacy_to_offer(old: Path, new: Path) -> Path | None:
    """The data file at the old default location when there is one and none at the new:
    the director is asked whether to move it. None when there is nothing to ask."""
    if old.is_file() and not new.exists() and old.resolve() != new.resolve():
        return old
    return None


def move_data_file(old: Path, new: Path) -> None:
    """Move ``old`` (and its -wal/-shm, attachments and backups folders) to ``new``'s folder.

    Refused — nothing moved — when the file is open in a window or command, or when something
    of the same name is already there (two copies are never kept). Everything is copied
    first and the old files removed only after every copy succeeded: a failure half-way
    (disk full, a U盘 pulled out) leaves the old location whole and removes the copies."""
    from gongtongti_desktop.core.datafile.lock import writing

    with writing(old, "移动数据文件", wait=0):  # refused while a window or command has it
        _copy_then_remove(old, new)


def _copy_then_remove(old: Path, new: Path) -> None:
    moves = [(old, new)]
    moves += [
        (old.with_name(old.name + side), new.with_name(new.name + side)) for side in SIDE_FILES
    ]
    for folder in (ATTACHMENTS_DIR_NAME, BACKUP_DIR_NAME):
        moves.append((old.parent / folder, new.parent / folder))
    moves = [(src, dst) for src, dst in moves if src.exists()]
    taken = [str(dst) for _src, dst in moves if dst.exists()]
    if taken:
        raise UserError(f"没有移动数据文件：新位置已有同名的文件或文件夹：{'、'.join(taken)}")
    new.parent.mkdir(parents=True, exist_ok=True)
    copied: list[Path] = []
    try:
        for src, dst in moves:
            if src.is_dir():
                shutil.copytree(src, dst)
            else:
                shutil.copy2(src, dst)
            copied.append(dst)
    except BaseException:
        for dst in copied:
            if dst.is_dir():
                shutil.rmtree(dst, ignore_errors=True)
            else:
                dst.unlink(missing_ok=True)
        raise
    for src, _dst in moves:
        if src.is_dir():
            shutil.rmtree(src)
        else:
            src.unlink()
