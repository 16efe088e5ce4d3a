"""The 回收站 dialog: what was deleted (one line per delete action) and 恢复."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import catalog
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import muted, show_error

_Index = QModelIndex | QPersistentModelIndex


def format_time(iso: str) -> str:
    """``2024-09-01T14:03:05.123+08:00`` → ``2024-09-01 14:03`` (local time as stored)."""
    try:
        return dt.datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class RecycleBinModel(QAbstractTableModel):
    """Rows: ``catalog.recycle_bin`` entries, newest first. Columns: 删除时间, 内容."""

    COLUMNS = ("删除时间", "内容")
    TIME, SUMMARY = range(2)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._batches: list[catalog.DeletedBatch] = []

    def set_batches(self, batches: list[catalog.DeletedBatch]) -> None:
        self.beginResetModel()
        self._batches = list(batches)
        self.endResetModel()

    def batch(self, row: int) -> catalog.DeletedBatch:
        return self._batches[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._batches)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._batches):
            return None
        batch = self._batches[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == self.TIME:
                return format_time(batch.deleted_at)
            return batch.summary
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None


class RecycleBinDialog(QDialog):
    """Lists deleted records; 恢复 brings one delete action back (all of it)."""

    restored = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("回收站")
        self.resize(640, 400)
        self.model = RecycleBinModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.activated.connect(lambda _index: self.restore_selected())
        self.empty = QLabel("回收站是空的。")
        muted(self.empty)
        intro = QLabel("删除的记录都在这里。恢复时，一次删除的全部记录（连同关联记录）一起恢复。")
        intro.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton("恢复")
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore_selected)
        self.buttons.rejected.connect(self.reject)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_batches(catalog.recycle_bin(self.store))
        self.empty.setVisible(self.model.rowCount() == 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self.view.selectionModel().selectedRows()))

    def restore_selected(self) -> int:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return 0
        return self.restore(self.model.batch(rows[0].row()).batch)

    def restore(self, batch: str) -> int:
        """Restore one delete action; a clash (e.g. a same-named kindergarten) is shown."""
        try:
            count = catalog.restore_batch(self.store, batch)
        except UserError as exc:
            show_error(self, exc)
            return 0
        self.refresh()
        self.restored.emit(count)
        return count
