"""记一笔: one help activity with its photos on one screen, in a handful of clicks.

Why a second form beside the full one: on the day of an activity the director wants what a
WeChat group gives her — say what happened, add the photos, done. The full form (方案 · 措施 ·
记录 · 总结, participants, plan item) stays for the details and opens from here with what was
typed. Everything has a sensible start: today's date, 本园 as host, the partner when 本园 has
one pairing (or the partner of the last activity), 线下. The partners offered are those of
本园's pairings, not every kindergarten of the county. Photos are picked (several at once) or
dragged in, shown as thumbnails before saving, and saved with the activity in one operation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFontMetrics, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, catalog, home
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError, ValidationError
from gongtongti_desktop.ui.shell import file_choice
from gongtongti_desktop.ui.shell.common import muted, show_error
from gongtongti_desktop.ui.shell.date_field import DateField

ERROR_STYLE = "color: #c0392b;"
THUMB = 96
# Above this many, the kinds / partners are a wrapping list of chips instead of buttons.
BUTTONS_UP_TO = 6
PATH_ROLE = Qt.ItemDataRole.UserRole


class PhotoList(QListWidget):
    """The photos chosen so far, as thumbnails; photos dropped on it are added."""

    dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setAcceptDrops(True)
        self.setMinimumHeight(THUMB + 40)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.dropped.emit(files)


class Choice(QWidget):
    """One choice, always one click: a row of buttons for a few, a wrapping list of "chips"
    for many (a programme has up to 21 activity kinds; a drop-down would take two clicks and
    hide them)."""

    changed = Signal()

    def __init__(self, items: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = items
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        self.list: QListWidget | None = None
        if len(items) <= BUTTONS_UP_TO:
            self.group = QButtonGroup(self)
            self.group.setExclusive(True)
            for text, value in items:
                button = QPushButton(text)
                button.setCheckable(True)
                button.setAutoDefault(False)
                self.group.addButton(button)
                self.buttons[value] = button
                layout.addWidget(button)
                button.toggled.connect(lambda _on: self.changed.emit())
            layout.addStretch(1)
        else:
            chips = self.list = QListWidget()
            chips.setFlow(QListView.Flow.LeftToRight)
            chips.setWrapping(True)
            chips.setResizeMode(QListView.ResizeMode.Adjust)
            chips.setSpacing(3)
            for text, value in items:
                item = QListWidgetItem(text)
                item.setData(PATH_ROLE, value)
                chips.addItem(item)
            lines = QFontMetrics(chips.font()).lineSpacing() + 10
            chips.setMinimumHeight(lines * 3)
            chips.setMaximumHeight(lines * 5)
            chips.currentRowChanged.connect(lambda _row: self.changed.emit())
            layout.addWidget(chips, 1)

    def item_rect(self, value: str):
        assert self.list is not None
        for row in range(self.list.count()):
            if self.list.item(row).data(PATH_ROLE) == value:
                return self.list.visualItemRect(self.list.item(row))
        raise KeyError(value)

    def value(self) -> str:
        if self.list is not None:
            item = self.list.currentItem()
            return "" if item is None or not item.isSelected() else str(item.data(PATH_ROLE))
        for value, button in self.buttons.items():
            if button.isChecked():
                return value
        return ""

    def set_value(self, value: str) -> None:
        if self.list is not None:
            for row in range(self.list.count()):
                if self.list.item(row).data(PATH_ROLE) == value:
                    self.list.setCurrentRow(row)
        elif value in self.buttons:
            self.buttons[value].setChecked(True)


class QuickRecordDialog(QDialog):
    """记一笔. ``saved`` carries the new activity's id; ``details_requested`` the values typed
    so far, for the full form."""

    saved = Signal(str)
    details_requested = Signal(dict)

    def __init__(self, store: Store, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.programme = store, programme
        self.saved_id: str | None = None
        self.photos: list[Path] = []
        self.setWindowTitle("记一笔 — 记录一次帮扶活动")
        self.home = home.home_id(store)
        kind_field = catalog.record_type("activity").field("kind")
        kinds = [(k, k) for k in records.choices(programme, kind_field)]
        self.partners = self._partner_items()

        self.day = DateField(today=store.today())
        self.day.set_date(store.today())
        self.kind = Choice(kinds)
        self.title = QLineEdit()
        self.title.setPlaceholderText("例如：大班科学区材料投放联合教研")
        self.partner = Choice(self.partners)
        self.partner_hosts = QCheckBox("对方园主办（本园参加）")
        self.photo_list = PhotoList()
        self.photo_list.dropped.connect(self.add_photos)
        self.add_button = QPushButton("添加照片…")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.choose_photos)
        self.remove_button = QPushButton("移除所选")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.addRow("日期 *：", self.day)
        form.addRow("活动类型 *：", self.kind)
        form.addRow("活动主题 *：", self.title)
        if self.partners:
            form.addRow("结对园：", self.partner)
            form.addRow("", self.partner_hosts)
        else:
            hint = QLabel("本园还没有结对园：先在“结对名单”里添加结对，或在完整表单中选择参与园。")
            hint.setWordWrap(True)
            muted(hint)
            form.addRow("结对园：", hint)
        photo_buttons = QHBoxLayout()
        photo_buttons.addWidget(self.add_button)
        photo_buttons.addWidget(self.remove_button)
        note = QLabel("可一次选择多张照片，或把照片从文件夹拖到下面。")
        muted(note)
        photo_buttons.addWidget(note, 1)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.details_button = self.buttons.addButton(
            "填写详细内容…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.details_button.clicked.connect(self.ask_details)
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addLayout(photo_buttons)
        layout.addWidget(self.photo_list, 1)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.accept)
        self._preset_partner()
        self.resize(640, 520)
        self.title.setFocus()

    # -- defaults -------------------------------------------------------------------------------

    def _partner_items(self) -> list[tuple[str, str]]:
        return [(p["name"], p["id"]) for p in home.partners(self.store, self.home)]

    def _preset_partner(self) -> None:
        """The only partner, or the one of 本园's last activity."""
        if len(self.partners) == 1:
            self.partner.set_value(self.partners[0][1])
            return
        last = home.last_partner(self.store, self.home)
        if last:
            self.partner.set_value(last)

    # -- photos ---------------------------------------------------------------------------------

    def choose_photos(self) -> list[Path]:
        files = file_choice.choose_files(self, "选择活动照片（可多选）")
        self.add_photos(files)
        return files

    def add_photos(self, files: list[Path]) -> None:
        from gongtongti_desktop.ui.shell.file_choice import thumbnail

        for path in files:
            if path in self.photos:
                continue
            self.photos.append(path)
            item = QListWidgetItem(path.name)
            item.setData(PATH_ROLE, str(path))
            item.setToolTip(str(path))
            pixmap = thumbnail(str(path), THUMB)
            if pixmap is not None:
                item.setIcon(QIcon(pixmap))
            self.photo_list.addItem(item)

    def remove_selected(self) -> None:
        for item in self.photo_list.selectedItems():
            self.photos.remove(Path(item.data(PATH_ROLE)))
            self.photo_list.takeItem(self.photo_list.row(item))

    # -- values and saving ----------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        partner = self.partner.value()
        host, receivers = self.home, [partner] if partner else []
        if partner and self.partner_hosts.isChecked():
            host, receivers = partner, [self.home] if self.home else []
        return {
            "day": self.day.text(),
            "kind": self.kind.value(),
            "title": self.title.text(),
            "mode": "线下",
            "host_id": host,
            "receiver_ids": receivers,
        }

    def ask_details(self) -> None:
        self.details_requested.emit(self.values())
        super().reject()

    def accept(self) -> None:
        """Saves the activity and its photos together; a problem keeps everything typed."""
        values = self.values()
        try:
            with self.store.atomic():
                new = records.save_record(self.store, self.programme, "activity", values)
                for path in self.photos:
                    attachments.add_attachment(self.store, new, path)
        except ValidationError as exc:
            labels = {f.name: f.label for f in catalog.record_type("activity").fields}
            if "host_id" in exc.errors and not self.home:
                exc.errors["host_id"] = "本园不在结对名单中：请用“填写详细内容…”选择主办园"
            self.error.setText(
                "\n".join(
                    f"{labels.get(k, '')}：{m}" if k in labels else m for k, m in exc.errors.items()
                )
            )
            self.error.show()
            return
        except UserError as exc:
            show_error(self, exc, "记一笔")
            return
        self.saved_id = new
        self.saved.emit(new)
        super().accept()
