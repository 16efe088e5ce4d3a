"""The damage check started before the window's imports: Store.open uses its "ok" only for
the very file it checked, unchanged; anything else is checked again and refused as before."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile import early_check
from gongtongti_desktop.core.datafile import store as store_module
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.errors import DamagedFileError
from tests.conftest import sha256


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement the data file's own connection runs while opening."""
    seen: list[str] = []
    real = store_module._connect

    def traced(path: Path) -> sqlite3.Connection:
        conn = real(path)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(store_module, "_connect", traced)
    yield seen
    early_check._checks.clear()


def _checked_on_open(statements: list[str]) -> bool:
    return any("quick_check" in s for s in statements)


def test_a_sound_file_is_not_checked_twice(demo_path: Path, statements: list[str]) -> None:
    early_check.start(demo_path)
    Store.open(demo_path).close()
    assert not _checked_on_open(statements)


def test_without_an_early_check_open_checks_itself(demo_path: Path, statements: list[str]) -> None:
    Store.open(demo_path).close()
    assert _checked_on_open(statements)


def test_each_answer_is_used_once(demo_path: Path, statements: list[str]) -> None:
    early_check.start(demo_path)
    assert early_check.passed(demo_path)
    assert not early_check.passed(demo_path)
    Store.open(demo_path).close()
    assert _checked_on_open(statements)


def test_a_file_changed_after_its_check_is_checked_again(
    demo_path: Path, statements: list[str]
) -> None:
    early_check.start(demo_path)
    early_check._checks[demo_path.resolve()].done.wait()
    with sqlite3.connect(demo_path) as other:  # e.g. a command-line import in between
        other.execute("UPDATE settings SET value = value WHERE key = 'kindergarten_name'")
        other.execute("CREATE TABLE touched (x)")
    Store.open(demo_path).close()
    assert _checked_on_open(statements)


def test_a_damaged_file_is_still_refused_untouched(demo_path: Path, statements: list[str]) -> None:
    data = bytearray(demo_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size : page_size + 64] = b"\xff" * 64  # a b-tree page, the header intact
    demo_path.write_bytes(bytes(data))
    before = sha256(demo_path)
    early_check.start(demo_path)
    assert not early_check.passed(demo_path)
    early_check.start(demo_path)
    with pytest.raises(DamagedFileError, match="损坏"):
        Store.open(demo_path)
    assert sha256(demo_path) == before


def test_what_is_not_a_file_is_left_alone(tmp_path: Path) -> None:
    early_check.start(tmp_path / "missing.gtdb")
    early_check.start(tmp_path)
    assert early_check._checks == {}
    assert not early_check.passed(tmp_path / "missing.gtdb")


def test_not_a_database_is_not_passed(tmp_path: Path) -> None:
    text = tmp_path / "notes.gtdb"
    text.write_text("不是数据库", encoding="utf-8")
    early_check.start(text)
    assert not early_check.passed(text)
