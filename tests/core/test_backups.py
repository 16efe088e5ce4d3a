"""Automatic backups: daily, rotation (7 daily + 4 weekly), restore, damaged files kept."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongtongti_desktop.core.datafile import backups
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import DataFileError


def _fake_backups(folder: Path, stem: str, moments: list[tuple[dt.datetime, str]]) -> None:
    folder.mkdir(exist_ok=True)
    for when, reason in moments:
        name = f"{stem}-{when.strftime('%Y%m%d-%H%M%S-%f')}-{reason}.gtdb"
        (folder / name).write_bytes(b"x")


def test_daily_backup_once_a_day(store: Store) -> None:
    first = backups.daily_backup(store, dt.date.today())
    assert first is not None and first.exists()
    assert backups.daily_backup(store, dt.date.today()) is None
    [info] = backups.list_backups(store.path)
    assert (info.reason, info.reason_text) == ("daily", "每日自动备份")
    assert backups.check_backup(info.path)["kindergarten"] == 0


@settings(max_examples=30, deadline=None)
@given(
    offsets=st.lists(
        st.tuples(st.integers(0, 80), st.integers(0, 23), st.sampled_from(backups.AUTOMATIC)),
        min_size=1,
        max_size=40,
    )
)
def test_rotation_keeps_7_daily_and_4_weekly(
    tmp_path_factory: pytest.TempPathFactory, offsets: list[tuple[int, int, str]]
) -> None:
    root = tmp_path_factory.mktemp("rot")
    data_file = root / "d.gtdb"
    now = dt.datetime(2026, 11, 23, 12, 0)
    moments = [(now - dt.timedelta(days=d, hours=h), r) for d, h, r in offsets]
    moments.append((now - dt.timedelta(days=200), "manual"))  # never rotated away
    _fake_backups(root / "backups", "d", moments)
    before = backups.list_backups(data_file)
    backups.rotate(data_file, now.date())
    kept = {b.path for b in backups.list_backups(data_file)}
    auto = [b for b in before if b.automatic]
    days = sorted({b.made_at.date() for b in auto}, reverse=True)
    daily_days = days[:7]
    expected = {max((b for b in auto if b.made_at.date() == d), key=lambda b: b.made_at).path
                for d in daily_days}  # fmt: skip
    older = [b for b in auto if b.made_at.date() < daily_days[-1]]
    weeks = sorted({b.made_at.date().isocalendar()[:2] for b in older}, reverse=True)[:4]
    for week in weeks:
        in_week = [b for b in older if b.made_at.date().isocalendar()[:2] == week]
        expected.add(max(in_week, key=lambda b: b.made_at).path)
    expected |= {b.path for b in before if not b.automatic}
    assert kept == expected


def test_restore_backs_up_the_current_file_first(
    store: Store, programme: Programme, tmp_path: Path
) -> None:
    backup = store.backup(reason="manual")
    records.save_record(store, programme, "kindergarten", {"name": "恢复后应消失"})
    path = store.path
    store.close()
    kept = backups.restore(path, backup)
    assert "before-restore" in kept.name
    with Store.open(path) as again:
        assert again.query("SELECT count(*) AS n FROM kindergarten")[0]["n"] == 0
    assert backups.check_backup(kept)["kindergarten"] == 1


def test_a_damaged_file_is_kept_beside_and_never_overwritten(store: Store, tmp_path: Path) -> None:
    backup = store.backup(reason="daily")
    path = store.path
    store.close()
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # wreck a page
    path.write_bytes(bytes(data))
    with pytest.raises(DataFileError):
        Store.open(path)
    assert backups.newest_good_backup(path).path == backup  # type: ignore[union-attr]
    kept = backups.restore(path, backup)
    assert "damaged" in kept.name and kept.read_bytes() == bytes(data)
    Store.open(path).close()


def test_a_bad_backup_is_refused_and_the_file_untouched(store: Store, tmp_path: Path) -> None:
    path = store.path
    store.close()
    bad = tmp_path / "backups" / "t-20260101-000000-000000-daily.gtdb"
    bad.parent.mkdir(exist_ok=True)
    bad.write_bytes(b"not a database at all" * 10)
    before = path.read_bytes()
    with pytest.raises(DataFileError):
        backups.restore(path, bad)
    assert path.read_bytes() == before
    assert backups.newest_good_backup(path) is None
    newer = tmp_path / "newer.gtdb"
    shutil.copy(path, newer)
    import sqlite3

    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(DataFileError, match="更新版本"):
        backups.restore(path, newer)


def test_a_backup_is_written_under_a_temporary_name_and_renamed_when_checked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kill midway leaves a ``.partial`` file, which is never listed and rotation removes —
    never a 0-byte "backup" that looks finished."""
    import sqlite3

    seen: list[list[str]] = []
    real = sqlite3.Connection.backup
    folder = store.path.parent / "backups"

    def watching(self: sqlite3.Connection, target: sqlite3.Connection, **kw: object) -> None:
        seen.append(sorted(p.name for p in folder.iterdir()))
        real(self, target, **kw)  # type: ignore[arg-type]

    class Conn(sqlite3.Connection):
        backup = watching  # type: ignore[assignment]

    conn = sqlite3.connect(str(store.path), factory=Conn)
    watched = Store(conn, store.path)
    made = watched.backup(reason="daily")
    conn.close()
    assert seen and all(name.endswith(".partial") for name in seen[0])
    assert made.exists() and not list(folder.glob("*.partial"))
    cut = folder / (made.stem + "-x.gtdb.partial")
    cut.write_bytes(b"")  # what a kill leaves
    assert all(not b.path.name.endswith(".partial") for b in backups.list_backups(store.path))
    assert cut in backups.rotate(store.path)
    assert not cut.exists()
