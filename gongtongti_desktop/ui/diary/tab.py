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
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QUndoStack
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
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, catalog, diary, plans, reporting, roster
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.diary.attachment_strip import AttachmentStrip
from gongtongti_desktop.ui.diary.model import DiaryModel
from gongtongti_desktop.ui.shell.common import ask_yes_no, muted, show_error
from gongtongti_desktop.ui.shell.period_picker import ALL, PeriodPicker
from gongtongti_desktop.ui.shell.record_dialog import RecordDialog, open_for_tab
from gongtongti_desktop.ui.shell.undo import Key, UndoContext, perform

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
    "attachments": 40,
}
ALL_KINDS, ALL_KINDERGARTENS = "全部类型", "全部幼儿园"


def _para(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


class DiaryTab(QWidget):
    """``changed``: the data changed (other tabs refresh)."""

    changed = Signal()

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
        self._shown_id: str | None = None

        # -- search and filters
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
            programme, (ALL, "month", "term", "school_year"), ALL, today=today()
        )
        self.picker.changed.connect(self.apply_filter)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(ALL_KINDS, "")
        for kind in programme.activity_kinds:
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

        # -- buttons
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

        # -- the list
        self.model = DiaryModel(store, self)
        self.lister = diary.DiaryList(store)  # search_rowids, faster for text after the full list
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
            QShortcut(key, self.view, slot, context=Qt.ShortcutContext.WidgetShortcut)
        self.empty_hint = QLabel()
        self.empty_hint.setWordWrap(True)
        muted(self.empty_hint)
        self.empty_hint.hide()

        # -- the selected activity
        self.detail_title = QLabel()
        font = self.detail_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.detail_title.setFont(font)
        self.detail_title.setWordWrap(True)
        self.detail_meta = QLabel()
        self.detail_meta.setWordWrap(True)
        self.detail_meta.setTextFormat(Qt.TextFormat.RichText)
        self.detail_meta.linkActivated.connect(lambda _link: self.show_revisions())
        self.detail_text = QTextBrowser()
        self.detail_text.setOpenLinks(False)
        self.strip = AttachmentStrip()
        self.strip.add_files.connect(self.add_attachments)
        self.strip.caption_edited.connect(self.set_caption)
        self.strip.delete_requested.connect(self.delete_attachment)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.detail_meta)
        detail_split = QSplitter(Qt.Orientation.Vertical)
        detail_split.addWidget(self.detail_text)
        detail_split.addWidget(self.strip)
        detail_split.setSizes([300, 260])
        detail_layout.addWidget(detail_split, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.empty_hint)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([660, 480])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.plan_filter_bar)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Find),
            self,
            self.focus_search,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

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
        self._shown_id = activity_id
        if activity_id is None:
            self.detail_title.setText("")
            self.detail_meta.setText("选中一条活动，这里显示它的方案、措施、记录、总结和附件。")
            self.detail_text.clear()
            self.strip.set_attachments(None)
            return
        try:
            rec = diary.full_record(self.store, activity_id)
        except UserError:
            self.show_detail(None)
            return
        self.detail_title.setText(rec["title"])
        meta = [
            f"<b>时间：</b>{html.escape(rec['day'])} {html.escape(rec['time'])}",
            f"<b>类型：</b>{html.escape(rec['kind'])}　<b>形式：</b>{html.escape(rec['mode'])}"
            + (f"（{html.escape(rec['place'])}）" if rec.get("place") else "")
            + (f"　<b>领域：</b>{html.escape(rec['domain'])}" if rec.get("domain") else ""),
            f"<b>主办园：</b>{html.escape(rec['host_name'] or '—')}"
            f"　<b>参与园：</b>{html.escape('、'.join(n for n in rec['receiver_names'] if n) or '—')}",
        ]
        people = "、".join(n for n in rec["participant_names"] if n)
        count = f"（共 {rec['headcount']} 人）" if rec.get("headcount") else ""
        if people or count:
            meta.append(f"<b>参加人员：</b>{html.escape(people or '—')}{count}")
        plan = rec.get("plan_task") or ""
        meta.append(
            f"<b>对应计划：</b>{html.escape(' '.join(plan.split()))}"
            if plan
            else "<b>对应计划：</b>（无，计划外活动）"
        )
        status = reporting.report_status(self.store, "activity", activity_id)
        if status.reported_at:
            when = status.reported_at[:10]
            verb = "上报" if status.direction == "export" else "导入"
            changed = (
                f"，此后修改 {status.revisions} 次 <a href='revisions'>查看修改记录</a>"
                if status.revisions
                else "，此后未修改"
            )
            meta.append(f"<b>上报：</b>已于 {when} {verb}{changed}")
        self.detail_meta.setText("<br>".join(meta))
        parts = []
        for key in ("plan_text", "measures", "record", "summary"):
            label = catalog.record_type("activity").field(key).label
            text = (rec.get(key) or "").strip()
            body = _para(text) if text else '<span style="color:#888">（未填写）</span>'
            parts.append(f"<p><b>{html.escape(label)}</b><br>{body}</p>")
        self.detail_text.setHtml("".join(parts))
        self.strip.set_attachments(attachments.list_attachments(self.store, activity_id))

    def show_revisions(self, activity_id: str | None = None) -> QDialog | None:
        """修改记录 of a reported activity: every version kept since it was reported."""
        from gongtongti_desktop.ui.diary.revision_dialog import RevisionDialog

        activity_id = activity_id or self._shown_id
        if activity_id is None:
            return None
        dialog = RevisionDialog(self.store, "activity", activity_id, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    # -- changing -----------------------------------------------------------------------------

    def _data_changed(self) -> None:
        self.model.reload()
        self.apply_filter()
        self.changed.emit()

    def _failed(self, exc: UserError) -> None:
        show_error(self, exc)

    def save_activity(self, values: dict[str, Any], activity_id: str | None) -> str:
        """Save through core and onto the undo stack (the dialog's saver). The plan items
        linked before and after are pictured too: a link marks an item 已完成."""
        keys: list[Key] = []
        if activity_id:
            keys.append(("activity", activity_id))
            old = records.get_record(self.store, "activity", activity_id, missing_ok=True)
            if old and old.get("plan_item_id"):
                keys.append(("plan_item", old["plan_item_id"]))
        if values.get("plan_item_id"):
            keys.append(("plan_item", str(values["plan_item_id"])))
        return perform(
            self.undo_stack,
            self.ctx,
            "修改帮扶活动" if activity_id else "新增帮扶活动",
            keys,
            lambda: records.save_record(
                self.store, self.programme, "activity", values, activity_id
            ),
            created=lambda new_id: [("activity", new_id)],
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
        latest = self.store.query(
            "SELECT host_id FROM activity WHERE deleted_at IS NULL AND host_id IS NOT NULL"
            " ORDER BY day DESC, rowid DESC LIMIT 1"
        )
        if latest:
            values["host_id"] = latest[0]["host_id"]
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
                [("activity", activity_id)],
                lambda: records.delete_record(self.store, "activity", activity_id),
            )
        except UserError as exc:
            show_error(self, exc)
            self.refresh()
            return False
        return True

    # -- attachments --------------------------------------------------------------------------

    def add_attachments(self, paths: list[Path]) -> list[str]:
        """Copy the files in through core, as one undo step; each refusal (not an image, over
        30 MB, gone, an unsupported type) is listed in one message. Returns the new ids."""
        activity_id = self._shown_id
        if activity_id is None or not paths:
            return []
        refused: list[str] = []

        def add_all() -> list[str]:
            added = []
            for path in paths:
                try:
                    added.append(attachments.add_attachment(self.store, activity_id, Path(path)))
                except UserError as exc:
                    refused.append(exc.message)
                except OSError as exc:
                    refused.append(f"无法读取“{Path(path).name}”：{exc.strerror or exc}")
            return added

        text = f"添加 {len(paths)} 个附件" if len(paths) > 1 else f"添加附件“{Path(paths[0]).name}”"
        added = perform(
            self.undo_stack,
            self.ctx,
            text,
            [],
            add_all,
            created=lambda ids: [("attachment", i) for i in ids],
        )
        if refused:
            head = "以下文件没有添加：\n" if added or len(refused) > 1 else ""
            show_error(self, UserError(head + "\n".join(refused)))
        if added:
            self.strip.select(added[-1])
        return added

    def set_caption(self, attachment_id: str, caption: str) -> None:
        try:
            perform(
                self.undo_stack,
                self.ctx,
                "修改附件说明",
                [("attachment", attachment_id)],
                lambda: records.save_record(
                    self.store, self.programme, "attachment", {"caption": caption}, attachment_id
                ),
            )
        except UserError as exc:
            show_error(self, exc)
            self.show_detail(self._shown_id)

    def delete_attachment(self, attachment_id: str) -> bool:
        try:
            name = catalog.describe(self.store, "attachment", attachment_id)
            if not ask_yes_no(self, f"确定删除{name}吗？\n\n可以在回收站恢复，或按 Ctrl+Z 撤销。"):
                return False
            perform(
                self.undo_stack,
                self.ctx,
                f"删除{name}",
                [("attachment", attachment_id)],
                lambda: records.delete_record(self.store, "attachment", attachment_id),
            )
        except UserError as exc:
            show_error(self, exc)
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
