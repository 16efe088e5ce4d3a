"""Guard against a PySide6 build that loses references to None (6.12.0 under CPython 3.11
aborted the interpreter after enough Qt calls; pyproject pins it out)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui


def test_void_qt_calls_keep_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("共同体")
    assert sys.getrefcount(None) - before > -100
