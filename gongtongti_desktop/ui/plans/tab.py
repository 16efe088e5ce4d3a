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
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
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
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.plans.model import ID_ROLE, ROW_KEY_ROLE, PlanTreeModel, short_day
from gongtongti_desktop.ui.shell.common import ask_yes_no, muted, show_error
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
ACTIVITY_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_STYLE = "color: #c0392b;"


def activity_line(row: dict[str, Any]) -> str:
    return f"{row['day']}  {row['kind']}：{row['title']}"


class PlanTab(QWidget):
    """``changed``: the data changed (other tabs refresh); ``show_activities(item id, text)``:
    show this item's activities in the diary; ``record_activity(item id)``: start an activity
    for it; ``open_activity(activity id)``: show one activity in the diary."""

    changed = Signal()
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

        # -- the period and the table's header
        self.picker = PeriodPicker(programme, ("term", "school_year"), "term", today=today())
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

        # -- buttons
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

        # -- the plan
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
            (QKeySequence(QKeySequence.StandardKey.New), lambda: self.add()),
        ):
            QShortcut(key, self.view, slot, context=Qt.ShortcutContext.WidgetShortcut)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        muted(self.hint)

        # -- the side panel: the item's activities, the month's balance
        self.item_box = QGroupBox("所选事项的活动记录")
        self.item_label = QLabel()
        self.item_label.setWordWrap(True)
        self.activity_list = QListWidget()
        self.activity_list.itemDoubleClicked.connect(self._open_activity_item)
        self.record_button = QPushButton("记录活动…")
        self.record_button.setToolTip("在帮扶日志中新增一次活动，对应此计划事项")
        self.show_button = QPushButton("在帮扶日志中查看")
        self.record_button.clicked.connect(self._record_for_selected)
        self.show_button.clicked.connect(self._show_selected_activities)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.show_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self.item_box)
        box.addWidget(self.item_label)
        box.addWidget(self.activity_list, 1)
        box.addLayout(buttons)

        self.balance_box = QGroupBox("本月对照")
        self.not_done_label = QLabel()
        self.not_done_list = QListWidget()
        self.not_done_list.itemDoubleClicked.connect(self._select_item_from_list)
        self.unplanned_label = QLabel()
        self.unplanned_list = QListWidget()
        self.unplanned_list.itemDoubleClicked.connect(self._open_activity_item)
        box = QVBoxLayout(self.balance_box)
        for widget in (self.activity_list, self.not_done_list, self.unplanned_list):
            widget.setWordWrap(True)
            widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box.addWidget(self.not_done_label)
        box.addWidget(self.not_done_list, 1)
        box.addWidget(self.unplanned_label)
        box.addWidget(self.unplanned_list, 1)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.item_box, 1)
        side_layout.addWidget(self.balance_box, 1)
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addWidget(self.view, 1)
        main_layout.addWidget(self.hint)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(main)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([820, 320])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

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
        self._show_item_activities(item_id)
        self._show_balance(row)

    def _show_item_activities(self, item_id: str | None) -> None:
        self.activity_list.clear()
        self.record_button.setEnabled(item_id is not None)
        self.show_button.setEnabled(False)
        if item_id is None:
            self.item_label.setText("选中一项计划事项，可查看对应的活动记录。")
            return
        item = self.model.item(self._current())
        assert item is not None
        rows = diary.list_activities(self.store, diary.DiaryFilter(plan_item_id=item_id))
        for row in rows:
            entry = QListWidgetItem(activity_line(row))
            entry.setData(ACTIVITY_ROLE, row["id"])
            self.activity_list.addItem(entry)
        task = " ".join(item["task"].split())
        if rows:
            self.item_label.setText(f"“{task}”已有 {len(rows)} 次活动（双击查看）：")
        else:
            self.item_label.setText(f"“{task}”还没有对应的活动记录。")
        self.show_button.setEnabled(bool(rows))

    def _show_balance(self, row: PlanRow | None) -> None:
        self.not_done_list.clear()
        self.unplanned_list.clear()
        if row is None:
            self.balance_box.setTitle("本月对照")
            self.not_done_label.setText("")
            self.unplanned_label.setText("")
            return
        self.balance_box.setTitle(f"{row.label}对照")
        balance = diary.month_balance(self.store, self.programme, row.key)
        for item in balance["planned_not_done"]:
            day = f"{short_day(item['day'])} " if item["day"] else ""
            entry = QListWidgetItem(f"{day}{' '.join(item['task'].split())}（{item['status']}）")
            entry.setData(ID_ROLE, item["id"])
            self.not_done_list.addItem(entry)
        for activity in balance["done_without_plan"]:
            entry = QListWidgetItem(activity_line(activity))
            entry.setData(ACTIVITY_ROLE, activity["id"])
            self.unplanned_list.addItem(entry)
        self.not_done_label.setText(f"计划了但未完成（{len(balance['planned_not_done'])}）：")
        self.unplanned_label.setText(f"完成了但不在计划中（{len(balance['done_without_plan'])}）：")

    def _open_activity_item(self, entry: QListWidgetItem) -> None:
        self.open_activity.emit(entry.data(ACTIVITY_ROLE))

    def _select_item_from_list(self, entry: QListWidgetItem) -> None:
        self.select_item(entry.data(ID_ROLE))

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

    def _data_changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def _failed(self, exc: UserError) -> None:
        show_error(self, exc)

    def save_item(self, values: dict[str, Any], item_id: str | None) -> str:
        """Save through core and onto the undo stack (the dialog's saver)."""
        label = "修改计划事项" if item_id else "新增计划事项"
        return perform(
            self.undo_stack,
            self.ctx,
            label,
            [("plan_item", item_id)] if item_id else [],
            lambda: records.save_record(self.store, self.programme, "plan_item", values, item_id),
            created=lambda new_id: [("plan_item", new_id)],
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
                [("plan_item", item_id)],
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
                [],
                lambda: plans.copy_row(self.store, self.programme, source.key, target.key),
                created=lambda new_ids: [("plan_item", i) for i in new_ids],
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
        self.changed.emit()
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
