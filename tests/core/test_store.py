"""The data file: creation, refusal of files we must not touch, migrations, backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile import schema
from gongtongti_desktop.core.datafile import store as store_module
from gongtongti_desktop.core.datafile.store import APPLICATION_ID, Store
from gongtongti_desktop.errors import DataFileError
from tests.conftest import sha256


def test_create_sets_pragmas_version_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "new.gtdb"
    with Store.create(path, kindergarten="阳光幼儿园", programme_id="gaotai-2020") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.schema_version == schema.SCHEMA_VERSION >= 1
        assert store.programme_id == "gaotai-2020"
        assert store.kindergarten_name == "阳光幼儿园"
    with Store.open(path) as again:
        assert again.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.gtdb"
    path.write_text("我的重要文件")
    with pytest.raises(DataFileError, match="已存在"):
        Store.create(path, kindergarten="园", programme_id="yiyuan-2022")
    assert path.read_text() == "我的重要文件"


def test_open_missing_file_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing.gtdb"
    with pytest.raises(DataFileError, match="不存在"):
        Store.open(path)
    assert not path.exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, not a database", b"SQLite format 3\x00" + b"\x00" * 20],
    ids=["empty", "text", "truncated-header"],
)
def test_open_refuses_non_database_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.gtdb"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match="不是共同体工作台的数据文件"):
        Store.open(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.gtdb"]


def test_open_refuses_foreign_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = sha256(path)
    with pytest.raises(DataFileError, match="不是共同体工作台的数据文件"):
        Store.open(path)
    assert sha256(path) == before


def _set_user_version(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def test_open_refuses_newer_version_untouched(demo_path: Path) -> None:
    _set_user_version(demo_path, schema.SCHEMA_VERSION + 1)
    before = sha256(demo_path)
    with pytest.raises(DataFileError, match="更新版本"):
        Store.open(demo_path)
    assert sha256(demo_path) == before
    assert not (demo_path.parent / "backups").exists()


def test_open_refuses_damaged_file_untouched(demo_path: Path) -> None:
    data = bytearray(demo_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Scribble over the second page (a b-tree page) but keep the header intact.
    data[page_size : page_size + 64] = b"\xff" * 64
    demo_path.write_bytes(bytes(data))
    before = sha256(demo_path)
    with pytest.raises(DataFileError, match="损坏"):
        Store.open(demo_path)
    assert sha256(demo_path) == before


def test_schema_version_counts_the_migrations() -> None:
    from sqlite_utils import Database

    assert len(schema.migrations.pending(Database(memory=True))) == schema.SCHEMA_VERSION


def test_pending_migration_backs_up_first_then_upgrades(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written before the newest migration is backed up, then upgraded in place."""
    extra = schema.migrations
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)

    @extra(name="9999_test_only")
    def _add_column(db) -> None:  # type: ignore[no-untyped-def]
        db.execute("ALTER TABLE kindergarten ADD COLUMN test_only TEXT")

    try:
        with Store.open(demo_path) as store:
            cols = {c.name for c in store.db.table("kindergarten").columns}
            assert "test_only" in cols
            assert store.schema_version == schema.SCHEMA_VERSION + 1
        backups = list((demo_path.parent / "backups").glob("*before-migration*"))
        assert len(backups) == 1
        conn = sqlite3.connect(backups[0])
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM pairing").fetchone()[0] == 14
        conn.close()
    finally:
        extra._migrations.pop()


def test_failed_migration_rolls_back_and_keeps_data(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = schema.migrations
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)

    @extra(name="9998_broken")
    def _broken(db) -> None:  # type: ignore[no-untyped-def]
        db.execute("ALTER TABLE kindergarten ADD COLUMN half_done TEXT")
        raise RuntimeError("simulated failure")

    try:
        with pytest.raises(RuntimeError):
            Store.open(demo_path)
    finally:
        extra._migrations.pop()
    with Store.open(demo_path) as store:
        cols = {c.name for c in store.db.table("kindergarten").columns}
        assert "half_done" not in cols
        assert store.schema_version == schema.SCHEMA_VERSION


def test_backup_uses_backup_api_and_is_a_complete_copy(demo_store: Store, tmp_path: Path) -> None:
    dest = demo_store.backup(dest=tmp_path / "copy.gtdb")
    with Store.open(dest) as copy:
        assert copy.query("SELECT count(*) AS n FROM pairing")[0]["n"] == 14
        assert copy.integrity_problems() == []


def test_atomic_rolls_back_everything(store: Store) -> None:
    with pytest.raises(ZeroDivisionError), store.atomic():
        store.db.execute("INSERT INTO settings VALUES ('a', '1')")
        1 / 0  # noqa: B018
    assert store.setting("a") == ""
