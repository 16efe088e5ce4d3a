"""使用说明 (window, search, pictures, PDF), the first-steps list on 概览, 今日提醒, 备份到U盘
from the menu."""

from __future__ import annotations

import re
import subprocess

import pytest

from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import home, roster
from gongtongti_desktop.ui.help.manual import ManualWindow, headings, manual_path
from gongtongti_desktop.ui.help.manual_pdf import write_manual_pdf
from gongtongti_desktop.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

TOPICS = ("第一次使用", "结对名单", "月计划", "记一笔", "考核评分", "阶段总结", "打印与签字",
          "导出上报", "备份", "回收站")  # fmt: skip


def test_the_manual_covers_the_directors_job_with_real_pictures() -> None:
    text = manual_path().read_text(encoding="utf-8")
    titles = " ".join(t for _level, t in headings(text))
    for topic in TOPICS:
        assert topic in titles, topic
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(pictures) >= 8
    for name in pictures:
        assert (manual_path().parent / name).is_file(), name


def test_manual_window_is_searchable(qtbot) -> None:
    window = ManualWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "使用说明"
    assert window.contents.count() == len(headings(window.markdown))
    window.search.setText("U盘")
    assert window.find_next() and window.browser.textCursor().selectedText() == "U盘"
    assert window.found.text() == f"共 {window.count('U盘')} 处"
    window.search.setText("不存在的词语")
    assert not window.find_next() and window.found.text() == "没有找到"


def test_manual_pdf_is_printable(tmp_path) -> None:
    target = write_manual_pdf(tmp_path / "使用说明.pdf")
    assert target.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert pages >= 5
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "记一笔" in text and "备份到U盘" in text


def test_a_new_file_shows_first_steps_that_tick_themselves(qtbot, store, programme) -> None:
    me = home.ensure_home(store, programme)
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    window.show()
    steps = window.overview.first_steps
    assert steps.isVisible() and steps.done() == [False] * 5
    assert steps.shown_buttons() == [0, 1, 2, 3, 4] and steps.done_text() == ""
    # the roster's check, just after the first frame: an empty roster says what to do first
    qtbot.waitUntil(lambda: "结对名单还是空的" in window.overview.problems_label.text())
    other = roster.save_record(store, programme, "kindergarten", {"name": "甲村幼儿园"})
    role = records.choices(programme, roster.PAIRING.field("partner_role"))[0]
    roster.save_record(
        store, programme, "pairing", {"lead_id": me, "partner_id": other, "partner_role": role}
    )
    window.overview.refresh()
    assert steps.done() == [True, False, False, False, False]
    assert steps.shown_buttons() == [1, 2, 3, 4]  # none for a step done
    assert steps.done_text() == "已完成：1. 建立结对名单"  # the steps done share one line
    steps.button(1).click()  # 去月计划
    assert window.tabs.currentIndex() == 2


def test_first_steps_are_made_only_while_one_is_to_do(qtbot, store, programme, monkeypatch) -> None:
    """A file in use has done every step: its 概览 makes no list (start-up builds no widgets
    nobody sees); when a step is to do again, the list appears and its buttons still lead."""
    from gongtongti_desktop.core.checks import daily

    real = daily.first_steps
    all_done = lambda s: [step._replace(done=True) for step in real(s)]  # noqa: E731
    monkeypatch.setattr(daily, "first_steps", all_done)
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    window.show()
    assert window.overview.first_steps is None
    plans_to_do = lambda s: [*all_done(s)[:1], real(s)[1], *all_done(s)[2:]]  # noqa: E731
    monkeypatch.setattr(daily, "first_steps", plans_to_do)
    window.overview.refresh()
    steps = window.overview.first_steps
    assert steps is not None and steps.isVisible()
    assert steps.done() == [True, False, True, True, True]
    with qtbot.waitSignal(window.overview.go) as went:
        steps.button(1).click()  # 去月计划
    assert went.args == ["plans"] and window.tabs.currentIndex() == 2
    assert steps.shown_buttons() == [1] and steps.rows.keys() == {1}  # none made for the rest
    assert steps.done_text() == "已完成：1. 建立结对名单　3. 记录帮扶活动　4. 月底检查　5. 导出上报"
    monkeypatch.setattr(daily, "first_steps", all_done)
    window.overview.refresh()
    assert not steps.isVisible()


def test_reminders_take_the_director_where_to_act(qtbot, store, programme) -> None:
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    window.show()
    dialog = window.daily.show_reminders()
    where = [r.where for r in dialog.reminders]
    assert where[0] == "overview" and "roster" in where
    dialog.go_buttons[where.index("roster")].click()
    assert not dialog.isVisible() and window.tabs.currentIndex() == 1


def test_backup_to_usb_from_the_menu(qtbot, store, programme, tmp_path, monkeypatch, boxes):
    from PySide6.QtWidgets import QFileDialog

    usb = tmp_path / "U盘"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a: str(usb)))
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    assert window.daily.usb_backup_action in window.file_menu.actions()
    made = window.daily.backup_to_folder()
    assert made is not None and made.data_file.is_file()
    assert "核对无误" in boxes.texts("information")[-1]
