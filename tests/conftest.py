"""Fixtures shared by every test folder: fresh data files in tmp_path."""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


def _print_and_render(
    store: Store, form_id: str, folder: Path, dpi: int = 150
) -> tuple[list[str], list[Any]]:
    """Print ``form_id`` as the window would (recorded), and its pages as pdftoppm sees them."""
    from PIL import Image

    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.signed.printed import print_mark, record_print
    from gongtongti_desktop.output.pdf import render_pdf

    programme = get_programme(store.programme_id)
    data = form_data(store, programme, form_id, today=store.today())
    mark = print_mark(store, data)
    pdf = folder / f"{form_id}.pdf"
    pdf.write_bytes(render_pdf(data, mark))
    codes = record_print(store, mark)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(folder / form_id)], check=True
    )
    pages = sorted(folder.glob(f"{form_id}-*.png"))
    return codes, [Image.open(p).convert("RGB") for p in pages]


@pytest.fixture
def print_pages() -> Callable[..., tuple[list[str], list[Any]]]:
    """Print a form as the window does (recorded under its codes) and render its pages with
    pdftoppm: ``print_pages(store, form_id, folder, dpi=150) -> (codes, PIL images)``."""
    return _print_and_render
