"""The 汇总's empty data file per programme, kept in the user's cache folder
(exchange/rollup/empty_files.py): made once, used again only when it is right, never a
source of records."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.exchange.rollup import empty_files

PROGRAMME = "yiyuan-2022"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GONGTONGTI_CACHE", str(folder))
    return folder


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _no_create(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> Store:
        raise AssertionError("the kept empty file should have been used")

    monkeypatch.setattr(Store, "create", refuse)


def test_made_once_then_kept(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = empty_files.empty_in_memory(tmp_path, PROGRAMME)
    kept = empty_files.cache_path(PROGRAMME)
    assert kept is not None and kept.is_file() and kept.parent == cache
    assert sorted(p.name for p in cache.iterdir()) == [kept.name]  # no journal files beside it
    assert kept.read_bytes()[18:20] == b"\x01\x01"  # a rollback-journal file, not WAL
    _no_create(monkeypatch)
    again = empty_files.empty_in_memory(tmp_path, PROGRAMME)
    assert _tables(again) == _tables(first) and "activity" in _tables(again)
    # what a 汇总 never uses is dropped from the copy, not from the kept file
    triggers = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'activity_fts_%'"
    )
    assert again.execute(triggers).fetchone()[0] == 0
    with sqlite3.connect(kept) as on_disk:
        assert on_disk.execute(triggers).fetchone()[0] > 0


def _with_a_record(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO kindergarten (id, name, created_at, updated_at)"
            " VALUES ('k1', '不该有的园', '', '')"
        )


@pytest.mark.parametrize(
    "spoil",
    ["garbage", "another programme", "older schema", "a record in it", "another program"],
)
def test_a_kept_file_that_is_not_right_is_made_again(
    cache: Path, tmp_path: Path, spoil: str
) -> None:
    empty_files.empty_in_memory(tmp_path, PROGRAMME)
    kept = empty_files.cache_path(PROGRAMME)
    assert kept is not None
    if spoil == "garbage":
        kept.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    else:
        with closing(sqlite3.connect(kept)) as conn, conn:
            if spoil == "another programme":
                conn.execute("UPDATE settings SET value = 'panjin-2024' WHERE key = 'programme'")
            elif spoil == "older schema":
                conn.execute("PRAGMA user_version = 8")
            elif spoil == "another program":
                conn.execute("PRAGMA application_id = 1")
        if spoil == "a record in it":
            _with_a_record(kept)
    (tmp_path / "again").mkdir()
    conn = empty_files.empty_in_memory(tmp_path / "again", PROGRAMME)
    assert conn.execute("SELECT count(*) FROM kindergarten").fetchone()[0] == 0
    assert conn.execute("SELECT value FROM settings WHERE key = 'programme'").fetchone() == (
        PROGRAMME,
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == empty_files.SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == empty_files.APPLICATION_ID
    # and the kept file is right again
    with sqlite3.connect(f"{kept.as_uri()}?mode=ro&immutable=1", uri=True) as on_disk:
        assert on_disk.execute("SELECT count(*) FROM kindergarten").fetchone()[0] == 0
        assert on_disk.execute("PRAGMA user_version").fetchone()[0] == empty_files.SCHEMA_VERSION


def test_no_cache_folder_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGTONGTI_CACHE", "")
    assert empty_files.cache_path(PROGRAMME) is None
    conn = empty_files.empty_in_memory(tmp_path, PROGRAMME)
    assert "activity" in _tables(conn)
