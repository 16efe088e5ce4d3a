"""Where the data file lives and who else has it open.

A data file inside a folder a sync client watches (OneDrive, WPS 云文档, 百度网盘, Dropbox, …)
can be uploaded half-written, or replaced by another computer's older copy while open: SQLite
keeps recent commits in a ``-wal`` file beside the database, and sync clients copy the files
one by one at moments of their choosing. So the program warns, and says why.

One writer only: the window holds ``<data file>.lock`` (Qt's QLockFile, whose file says the
holder's process id and host on its first and third lines). Commands that write check the same
file here — without Qt — and refuse while a live window holds it.
"""

from __future__ import annotations

import os
from pathlib import Path

from gongtongti_desktop.errors import UserError

# Folder names sync clients use (compared case-insensitively with every part of the path).
CLOUD_MARKERS = (
    ("onedrive", "OneDrive"),
    ("wps云文档", "WPS 云文档"),
    ("wps cloud files", "WPS 云文档"),
    ("wpsdrive", "WPS 云文档"),
    ("baidunetdiskworkspace", "百度网盘同步空间"),
    ("baidusyncdisk", "百度网盘同步空间"),
    ("百度网盘", "百度网盘"),
    ("dropbox", "Dropbox"),
    ("icloud drive", "iCloud"),
    ("iclouddrive", "iCloud"),
    ("nutstore", "坚果云"),
    ("我的坚果云", "坚果云"),
    ("google drive", "Google 云端硬盘"),
    ("坚果云", "坚果云"),
)


def cloud_service(path: Path) -> str | None:
    """The sync service whose folder holds ``path``, or None."""
    for part in Path(path).resolve().parts:
        lowered = part.lower()
        for marker, name in CLOUD_MARKERS:
            if lowered.startswith(marker):  # "OneDrive - 某单位", "Dropbox (Personal)"
                return name
    return None


def cloud_warning(path: Path) -> str | None:
    service = cloud_service(path)
    if service is None:
        return None
    return (
        f"数据文件位于“{service}”同步的文件夹中：{path}\n\n"
        "同步软件会在任意时刻复制或替换文件，而程序保存时会同时写数据文件和它旁边的临时文件"
        "（-wal）；若同步软件只复制了其中一个，或把另一台电脑上的旧副本同步回来，最近的修改可能丢失，"
        "文件甚至可能损坏。\n\n建议把数据文件放在本机普通文件夹（例如“文档”）中，"
        "需要交给别人时用“导出上报包”或“备份”。"
    )


def lock_path(data_file: Path) -> Path:
    return Path(str(data_file) + ".lock")


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_holder(data_file: Path) -> int | None:
    """The process id of a live program on this computer holding the data file, or None."""
    try:
        lines = lock_path(data_file).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        return None
    import socket  # only when a lock file exists: not on every start-up

    host = lines[2] if len(lines) > 2 else ""
    if host and host != socket.gethostname():
        return None  # another computer's lock (a shared folder): cannot tell, QLockFile decides
    if pid == os.getpid() or not _alive(pid):
        return None
    return pid


def refuse_if_open_elsewhere(data_file: Path) -> None:
    """For commands that write: a clear refusal while a window has the file open."""
    pid = lock_holder(data_file)
    if pid is not None:
        raise UserError(
            f"数据文件 {data_file} 正在被共同体工作台窗口使用（进程 {pid}）。"
            "为避免两处同时写入，请先关闭那个窗口再执行此命令；文件未做任何改动。"
        )
