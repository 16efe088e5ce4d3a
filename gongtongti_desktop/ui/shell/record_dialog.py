"""The dialog to add or edit one record (roster entry, plan item, diary activity), built from
``RecordType.fields`` (each field's input is one of field_editors.py).

The dialog collects what was typed and hands it to ``records.save_record`` (or to the saver a
tab gives it, which records the save for undo); every check is core's. A ``ValidationError``
puts each message in red under its field (switching to the page that holds it) and keeps the
dialog open with everything typed intact. A record with several long texts (an activity's
方案、措施、记录、总结) gets pages, so each text has room.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import catalog, plans, roster
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records.engine import Field
from gongtongti_desktop.core.timeutil import parse_date
from gongtongti_desktop.errors import UserError, ValidationError
from gongtongti_desktop.ui.shell.common import DISCARD_QUESTION, ask_yes_no, muted, show_error
from gongtongti_desktop.ui.shell.field_editors import (
    ERROR_STYLE,
    BoolEditor,
    ChecklistEditor,
    ComboEditor,
    FieldEditor,
    LineEditor,
    TextEditor,
)
from gongtongti_desktop.ui.shell.labels import RoleLabels

LINE_KINDS = ("name", "phone", "date", "time", "month", "int")
MULTI_KINDS = ("kindergartens", "people")
NONE_TEXT = "（无）"

Saver = Callable[[dict[str, Any], str | None], str]

# Which kindergarten field narrows a person field's choices (core checks the same pairs:
# 责任人应是本园人员, 交流人员应是派出园的人员). Display help only.
PERSON_SCOPE: dict[str, dict[str, str]] = {
    "pairing": {"lead_person_id": "lead_id", "partner_person_id": "partner_id"},
    "staff_exchange": {"person_id": "from_id"},
}


class RecordDialog(QDialog):
    """Add (``record_id`` None) or edit one record of ``table``; saves on 确定.

    ``initial``: values a new record starts with (e.g. the plan row it goes into); they do not
    count as changes. ``saver``: how to save (default ``records.save_record``); a tab passes
    one that records the save for undo.
    """

    saved = Signal(str)

    def __init__(
        self,
        store: Store,
        programme: Programme,
        table: str,
        record_id: str | None = None,
        parent: QWidget | None = None,
        *,
        initial: dict[str, Any] | None = None,
        saver: Saver | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self.table = table
        self.record_id = record_id
        self.saved_id: str | None = None
        self.record_type = catalog.record_type(table)
        self.labels = RoleLabels(programme)
        self.saver: Saver = saver or (
            lambda values, rid: records.save_record(store, programme, table, values, rid)
        )
        verb = "编辑" if record_id else "新增"
        self.setWindowTitle(f"{verb}{self.record_type.label}")
        self.setMinimumWidth(460)

        stored = roster.get_record(store, table, record_id) if record_id is not None else None
        start = stored if stored is not None else dict(initial or {})
        self._kindergartens = roster.list_kindergartens(store, programme)
        self._people = roster.list_people(store)
        groups = self._groups()
        # With pages the long texts have their own; short texts (主题, 地点) take one line.
        self._paged = len(groups) > 1
        self.editors: dict[str, FieldEditor] = {}
        for field in self.record_type.fields:
            self.editors[field.name] = self._make_editor(field, start)
        self.pages: QTabWidget | None = None
        self._page_of: dict[str, int] = {}

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
        if not self._paged:
            layout.addLayout(self._form(groups[0][1]))
        else:
            self.pages = QTabWidget()
            for number, (title, fields) in enumerate(groups):
                page = QWidget()
                page_layout = QVBoxLayout(page)
                if all(f.kind == "longtext" for f in fields):
                    self._stack(page_layout, fields)
                else:
                    page_layout.addLayout(self._form(fields))
                    page_layout.addStretch(1)
                self.pages.addTab(page, title)
                for f in fields:
                    self._page_of[f.name] = number
            layout.addWidget(self.pages, 1)
            self.resize(760, 660)
        if any(f.required for f in self.record_type.fields):
            note = QLabel("带 * 的为必填项。")
            muted(note)
            layout.addWidget(note)
        layout.addWidget(self.buttons)

        self._connect_scopes()
        for name, editor in self.editors.items():
            if name in start:
                editor.set_value(start.get(name))
        self._update_scopes()
        self._update_labels()
        self._initial = self.values()
        first = self.record_type.fields[0].name
        self.editors[first].widget.setFocus()

    # -- building ---------------------------------------------------------------------------

    def _groups(self) -> list[tuple[str, list[Field]]]:
        """One page of everything, or (with several long texts or multi references) pages:
        the short fields, the multi references, the long texts."""
        fields = list(self.record_type.fields)
        long = [f for f in fields if f.kind == "longtext"]
        multi = [f for f in fields if f.kind in MULTI_KINDS]
        if len(long) < 2 and not multi:
            return [("", fields)]
        short = [f for f in fields if f not in long and f not in multi]
        groups = [("基本信息", short)]
        if multi:
            groups.append(("·".join(_short_label(f.label) for f in multi), multi))
        if len(long) >= 2:
            groups.append(("·".join(_short_label(f.label) for f in long), long))
        else:
            groups[0][1].extend(long)
        return groups

    def _form(self, fields: list[Field]) -> QFormLayout:
        form = QFormLayout()
        for field in fields:
            editor = self.editors[field.name]
            if isinstance(editor, BoolEditor):
                form.addRow("", editor.cell)
            else:
                form.addRow(editor.label, editor.cell)
            editor.label.setBuddy(editor.widget)
        return form

    def _stack(self, layout: QVBoxLayout, fields: list[Field]) -> None:
        """Long texts one under another, each with its label above it."""
        for field in fields:
            editor = self.editors[field.name]
            editor.label.setBuddy(editor.widget)
            layout.addWidget(editor.label)
            layout.addWidget(editor.cell, 1)

    def _make_editor(self, field: Field, start: dict[str, Any]) -> FieldEditor:
        if field.kind == "bool":
            return BoolEditor(field)
        if self.table == "plan_item" and field.name == "month":
            return self._month_row_editor(field, start.get("month") or "")
        if field.kind == "longtext" or (field.kind == "text" and not self._paged):
            return TextEditor(field)
        if field.kind in LINE_KINDS or field.kind == "text":
            return LineEditor(field)
        if field.kind == "kindergartens":
            items = [(k["name"], k["id"]) for k in self._kindergartens]
            return ChecklistEditor(field, items, "（已删除的幼儿园）")
        if field.kind == "people":
            return ChecklistEditor(field, self._person_items(""), "（已删除的人员）")
        if field.kind == "plan_item":
            editor = ComboEditor(field, self._describe_plan_item, NONE_TEXT)
            editor.fill(self._plan_item_items(start.get("day") or ""), keep="")
            return editor
        if field.kind not in ("choice", "kindergarten", "person"):
            raise NotImplementedError(f"no editor for {field.kind} fields yet ({field.name})")
        editor = ComboEditor(field, self._describe_person if field.kind == "person" else None)
        if field.kind == "choice":
            editor.fill([(c, c) for c in records.choices(self.programme, field)], keep="")
        elif field.kind == "kindergarten":
            editor.fill([(k["name"], k["id"]) for k in self._kindergartens], keep="")
        else:
            editor.fill(self._person_items(""), keep="")
        return editor

    def _month_row_editor(self, field: Field, month: str) -> ComboEditor:
        """A plan item's 月份: the rows of the plan table (7-8月, 9月, …) of the school year
        around it, so a merged row cannot be split by typing "2024-08"."""
        cal = self.programme.calendar
        try:
            anchor = dt.date.fromisoformat(f"{month}-01") if month else dt.date.today()
        except ValueError:
            anchor = dt.date.today()
        year = periods.school_year_of(cal, anchor)
        items = []
        for sy in (year - 1, year, year + 1):
            for row in periods.plan_rows(cal, periods.school_year_period(cal, sy)):
                items.append((periods.plan_row_period(cal, row).label, row.key))
        editor = ComboEditor(field)
        editor.fill(items, keep="")
        return editor

    def _plan_item_items(self, day: str) -> list[tuple[str, str]]:
        """The active plan items of the plan row the activity's date falls in."""
        date = parse_date(day)  # 2026年9月1日 and 9月1日 as well, as the date field takes them
        if date is None:
            return []
        row = plans.row_for_month(self.programme, f"{date.year:04d}-{date.month:02d}")
        period = periods.Period("month", row.start, row.end, row.label)
        return [
            (f"{row.label}：{_one_line(item['task'], 40)}（{item['status']}）", item["id"])
            for item in plans.list_items(self.store, self.programme, period)
        ]

    def _describe_plan_item(self, item_id: str) -> str:
        item = records.active(self.store, "plan_item", item_id)
        if item is None:
            return "（已删除的计划事项）"
        row = plans.row_for_month(self.programme, item["month"])
        label = periods.plan_row_period(self.programme.calendar, row).label
        return f"{label}：{_one_line(item['task'], 40)}（{item['status']}）"

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
        day, plan_item = self._day_and_plan_item()
        if day is not None and plan_item is not None:
            day.edit.textChanged.connect(self._update_plan_items)

    def _day_and_plan_item(self) -> tuple[LineEditor | None, ComboEditor | None]:
        day = self.editors.get("day")
        plan_item = next((e for e in self.editors.values() if e.field.kind == "plan_item"), None)
        return (
            day if isinstance(day, LineEditor) else None,
            plan_item if isinstance(plan_item, ComboEditor) else None,
        )

    def _update_plan_items(self) -> None:
        """Offer the plan items of the month the date is in (the chosen one stays)."""
        day, plan_item = self._day_and_plan_item()
        assert day is not None and plan_item is not None
        plan_item.fill(self._plan_item_items(day.value()))

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
        for name in self.editors:
            if name in errors:
                if self.pages is not None:
                    self.pages.setCurrentIndex(self._page_of[name])
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
            self.saved_id = self.saver(self.values(), self.record_id)
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


def _short_label(label: str) -> str:
    """ "活动方案" → "方案", "总结/反思" → "总结": page titles stay short."""
    return label.removeprefix("活动").split("/")[0]


def _one_line(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def open_for_tab(
    tab: QWidget,
    store: Store,
    programme: Programme,
    table: str,
    record_id: str | None,
    initial: dict[str, Any] | None,
    saver: Saver,
    on_saved: Callable[[str], object],
) -> RecordDialog:
    """The record form a tab shows (月计划, 帮扶日志): saved through the tab's ``saver`` (onto
    its undo stack), ``on_saved`` with the id, deleted when closed, kept as ``tab.dialog``."""
    dialog = RecordDialog(store, programme, table, record_id, tab, initial=initial, saver=saver)
    dialog.saved.connect(on_saved)
    dialog.finished.connect(dialog.deleteLater)
    tab.dialog = dialog  # type: ignore[attr-defined]
    return dialog
