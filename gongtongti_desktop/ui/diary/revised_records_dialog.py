"""文件 → 上报后的修改…: every reported (or received) record edited since, of any kind —
activities, plan items, the roster, scores, summaries — each opening its 修改记录. The notices
warn that records changed after reporting must be visible; this is the one place to see all."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import reporting
from gongtongti_desktop.ui.shell.common import muted

COLUMNS = ("记录", "上报时间", "上报后修改", "最近修改")


class RevisedRecordsDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("上报后的修改")
        self.resize(820, 440)
        self.rows = reporting.revised_records(store)
        head = QLabel(
            f"上报（或从数据包导入）后又修改过的记录共 {len(self.rows)} 条。双击一行查看它的每个较早版本。"
            if self.rows
            else "没有上报后又修改过的记录。"
        )
        head.setWordWrap(True)
        self.table = QTableWidget(len(self.rows), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(self.rows):
            label = row["label"] + ("（已删除）" if row["deleted"] else "")
            values = (
                label,
                row["reported_at"][:16].replace("T", " "),
                f"{row['revisions']} 次",
                row["last_saved"][:16].replace("T", " "),
            )
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.cellDoubleClicked.connect(lambda r, _c: self.show_revisions(r))
        note = QLabel("下次导出上报包时，这些修改会列在“自上次上报以来修改”中。")
        muted(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def show_revisions(self, row: int) -> QDialog:
        from gongtongti_desktop.ui.diary.revision_dialog import RevisionDialog

        entry = self.rows[row]
        dialog = RevisionDialog(self.store, entry["table"], entry["id"], self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog
