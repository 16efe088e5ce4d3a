"""The 帮扶日志 tab: every help activity, newest first, found by its Chinese text (Ctrl+F;
FTS trigram, short words such as 教研 by the single-character index — both in core) and
filtered by period, kind, kindergarten and plan item; the selected activity's 方案、措施、
记录、总结 and its evidence (photos and files, added by 添加附件… or by dragging them onto the
strip).

The list is a lazy model (diary_model.py): 100 000 activities open as fast as 100; a search
typed after the full list was shown is ordered by that list (core's DiaryList). Every change
goes through core and onto the tab's undo stack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, diary, plans, roster
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records.changes import Changes
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.diary.attachment_actions import AttachmentActions
from gongtongti_desktop.ui.diary.detail import ActivityDetail
from gongtongti_desktop.ui.diary.model import DiaryModel
from gongtongti_desktop.ui.diary.photo_marks import PhotoMarks
from gongtongti_desktop.ui.shell.common import ask_yes_no, muted, shortcut, show_error
from gongtongti_desktop.ui.shell.period_picker import ALL, PeriodPicker
from gongtongti_desktop.ui.shell.record_dialog import RecordDialog, open_for_tab
from gongtongti_desktop.ui.shell.undo import UndoContext, perform

SEARCH_DELAY_MS = 200
COLUMN_WIDTHS = {
    "day": 84,
    "time": 84,
    "kind": 96,
    "title": 236,
    "mode": 40,
    "host_name": 104,
    "receivers": 120,
    "headcount": 40,
    "attachments": 52,  # "12 ⚠": the count and the photo mark
}
ALL_KINDS, ALL_KINDERGARTENS = "全部类型", "全部幼儿园"


class DiaryTab(AttachmentActions, QWidget):
    """``changed``: the data changed (other tabs refresh)."""

    changed = Signal(object)  # the Changes core reported (records added, changed, removed)

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
        self.plan_item_id = ""
        self._stale = True
        self.shown_id: str | None = None

        filters = self._build_filters()
        self._build_plan_filter_bar()
        bar = self._build_buttons()
        left = self._build_list()
        self.detail = ActivityDetail(store)
        self.detail.revisions_requested.connect(lambda: self.show_revisions())
        self.strip = self.detail.strip
        self.strip.add_files.connect(self.add_attachments)
        self.strip.caption_edited.connect(self.set_caption)
        self.strip.delete_requested.connect(self.delete_attachment)
        self.marks = PhotoMarks(store, programme, self)
        self.model.marks = self.detail.marks = self.marks
        self.marks.updated.connect(self._marks_updated)
        self.detail.flags.answer_requested.connect(self.answer_photo)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([660, 480])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.plan_filter_bar)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        shortcut(
            QKeySequence(QKeySequence.StandardKey.Find),
            self,
            self.focus_search,
            Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    # -- building -----------------------------------------------------------------------------

    def _build_filters(self) -> QHBoxLayout:
        """The search box (searched SEARCH_DELAY_MS after the last key) and the filters."""
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("查找活动内容（Ctrl+F），如“区域活动”“教研”")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(240)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filter)
        self.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_filter)
        self.picker = PeriodPicker(
            self.programme, (ALL, "month", "term", "school_year"), ALL, today=self.today()
        )
        self.picker.changed.connect(self.apply_filter)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(ALL_KINDS, "")
        for kind in self.programme.activity_kinds:
            self.kind_combo.addItem(kind, kind)
        self.kind_combo.currentIndexChanged.connect(self.apply_filter)
        self.kindergarten_combo = QComboBox()
        self.kindergarten_combo.addItem(ALL_KINDERGARTENS, "")
        self.kindergarten_combo.setMinimumContentsLength(8)
        self.kindergarten_combo.currentIndexChanged.connect(self.apply_filter)
        self.unplanned_check = QCheckBox("只看计划外")
        self.unplanned_check.setToolTip("只显示没有对应计划事项的活动")
        self.unplanned_check.toggled.connect(self.apply_filter)
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.picker)
        filters.addWidget(self.kind_combo)
        filters.addWidget(self.kindergarten_combo)
        filters.addWidget(self.unplanned_check)
        return filters

    def _build_plan_filter_bar(self) -> None:
        """The line shown while only one plan item's activities are listed."""
        self.plan_filter_label = QLabel()
        self.plan_filter_label.setWordWrap(True)
        self.clear_plan_button = QPushButton("显示全部活动")
        self.clear_plan_button.clicked.connect(self.clear_plan_item)
        self.plan_filter_bar = QWidget()
        plan_bar = QHBoxLayout(self.plan_filter_bar)
        plan_bar.setContentsMargins(0, 0, 0, 0)
        plan_bar.addWidget(self.plan_filter_label, 1)
        plan_bar.addWidget(self.clear_plan_button)
        self.plan_filter_bar.hide()

    def _build_buttons(self) -> QHBoxLayout:
        self.count_label = QLabel()
        self.add_button = QPushButton("新增活动…")
        self.edit_button = QPushButton("编辑…")
        self.delete_button = QPushButton("删除")
        self.print_button = QToolButton()
        self.print_button.setText("打印")
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.print_button)
        self.print_one_action = menu.addAction("打印本活动的记录表…")
        self.print_month_action = menu.addAction("打印本月全部活动…")
        self.print_one_action.triggered.connect(lambda: self.print_activity())
        self.print_month_action.triggered.connect(lambda: self.print_month())
        self.print_button.setMenu(menu)
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button.clicked.connect(lambda: self.edit())
        self.delete_button.clicked.connect(lambda: self.delete())
        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        for button in (self.add_button, self.edit_button, self.delete_button, self.print_button):
            bar.addWidget(button)
        return bar

    def _build_list(self) -> QWidget:
        """The lazy list of activities and the hint shown when it is empty."""
        self.model = DiaryModel(self.store, self)
        self.lister = diary.DiaryList(self.store)  # search_rowids, faster for text after the list
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setSortingEnabled(False)
        vertical = self.view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, key in enumerate(self.model.keys):
            header.resizeSection(column, COLUMN_WIDTHS.get(key, 120))
        self.view.doubleClicked.connect(lambda index: self.edit(self._id_at(index)))
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        for key, slot in (
            (QKeySequence(QKeySequence.StandardKey.Delete), lambda: self.delete()),
            (QKeySequence(Qt.Key.Key_Return), lambda: self.edit()),
            (QKeySequence(Qt.Key.Key_Enter), lambda: self.edit()),
        ):
            shortcut(key, self.view, slot, Qt.ShortcutContext.WidgetShortcut)
        self.empty_hint = QLabel()
        self.empty_hint.setWordWrap(True)
        muted(self.empty_hint)
        self.empty_hint.hide()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.empty_hint)
        return left

    # -- loading ------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        # Searched on first show (and after changes made elsewhere): start-up stays cheap.
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Reload the choices and the list from core, keeping the selected activity."""
        self._stale = False
        self._fill_kindergartens()
        self.marks.reload()
        self.apply_filter()

    def _fill_kindergartens(self) -> None:
        combo = self.kindergarten_combo
        current = combo.currentData() or ""
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ALL_KINDERGARTENS, "")
        for k in roster.list_kindergartens(self.store, self.programme):
            combo.addItem(k["name"], k["id"])
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def current_filter(self) -> diary.DiaryFilter:
        return diary.DiaryFilter(
            text=self.search_edit.text().strip(),
            period=self.picker.period(),
            kind=self.kind_combo.currentData() or "",
            kindergarten_id=self.kindergarten_combo.currentData() or "",
            plan_item_id=self.plan_item_id,
            unplanned_only=self.unplanned_check.isChecked(),
        )

    def apply_filter(self) -> None:
        """Search with the current text and filters (the selected activity stays selected
        when it still matches)."""
        self.search_timer.stop()
        keep = self.selected_id()
        f = self.current_filter()
        self.model.set_rowids(self.lister.search(f))
        total = self.model.rowCount()
        filtered = bool(
            f.text or f.period or f.kind or f.kindergarten_id or f.plan_item_id or f.unplanned_only
        )
        self.count_label.setText(f"找到 {total} 次活动" if filtered else f"共 {total} 次活动")
        if total == 0:
            if filtered:
                self.empty_hint.setText("没有符合条件的活动。可以换个关键字，或放宽筛选条件。")
            else:
                self.empty_hint.setText("还没有帮扶活动记录。点击“新增活动…”记录第一次活动。")
        self.empty_hint.setVisible(total == 0)
        if not (keep and self.select(keep)) and total:
            self.view.selectRow(0)
            self.view.scrollToTop()
        self._selection_changed()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def show_plan_item(self, item_id: str, text: str = "") -> None:
        """Only the activities that carried out this plan item (other filters cleared)."""
        if self._stale:
            self._fill_kindergartens()
        self.plan_item_id = item_id
        for widget in (self.search_edit, self.kind_combo, self.kindergarten_combo, self.picker):
            widget.blockSignals(True)
        self.search_edit.clear()
        self.kind_combo.setCurrentIndex(0)
        self.kindergarten_combo.setCurrentIndex(0)
        self.picker.set_kind(ALL)
        self.unplanned_check.blockSignals(True)
        self.unplanned_check.setChecked(False)
        for widget in (
            self.search_edit,
            self.kind_combo,
            self.kindergarten_combo,
            self.picker,
            self.unplanned_check,
        ):
            widget.blockSignals(False)
        self.plan_filter_label.setText(f"只显示对应计划事项“{text or '所选事项'}”的活动。")
        self.plan_filter_bar.show()
        self._stale = False
        self.apply_filter()

    def clear_plan_item(self) -> None:
        self.plan_item_id = ""
        self.plan_filter_bar.hide()
        self.apply_filter()

    def show_activity(self, activity_id: str) -> bool:
        """Select one activity, clearing the filters when it is not in the list."""
        if self._stale:
            self.refresh()
        if self.select(activity_id):
            return True
        self.plan_item_id = ""
        self.plan_filter_bar.hide()
        for widget in (self.kind_combo, self.kindergarten_combo, self.unplanned_check):
            widget.blockSignals(True)
        self.kind_combo.setCurrentIndex(0)
        self.kindergarten_combo.setCurrentIndex(0)
        self.unplanned_check.setChecked(False)
        for widget in (self.kind_combo, self.kindergarten_combo, self.unplanned_check):
            widget.blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.picker.blockSignals(True)
        self.picker.set_kind(ALL)
        self.picker.blockSignals(False)
        self.apply_filter()
        return self.select(activity_id)

    # -- selection ----------------------------------------------------------------------------

    def _id_at(self, index: QModelIndex) -> str | None:
        return self.model.record_id(index.row()) if index.isValid() else None

    def selected_id(self) -> str | None:
        return self._id_at(self.view.selectionModel().currentIndex())

    def select(self, activity_id: str) -> bool:
        row = self.model.row_of(activity_id)
        if row < 0:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def _selection_changed(self) -> None:
        activity_id = self.selected_id()
        for widget in (self.edit_button, self.delete_button, self.print_one_action):
            widget.setEnabled(activity_id is not None)
        self.print_month_action.setEnabled(
            activity_id is not None or self._print_month_period() is not None
        )
        self.show_detail(activity_id)

    def show_detail(self, activity_id: str | None) -> None:
        self.shown_id = self.detail.show_activity(activity_id)

    def _marks_updated(self) -> None:
        """Photo flags recomputed (older photos read in the background): repaint."""
        self.model.reload()
        if self.shown_id is not None:
            self.detail.flags.set_flags(self.marks.of(self.shown_id))

    def show_revisions(self, activity_id: str | None = None) -> QDialog | None:
        """修改记录 of a reported activity: every version kept since it was reported."""
        from gongtongti_desktop.ui.diary.revision_dialog import RevisionDialog

        activity_id = activity_id or self.shown_id
        if activity_id is None:
            return None
        dialog = RevisionDialog(self.store, "activity", activity_id, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    # -- changing -----------------------------------------------------------------------------

    def _data_changed(self, changes: Changes) -> None:
        self.marks.reload()
        self.model.reload()
        self.apply_filter()
        self.changed.emit(changes)

    def _failed(self, exc: UserError) -> None:
        show_error(self, exc)

    def save_activity(self, values: dict[str, Any], activity_id: str | None) -> str:
        """Save through core and onto the undo stack (the dialog's saver). Core reports the
        plan item a link marks 已完成 along with the activity, so undo brings both back."""
        return perform(
            self.undo_stack,
            self.ctx,
            "修改帮扶活动" if activity_id else "新增帮扶活动",
            lambda: records.save_record(
                self.store, self.programme, "activity", values, activity_id
            ),
        )

    def make_dialog(
        self, activity_id: str | None = None, initial: dict[str, Any] | None = None
    ) -> RecordDialog:
        return open_for_tab(
            self,
            self.store,
            self.programme,
            "activity",
            activity_id,
            initial,
            self.save_activity,
            self._after_save,
        )

    def _after_save(self, activity_id: str) -> None:
        if not self.select(activity_id):
            self.show_activity(activity_id)

    def new_values(self, plan_item_id: str = "") -> dict[str, Any]:
        """What a new activity starts with: today, 线下, the host of the latest activity; for
        a plan item, its kind, task and date (or a day in its month)."""
        today = self.today()
        values: dict[str, Any] = {"day": today.isoformat(), "mode": diary.MODES[0]}
        host = diary.default_host(self.store)
        if host:
            values["host_id"] = host
        if plan_item_id:
            item = records.get_record(self.store, "plan_item", plan_item_id)
            assert item is not None
            row = plans.row_for_month(self.programme, item["month"])
            day = item["day"] or (today.isoformat() if row.start <= today <= row.end else "")
            values.update(
                {
                    "plan_item_id": plan_item_id,
                    "kind": item["kind"],
                    "title": " ".join(item["task"].split())[:60],
                    "day": day or row.start.isoformat(),
                }
            )
        return values

    def add(self, plan_item_id: str = "") -> RecordDialog:
        dialog = self.make_dialog(None, self.new_values(plan_item_id))
        dialog.open()
        return dialog

    def edit(self, activity_id: str | None = None) -> RecordDialog | None:
        activity_id = activity_id or self.selected_id()
        if activity_id is None:
            return None
        try:
            dialog = self.make_dialog(activity_id)
        except UserError as exc:
            show_error(self, exc)
            self.refresh()
            return None
        dialog.open()
        return dialog

    def delete(self, activity_id: str | None = None) -> bool:
        activity_id = activity_id or self.selected_id()
        if activity_id is None:
            return False
        try:
            rec = records.get_record(self.store, "activity", activity_id)
            assert rec is not None
            files = len(attachments.list_attachments(self.store, activity_id))
            question = f"确定删除帮扶活动“{rec['day']} {rec['title']}”吗？"
            if files:
                question += f"\n\n它的 {files} 个附件会一起删除。"
            question += "\n\n删除的记录会移到回收站；也可以用“编辑 → 撤销”（Ctrl+Z）恢复。"
            if not ask_yes_no(self, question):
                return False
            perform(
                self.undo_stack,
                self.ctx,
                f"删除帮扶活动“{rec['title'][:20]}”",
                lambda: records.delete_record(self.store, "activity", activity_id),
            )
        except UserError as exc:
            show_error(self, exc)
            self.refresh()
            return False
        return True

    # -- printing -----------------------------------------------------------------------------

    def record_form_id(self) -> str | None:
        for spec in self.programme.forms:
            if spec.source == "activities":
                return spec.id
        return None

    def _print_month_period(self) -> periods.Period | None:
        activity_id = self.selected_id()
        if activity_id:
            day = dt.date.fromisoformat(self.model.row_data(self.model.row_of(activity_id))["day"])
            return periods.month_period(day.year, day.month)
        period = self.picker.period()
        if period is not None and period.kind == "month":
            return period
        return None

    def print_activity(self, activity_id: str | None = None):
        """The 帮扶活动记录表 of one activity."""
        activity_id = activity_id or self.selected_id()
        form_id = self.record_form_id()
        if activity_id is None or form_id is None:
            return None
        from gongtongti_desktop.ui.printing.print_preview import open_print_preview

        return open_print_preview(
            self, self.store, self.programme, form_id, activity_ids=[activity_id]
        )

    def print_month(self):
        """The 帮扶活动记录表 of every activity of the selected activity's month."""
        form_id = self.record_form_id()
        period = self._print_month_period()
        if form_id is None or period is None:
            return None
        from gongtongti_desktop.ui.printing.print_preview import open_print_preview

        return open_print_preview(self, self.store, self.programme, form_id, period)
