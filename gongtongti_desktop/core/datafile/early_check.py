"""The data file's ``PRAGMA quick_check``, started in a thread while the modules that open
it are still loading.

Why: opening a data file checks it for damage, and on ten years of data that takes about
30 ms on a 50 MB file (more on an old disk). SQLite runs the check without Python's lock,
so when the window opens a given data file (``cli_window.prepare_before_qt``) the check starts
before PySide6 is imported and goes on beside that import; ``Store.open`` only collects
its answer. ``settled`` tells the window whether the answer came in time for 概览 to be
its first frame, or whether to show the "正在打开" placeholder while it waits.

Nothing here can make a damaged file pass: the early check reads through its own read-only
connection, and its "ok" counts only if the file (and its -wal journal) has not changed
since — size, modification time and header alike. Any other outcome (an error, a damaged
file, a change, no early check at all) makes ``Store.open`` check the file itself, as it
always did, and report damage the usual way.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

_Identity = tuple[tuple[int, int, bytes] | None, ...]


class _Check:
    """One early check: the file as it was when the check began, and the answer once done.
    (A plain class: a dataclass costs ~0.4 ms to make, before 概览's first frame.)"""

    __slots__ = ("done", "identity", "ok")

    def __init__(self, identity: _Identity) -> None:
        self.identity = identity
        self.ok = False
        self.done = threading.Event()


_checks: dict[Path, _Check] = {}


def _identity(path: Path) -> _Identity:
    """Size, modification time and header of the file and of its -wal journal. The headers
    change with every write even where the clock is coarse (a FAT32 USB stick keeps times
    to 2 s): the file's change counter, the journal's checkpoint number and salts. None for a
    journal that is missing or empty (opening the file may create an empty one)."""
    out: list[tuple[int, int, bytes] | None] = []
    for suffix, header in (("", 100), ("-wal", 32)):
        try:
            with open(f"{path}{suffix}", "rb") as fh:
                stat = os.fstat(fh.fileno())
                head = fh.read(header)
        except OSError:
            out.append(None)
            continue
        empty_journal = suffix and stat.st_size == 0
        out.append(None if empty_journal else (stat.st_size, stat.st_mtime_ns, head))
    return tuple(out)


def _run(path: Path, check: _Check) -> None:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
        try:
            check.ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except (sqlite3.Error, OSError, ValueError):
        check.ok = False  # Store.open checks again and says what is wrong
    finally:
        check.done.set()


def start(path: Path) -> None:
    """Begin checking ``path`` in the background (nothing happens if it is not a file)."""
    path = Path(path).resolve()
    if path in _checks or not path.is_file():
        return
    check = _checks[path] = _Check(_identity(path))
    threading.Thread(
        target=_run, args=(path, check), name="gongtongti-quick-check", daemon=True
    ).start()


def settled(path: Path, timeout: float) -> bool:
    """True when opening ``path`` will not wait for its early check: none is running, or it
    ends within ``timeout`` seconds."""
    check = _checks.get(Path(path).resolve())
    return check is None or check.done.wait(timeout)


def passed(path: Path) -> bool:
    """True when an early check of ``path`` found it sound and the file is unchanged since.
    Waits for a check still running; forgets it either way (each answer is used once)."""
    check = _checks.pop(Path(path).resolve(), None)
    if check is None:
        return False
    check.done.wait()
    return check.ok and _identity(Path(path).resolve()) == check.identity
