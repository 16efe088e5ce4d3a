"""记一笔: from the main window to a saved activity with photos in at most 6 interactions,
counted here one by one (a click, a typed text, a drop, a choice in the file dialog)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication

from gongtongti_desktop.core.records import attachments, diary, home, roster
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.ui.diary.quick_record import QuickRecordDialog
from gongtongti_desktop.ui.shell import file_choice
from gongtongti_desktop.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


def _photos(folder: Path, count: int) -> list[Path]:
    out = []
    for n in range(count):
        image = QImage(64, 48, QImage.Format.Format_RGB32)
        image.fill(QColor(40 * n, 120, 200))
        path = folder / f"IMG_{n:04d}.png"
        assert image.save(str(path))
        out.append(path)
    return out


def _paired(store, programme, partners: list[str]) -> tuple[str, list[str]]:
    me = home.ensure_home(store, programme)
    role = records.choices(programme, roster.PAIRING.field("partner_role"))[0]
    ids = []
    for name in partners:
        kg = roster.save_record(store, programme, "kindergarten", {"name": name})
        roster.save_record(
            store, programme, "pairing", {"lead_id": me, "partner_id": kg, "partner_role": role}
        )
        ids.append(kg)
    roster.save_record(store, programme, "kindergarten", {"name": "县里别的园"})  # not offered
    return me, ids


def _click_choice(qtbot, choice, value: str) -> None:
    """One click on a kind / partner, whether shown as a button or as a chip."""
    if choice.list is None:
        qtbot.mouseClick(choice.buttons[value], Qt.MouseButton.LeftButton)
    else:
        rect = choice.item_rect(value)
        qtbot.mouseClick(choice.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert choice.value() == value


def _type(widget, text: str) -> None:
    """Chinese typed as a director types it: through the input method, which commits the text
    (QTest's key clicks know only keys on a keyboard)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
    assert text in widget.text()


class Counter:
    def __init__(self) -> None:
        self.steps: list[str] = []

    def __call__(self, what: str) -> None:
        self.steps.append(what)


def _open(qtbot, window: MainWindow, count: Counter) -> QuickRecordDialog:
    button = window.daily.toolbar.widgetForAction(window.daily.quick_action)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    count("点“记一笔”")
    dialog = window.daily.quick_dialog
    assert dialog.isVisible()
    return dialog


def _save(qtbot, dialog: QuickRecordDialog, count: Counter) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    count("点“保存”")


def test_one_partner_photos_picked_six_interactions(qtbot, store, programme, tmp_path, monkeypatch):
    me, (partner,) = _paired(store, programme, ["东岭村幼儿园"])
    photos = _photos(tmp_path, 3)
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    window.show()
    count = Counter()
    dialog = _open(qtbot, window, count)
    # today, 本园 as host and the only partner are already there
    assert dialog.day.date() == store.today()
    assert dialog.partner.value() == partner
    assert [t for t, _v in dialog.partners] == ["东岭村幼儿园"]  # not the whole county
    kind = records.choices(programme, diary.ACTIVITY.field("kind"))[0]
    _click_choice(qtbot, dialog.kind, kind)
    count("选活动类型")
    _type(dialog.title, "大班科学区联合教研")
    count("输入主题")

    def chosen(*_args, **_kwargs) -> list[Path]:
        count("在文件对话框中选中三张照片并打开")
        return photos

    monkeypatch.setattr(file_choice, "choose_files", chosen)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    count("点“添加照片…”")
    assert dialog.photo_list.count() == 3 and not dialog.photo_list.item(0).icon().isNull()
    _save(qtbot, dialog, count)
    assert len(count.steps) <= 6, count.steps
    assert not dialog.isVisible()
    (saved,) = diary.search_ids(store)
    row = records.get_record(store, "activity", saved)
    assert (row["day"], row["kind"], row["title"], row["host_id"]) == (
        store.today().isoformat(), kind, "大班科学区联合教研", me,
    )  # fmt: skip
    assert row["receiver_ids"] == [partner]
    files = attachments.list_attachments(store, saved)
    assert sorted(f["original_name"] for f in files) == [p.name for p in photos]


def test_several_partners_photos_dropped_six_interactions(qtbot, store, programme, tmp_path):
    me, (first, second) = _paired(store, programme, ["甲村幼儿园", "乙村幼儿园"])
    photos = _photos(tmp_path, 2)
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    window.show()
    count = Counter()
    dialog = _open(qtbot, window, count)
    assert dialog.partner.value() == ""  # two partners, no activity yet: she chooses
    kind = records.choices(programme, diary.ACTIVITY.field("kind"))[-1]
    _click_choice(qtbot, dialog.kind, kind)
    count("选活动类型")
    _type(dialog.title, "送教下乡")
    count("输入主题")
    _click_choice(qtbot, dialog.partner, second)
    count("选结对园")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in photos])
    view = dialog.photo_list
    drop = QDropEvent(
        QPoint(10, 10), Qt.DropAction.CopyAction, data,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    view.dropEvent(drop)  # what Qt calls when the photos are let go over the list
    count("把两张照片拖进来")
    assert view.count() == 2
    _save(qtbot, dialog, count)
    assert len(count.steps) <= 6, count.steps
    (saved,) = diary.search_ids(store)
    row = records.get_record(store, "activity", saved)
    assert row["host_id"] == me and row["receiver_ids"] == [second]
    assert len(attachments.list_attachments(store, saved)) == 2
    # next time, the partner of the last activity is offered first
    again = QuickRecordDialog(store, programme, window)
    qtbot.addWidget(again)
    assert again.partner.value() == second
    del first


def test_missing_kind_keeps_everything_and_saves_nothing(qtbot, store, programme, tmp_path):
    _paired(store, programme, ["甲村幼儿园"])
    dialog = QuickRecordDialog(store, programme)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_photos(_photos(tmp_path, 1))
    _type(dialog.title, "只写了主题")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)  # Enter: checked like 保存
    assert dialog.isVisible() and "活动类型" in dialog.error.text()
    assert diary.search_ids(store) == []
    assert store.query("SELECT count(*) AS n FROM attachment")[0]["n"] == 0
    assert dialog.title.text() == "只写了主题" and dialog.photo_list.count() == 1


def test_typed_dates_and_the_partner_hosting(qtbot, store, programme) -> None:
    me, (partner,) = _paired(store, programme, ["甲村幼儿园"])
    dialog = QuickRecordDialog(store, programme)
    qtbot.addWidget(dialog)
    dialog.day.setText(f"{store.today().year}年9月1日")
    dialog.day.normalise()
    assert dialog.day.text() == f"{store.today().year}-09-01"
    dialog.partner_hosts.setChecked(True)
    values = dialog.values()
    assert values["host_id"] == partner and values["receiver_ids"] == [me]


def test_details_opens_the_full_form_with_what_was_typed(qtbot, store, programme) -> None:
    _me, (partner,) = _paired(store, programme, ["甲村幼儿园"])
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    window.show()
    dialog = window.daily.quick_record()
    _type(dialog.title, "半日观摩")
    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    full = window.diary_tab.dialog
    assert full.isVisible()
    assert full.values()["title"] == "半日观摩"
    assert full.values()["receiver_ids"] == [partner]


def test_the_full_form_starts_with_this_kindergarten_as_host(qtbot, store, programme) -> None:
    me, _partners = _paired(store, programme, ["甲村幼儿园"])
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    dialog = window.diary_tab.add()
    assert dialog.values()["host_id"] == me
    assert dialog.editors["day"].value() == store.today().isoformat()
    dialog.editors["day"].widget.setText("9月1日")
    dialog.editors["day"].widget.normalise()
    assert dialog.editors["day"].value() == f"{store.today().year}-09-01"
    dialog.done(0)


def test_a_fake_photo_keeps_everything_and_saves_nothing(qtbot, store, programme, tmp_path, boxes):
    _paired(store, programme, ["甲村幼儿园"])
    fake = tmp_path / "IMG_9999.jpg"
    fake.write_bytes(b"this is not a photo" * 10)
    dialog = QuickRecordDialog(store, programme)
    qtbot.addWidget(dialog)
    dialog.show()
    kind = records.choices(programme, diary.ACTIVITY.field("kind"))[0]
    _click_choice(qtbot, dialog.kind, kind)
    _type(dialog.title, "送教下乡")
    dialog.add_photos([fake])
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and boxes.texts("warning")  # said why, in Chinese
    assert diary.search_ids(store) == []  # the activity is not saved without its photos
    assert dialog.photo_list.count() == 1 and dialog.title.text() == "送教下乡"
