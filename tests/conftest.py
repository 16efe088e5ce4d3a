"""Fixtures shared by every test folder: fresh data files in tmp_path."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Parsed profiles and the print font's metrics are cached between runs (core/profile/toml_cache.py,
# output/font_cache.py): the tests and the programs they start keep theirs in a folder of their
# own (set before anything is imported), never the user's.
os.environ["GONGTONGTI_CACHE"] = tempfile.mkdtemp(prefix="gongtongti-test-cache-")

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.profile.programme import Programme, get_programme


@pytest.fixture
def programme() -> Programme:
    return get_programme("yiyuan-2022")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "t.gtdb", kindergarten="测试幼儿园", programme_id="yiyuan-2022")
    yield s
    s.close()


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "demo.gtdb"
    create_demo(path).close()
    return path


@pytest.fixture
def demo_store(demo_path: Path) -> Iterator[Store]:
    s = Store.open(demo_path)
    yield s
    s.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    """Every table's content (SQL dump) of a closed data file, for before/after comparisons."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
