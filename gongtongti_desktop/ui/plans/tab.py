"""The 月计划 tab: the plan items of a term or school year, row by row of the county's plan
table (Yiyuan: 7-8月 … 12-次年1月; Gaotai: each month, items with dates).

Add / edit (the generic record form) / delete (回收站) / 复制上月, the table's header
(填报人, 主要负责人), overdue items in red, for the selected item the activities that carried it
out, and for the selected month what was planned but not done and what was done without a
plan. Every change goes through core and onto the tab's undo stack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period, PlanRow
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import diary, plans
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records.changes import Changes
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.plans.model import ID_ROLE, ROW_KEY_ROLE, PlanTreeModel
from gongtongti_desktop.ui.plans.side_panel import PlanSidePanel
from gongtongti_desktop.ui.shell.common import ask_yes_no, muted, shortcut, show_error
from gongtongti_desktop.ui.shell.period_picker import PeriodPicker
from gongtongti_desktop.ui.shell.record_dialog import RecordDialog, open_for_tab
from gongtongti_desktop.ui.shell.undo import CallCommand, UndoContext, perform

PLAN_SOURCES = ("plan_rows", "plan_dated")
COLUMN_WIDTHS = {
    "row_label": 130,
    "day": 64,
    "task": 290,
    "kind": 90,
    "responsible": 64,
    "status": 104,
    "activities": 78,
}
OVERDUE_STYLE = "color: #c0392b;"


class PlanTab(QWidget):
    """``changed``: the data changed (other tabs refresh); ``show_activities(item id, text)``:
    show this item's activities in the diary; ``record_activity(item id)``: start an activity
    for it; ``open_activity(activity id)``: show one activity in the diary."""

    changed = Signal(object)  # the Changes core reported (records added, changed, removed)
    show_activities = Signal(str, str)
    record_activity = Signal(str)
    open_activity = Signal(str)

    def __init__(
        self,
        store: Store,
        programme: Programme,
        parent: QWidget | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self.today = today
        self.undo_stack = QUndoStack(self)
        self.ctx = UndoContext(store, programme, self._data_changed, self._failed)
        self.dialog: RecordDialog | None = None
        self._stale = True
        self._overdue: list[dict[str, Any]] = []

        top = self._build_header()
        bar = self._build_buttons()
        self._build_tree()
        self.side = PlanSidePanel()
        self.side.open_activity.connect(self.open_activity.emit)
        self.side.item_chosen.connect(self.select_item)
        self.side.record_clicked.connect(self._record_for_selected)
        self.side.show_clicked.connect(self._show_selected_activities)
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addWidget(self.view, 1)
        main_layout.addWidget(self.hint)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(main)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([820, 320])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    # -- building -----------------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        """The period and the plan table's header: 幼儿园, 填报人, 主要负责人."""
        self.picker = PeriodPicker(
            self.programme, ("term", "school_year"), "term", today=self.today()
        )
        self.picker.changed.connect(self.refresh)
        self.kindergarten_label = QLabel()
        self.filler_edit = QLineEdit()
        self.principal_edit = QLineEdit()
        for edit, hint in ((self.filler_edit, "填报人"), (self.principal_edit, "主要负责人")):
            edit.setPlaceholderText(f"{hint}姓名")
            edit.setMaximumWidth(130)
            edit.editingFinished.connect(self.save_header)
        top = QHBoxLayout()
        top.addWidget(QLabel("期间："))
        top.addWidget(self.picker)
        top.addStretch(1)
        top.addWidget(QLabel("幼儿园："))
        top.addWidget(self.kindergarten_label)
        top.addSpacing(12)
        top.addWidget(QLabel("填报人："))
        top.addWidget(self.filler_edit)
        top.addWidget(QLabel("主要负责人："))
        top.addWidget(self.principal_edit)
        return top

    def _build_buttons(self) -> QHBoxLayout:
        """The overdue warning and the buttons acting on the plan."""
        self.overdue_label = QLabel()
        self.overdue_label.setStyleSheet(OVERDUE_STYLE)
        self.overdue_label.linkActivated.connect(lambda _link: self.go_to_overdue())
        self.add_button = QPushButton("新增事项…")
        self.edit_button = QPushButton("编辑…")
        self.delete_button = QPushButton("删除")
        self.copy_button = QPushButton("复制上月")
        self.copy_button.setToolTip("把上一个月份的计划事项复制到所选月份（状态重新为“计划”）")
        self.print_button = QPushButton("打印…")
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button.clicked.connect(lambda: self.edit())
        self.delete_button.clicked.connect(lambda: self.delete())
        self.copy_button.clicked.connect(lambda: self.copy_previous())
        self.print_button.clicked.connect(lambda: self.print_plan())
        bar = QHBoxLayout()
        bar.addWidget(self.overdue_label)
        bar.addStretch(1)
        for button in (
            self.add_button,
            self.edit_button,
            self.delete_button,
            self.copy_button,
            self.print_button,
        ):
            bar.addWidget(button)
        return bar

    def _build_tree(self) -> None:
        """The plan: rows (months) and their items."""
        self.model = PlanTreeModel(self)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setExpandsOnDoubleClick(False)
        self.view.doubleClicked.connect(self._activated)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        header = self.view.header()
        header.setStretchLastSection(True)
        for column, key in enumerate(self.model.keys):
            header.resizeSection(column, COLUMN_WIDTHS.get(key, 80))
        for key, slot in (
            (QKeySequence(QKeySequence.StandardKey.Delete), lambda: self.delete()),
            (QKeySequence(Qt.Key.Key_Return), lambda: self.edit()),
            (QKeySequence(Qt.Key.Key_Enter), lambda: self.edit()),
        ):
            shortcut(key, self.view, slot, Qt.ShortcutContext.WidgetShortcut)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        muted(self.hint)

    # -- loading ------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        # Loaded on first show (and after changes made elsewhere): start-up stays cheap.
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def mark_stale(self) -> None:
        """Data changed elsewhere: refresh now if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def period(self) -> Period:
        period = self.picker.period()
        assert period is not None
        return period

    def refresh(self) -> None:
        """Reload everything from core, keeping the selection."""
        self._stale = False
        keep_item, keep_row = self.selected_item_id(), self.selected_row_key()
        period = self.period()
        rows = periods.plan_rows(self.programme.calendar, period)
        items = plans.list_items(self.store, self.programme, period)
        overdue = plans.overdue_items(self.store, self.programme, self.today())
        self._overdue = overdue
        self.model.set_plan(rows, items, {o["id"]: o["due"] for o in overdue})
        self.view.expandAll()
        header = plans.header(self.store)
        self.kindergarten_label.setText(header["kindergarten"] or "（未命名）")
        for edit, value in (
            (self.filler_edit, header["filler"]),
            (self.principal_edit, header["principal"]),
        ):
            if not edit.hasFocus():
                edit.setText(value)
        self._update_overdue(overdue, items)
        if not items:
            self.hint.setText(
                f"{period.label}还没有计划事项。选中一个月份，点击“新增事项…”；"
                "或用“复制上月”把上个月的计划复制过来。"
            )
        self.hint.setVisible(not items)
        if not (keep_item and self.select_item(keep_item)):
            key = keep_row if keep_row and self.model.group_index(keep_row).isValid() else None
            self.select_row(key or self._default_row_key())
        self._selection_changed()

    def _default_row_key(self) -> str:
        rows = self.model.plan_rows()
        today = self.today()
        for row in rows:
            if row.start <= today <= row.end:
                return row.key
        return rows[0].key if rows else ""

    def _update_overdue(self, overdue: list[dict[str, Any]], shown: list[dict[str, Any]]) -> None:
        if not overdue:
            self.overdue_label.clear()
            self.overdue_label.hide()
            return
        here = {i["id"] for i in shown} & {o["id"] for o in overdue}
        text = f"⚠ {len(overdue)} 项计划已过期未完成"
        if len(here) != len(overdue):
            text += f"（本期间 {len(here)} 项）"
        self.overdue_label.setText(f'{text} <a href="#overdue">查看</a>')
        lines = [
            f"{plans.row_for_month(self.programme, o['month']).label}　{o['task']}（应于 {o['due']} 前完成）"
            for o in overdue[:15]
        ]
        self.overdue_label.setToolTip("\n".join(lines))
        self.overdue_label.show()

    def overdue_count(self) -> int:
        return len(self._overdue)

    def go_to_overdue(self) -> bool:
        """Show the period of the first overdue item, selected."""
        if not self._overdue:
            return False
        first = self._overdue[0]
        row = plans.row_for_month(self.programme, first["month"])
        self.picker.set_anchor(row.start)
        return self.select_item(first["id"])

    # -- selection ----------------------------------------------------------------------------

    def _current(self) -> QModelIndex:
        return self.view.selectionModel().currentIndex()

    def selected_item_id(self) -> str | None:
        item = self.model.item(self._current())
        return item["id"] if item else None

    def selected_row(self) -> PlanRow | None:
        return self.model.plan_row(self._current())

    def selected_row_key(self) -> str | None:
        row = self.selected_row()
        return row.key if row else None

    def select_item(self, item_id: str) -> bool:
        index = self.model.item_index(item_id)
        if not index.isValid():
            return False
        self._select(index)
        return True

    def select_row(self, key: str) -> bool:
        index = self.model.group_index(key)
        if not index.isValid():
            return False
        self._select(index)
        return True

    def _select(self, index: QModelIndex) -> None:
        self.view.selectionModel().setCurrentIndex(
            index,
            self.view.selectionModel().SelectionFlag.ClearAndSelect
            | self.view.selectionModel().SelectionFlag.Rows,
        )
        self.view.scrollTo(index)

    def _selection_changed(self) -> None:
        item_id = self.selected_item_id()
        row = self.selected_row()
        self.edit_button.setEnabled(item_id is not None)
        self.delete_button.setEnabled(item_id is not None)
        self.copy_button.setEnabled(row is not None)
        self.add_button.setEnabled(row is not None)
        if row is not None:
            previous = self._previous_row(row)
            self.copy_button.setToolTip(f"把“{previous.label}”的计划事项复制到“{row.label}”")
        self.side.show_item_activities(
            self.store, item_id, self.model.item(self._current()) if item_id else None
        )
        self.side.show_balance(self.store, self.programme, row)

    def _show_selected_activities(self) -> None:
        item_id = self.selected_item_id()
        if item_id:
            item = self.model.item(self._current())
            assert item is not None
            self.show_activities.emit(item_id, " ".join(item["task"].split()))

    def _record_for_selected(self) -> None:
        item_id = self.selected_item_id()
        if item_id:
            self.record_activity.emit(item_id)

    def _activated(self, index: QModelIndex) -> None:
        if self.model.item(index) is not None:
            self.edit(index.data(ID_ROLE))
        else:
            self.add(index.data(ROW_KEY_ROLE))

    # -- changing -----------------------------------------------------------------------------

    def _data_changed(self, changes: Changes) -> None:
        self.refresh()
        self.changed.emit(changes)

    def _failed(self, exc: UserError) -> None:
        show_error(self, exc)

    def save_item(self, values: dict[str, Any], item_id: str | None) -> str:
        """Save through core and onto the undo stack (the dialog's saver)."""
        label = "修改计划事项" if item_id else "新增计划事项"
        return perform(
            self.undo_stack,
            self.ctx,
            label,
            lambda: records.save_record(self.store, self.programme, "plan_item", values, item_id),
        )

    def make_dialog(
        self, item_id: str | None = None, initial: dict[str, Any] | None = None
    ) -> RecordDialog:
        return open_for_tab(
            self,
            self.store,
            self.programme,
            "plan_item",
            item_id,
            initial,
            self.save_item,
            self.select_item,
        )

    def add(self, row_key: str | None = None) -> RecordDialog | None:
        """The form for a new item in the selected month (or ``row_key``)."""
        key = row_key or self.selected_row_key() or self._default_row_key()
        if not key:
            return None
        dialog = self.make_dialog(None, {"month": key, "status": plans.PLANNED})
        dialog.open()
        return dialog

    def edit(self, item_id: str | None = None) -> RecordDialog | None:
        item_id = item_id or self.selected_item_id()
        if item_id is None:
            return None
        try:
            dialog = self.make_dialog(item_id)
        except UserError as exc:  # deleted meanwhile
            show_error(self, exc)
            self.refresh()
            return None
        dialog.open()
        return dialog

    def delete(self, item_id: str | None = None) -> bool:
        item_id = item_id or self.selected_item_id()
        if item_id is None:
            return False
        try:
            item = records.get_record(self.store, "plan_item", item_id)
            assert item is not None
            task = " ".join(item["task"].split())
            linked = diary.search_ids(self.store, diary.DiaryFilter(plan_item_id=item_id))
            question = f"确定删除计划事项“{task}”吗？"
            if linked:
                question += (
                    f"\n\n已有 {len(linked)} 次活动对应此事项，删除后它们将算作计划外的活动。"
                )
            question += "\n\n删除的事项会移到回收站；也可以用“编辑 → 撤销”（Ctrl+Z）恢复。"
            if not ask_yes_no(self, question):
                return False
            perform(
                self.undo_stack,
                self.ctx,
                f"删除计划事项“{task[:20]}”",
                lambda: records.delete_record(self.store, "plan_item", item_id),
            )
        except UserError as exc:
            show_error(self, exc)
            self.refresh()
            return False
        return True

    def _previous_row(self, row: PlanRow) -> PlanRow:
        return periods.plan_row_of(self.programme.calendar, row.start - dt.timedelta(days=1))

    def copy_previous(self, row_key: str | None = None) -> list[str]:
        """复制上月: the previous plan row's items become 计划 items of the selected row."""
        key = row_key or self.selected_row_key()
        if not key:
            return []
        target = plans.row_for_month(self.programme, key)
        source = self._previous_row(target)
        existing = [
            i
            for i in plans.list_items(
                self.store, self.programme, Period("month", target.start, target.end, "")
            )
            if i["month"] == target.key
        ]
        if existing and not ask_yes_no(
            self,
            f"“{target.label}”已有 {len(existing)} 项计划。仍要把“{source.label}”的计划事项复制进来吗？",
        ):
            return []
        try:
            ids = perform(
                self.undo_stack,
                self.ctx,
                f"复制“{source.label}”的计划到“{target.label}”",
                lambda: plans.copy_row(self.store, self.programme, source.key, target.key),
            )
        except UserError as exc:
            show_error(self, exc)
            return []
        self.select_row(target.key)
        return ids

    def save_header(self) -> bool:
        """填报人 / 主要负责人, saved as soon as a field is left."""
        filler, principal = self.filler_edit.text(), self.principal_edit.text()
        before = plans.header(self.store)
        if (before["filler"], before["principal"]) == (filler.strip(), principal.strip()):
            return False
        try:
            plans.set_header(self.store, filler, principal)
        except (UserError, ValueError) as exc:
            show_error(self, exc if isinstance(exc, UserError) else UserError(str(exc)))
            self.filler_edit.setText(before["filler"])
            self.principal_edit.setText(before["principal"])
            return False
        after = plans.header(self.store)
        self.undo_stack.push(
            CallCommand(
                self.ctx,
                "修改计划表表头",
                lambda: plans.set_header(self.store, after["filler"], after["principal"]),
                lambda: plans.set_header(self.store, before["filler"], before["principal"]),
            )
        )
        self.changed.emit(Changes())  # the header is no record
        return True

    def plan_form_id(self) -> str | None:
        for spec in self.programme.forms:
            if spec.source in PLAN_SOURCES:
                return spec.id
        return None

    def print_plan(self):
        """The programme's plan table (附件2 / 计划表) for the period shown."""
        form_id = self.plan_form_id()
        if form_id is None:
            show_error(self, UserError(f"方案“{self.programme.name}”没有月计划表格可打印。"))
            return None
        from gongtongti_desktop.ui.printing.print_preview import open_print_preview

        return open_print_preview(self, self.store, self.programme, form_id, self.period())
