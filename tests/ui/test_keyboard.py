"""The keyboard: Ctrl+1…6 switch tabs, Ctrl+N adds a record in the tab shown (新建数据文件 is
Ctrl+Shift+N), Delete deletes the selection after asking, F1 opens 使用说明."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from gongtongti_desktop.core.records import diary
from gongtongti_desktop.ui.diary.quick_record import QuickRecordDialog
from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file
from gongtongti_desktop.ui.shell.record_dialog import RecordDialog

pytestmark = pytest.mark.gui
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, demo_path) -> MainWindow:
    store, programme = open_data_file(demo_path)
    win = MainWindow(store, programme)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.windowHandle().requestActivate()  # keys go to the active window, as on a desktop
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    return win


def _key(qtbot, window, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, key, modifiers)


def test_ctrl_number_switches_tabs(qtbot, window) -> None:
    for number in (2, 3, 4, 5, 6, 1):
        _key(qtbot, window, getattr(Qt.Key, f"Key_{number}"), CTRL)
        assert window.tabs.currentIndex() == number - 1


def test_ctrl_n_adds_in_the_tab_shown(qtbot, window, boxes) -> None:
    window.tabs.setCurrentIndex(0)
    _key(qtbot, window, Qt.Key.Key_N, CTRL)
    assert isinstance(QApplication.activeModalWidget() or window.daily.quick_dialog,
                      QuickRecordDialog)  # fmt: skip
    window.daily.quick_dialog.done(0)
    expected = {1: "新增幼儿园", 2: "新增计划事项", 3: "新增帮扶活动"}
    for index, title in expected.items():
        window.tabs.setCurrentIndex(index)
        window.tabs.currentWidget().setFocus()
        _key(qtbot, window, Qt.Key.Key_N, CTRL)
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, RecordDialog) and w.isVisible()]  # fmt: skip
        assert [d.windowTitle() for d in dialogs] == [title]
        dialogs[0].done(0)
    window.tabs.setCurrentIndex(4)
    _key(qtbot, window, Qt.Key.Key_N, CTRL)
    assert "考核评分" in boxes.texts("information")[-1]
    assert window.new_action.shortcuts() == [QKeySequence("Ctrl+Shift+N")]
    assert window.daily.new_record_action.shortcuts() == [
        QKeySequence(QKeySequence.StandardKey.New)
    ]


def test_delete_deletes_the_selection_after_asking(qtbot, window, boxes) -> None:
    window.tabs.setCurrentIndex(3)
    tab = window.diary_tab
    before = len(diary.search_ids(window.store))
    tab.view.setFocus()
    tab.view.selectRow(0)
    tab.view.setCurrentIndex(tab.view.model().index(0, 0))
    boxes.answer = boxes.answer.__class__.No
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert "确定删除帮扶活动" in boxes.texts("question")[-1]
    assert len(diary.search_ids(window.store)) == before  # 否: nothing deleted
    boxes.answer = boxes.answer.__class__.Yes
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert len(diary.search_ids(window.store)) == before - 1


@pytest.mark.qt_log_ignore(  # the offscreen platform's noise; this marker replaces conftest's
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support propagateSizeHints\(\)$",
)
def test_f1_opens_the_manual(qtbot, window) -> None:
    _key(qtbot, window, Qt.Key.Key_F1)
    manual = window.daily.manual
    assert manual is not None and manual.isVisible()
    assert manual.windowTitle() == "使用说明"
