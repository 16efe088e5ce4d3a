"""Garbage collection is off while the window starts (``cli.cmd_window``) and on again once
概览 shows — or before any dialog, which may stay open for minutes, and whenever start-up
ends otherwise."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongtongti_desktop import cli
from gongtongti_desktop.ui.shell import app


@pytest.fixture
def collector_off() -> Iterator[None]:
    """As ``gongtongti`` starts the window: the collector off (back on after the test)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_on_again_once_the_overview_shows(qtbot, demo_path, collector_off) -> None:
    window = app.start_window(demo_path)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.store is not None, timeout=5000)
    assert not gc.isenabled()  # attached: 概览's frame comes first
    qtbot.waitUntil(gc.isenabled, timeout=3000)
    window.close()


def test_on_before_the_first_run_dialog(monkeypatch, tmp_path, collector_off) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(app, "run_first_run", lambda path, **kw: seen.append(gc.isenabled()))
    assert app.obtain_store(tmp_path / "new.gtdb") is None
    assert seen == [True]


def test_on_before_the_damaged_file_message(monkeypatch, tmp_path, collector_off) -> None:
    damaged = tmp_path / "坏.gtdb"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    seen: list[bool] = []
    monkeypatch.setattr(app, "ask_after_failure", lambda message: seen.append(gc.isenabled()))
    monkeypatch.setattr(
        "gongtongti_desktop.ui.datafile.data_file_guard.offer_backup", lambda *a: False
    )
    assert app.obtain_store(damaged) is None
    assert seen == [True]


def test_the_command_leaves_it_on(monkeypatch) -> None:
    """``gongtongti`` with a window that returns at once (here: a stand-in) leaves the
    collector on, as it found it."""
    states: list[bool] = []

    def run_gui(data_path: Path | None, package: Path | None = None) -> int:
        states.append(gc.isenabled())
        return 0

    monkeypatch.setattr(app, "run_gui", run_gui)
    assert cli.main([]) == 0
    assert states == [False] and gc.isenabled()


def test_the_window_icon_comes_with_the_first_frame(qtbot, demo_path) -> None:
    """Not before it: the SVG icon loads Qt's SVG plugin, which 概览's frame need not wait for."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    QApplication.setWindowIcon(QIcon())
    app.build_app()
    assert QApplication.windowIcon().isNull()
    window = app.start_window(demo_path)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.store is not None, timeout=5000)
    qtbot.waitUntil(lambda: not QApplication.windowIcon().isNull(), timeout=3000)
    assert not window.windowIcon().isNull()
    window.close()
