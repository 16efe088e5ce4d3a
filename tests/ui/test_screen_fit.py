"""Every window fits a small laptop screen: 1024×600, and 1366×768 at 150 % (911×512 in Qt's
logical pixels). Each screen is a separate process (Qt fixes the screen for its lifetime):
fit_probe.py opens the main window and every dialog there and reports where their buttons are.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QDialogButtonBox, QMainWindow

from gongtongti_desktop.ui.shell import fit

pytestmark = pytest.mark.gui

PROBE = Path(__file__).with_name("fit_probe.py")
SCREENS = {
    "1024x600": (1024, 600, "1"),
    "1366x768-150%": (1366, 768, "1.5"),
}
EXPECTED = {"主窗口", "首次启动", "新增帮扶活动", "新增结对关系", "新增计划事项", "记一笔",
            "备份与恢复", "回收站", "导出上报包", "提醒", "打印预览", "使用说明", "证据",
            "上报前检查", "上报前检查（菜单）", "签字件情况", "添加签字件"}  # fmt: skip


def _probe(tmp_path: Path, demo_path: Path, width: int, height: int, scale: str) -> dict:
    config = tmp_path / "screen.json"
    screen = {"name": "S", "x": 0, "y": 0, "width": width, "height": height,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        QT_SCALE_FACTOR=scale,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    done = subprocess.run(
        [sys.executable, str(PROBE), str(demo_path)],
        env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_window_and_its_buttons_lie_inside_the_screen(tmp_path, demo_path, screen) -> None:
    width, height, scale = SCREENS[screen]
    report = _probe(tmp_path, demo_path, width, height, scale)
    left, top, right, bottom = report["screen"]
    assert (right + 1, bottom + 1) == (round(width / float(scale)), round(height / float(scale)))
    names = {w["name"] for w in report["windows"]}
    assert names >= EXPECTED, EXPECTED - names
    for window in report["windows"]:
        x0, y0, x1, y1 = window["frame"]
        assert left <= x0 and top <= y0 and x1 <= right and y1 <= bottom, window
        for button in window["buttons"]:
            bx0, by0, bx1, by1 = button["rect"]
            where = (window["name"], button["text"], button["rect"])
            assert left <= bx0 and top <= by0 and bx1 <= right and by1 <= bottom, where
    dialogs = {w["name"]: [b["text"] for b in w["buttons"]] for w in report["windows"]}
    for name in ("新增帮扶活动", "新增结对关系", "首次启动"):
        assert {"确定", "取消"} <= set(dialogs[name]), (name, dialogs[name])
    assert {"保存", "取消"} <= set(dialogs["记一笔"])
    assert {"仍然导出", "返回修改"} <= set(dialogs["上报前检查"])


def test_a_form_taller_than_the_screen_scrolls_and_keeps_its_buttons(qtbot, store, programme):
    from gongtongti_desktop.ui.shell.record_dialog import RecordDialog

    dialog = RecordDialog(store, programme, "activity")
    qtbot.addWidget(dialog)
    room = QRect(0, 0, 600, 360)
    fit.fit_dialog(dialog, room)
    assert dialog.fit_scroll_area is not None  # the form moved into a scroll area
    assert dialog.height() <= room.height() - fit.FRAME_ALLOWANCE.height()
    assert dialog.width() <= room.width() - fit.FRAME_ALLOWANCE.width()
    layout = dialog.layout()
    last = layout.itemAt(layout.count() - 1).widget()
    assert isinstance(last, QDialogButtonBox)  # the buttons stay outside, at the bottom
    assert dialog.fit_scroll_area.widget().findChild(QDialogButtonBox) is None


def test_a_dialog_that_fits_is_left_as_it_was(qtbot, store, programme) -> None:
    from gongtongti_desktop.ui.shell.record_dialog import RecordDialog

    dialog = RecordDialog(store, programme, "kindergarten")
    qtbot.addWidget(dialog)
    dialog.adjustSize()
    fit.fit_dialog(dialog, QRect(0, 0, 1920, 1080))
    assert getattr(dialog, "fit_scroll_area", None) is None


def test_main_window_opens_fitted_and_remembers_its_place(qtbot, tmp_path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = QMainWindow()
    qtbot.addWidget(window)
    fit.place_main_window(window, settings)
    room = fit.available_rect(window)
    assert window.width() <= room.width() and window.height() <= room.height()
    window.setGeometry(room.x() + 10, room.y() + 20, 500, 300)
    fit.remember_main_window(window, settings)
    again = QMainWindow()
    qtbot.addWidget(again)
    fit.place_main_window(again, settings)
    assert (again.width(), again.height()) == (500, 300)
    # a remembered place that is no longer on a screen (a second monitor unplugged): fitted
    window.setGeometry(room.right() + 2000, 10, 500, 300)
    fit.remember_main_window(window, settings)
    third = QMainWindow()
    qtbot.addWidget(third)
    fit.place_main_window(third, settings)
    assert room.contains(third.frameGeometry().center())


def test_enter_never_saves_a_form_that_fails_its_checks(qtbot, store, programme) -> None:
    from PySide6.QtCore import Qt

    from gongtongti_desktop.core.records import diary
    from gongtongti_desktop.ui.shell.record_dialog import RecordDialog

    dialog = RecordDialog(store, programme, "activity")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editors["title"].widget.setText("只写了主题")
    qtbot.keyClick(dialog.editors["title"].widget, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0
    assert diary.search_ids(store) == []
    assert set(dialog.errors()) >= {"day", "kind", "host_id"}
