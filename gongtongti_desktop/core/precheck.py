"""The data file's ``PRAGMA quick_check``, started early in a thread so that it runs while the
window's libraries (PySide6) are imported instead of after them.

``Store.open`` still refuses a damaged file before reading it: it asks ``take`` for the result
of a check started here and waits for it; when there is none, the file changed since the check
began, or the check did not say "ok", it runs the check itself (with its usual messages). The
early check uses its own read-only connection, so it never writes to the file (nor creates
one); SQLite lets the thread run without Python's lock, which is what makes this pay on two
or more cores.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

_lock = threading.Lock()
_checks: dict[str, _Check] = {}


def _state(path: Path) -> tuple[int, ...]:
    """What must not change between the check and the opening: the file (size, time) and the
    size of its WAL (0 when missing: the read-only connection may create an empty one)."""
    found: list[int] = []
    for name, fields in ((str(path), ("st_size", "st_mtime_ns")), (f"{path}-wal", ("st_size",))):
        try:
            info = os.stat(name)
        except OSError:
            found.extend(0 for _ in fields)
        else:
            found.extend(getattr(info, field) for field in fields)
    return tuple(found)


class _Check:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.before = _state(path)
        self.result: str | None = None
        self.thread = threading.Thread(target=self._run, name="quick_check", daemon=True)

    def _run(self) -> None:
        try:
            uri = Path(self.path).absolute().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=5, check_same_thread=False)
            try:
                self.result = conn.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                conn.close()
        except (sqlite3.Error, OSError, ValueError):
            self.result = None  # Store.open checks again and says why


def _key(path: Path) -> str:
    return os.path.realpath(path)


def start(path: Path) -> None:
    """Begin checking ``path`` in the background; nothing when it is not one of our data files
    that this program can open (``Store.open`` then explains, as before)."""
    from gongtongti_desktop.core.store import APPLICATION_ID, read_header
    from gongtongti_desktop.core.version import SCHEMA_VERSION
    from gongtongti_desktop.errors import DataFileError

    path = Path(path)
    if not path.is_file():
        return
    try:
        user_version, application_id = read_header(path)
    except DataFileError:
        return
    if application_id != APPLICATION_ID or user_version > SCHEMA_VERSION:
        return
    check = _Check(path)
    with _lock:
        if _key(path) in _checks:
            return
        _checks[_key(path)] = check
    check.thread.start()


def take(path: Path) -> str | None:
    """ "ok" when a check of ``path`` started by ``start`` found the file sound and the file has
    not changed since; otherwise None (the caller checks). Waits for a running check; a result
    is given once."""
    with _lock:
        check = _checks.pop(_key(Path(path)), None)
    if check is None:
        return None
    check.thread.join()
    if check.result != "ok" or _state(check.path) != check.before:
        return None
    return check.result
