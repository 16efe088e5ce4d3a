"""The 汇总 window's 照片提示 column says the counts each package carried, in words."""

from __future__ import annotations

from types import SimpleNamespace

from gongtongti_desktop.ui.rollup.window import COLUMNS, photo_cell


def _row(flags: int, answered: int, shared: int, notes: int = 0) -> SimpleNamespace:
    return SimpleNamespace(
        photo_flags=flags, photo_answered=answered, photo_shared=shared, photo_notes=notes
    )


def test_photo_column() -> None:
    assert COLUMNS[-1] == "照片提示"
    assert photo_cell(_row(3, 2, 1)) == "3（已说明 2） · 与他园相同 1 张"
    assert photo_cell(_row(0, 0, 2)) == "与他园相同 2 张"
    assert photo_cell(_row(0, 0, 0, notes=4)) == "—"
