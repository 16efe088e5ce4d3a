"""The inputs of the record form, one class per kind of field: a line, a text box, a tick box,
a choice or reference (combo box) and several references (a checkable list with a filter).

Each editor owns its widget, its label and the red error line under it, and converts between
what the widget shows and the value ``records.save_record`` takes; the dialog
(record_dialog.py) decides which editor a field gets and fills the choices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.records.engine import Field
from gongtongti_desktop.ui.shell.common import muted

DATE_PLACEHOLDER = "2024-09-01"
PLACEHOLDERS = {
    "date": DATE_PLACEHOLDER,
    "time": "09:30",
    "month": "2024-09",
    "phone": "手机号或带区号的固定电话",
}
ERROR_STYLE = "color: #c0392b;"
# Above this many choices a checklist gets a filter box.
FILTER_FROM = 8


class FieldEditor:
    """One input of the form: the widget, its label and its error line."""

    def __init__(self, field: Field, widget: QWidget) -> None:
        self.field = field
        self.widget = widget
        self.label = QLabel()
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.cell = QWidget()
        box = QVBoxLayout(self.cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(self.error)

    def set_label(self, text: str) -> None:
        self.label.setText(f"{text}{' *' if self.field.required else ''}：")

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class LineEditor(FieldEditor):
    """One line. A date gets a 日历 button and takes 2026年9月1日 / 9月1日 as typed; a time
    takes 9点半 / 下午3点 (``date_field``); both show the stored form when left."""

    def __init__(self, field: Field) -> None:
        from gongtongti_desktop.ui.shell.date_field import DateField, TimeField

        widget: QWidget
        if field.kind == "date":
            widget = DateField()
            self.edit: QLineEdit = widget.edit
        elif field.kind == "time":
            widget = self.edit = TimeField()
        else:
            widget = self.edit = QLineEdit()
            placeholder = PLACEHOLDERS.get(field.kind)
            if placeholder:
                self.edit.setPlaceholderText(placeholder)
            if field.kind == "month":
                self.edit.setClearButtonEnabled(True)
        super().__init__(field, widget)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class TextEditor(FieldEditor):
    def __init__(self, field: Field) -> None:
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        lines = QFontMetrics(self.edit.font()).lineSpacing()
        if field.kind == "longtext":
            self.edit.setMinimumHeight(lines * 6 + 14)
        else:
            self.edit.setFixedHeight(lines * 3 + 14)
        super().__init__(field, self.edit)

    def value(self) -> str:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))


class BoolEditor(FieldEditor):
    def __init__(self, field: Field) -> None:
        self.check = QCheckBox(field.label)
        super().__init__(field, self.check)

    def set_label(self, text: str) -> None:
        self.check.setText(text)

    def value(self) -> bool:
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        self.check.setChecked(bool(value))


class ComboEditor(FieldEditor):
    """A choice or a reference: item text shown, item data (value or record id) saved."""

    def __init__(
        self,
        field: Field,
        describe: Callable[[str], str] | None = None,
        empty_text: str = "",
    ) -> None:
        self.describe = describe or (lambda value: value)
        self.empty_text = empty_text
        self.combo = QComboBox()
        self.combo.setPlaceholderText("请选择…")
        self.combo.setMinimumContentsLength(16)
        super().__init__(field, self.combo)

    def fill(self, items: list[tuple[str, str]], keep: str | None = None) -> None:
        """Replace the items (text, value); keep the current value even when it is not
        among them, so a choice the user made is never dropped silently."""
        current = self.value() if keep is None else keep
        self.combo.blockSignals(True)
        self.combo.clear()
        if not self.field.required:
            self.combo.addItem(self.empty_text, "")
        for text, value in items:
            self.combo.addItem(text, value)
        self.combo.blockSignals(False)
        self.set_value(current)
        if self.combo.currentIndex() < 0 and self.field.required and len(items) == 1:
            self.combo.setCurrentIndex(0)

    def value(self) -> str:
        data = self.combo.currentData()
        return "" if data is None else str(data)

    def set_value(self, value: Any) -> None:
        value = "" if value is None else str(value)
        index = self.combo.findData(value)
        if index < 0 and value:
            # Not offered any more (e.g. a word dropped from the programme): show it as is.
            self.combo.blockSignals(True)
            self.combo.addItem(self.describe(value), value)
            self.combo.blockSignals(False)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)


class ChecklistEditor(FieldEditor):
    """Several references (参与园, 参加人员): a checkable list, with a filter box when long.

    The value keeps the stored order, then what was ticked, in the order ticked.
    """

    ID_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, field: Field, items: list[tuple[str, str]], missing_text: str) -> None:
        self.missing_text = missing_text
        self.box = QWidget()
        layout = QVBoxLayout(self.box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("筛选…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setMinimumHeight(QFontMetrics(self.list.font()).lineSpacing() * 7)
        self.summary = QLabel()
        muted(self.summary)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)
        self._order: list[str] = []
        for text, value in items:
            self._add_item(text, value)
        self.filter.setVisible(len(items) > FILTER_FROM)
        self.list.itemChanged.connect(self._item_changed)
        super().__init__(field, self.box)
        self._update_summary()

    def _add_item(self, text: str, value: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(self.ID_ROLE, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self.list.addItem(item)
        return item

    def _item(self, value: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(self.ID_ROLE) == value:
                return item
        return None

    def _filter(self, text: str) -> None:
        text = text.strip()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(text) and text not in item.text())

    def _item_changed(self, item: QListWidgetItem) -> None:
        value = item.data(self.ID_ROLE)
        checked = item.checkState() == Qt.CheckState.Checked
        if checked and value not in self._order:
            self._order.append(value)
        elif not checked and value in self._order:
            self._order.remove(value)
        self._update_summary()

    def _update_summary(self) -> None:
        names = [self._item(v).text() for v in self._order if self._item(v) is not None]
        if not names:
            self.summary.setText("未选择")
        else:
            shown = "、".join(n.split("（")[0] for n in names[:6])
            more = " 等" if len(names) > 6 else ""
            self.summary.setText(f"已选 {len(names)} 项：{shown}{more}")

    def checked_texts(self) -> list[str]:
        return [self._item(v).text() for v in self._order if self._item(v) is not None]

    def set_checked(self, value: str, checked: bool = True) -> None:
        item = self._item(value)
        if item is None:
            raise KeyError(value)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def value(self) -> list[str]:
        return list(self._order)

    def set_value(self, value: Any) -> None:
        wanted = [str(v) for v in (value or [])]
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            self.list.item(row).setCheckState(Qt.CheckState.Unchecked)
        for v in wanted:
            item = self._item(v) or self._add_item(self.missing_text, v)
            item.setCheckState(Qt.CheckState.Checked)
        self.list.blockSignals(False)
        self._order = list(dict.fromkeys(wanted))
        self._update_summary()
