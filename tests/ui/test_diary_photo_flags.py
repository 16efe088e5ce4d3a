"""Photo flags in the 帮扶日志 tab: the ⚠ mark in the list, the explanation in the detail, the
answer (说明…) as one undoable step, and photos from before photo checks read in the background."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from _diary_data import activity, small_roster
from _photo_samples import save, scene

from gongtongti_desktop.core.checks import photo_flags
from gongtongti_desktop.core.records import attachments
from gongtongti_desktop.ui.diary.tab import DiaryTab

pytestmark = pytest.mark.gui


@pytest.fixture
def flagged(store, programme, tmp_path: Path) -> dict[str, str]:
    ids = small_roster(store, programme)
    base = scene(4)
    october = activity(store, programme, ids["host"], day="2024-10-15", title="十月送教：科学")
    november = activity(store, programme, ids["host"], day="2024-11-20", title="十一月送教：语言")
    clean = activity(store, programme, ids["host"], day="2024-11-25", title="园本教研")
    ids |= {"october": october, "november": november, "clean": clean}
    ids["a"] = attachments.add_attachment(store, october, save(tmp_path, "a.jpg", base, "2024-10-15"), "现场")  # fmt: skip
    ids["b"] = attachments.add_attachment(store, november, save(tmp_path, "b.jpg", base.resize((900, 675)), "2024-10-15"), "合影")  # fmt: skip
    ids["c"] = attachments.add_attachment(store, clean, save(tmp_path, "c.jpg", scene(9), "2024-11-25"))  # fmt: skip
    return ids


@pytest.fixture
def tab(qtbot, store, programme, flagged) -> DiaryTab:
    widget = DiaryTab(store, programme, today=lambda: dt.date(2024, 11, 30))
    widget.strip.open_file = lambda path: True
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    return widget


def _cell(tab: DiaryTab, activity_id: str) -> str:
    row = tab.model.row_of(activity_id)
    column = tab.model.keys.index("attachments")
    return tab.model.data(tab.model.index(row, column))


def test_flagged_activities_are_marked_and_explained(tab, flagged) -> None:
    assert _cell(tab, flagged["november"]) == "1 ⚠"
    assert _cell(tab, flagged["october"]) == "1 ⚠"
    assert _cell(tab, flagged["clean"]) == "1"
    tab.select(flagged["november"])
    text = tab.detail.flags.text()
    assert tab.detail.flags.isVisibleTo(tab)
    assert "拍摄日期与活动日期不符" in text and "相差 36 天" in text
    assert "同一张照片用在多个活动" in text and "2024-10-15“十月送教：科学”" in text
    assert "answer:" + flagged["b"] in text
    tab.select(flagged["clean"])
    assert not tab.detail.flags.isVisibleTo(tab)


def test_answer_then_undo(tab, store, programme, flagged) -> None:
    tab.select(flagged["november"])
    asked = []

    def ask(parent, explanation, current):
        asked.append((explanation, current))
        return "十月活动的合影，补录时放错了活动"

    tab.ask_note = ask
    tab.detail.flags.linkActivated.emit("answer:" + flagged["b"])
    assert "相差 36 天" in asked[0][0] and asked[0][1] == ""
    assert tab.undo_stack.undoText() == "说明照片提示"
    assert _cell(tab, flagged["november"]) == "1 ✓"
    assert "已说明：十月活动的合影，补录时放错了活动" in tab.detail.flags.text()
    assert "修改说明…" in tab.detail.flags.text()
    (flag, *_rest) = [f for f in photo_flags.photo_flags(store, programme) if f.attachment_id == flagged["b"]]  # fmt: skip
    assert flag.answered
    assert tab.undo_stack.undoText() == "说明照片提示"
    tab.undo_stack.undo()
    assert _cell(tab, flagged["november"]) == "1 ⚠"
    assert "已说明" not in tab.detail.flags.text()
    assert not any(f.answered for f in photo_flags.photo_flags(store, programme))
    tab.ask_note = lambda parent, explanation, current: None  # 取消: nothing saved
    assert not tab.answer_photo(flagged["b"])
    assert tab.undo_stack.undoText() == ""


def test_older_photos_are_read_in_the_background(qtbot, store, programme, flagged) -> None:
    with store.atomic():
        store.execute("DELETE FROM photo_facts")
    widget = DiaryTab(store, programme, today=lambda: dt.date(2024, 11, 30))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not photo_flags.unfilled(store), timeout=10_000)
    qtbot.waitUntil(lambda: _cell(widget, flagged["november"]) == "1 ⚠", timeout=5_000)
