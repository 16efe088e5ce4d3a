"""The 结对名单 tab: one section per roster table (幼儿园 · 人员 · 结对关系 · 师徒结对 · 交流轮岗),
each a sortable, filterable table with 新增 / 编辑 / 删除."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import catalog, roster
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.roster.model import RecordTableModel
from gongtongti_desktop.ui.shell.common import ask_yes_no, muted, shortcut, show_error
from gongtongti_desktop.ui.shell.labels import RoleLabels
from gongtongti_desktop.ui.shell.record_dialog import RecordDialog

MAX_COLUMN_WIDTH = 320

_IMPORT_HINT = "点击“新增”添加，或用“文件 → 导入结对名单（Excel）”导入。"
EMPTY_HINTS = {
    "kindergarten": "还没有幼儿园。" + _IMPORT_HINT,
    "person": "还没有人员（园长、责任人、教师等）。先添加幼儿园，再" + _IMPORT_HINT,
    "pairing": "还没有结对关系。先添加幼儿园，再" + _IMPORT_HINT,
    "mentor_pair": "还没有师徒结对。先在“人员”中添加师傅和徒弟，再点击“新增”。",
    "staff_exchange": "还没有交流轮岗记录。先在“人员”中添加交流人员，再点击“新增”。",
}


class _DryRun(Exception):
    def __init__(self, batch: catalog.DeletedBatch) -> None:
        super().__init__()
        self.batch = batch


def delete_preview(store: Store, table: str, record_id: str) -> catalog.DeletedBatch:
    """What deleting this record would move to the 回收站 (core's summary and count),
    without changing anything: core's own delete runs in a transaction that is rolled back.

    Stand-in: ``roster.dependents`` counts a record reachable by two cascade paths twice
    (a staff exchange of a person of the deleted kindergarten), so the prompt would
    promise more than the 回收站 then shows.
    """
    try:
        with store.atomic():
            batch = roster.delete_record(store, table, record_id)
            for entry in catalog.recycle_bin(store):
                if entry.batch == batch:
                    raise _DryRun(entry)
            raise UserError("无法确定要删除的记录")
    except _DryRun as dry:
        return dry.batch


def delete_question(store: Store, table: str, record_id: str) -> str:
    """The confirmation text: the record as the 回收站 will name it, with the number of
    linked records that go with it."""
    preview = delete_preview(store, table, record_id)
    return f"确定删除{preview.summary}吗？\n\n删除的记录会移到回收站，可以在“文件 → 回收站”中恢复。"


class RecordSection(QWidget):
    """One roster table: filter box, buttons and the table view."""

    changed = Signal()

    def __init__(
        self, store: Store, programme: Programme, table: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self.table = table
        self.record_type = roster.RECORD_TYPES[table]
        self.dialog: RecordDialog | None = None

        self.model = RecordTableModel(table, RoleLabels(programme), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortLocaleAware(True)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("筛选…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(280)
        self.filter_edit.textChanged.connect(self.set_filter)
        self.add_button = QPushButton("新增…")
        self.edit_button = QPushButton("编辑…")
        self.delete_button = QPushButton("删除")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(lambda: self.edit())
        self.delete_button.clicked.connect(lambda: self.delete())
        self.count_label = QLabel()

        self._build_view()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        muted(self.hint)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        self.refresh()

    def _build_view(self) -> None:
        """The table, sortable by a click on a header, with Delete / Enter on a row."""
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSortIndicatorClearable(True)
        # -1: keep core's order (e.g. the bureau's roster order) until a header is clicked.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.doubleClicked.connect(self._activated)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        for key, slot in (
            (QKeySequence(QKeySequence.StandardKey.Delete), lambda: self.delete()),
            (QKeySequence(Qt.Key.Key_Return), lambda: self.edit()),
            (QKeySequence(Qt.Key.Key_Enter), lambda: self.edit()),
        ):
            shortcut(key, self.view, slot, Qt.ShortcutContext.WidgetShortcut)

    # -- reading ------------------------------------------------------------------------------

    def refresh(self, select_id: str | None = None) -> None:
        """Reload the rows from core, keeping (or moving to) the selected record."""
        keep = select_id or self.selected_id()
        self.model.load(self.store, self.programme)
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        for column in range(self.model.columnCount()):
            if header.sectionSize(column) > MAX_COLUMN_WIDTH:
                header.resizeSection(column, MAX_COLUMN_WIDTH)
        if keep:
            self.select(keep)
        self._update_status()

    def set_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_status()

    def select(self, record_id: str) -> bool:
        row = self.model.row_of(record_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.view.selectRow(index.row())
        self.view.scrollTo(index)
        return True

    def selected_id(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record_id(self.proxy.mapToSource(rows[0]).row())

    def visible_ids(self) -> list[str]:
        """Record ids in the order shown (after filter and sort)."""
        return [
            self.model.record_id(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            for r in range(self.proxy.rowCount())
        ]

    def _update_status(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        if total == shown:
            self.count_label.setText(f"共 {total} 条")
        else:
            self.count_label.setText(f"显示 {shown} 条（共 {total} 条）")
        if total == 0:
            self.hint.setText(EMPTY_HINTS[self.table])
        elif shown == 0:
            self.hint.setText(f"没有符合“{self.filter_edit.text().strip()}”的记录。")
        self.hint.setVisible(shown == 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    # -- changing -----------------------------------------------------------------------------

    def new_values(self) -> dict[str, str]:
        """What a new record starts with: 本园 on its side of a pairing (the lead side; the
        director changes it when 本园 is the one helped) and as a person's kindergarten."""
        from gongtongti_desktop.core.records import home

        mine = home.home_id(self.store)
        if not mine:
            return {}
        field = {"pairing": "lead_id", "person": "kindergarten_id",
                 "staff_exchange": "from_id"}.get(self.table)  # fmt: skip
        return {field: mine} if field else {}

    def make_dialog(self, record_id: str | None = None) -> RecordDialog:
        initial = self.new_values() if record_id is None else None
        dialog = RecordDialog(
            self.store, self.programme, self.table, record_id, self, initial=initial
        )
        dialog.saved.connect(self._after_save)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        return dialog

    def add(self) -> RecordDialog:
        dialog = self.make_dialog(None)
        dialog.open()
        return dialog

    def edit(self, record_id: str | None = None) -> RecordDialog | None:
        record_id = record_id or self.selected_id()
        if record_id is None:
            return None
        try:
            dialog = self.make_dialog(record_id)
        except UserError as exc:  # deleted meanwhile
            show_error(self, exc)
            self.refresh()
            return None
        dialog.open()
        return dialog

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit(self.model.record_id(self.proxy.mapToSource(index).row()))

    def _after_save(self, record_id: str) -> None:
        self.refresh(select_id=record_id)
        self.changed.emit()

    def delete(self, record_id: str | None = None) -> bool:
        """Move the record (and what depends on it) to the 回收站 after asking."""
        record_id = record_id or self.selected_id()
        if record_id is None:
            return False
        try:
            question = delete_question(self.store, self.table, record_id)
            if not ask_yes_no(self, question):
                return False
            roster.delete_record(self.store, self.table, record_id)
        except UserError as exc:
            show_error(self, exc)
            self.refresh()
            return False
        self.refresh()
        self.changed.emit()
        return True


class RosterTab(QWidget):
    """The five roster sections as sub-tabs; a change in one refreshes them all."""

    changed = Signal()

    def __init__(self, store: Store, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.sections: dict[str, RecordSection] = {}
        for table, rtype in roster.RECORD_TYPES.items():
            section = RecordSection(store, programme, table)
            section.changed.connect(self._section_changed)
            self.sections[table] = section
            self.tabs.addTab(section, rtype.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        shortcut(
            QKeySequence(QKeySequence.StandardKey.Find),
            self,
            self.focus_filter,
            Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    def current_section(self) -> RecordSection:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, RecordSection)
        return widget

    def focus_filter(self) -> None:
        edit = self.current_section().filter_edit
        edit.setFocus()
        edit.selectAll()

    def refresh(self) -> None:
        for section in self.sections.values():
            section.refresh()

    def _section_changed(self) -> None:
        self.refresh()
        self.changed.emit()
