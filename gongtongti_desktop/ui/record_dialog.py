"""The dialog to add or edit one roster record, built from ``RecordType.fields``.

The dialog collects what was typed and hands it to ``roster.save_record``; every check is
core's. A ``ValidationError`` puts each message in red under its field and keeps the dialog
open with everything typed intact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core import roster
from gongtongti_desktop.core.programme import Programme
from gongtongti_desktop.core.roster import Field
from gongtongti_desktop.core.store import Store
from gongtongti_desktop.errors import UserError, ValidationError
from gongtongti_desktop.ui.common import DISCARD_QUESTION, ask_yes_no, muted, show_error
from gongtongti_desktop.ui.labels import RoleLabels

DATE_PLACEHOLDER = "2024-09-01"
PLACEHOLDERS = {
    "date": DATE_PLACEHOLDER,
    "time": "09:30",
    "month": "2024-09",
    "phone": "手机号或带区号的固定电话",
}
LINE_KINDS = ("name", "phone", "date", "time", "month", "int")
ERROR_STYLE = "color: #c0392b;"

# Which kindergarten field narrows a person field's choices (core checks the same pairs:
# 责任人应是本园人员, 交流人员应是派出园的人员). Display help only.
PERSON_SCOPE: dict[str, dict[str, str]] = {
    "pairing": {"lead_person_id": "lead_id", "partner_person_id": "partner_id"},
    "staff_exchange": {"person_id": "from_id"},
}


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
    def __init__(self, field: Field) -> None:
        self.edit = QLineEdit()
        placeholder = PLACEHOLDERS.get(field.kind)
        if placeholder:
            self.edit.setPlaceholderText(placeholder)
        if field.kind in ("date", "time", "month"):
            self.edit.setClearButtonEnabled(True)
        super().__init__(field, self.edit)

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

    def __init__(self, field: Field, describe: Callable[[str], str] | None = None) -> None:
        self.describe = describe or (lambda value: value)
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
            self.combo.addItem("", "")
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


class RecordDialog(QDialog):
    """Add (``record_id`` None) or edit one record of ``table``; saves on 确定."""

    saved = Signal(str)

    def __init__(
        self,
        store: Store,
        programme: Programme,
        table: str,
        record_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self.table = table
        self.record_id = record_id
        self.saved_id: str | None = None
        self.record_type = roster.RECORD_TYPES[table]
        self.labels = RoleLabels(programme)
        verb = "编辑" if record_id else "新增"
        self.setWindowTitle(f"{verb}{self.record_type.label}")
        self.setMinimumWidth(460)

        self._kindergartens = roster.list_kindergartens(store, programme)
        self._people = roster.list_people(store)
        self.editors: dict[str, FieldEditor] = {}
        form = QFormLayout()
        for field in self.record_type.fields:
            editor = self._make_editor(field)
            self.editors[field.name] = editor
            if isinstance(editor, BoolEditor):
                form.addRow("", editor.cell)
            else:
                form.addRow(editor.label, editor.cell)
            editor.label.setBuddy(editor.widget)
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(form)
        if any(f.required for f in self.record_type.fields):
            note = QLabel("带 * 的为必填项。")
            muted(note)
            layout.addWidget(note)
        layout.addWidget(self.buttons)

        self._connect_scopes()
        if record_id is not None:
            row = roster.get_record(store, table, record_id)
            for name, editor in self.editors.items():
                editor.set_value(row.get(name))
        self._update_scopes()
        self._update_labels()
        self._initial = self.values()
        first = self.record_type.fields[0].name
        self.editors[first].widget.setFocus()

    # -- building ---------------------------------------------------------------------------

    def _make_editor(self, field: Field) -> FieldEditor:
        if field.kind == "bool":
            return BoolEditor(field)
        if field.kind in ("text", "longtext"):
            return TextEditor(field)
        if field.kind in LINE_KINDS:
            return LineEditor(field)
        if field.kind not in ("choice", "kindergarten", "person"):
            raise NotImplementedError(f"no editor for {field.kind} fields yet ({field.name})")
        editor = ComboEditor(field, self._describe_person if field.kind == "person" else None)
        if field.kind == "choice":
            editor.fill([(c, c) for c in roster.choices(self.programme, field)], keep="")
        elif field.kind == "kindergarten":
            editor.fill([(k["name"], k["id"]) for k in self._kindergartens], keep="")
        else:
            editor.fill(self._person_items(""), keep="")
        return editor

    def _person_items(self, kindergarten_id: str) -> list[tuple[str, str]]:
        if kindergarten_id:
            return [
                (f"{p['name']}（{p['post']}）" if p["post"] else p["name"], p["id"])
                for p in self._people
                if p["kindergarten_id"] == kindergarten_id
            ]
        return [(f"{p['name']}（{p['kindergarten_name']}）", p["id"]) for p in self._people]

    def _describe_person(self, person_id: str) -> str:
        for p in self._people:
            if p["id"] == person_id:
                return f"{p['name']}（{p['kindergarten_name']}）"
        return "（已删除的人员）"

    def _connect_scopes(self) -> None:
        for kg_field in PERSON_SCOPE.get(self.table, {}).values():
            editor = self.editors[kg_field]
            assert isinstance(editor, ComboEditor)
            editor.combo.currentIndexChanged.connect(self._update_scopes)
        role = self.editors.get("partner_role")
        if isinstance(role, ComboEditor):
            role.combo.currentIndexChanged.connect(self._update_labels)

    def _update_scopes(self) -> None:
        """Offer only the people of the chosen kindergarten (all people while none is chosen)."""
        for person_field, kg_field in PERSON_SCOPE.get(self.table, {}).items():
            person = self.editors[person_field]
            assert isinstance(person, ComboEditor)
            kindergarten_id = self.editors[kg_field].value()
            items = self._person_items(kindergarten_id)
            person.fill(items)
            if kindergarten_id and not items:
                person.combo.setPlaceholderText("（该园还没有人员）")
            else:
                person.combo.setPlaceholderText("请选择…")

    def _partner_role(self) -> str:
        role = self.editors.get("partner_role")
        return role.value() if role else ""

    def _update_labels(self) -> None:
        role = self._partner_role()
        for editor in self.editors.values():
            editor.set_label(self.labels.relabel(editor.field.label, role))

    # -- values -------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the form holds now, as ``save_record`` takes it."""
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            self.editors[name].set_value(value)

    def is_modified(self) -> bool:
        return self.values() != self._initial

    def show_errors(self, errors: dict[str, str]) -> None:
        role = self._partner_role()
        unplaced = []
        for editor in self.editors.values():
            editor.set_error("")
        for name, message in errors.items():
            message = self.labels.relabel(message, role)
            if name in self.editors:
                self.editors[name].set_error(message)
            else:
                unplaced.append(message)
        self.general_error.setText("\n".join(unplaced))
        self.general_error.setVisible(bool(unplaced))
        for name in errors:
            if name in self.editors:
                self.editors[name].widget.setFocus()
                break

    def errors(self) -> dict[str, str]:
        """The messages shown now, by field (for tests and screen readers)."""
        return {
            name: editor.error.text()
            for name, editor in self.editors.items()
            if editor.error.text()
        }

    # -- closing ------------------------------------------------------------------------------

    def accept(self) -> None:
        try:
            self.saved_id = roster.save_record(
                self.store, self.programme, self.table, self.values(), self.record_id
            )
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except UserError as exc:
            show_error(self, exc)
            return
        self.saved.emit(self.saved_id)
        super().accept()

    def reject(self) -> None:
        if self.is_modified() and not ask_yes_no(self, DISCARD_QUESTION):
            return
        super().reject()
