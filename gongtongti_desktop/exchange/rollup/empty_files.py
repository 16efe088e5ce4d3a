"""The empty data file the 汇总 loads each package into, one per programme — made once per
schema and program version and kept in the user's cache folder (``core.paths.user_cache_dir``).

Why kept: making one runs every migration of the schema and imports sqlite-utils, in which the
schema is written — about 0.1 s of each worker process's start, in every 汇总, on a laptop
whose two cores the workers share. A kept file is checked before it is used (this program's
application id, the schema version, the programme, SQLite's quick check) and made again when
it is not right; a missing, damaged or read-only cache folder only costs that time again.

What a 汇总 never uses is dropped from the in-memory copy: figures never search the diary, and
without the full-text triggers a package of 2 000 activities goes in several times faster;
the indexes by day and the diary's order journal serve a diary of ten years, while a
package's year is read whole faster than they are kept up.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from pathlib import Path

from gongtongti_desktop import __version__
from gongtongti_desktop.core.datafile.schema_tables import REPORTED_TABLES
from gongtongti_desktop.core.datafile.store import APPLICATION_ID, Store, read_header
from gongtongti_desktop.core.datafile.version import SCHEMA_VERSION
from gongtongti_desktop.core.paths import user_cache_dir, write_cache_file
from gongtongti_desktop.errors import DataFileError


def empty_in_memory(folder: Path, programme_id: str) -> sqlite3.Connection:
    """An empty data file of ``programme_id`` in memory, without what a 汇总 never uses;
    ``folder``: where to make it when no kept one will do (the caller's own folder)."""
    conn = sqlite3.connect(":memory:")
    kept = cache_path(programme_id)
    if kept is None or not _copied(kept, programme_id, conn):
        made = folder / f"empty-{programme_id}.gtdb"
        made.unlink(missing_ok=True)
        Store.create(made, kindergarten="", programme_id=programme_id).close()
        plain = sqlite3.connect(made)
        try:  # one file, no write-ahead log beside it: the kept copy is a single file
            plain.execute("PRAGMA journal_mode = DELETE")
        finally:
            plain.close()
        if not _copied(made, programme_id, conn):
            conn.close()
            raise sqlite3.DatabaseError(f"新建的空数据文件无法读取：{made}")
        if kept is not None:
            # serialize: Python 3.11 with an SQLite that has it; without, made again next time
            with suppress(AttributeError, sqlite3.Error):
                write_cache_file(kept, conn.serialize())
    for kind, name in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE (type = 'trigger' AND (name LIKE"
        " 'activity_fts_%' OR name LIKE 'activity_order_%')) OR (type = 'index' AND"
        " name IN ('activity_day', 'activity_day_time', 'activity_live_order'))"
    ).fetchall():
        conn.execute(f"DROP {kind.upper()} {name}")
    return conn


def cache_path(programme_id: str) -> Path | None:
    """Where the kept empty file of a programme lives (None: no cache folder)."""
    folder = user_cache_dir()
    if folder is None:
        return None
    return folder / f"rollup-empty-{programme_id}-schema{SCHEMA_VERSION}-{__version__}.gtdb"


def _copied(path: Path, programme_id: str, into: sqlite3.Connection) -> bool:
    """Copy ``path`` into ``into`` if it is an empty data file of this program, this schema
    version and ``programme_id``, sound by SQLite's quick check; False (``into`` untouched)
    when it is missing or not."""
    try:  # the header first, as Store.open reads it: a foreign file is not even opened
        if read_header(path) != (SCHEMA_VERSION, APPLICATION_ID):
            return False
    except DataFileError:  # missing, unreadable, not SQLite
        return False
    try:
        # Immutable: a kept file is only ever replaced whole (written beside, then renamed),
        # so SQLite need not make its lock and journal files beside it to read it.
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        found = source.execute("SELECT value FROM settings WHERE key = 'programme'").fetchone()
        if found != (programme_id,) or source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            return False
        # Empty: a kept file with records in it would count them in every package's figures.
        if any(source.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in REPORTED_TABLES):
            return False
        source.backup(into)
        return True
    except sqlite3.Error:
        return False
    finally:
        source.close()
