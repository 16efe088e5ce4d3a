"""The early quick_check (core.precheck): Store.open uses its "ok" only for the unchanged file,
and a damaged file is still refused, untouched, with the same message."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gongtongti_desktop.core import precheck
from gongtongti_desktop.core.store import Store
from gongtongti_desktop.errors import DataFileError
from tests.conftest import sha256


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size : page_size + 64] = b"\xff" * 64  # a b-tree page, header intact
    path.write_bytes(bytes(data))


def test_a_sound_file_is_found_ok_once(demo_path: Path) -> None:
    precheck.start(demo_path)
    assert precheck.take(demo_path) == "ok"
    assert precheck.take(demo_path) is None  # given once


def test_a_changed_file_is_checked_again(demo_path: Path) -> None:
    precheck.start(demo_path)
    precheck._checks[precheck._key(demo_path)].thread.join()
    conn = sqlite3.connect(demo_path)  # written after the check
    conn.execute("UPDATE settings SET value = 'x' WHERE key = 'kindergarten_name'")
    conn.commit()
    conn.close()
    assert precheck.take(demo_path) is None


def test_store_open_takes_the_early_result(demo_path: Path) -> None:
    precheck.start(demo_path)
    Store.open(demo_path).close()
    assert precheck.take(demo_path) is None  # used by Store.open


def test_a_damaged_file_is_still_refused_untouched(demo_path: Path) -> None:
    damage(demo_path)
    before = sha256(demo_path)
    precheck.start(demo_path)
    assert precheck.take(demo_path) is None  # not "ok": Store.open checks itself
    precheck.start(demo_path)
    with pytest.raises(DataFileError, match="损坏"):
        Store.open(demo_path)
    assert sha256(demo_path) == before


def test_not_our_file_is_not_checked(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    precheck.start(other)
    assert precheck._key(other) not in precheck._checks
    precheck.start(tmp_path / "missing.gtdb")
    assert precheck._key(tmp_path / "missing.gtdb") not in precheck._checks
