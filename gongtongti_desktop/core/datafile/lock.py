"""Where the data file lives and who else has it open.

A data file inside a folder a sync client watches (OneDrive, WPS 云文档, 百度网盘, Dropbox, …)
can be uploaded half-written, or replaced by another computer's older copy while open: SQLite
keeps recent commits in a ``-wal`` file beside the database, and sync clients copy the files
one by one at moments of their choosing. So the program warns, and says why.

One writer only: the window and every command that writes (import, the package export that
marks records reported, restore, backup, a migration) hold ``<data file>.lock`` for as long as
they write — this module's lock, the window's included. Two writers at once lose data (a
restore swapping the file under an import silently discards the import), so a second writer
waits a short, bounded time and is then refused with a message naming who holds the file.

The file is made with O_EXCL (only one creator wins) and, where the system has it, held with
``flock`` for as long as it is held (a crashed holder's lock is released by the system, and a
lock is removed as stale only by someone who can take that flock). Its text is Qt's QLockFile
format — process id, process name, host on the first three lines — so an older window (which
used QLockFile) and this program respect each other's locks; a sixth line says which part of
the program holds it ("窗口", "命令 import"), for the refusal.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

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


# A second writer waits this long (an import of a school year takes about a second). The
# environment variable lets a script that runs commands back to back wait longer.
def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("GONGTONGTI_LOCK_WAIT", "3")))
    except ValueError:
        return 3.0


WAIT_SECONDS = _wait_seconds()
_POLL = 0.05


class Holder(NamedTuple):
    """Who holds a data file's lock, as its lock file says."""

    pid: int
    program: str
    host: str
    what: str

    def describe(self) -> str:
        """The holder in a sentence's words: "共同体工作台窗口（进程 12，电脑 A）"."""
        if not self.what or self.what.startswith("窗口"):  # an older window: no sixth line
            who = "共同体工作台窗口"
        else:
            who = f"共同体工作台的{self.what}"
        where = f"，电脑 {self.host}" if self.host else ""
        program = f"，程序 {self.program}" if self.program else ""
        return f"{who}（进程 {self.pid}{where}{program}）"


class _Held:
    """A data file lock this process holds, and how many holders share it. (A plain class: a
    dataclass costs ~0.2 ms to make, before 概览's first frame.)"""

    __slots__ = ("count", "fd")

    def __init__(self, fd: int, count: int) -> None:
        self.fd = fd
        self.count = count


_held: dict[Path, _Held] = {}


def _process_name(pid: int) -> str:
    """The name Qt's QLockFile records and compares (the executable's file name)."""
    try:
        return Path(os.readlink(f"/proc/{pid}/exe")).name
    except OSError:
        return Path(sys.executable).name if pid == os.getpid() else ""


def _hostname() -> str:
    """This computer's name, as Qt's QLockFile records it. ``os.uname`` gives the same name as
    ``socket.gethostname`` where it exists, without importing socket (~3 ms on the way to the
    first screen); Windows has no ``os.uname``."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def read_holder(data_file: Path) -> Holder | None:
    """What the lock file says, or None when there is none (or it cannot be read)."""
    try:
        text = lock_path(data_file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    lines = text.split("\n")
    try:
        pid = int(lines[0])
    except ValueError:
        return None
    field = lambda i: lines[i].strip() if len(lines) > i else ""  # noqa: E731
    return Holder(pid, field(1), field(2), field(5))


def _stale(holder: Holder | None) -> bool:
    """A lock whose process is gone (on this computer). A lock of another computer (a shared
    folder) is never judged stale here: only its flock, if any, can tell."""
    if holder is None:
        return True  # empty or half-written: removable only when its flock is free
    if holder.host and holder.host != _hostname():
        return False
    if holder.pid == os.getpid():
        return True  # held by this process would be in _held: a leftover (kept only by flock)
    if not _alive(holder.pid):
        return True
    name = _process_name(holder.pid)  # a reused pid: another program now has it
    return bool(holder.program and name and name != holder.program)


def _try_flock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the open handle is the lock
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _remove_stale(path: Path) -> None:
    """Remove a stale lock file — only if its flock is free and it is still the same file."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return
    free = False
    try:
        free = _try_flock(fd) and os.stat(path).st_ino == os.fstat(fd).st_ino
        if free and os.name != "nt":
            path.unlink(missing_ok=True)
    except OSError:
        free = False
    finally:
        os.close(fd)
    if free and os.name == "nt":  # pragma: no cover - Windows deletes no file that is open
        _unlink_closed(path)


def _unlink_closed(path: Path) -> None:
    """Windows: remove a closed lock file; another process reading it (``read_holder``) keeps
    it for a moment, so try a few times. Left behind, it is stale: its process has ended."""
    for _ in range(20):
        try:
            path.unlink(missing_ok=True)
            return
        except PermissionError:
            time.sleep(0.05)
        except OSError:
            return


def _create(path: Path, what: str) -> int | None:
    """Our lock file, made and flocked; None when another one exists."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return None
    except OSError as exc:
        raise UserError(
            f"无法在 {path.parent} 中建立锁文件（{exc.strerror or exc}）：文件夹可能是只读的，"
            "或没有写入权限。请把数据文件复制到可以写入的文件夹（例如“文档”）后再试；"
            "文件未做任何改动。"
        ) from exc
    if not _try_flock(fd) or os.stat(path).st_ino != os.fstat(fd).st_ino:
        os.close(fd)  # pragma: no cover - a race with a stale-lock remover: try again
        return None
    pid = os.getpid()
    text = f"{pid}\n{_process_name(pid)}\n{_hostname()}\n\n\n{what}\n"
    os.write(fd, text.encode("utf-8"))
    os.fsync(fd)
    return fd


def acquire(data_file: Path, what: str, *, wait: float | None = None) -> None:
    """Hold the data file for writing. Re-entrant within this process (the window's restore
    runs under the window's lock). A live holder elsewhere: wait up to ``wait`` seconds, then
    a UserError naming it; the file is not touched."""
    wait = WAIT_SECONDS if wait is None else wait
    key = Path(data_file).resolve()
    held = _held.get(key)
    if held is not None:
        held.count += 1
        return
    path = lock_path(key)
    deadline = time.monotonic() + wait
    while True:
        fd = _create(path, what)
        if fd is not None:
            _held[key] = _Held(fd, 1)
            return
        holder = read_holder(key)
        if _stale(holder):
            _remove_stale(path)
            if not path.exists():
                continue
        if time.monotonic() >= deadline:
            break
        time.sleep(_POLL)
    holder = read_holder(key)
    who = holder.describe() if holder else "另一个程序"
    window = holder is None or not holder.what or holder.what.startswith("窗口")
    advice = "请切换到那个窗口，或先关闭它，再试。" if window else "请等它完成后再试。"
    raise UserError(
        f"数据文件 {data_file} 正由{who}写入或打开。为避免两处同时写入互相覆盖，"
        f"已等待 {wait:g} 秒后放弃；文件未做任何改动。{advice}"
    )


def release(data_file: Path) -> None:
    key = Path(data_file).resolve()
    held = _held.get(key)
    if held is None:
        return
    held.count -= 1
    if held.count > 0:
        return
    del _held[key]
    if os.name == "nt":  # pragma: no cover - Windows deletes no file that is open: close first
        os.close(held.fd)
        _unlink_closed(lock_path(key))
        return
    try:
        lock_path(key).unlink(missing_ok=True)  # while still flocked: no one removes ours
    finally:
        os.close(held.fd)


def holds(data_file: Path) -> bool:
    return Path(data_file).resolve() in _held


@contextlib.contextmanager
def writing(data_file: Path, what: str, *, wait: float | None = None) -> Iterator[None]:
    """``with writing(path, "命令 import"):`` — the lock for one writing operation."""
    acquire(data_file, what, wait=wait)
    try:
        yield
    finally:
        release(data_file)


def lock_holder(data_file: Path) -> int | None:
    """The process id of a live program (other than this one) holding the data file."""
    holder = read_holder(data_file)
    if holder is None or holds(data_file) or _stale(holder) or holder.pid == os.getpid():
        return None
    return holder.pid
