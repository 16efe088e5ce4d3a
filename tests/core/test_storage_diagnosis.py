"""A full disk, a read-only folder, missing permission, a file locked by another program and
a truly damaged file are told apart — each with its own message and advice. Calling the first
four "damaged" used to offer restoring a backup over a healthy file; and ``restore`` on a full
disk left a 0-byte file where the data file was."""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from pathlib import Path

import pytest

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.datafile import backups
from gongtongti_desktop.core.datafile import store as store_module
from gongtongti_desktop.core.datafile.store import APPLICATION_ID, Store, is_damage, storage_reason
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import DamagedFileError, StorageError
from tests.conftest import sha256


def _error(cls: type[Exception], text: str, code: int) -> Exception:
    exc = cls(text)
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


CAUSES = {
    "full": (_error(sqlite3.OperationalError, "database or disk is full", 13), "磁盘空间不足"),
    "read-only": (
        _error(sqlite3.OperationalError, "attempt to write a readonly database", 8),
        "只读",
    ),
    "permission": (PermissionError(13, "Permission denied"), "没有读写"),
    "locked": (_error(sqlite3.OperationalError, "database is locked", 5), "另一个程序占用"),
    "i/o": (_error(sqlite3.OperationalError, "disk I/O error", 10), "读写磁盘出错"),
    "enospc": (OSError(28, "No space left on device"), "磁盘空间不足"),
}


@pytest.mark.parametrize("cause", list(CAUSES))
def test_each_cause_has_its_own_words_and_is_not_damage(cause: str) -> None:
    exc, said = CAUSES[cause]
    why = storage_reason(exc)
    assert why is not None and said in why
    assert not is_damage(exc)
    others = [storage_reason(e) for name, (e, _s) in CAUSES.items() if name != cause]
    assert all(
        said not in (other or "") for other in others if cause != "enospc" and cause != "full"
    )


def test_damage_is_damage() -> None:
    assert is_damage(_error(sqlite3.DatabaseError, "file is not a database", 26))
    assert is_damage(_error(sqlite3.DatabaseError, "database disk image is malformed", 11))
    assert storage_reason(sqlite3.DatabaseError("database disk image is malformed")) is None


def test_a_file_locked_by_another_program_is_not_called_damaged(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = store.path
    store.close()
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")  # another program in the middle of a write
    before = sha256(path)
    monkeypatch.setattr(store_module, "_connect", lambda p: sqlite3.connect(str(p), timeout=0.1))
    try:
        with pytest.raises(StorageError, match="另一个程序占用") as caught:
            Store.open(path)
        assert not isinstance(caught.value, DamagedFileError)
        assert "没有损坏" in caught.value.message
    finally:
        holder.rollback()
        holder.close()
    assert sha256(path) == before


def test_a_read_only_file_is_not_called_damaged(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = store.path
    store.close()
    before = sha256(path)

    class WriteProtected(sqlite3.Connection):
        """What a write-protected stick answers when the file is first written to."""

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
            if sql.startswith("PRAGMA journal_mode"):
                raise CAUSES["read-only"][0]
            return super().execute(sql, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(
        store_module, "_connect", lambda p: sqlite3.connect(str(p), factory=WriteProtected)
    )
    with pytest.raises(StorageError, match="只读"):
        Store.open(path)
    assert sha256(path) == before


Usage = namedtuple("Usage", "total used free")


def test_restore_checks_free_space_first(
    store: Store, programme: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = store.backup(reason="manual")
    records.save_record(store, programme, "kindergarten", {"name": "恢复后应消失"})
    path = store.path
    store.close()
    before, folder = sha256(path), sorted(path.parent.rglob("*"))
    monkeypatch.setattr(backups.shutil, "disk_usage", lambda _p: Usage(10**9, 10**9, 1000))
    with pytest.raises(StorageError, match="磁盘空间不足"):
        backups.restore(path, backup)
    assert sha256(path) == before and sorted(path.parent.rglob("*")) == folder


def test_a_disk_full_midway_leaves_the_live_file_exactly_as_it_was(
    store: Store, programme: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(30):
        records.save_record(
            store, programme, "kindergarten", {"name": f"园{n}", "note": "注" * 900}
        )
    path = store.path
    big = store.backup(reason="manual")
    store.execute("DELETE FROM kindergarten")
    store.conn.commit()
    store.execute("VACUUM")
    store.close()
    before = sha256(path)
    real = backups._write_through

    def full(backup: Path, current: Store, kept: Path) -> None:
        pages = current.conn.execute("PRAGMA page_count").fetchone()[0]
        current.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full"
        real(backup, current, kept)

    monkeypatch.setattr(backups, "_write_through", full)
    with pytest.raises(StorageError) as caught:
        backups.restore(path, big)
    assert "磁盘空间不足" in caught.value.message and "当前数据文件未改变" in caught.value.message
    assert sha256(path) == before  # where and what it was
    with Store.open(path) as again:
        assert again.query("SELECT count(*) AS n FROM kindergarten")[0]["n"] == 0
        assert again.integrity_problems() == []


def test_our_id_on_foreign_tables_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "forged.gtdb"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 5")
    conn.execute("CREATE TABLE something_else (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    assert main(["check", "--data", str(path)]) == 2
    err = capsys.readouterr().err
    assert "缺少它的数据表" in err and "Traceback" not in err
    assert path.read_bytes() == before  # no journal-mode rewrite before the check
    assert not Path(str(path) + "-wal").exists()
