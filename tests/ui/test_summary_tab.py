"""The 阶段总结 tab: autosave (timer, period switch, hide, window close), 从记录起草 with its
banner and the question before printing an unedited draft, plan-row months, 字数."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from gongtongti_desktop.core.checks import overview, stage_report_draft
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.records import stage_reports
from gongtongti_desktop.ui.stage_report import tab as summary_tab
from gongtongti_desktop.ui.stage_report.tab import SummaryTab

pytestmark = pytest.mark.gui

TODAY = dt.date(2024, 10, 10)


def set_today(store: Store, day: dt.date) -> None:
    """Store.today() is the demo's own day in a demo file: the tests choose it that way."""
    store.set_setting("demo", "1")
    store.set_setting("demo_today", day.isoformat())


@pytest.fixture
def tab(qtbot, store, programme) -> SummaryTab:
    set_today(store, TODAY)
    widget = SummaryTab(store, programme)
    qtbot.addWidget(widget)
    widget.resize(1200, 720)
    widget.show()
    return widget


def stored(store: Store, key: str, field: str = "highlights") -> str | None:
    row = stage_reports.get_summary(store, key)
    return None if row is None else row[field]


def test_opens_on_the_term_of_today(tab, programme) -> None:
    term = periods.term_of(programme.calendar, TODAY)
    assert tab.period() == term
    assert tab.key() == periods.period_key(term) == "2024-autumn"
    assert tab.picker.label.text() == term.label
    assert [s.edit.toPlainText() for s in tab.sections.values()] == ["", "", ""]
    assert not tab.banner.isVisible()


def test_typing_is_saved_after_a_pause(qtbot, tab, store) -> None:
    edit = tab.sections["problems"].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "1. ")  # keys; Chinese comes from the input method, as a commit:
    edit.insertPlainText("教师流动性大")
    assert stored(store, "2024-autumn", "problems") is None  # not at every keystroke
    qtbot.waitUntil(lambda: stored(store, "2024-autumn", "problems") == "1. 教师流动性大")
    tab.sections["problems"].note_edit.setText("见附件")
    tab.filler_edit.setText("张园长")
    qtbot.waitUntil(lambda: stored(store, "2024-autumn", "filler") == "张园长")
    assert stored(store, "2024-autumn", "problems_note") == "见附件"
    assert tab.status_label.text().startswith("已保存 ")


def test_nothing_is_lost_when_the_period_changes(tab, store) -> None:
    tab.sections["highlights"].edit.setPlainText("秋季：送教下乡三次")
    assert tab.timer.isActive()
    tab.picker.step(1)  # before the timer fires
    assert stored(store, "2024-autumn") == "秋季：送教下乡三次"
    assert tab.key() == "2025-spring"
    assert tab.sections["highlights"].edit.toPlainText() == ""
    tab.sections["highlights"].edit.setPlainText("春季：网络研修")
    tab.picker.set_kind("school_year")
    assert stored(store, "2025-spring") == "春季：网络研修"
    assert tab.key() == "2024"
    tab.picker.set_kind("term")
    tab.picker.go_to_today()
    assert tab.sections["highlights"].edit.toPlainText() == "秋季：送教下乡三次"


def test_merely_looking_at_a_period_writes_nothing(tab, store) -> None:
    tab.picker.step(1)
    tab.picker.step(-1)
    tab.hide()
    assert store.query("SELECT count(*) AS n FROM stage_summary")[0]["n"] == 0


def test_hiding_the_tab_saves(tab, store) -> None:
    tab.sections["next_steps"].edit.setPlainText("下学期开展同课异构")
    tab.hide()
    assert stored(store, "2024-autumn", "next_steps") == "下学期开展同课异构"
    assert not tab.timer.isActive()


class ClosingWindow(QWidget):
    """Like the main window: closing it closes the data file."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def closeEvent(self, event: QCloseEvent) -> None:
        self.store.close()
        super().closeEvent(event)


def test_closing_the_window_saves_before_the_file_closes(qtbot, store, programme) -> None:
    set_today(store, TODAY)
    window = ClosingWindow(store)
    qtbot.addWidget(window)
    tab = SummaryTab(store, programme, window)
    QVBoxLayout(window).addWidget(tab)
    window.show()
    tab.sections["highlights"].edit.setPlainText("关窗前最后一句")
    window.close()
    again = Store.open(store.path)
    try:
        assert stored(again, "2024-autumn") == "关窗前最后一句"
    finally:
        again.close()


def test_a_failed_save_keeps_the_text_and_the_period(qtbot, tab, store, boxes) -> None:
    too_long = "字" * (stage_reports.MAX_CHARS + 1)
    tab.sections["highlights"].edit.setPlainText(too_long)
    tab.picker.step(1)
    assert tab.key() == "2024-autumn"  # stayed
    assert tab.picker.label.text() == tab.period().label == "2024年秋季学期"
    assert tab.sections["highlights"].edit.toPlainText() == too_long
    assert any("最多" in text for text in boxes.texts("warning"))
    assert tab.status_label.text().startswith("未保存")
    # the timer retrying while typing shows the same message once, not again and again
    shown = len(boxes.texts("warning"))
    tab.sections["highlights"].edit.setPlainText(too_long + "再")
    qtbot.waitUntil(lambda: not tab.timer.isActive())
    assert len(boxes.texts("warning")) == shown
    tab.sections["highlights"].edit.setPlainText("短一些")
    tab.picker.step(1)
    assert tab.key() == "2025-spring"
    assert stored(store, "2024-autumn") == "短一些"


def test_draft_fills_the_sections_and_shows_the_banner(qtbot, tab, store, programme) -> None:
    assert tab.draft()
    expected = stage_report_draft.draft_from_records(store, programme, tab.period(), TODAY)
    for name, text in expected.as_values().items():
        assert tab.sections[name].edit.toPlainText() == text
    row = stage_reports.get_summary(store, "2024-autumn")
    assert stage_reports.is_unedited_draft(row)
    assert tab.banner.isVisible() and tab.banner.text() == summary_tab.DRAFT_BANNER
    # editing hides the banner at once, and core no longer sees an unedited draft once saved
    qtbot.keyClicks(tab.sections["highlights"].edit, "x")
    assert not tab.banner.isVisible()
    qtbot.waitUntil(
        lambda: not stage_reports.is_unedited_draft(stage_reports.get_summary(store, "2024-autumn"))
    )
    # undoing the edit makes it the draft again: the banner is back
    tab.sections["highlights"].edit.undo()
    assert tab.banner.isVisible()


def test_draft_asks_before_replacing_text(tab, store, boxes) -> None:
    tab.sections["problems"].edit.setPlainText("我自己写的问题")
    boxes.answer = QMessageBox.StandardButton.No
    assert not tab.draft()
    assert boxes.texts("question") == [summary_tab.REPLACE_QUESTION]
    assert tab.sections["problems"].edit.toPlainText() == "我自己写的问题"
    assert not tab.banner.isVisible()
    boxes.answer = QMessageBox.StandardButton.Yes
    assert tab.draft()
    assert tab.sections["problems"].edit.toPlainText() != "我自己写的问题"
    assert tab.banner.isVisible()
    tab.sections["problems"].edit.undo()  # what was replaced can be brought back
    assert tab.sections["problems"].edit.toPlainText() == "我自己写的问题"


def test_draft_on_an_empty_period_does_not_ask(tab, boxes) -> None:
    assert tab.draft()
    assert boxes.texts("question") == []


def test_print_asks_while_the_draft_is_unedited(qtbot, tab, boxes) -> None:
    tab.draft()
    emitted: list[tuple[str, object]] = []
    tab.print_requested.connect(lambda form, period: emitted.append((form, period)))
    boxes.answer = QMessageBox.StandardButton.No
    assert not tab.print_summary()
    assert boxes.texts("question") == [summary_tab.PRINT_DRAFT_QUESTION]
    assert emitted == []
    boxes.answer = QMessageBox.StandardButton.Yes
    assert tab.print_summary()
    assert emitted == [("annex3", tab.period())]  # Yiyuan's 附件3
    # once edited, printing does not ask
    tab.sections["next_steps"].edit.appendPlainText("由园长补充。")
    boxes.calls.clear()
    qtbot.mouseClick(tab.print_button, Qt.MouseButton.LeftButton)
    assert boxes.texts("question") == []
    assert len(emitted) == 2


def test_no_summary_form_no_print(qtbot, gaotai_store, gaotai) -> None:
    assert not any(spec.source == summary_tab.PRINT_SOURCE for spec in gaotai.forms)
    tab = SummaryTab(gaotai_store, gaotai)
    qtbot.addWidget(tab)
    emitted: list[object] = []
    tab.print_requested.connect(lambda *args: emitted.append(args))
    assert not tab.print_button.isEnabled()
    assert "没有阶段工作总结上报表" in tab.print_button.toolTip()
    assert not tab.print_summary() and emitted == []


def test_month_is_a_row_of_the_plan_table(tab, store, programme) -> None:
    cal = programme.calendar
    tab.picker.set_period("month", dt.date(2024, 8, 15))
    row = periods.period_containing(cal, "month", dt.date(2024, 8, 15))
    assert tab.period() == row and row.start == dt.date(2024, 7, 1)  # Yiyuan: 7-8月
    assert tab.picker.label.text() == row.label
    assert tab.key() == "2024-07"
    tab.sections["highlights"].edit.setPlainText("暑期")
    tab.picker.step(1)  # one click: the next row, not August
    assert tab.period().start == dt.date(2024, 9, 1) and tab.key() == "2024-09"
    assert stored(store, "2024-07") == "暑期"
    tab.picker.step(-1)
    assert tab.key() == "2024-07"
    assert tab.sections["highlights"].edit.toPlainText() == "暑期"
    # the month of today: its 本月 button is disabled only there
    tab.picker.go_to_today()
    assert tab.key() == periods.period_key(periods.period_containing(cal, "month", TODAY))
    assert not tab.picker.current_button.isEnabled()


def test_word_counts(tab) -> None:
    text = "2024年秋季开展送教下乡活动12次。\n下一步：PPT培训"
    tab.sections["highlights"].edit.setPlainText(text)
    assert tab.sections["highlights"].count_label.text() == f"{overview.char_count(text)} 字"
    assert tab.sections["problems"].count_label.text() == "0 字"


def test_mark_stale_reloads_after_saving(tab, store) -> None:
    tab.sections["problems"].edit.setPlainText("本页输入")
    tab.mark_stale()
    assert stored(store, "2024-autumn", "problems") == "本页输入"
    stage_reports.save_summary(store, "2024-autumn", {"highlights": "别处写入"})
    tab.mark_stale()
    assert tab.sections["highlights"].edit.toPlainText() == "别处写入"
    assert tab.sections["problems"].edit.toPlainText() == "本页输入"


def test_close_event_filter_only_saves(qtbot, tab, store) -> None:
    """The window's Close event is watched, not swallowed."""
    tab.sections["highlights"].edit.setPlainText("x")
    event = QCloseEvent()
    assert not tab.eventFilter(tab.window(), event)
    assert event.type() == QEvent.Type.Close
    assert stored(store, "2024-autumn") == "x"


def test_status_says_when_it_was_saved(qtbot, tab, store) -> None:
    assert tab.status_label.text() == ""  # nothing stored for this term yet
    tab.sections["highlights"].edit.setPlainText("一")
    tab.save_now()
    row = stage_reports.get_summary(store, "2024-autumn")
    at = dt.datetime.fromisoformat(row["updated_at"]).astimezone()
    assert tab.status_label.text() == f"已保存 {at:%H:%M:%S}"
    stage_reports.save_summary(store, "2025-spring", {"highlights": "春"})
    store.execute(
        "UPDATE stage_summary SET updated_at = ? WHERE period = ?",
        ["2025-03-01T08:05:00+00:00", "2025-spring"],
    )
    tab.picker.step(1)
    shown = dt.datetime.fromisoformat("2025-03-01T08:05:00+00:00").astimezone()
    assert tab.status_label.text() == f"上次保存 {shown:%Y-%m-%d %H:%M}"
