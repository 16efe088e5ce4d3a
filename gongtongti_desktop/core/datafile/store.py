"""The one owner of the SQLite data file.

Nothing else opens the file. Opening checks, before writing a single byte, that the file is
ours (SQLite header + ``application_id``), not from a newer program (``user_version``) and not
damaged (``quick_check``); only then are pending migrations applied, after a backup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongtongti_desktop.core.datafile import early_check, search_text
from gongtongti_desktop.core.datafile.version import SCHEMA_VERSION
from gongtongti_desktop.core.paths import DEFAULT_PROGRAMME
from gongtongti_desktop.errors import DamagedFileError, DataFileError, StorageError

if TYPE_CHECKING:
    from sqlite_utils import Database

APPLICATION_ID = 0x47545444  # "GTTD"
_SQLITE_MAGIC = b"SQLite format 3\x00"
BACKUP_DIR_NAME = "backups"
PARTIAL_SUFFIX = ".partial"
# Beside the data file too: its evidence files (core/records/attachments), copied with it by
# 备份到U盘 (core/datafile/portable_backup).
ATTACHMENTS_DIR_NAME = "attachments"


def new_id() -> str:
    import uuid  # here, not at start-up: uuid imports platform (a few ms)

    return str(uuid.uuid4())


def read_header(path: Path) -> tuple[int, int]:
    """(user_version, application_id) read from the file's first page, without opening it.

    Raises DataFileError when the file is not an SQLite database at all.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise DataFileError(f"无法读取数据文件 {path}：{exc.strerror or exc}") from exc
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise DataFileError(
            f"{path} 不是共同体工作台的数据文件（文件已损坏或格式不对），未做任何改动。"
        )
    user_version = int.from_bytes(head[60:64], "big")
    application_id = int.from_bytes(head[68:72], "big")
    return user_version, application_id


# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF) that are not damage.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 13, 14
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def storage_reason(exc: BaseException) -> str | None:
    """Why a read or write failed when the disk, the folder or another program is to blame —
    with what to do — or None when the cause is not one of those (perhaps damage).

    A full disk, a read-only folder, missing permission and a file locked by another program
    each get their own words: calling them "damaged" would send a director to restore a backup
    over a healthy file."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    errno = getattr(exc, "errno", None)
    text = str(exc).lower()
    if primary == _SQLITE_FULL or errno == 28 or "full" in text:  # SQLITE_FULL / ENOSPC
        return (
            "磁盘空间不足（或数据文件已达到允许的大小）。请删除不需要的文件、清空回收站，"
            "腾出空间后再试"
        )
    if primary in (_SQLITE_READONLY,) or errno == 30 or "readonly" in text or "read-only" in text:
        return (
            "数据文件或它所在的文件夹是只读的（例如光盘、写保护的 U 盘或只读共享文件夹）。"
            "请把整个文件夹复制到本机可以写入的位置（例如“文档”）后再打开"
        )
    if primary == _SQLITE_PERM or errno in (1, 13) or "permission" in text:
        return (
            "没有读写这个文件或文件夹的权限。请把整个文件夹复制到本机可以写入的位置"
            "（例如“文档”），或请电脑管理员给予写入权限"
        )
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text:
        return (
            "文件正被另一个程序占用（另一个共同体工作台、杀毒软件、同步软件或正在复制它的程序）。"
            "请关闭那个程序，稍等片刻再试"
        )
    if (
        primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN)
        or "disk i/o" in text
        or "unable to open" in text
    ):
        return "读写磁盘出错（U 盘被拔出、网络盘断开或磁盘故障）。请检查磁盘或连接后再试"
    return None


def is_damage(exc: BaseException) -> bool:
    """True only for errors that mean the file's content is broken (or not a database)."""
    if storage_reason(exc) is not None:
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


def storage_error(exc: BaseException, path: Path) -> StorageError | None:
    """The Chinese explanation of a failed write, or None when it is not the disk's fault."""
    why = storage_reason(exc)
    if why is None:
        return None
    return StorageError(
        f"未能保存：{why}。本次修改没有写入，数据文件保持原样；"
        f"输入的内容仍保留在窗口中，处理后可再试一次。（{path}）"
    )


def open_error(exc: BaseException, path: Path) -> DataFileError:
    """Why a data file cannot be opened: the disk's or another program's fault (StorageError,
    the file is fine) or damage (DamagedFileError, a backup may help)."""
    why = storage_reason(exc)
    if why is not None:
        return StorageError(f"无法打开数据文件 {path}：{why}。文件本身没有损坏，未做任何改动。")
    return DamagedFileError(f"{path} 已损坏，无法读取（{exc}）。文件未做任何改动。")


# The tables every data file of this program has from its first version on: a file with our
# application id but without them is someone else's (or a forged) file.
_CORE_TABLES = ("settings", "kindergarten", "_sqlite_migrations")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=5)
    return conn


class Store:
    """An open data file. Use ``Store.open`` or ``Store.create``; close with ``close()``."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        search_text.register(conn)  # the diary's character index calls it (migration 0006)
        self.conn = conn
        self.path = path
        self._db: Database | None = None
        # Facts that change only with the schema (fixed once the file is open), e.g. columns.
        self.schema_cache: dict[str, Any] = {}

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the same connection, for table writes and migrations.

        Made on first use: importing sqlite-utils costs about 70 ms, which a window that only
        reads at start-up need not pay.
        """
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, *, kindergarten: str, programme_id: str) -> Store:
        """Make a new, empty data file. Refuses to touch an existing file."""
        path = Path(path)
        if path.exists():
            raise DataFileError(f"{path} 已存在，为防止覆盖数据，未做任何改动。")
        if not path.parent.is_dir():
            raise DataFileError(f"文件夹 {path.parent} 不存在。")
        conn = _connect(path)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            store = cls._configure(conn, path)
            store._migrate(backup_first=False)
            # Migrations that replace a table (0006 the character index) leave free pages: a
            # new file starts compact.
            conn.execute("VACUUM")
            with store.atomic():
                store.set_setting("programme", programme_id)
                store.set_setting("kindergarten_name", kindergarten)
                store.set_setting("created_at", dt.datetime.now().astimezone().isoformat())
        except BaseException:
            conn.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        return store

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open an existing data file, refusing (untouched) one we must not write to."""
        path = Path(path)
        if not path.exists():
            raise DataFileError(f"数据文件 {path} 不存在。请检查路径，或先用 init / demo 新建。")
        if path.is_dir():
            raise DataFileError(f"{path} 是文件夹，不是数据文件。")
        user_version, application_id = read_header(path)
        if application_id != APPLICATION_ID:
            raise DataFileError(
                f"{path} 是 SQLite 文件，但不是共同体工作台的数据文件，未做任何改动。"
            )
        if user_version > SCHEMA_VERSION:
            raise DataFileError(
                f"{path} 由更新版本的共同体工作台写入（数据版本 {user_version}，本程序支持到 "
                f"{SCHEMA_VERSION}）。请升级程序后再打开；文件未做任何改动。"
            )
        conn = _connect(path)
        try:
            try:
                sound = early_check.passed(path)  # checked beside the window's imports
                result = "ok" if sound else conn.execute("PRAGMA quick_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise open_error(exc, path) from exc
            if result != "ok":
                raise DamagedFileError(f"{path} 已损坏（完整性检查：{result}）。文件未做任何改动。")
            cls._check_tables(conn, path, user_version)
            try:
                store = cls._configure(conn, path)
            except sqlite3.DatabaseError as exc:
                raise open_error(exc, path) from exc
            store._migrate(backup_first=True)
        except BaseException:
            conn.close()
            raise
        return store

    @staticmethod
    def _check_tables(conn: sqlite3.Connection, path: Path, user_version: int) -> None:
        """Refuse, before anything is written (journal mode included), a file that carries our
        application id but not our tables."""
        if user_version == 0:
            return  # a file made before its first migration finished: migrations make them
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in _CORE_TABLES if t not in names]
        if missing:
            raise DataFileError(
                f"{path} 带有共同体工作台的标记，但缺少它的数据表（{'、'.join(missing)}），"
                "不是本程序写入的数据文件，无法打开。文件未做任何改动。"
            )

    @classmethod
    def _configure(cls, conn: sqlite3.Connection, path: Path) -> Store:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # sqlite-utils turns recursive triggers on; keep the same behaviour without it.
        conn.execute("PRAGMA recursive_triggers = ON")
        return cls(conn, path)

    def _migrate(self, *, backup_first: bool) -> None:
        if self.schema_version == SCHEMA_VERSION:
            return  # up to date: no need to load the migrations (and sqlite-utils)
        from gongtongti_desktop.core.datafile.schema import migrations

        pending = migrations.pending(self.db)
        if not pending:
            return
        from gongtongti_desktop.core.datafile import lock

        with lock.writing(self.path, "升级数据格式"):  # a command that only reads may migrate
            if backup_first:
                self.backup(reason="before-migration")
            migrations.apply(self.db)
            applied = len(migrations.applied(self.db))
            self.conn.execute(f"PRAGMA user_version = {applied}")
            self.conn.commit()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and queries -----------------------------------------------------------

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """All writes of one user operation go through here: all or nothing.

        Nested use becomes a savepoint (as sqlite-utils' ``atomic``), so an operation may call
        other operations.
        """
        conn = self.conn
        if conn.in_transaction:
            name = f"sp_{new_id().replace('-', '')}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        try:
            conn.execute("BEGIN")
            try:
                yield
            except BaseException:
                conn.rollback()
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                conn.rollback()
                raise
        except (sqlite3.OperationalError, OSError) as exc:
            explained = storage_error(exc, self.path)
            if explained is None:
                raise
            raise explained from exc

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        keys = [d[0] for d in cursor.description or ()]
        return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- settings ------------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.atomic():
            self.conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def today(self) -> dt.date:
        """The day the program treats as today: the calendar's, except in a demo file, whose
        records lie in a past school year — there the demo's own day (setting
        ``demo_today``) so 概览, rules and scoring show something. The window says so."""
        text = self.setting("demo_today") if self.setting("demo") == "1" else ""
        try:
            return dt.date.fromisoformat(text) if text else dt.date.today()
        except ValueError:
            return dt.date.today()

    @property
    def programme_id(self) -> str:
        return self.setting("programme", DEFAULT_PROGRAMME)

    @property
    def kindergarten_name(self) -> str:
        return self.setting("kindergarten_name")

    # -- backups -----------------------------------------------------------------------------

    def backup(self, *, reason: str = "manual", dest: Path | None = None) -> Path:
        """Copy the live database with SQLite's backup API (never a file copy: WAL)."""
        if dest is None:
            folder = self.path.parent / BACKUP_DIR_NAME
            try:
                folder.mkdir(exist_ok=True)
            except OSError as exc:
                explained = storage_error(exc, folder)
                raise explained or StorageError(f"无法建立备份文件夹 {folder}：{exc}") from exc
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            dest = folder / f"{self.path.stem}-{stamp}-{reason}{self.path.suffix or '.gtdb'}"
        dest = Path(dest)
        # Written under a temporary name, checked, then renamed: a kill or a full disk midway
        # leaves at most a ``.partial`` file (rotation removes it), never a 0-byte "backup".
        partial = dest.with_name(dest.name + PARTIAL_SUFFIX)
        try:
            target = sqlite3.connect(str(partial))
            try:
                self.conn.backup(target)
                # One self-contained file: a copy in WAL mode would grow -wal/-shm files
                # beside it whenever it is read.
                target.execute("PRAGMA journal_mode = DELETE")
                sound = target.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            finally:
                target.close()
            if not sound:
                raise StorageError(f"备份写入后检查未通过（{dest}），磁盘可能有故障。")
            with partial.open("rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(partial, dest)
        except (sqlite3.Error, OSError, StorageError) as exc:
            partial.unlink(missing_ok=True)  # never leave a half-written backup
            if isinstance(exc, StorageError):
                raise
            why = storage_reason(exc)
            if why is not None:
                raise StorageError(f"备份失败：{why}。（{dest}）") from exc
            raise StorageError(f"备份失败：{exc}（{dest}）") from exc
        return dest

    def integrity_problems(self) -> list[str]:
        """Findings of SQLite's own checks, in Chinese; empty when the file is sound."""
        problems: list[str] = []
        result = self.conn.execute("PRAGMA quick_check").fetchall()
        if [r[0] for r in result] != ["ok"]:
            problems += [f"完整性检查：{r[0]}" for r in result]
        for table, rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(f"表 {table} 第 {rowid} 行引用了不存在的 {parent} 记录")
        return problems
