"""Every released schema version (a demo file kept in tests/fixtures/) upgrades to the current one."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile import schema
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import roster

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures").glob("schema-v*.gtdb"))


def test_there_is_a_fixture_for_every_old_version() -> None:
    versions = {int(p.stem.split("-v")[1]) for p in FIXTURES}
    assert versions == set(range(1, schema.SCHEMA_VERSION))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_old_file_upgrades_after_a_backup(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.gtdb"
    shutil.copy(fixture, path)
    old = sqlite3.connect(path)
    old_version = old.execute("PRAGMA user_version").fetchone()[0]
    tables = [r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    counts = {t: old.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    old.close()
    assert old_version < schema.SCHEMA_VERSION
    with Store.open(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        assert store.integrity_problems() == []
        assert len(roster.list_pairings(store)) == 14
        for table, n in counts.items():  # every record of the old file is still there
            if table != "_sqlite_migrations" and not table.startswith("activity_fts"):
                now = store.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                # settings gains the data file’s id (0008), nothing is lost
                assert now == n + (table == "settings" and old_version < 8)
        assert len(store.setting("file_id")) == 8
    (backup,) = (tmp_path / "backups").glob("*before-migration*")
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old_version
    conn.close()
