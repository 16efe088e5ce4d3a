"""文件 → 备份与恢复: the backups beside the data file (date, kind, size, record counts), a
backup made now, and restoring one (the window does the restore: it owns the open file)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile import backups
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.errors import DataFileError, UserError
from gongtongti_desktop.ui.shell.common import ask_yes_no, muted, show_error, wait_cursor

COLUMNS = ("时间", "类型", "大小", "内容", "文件")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


class BackupDialog(QDialog):
    restore_requested = Signal(Path)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("备份与恢复")
        self.resize(820, 420)
        intro = QLabel(
            f"备份保存在数据文件旁的“{backups.backup_folder(store.path)}”文件夹中。"
            f"每天第一次打开时、升级数据格式前、导入前和恢复前都会自动备份；自动备份保留最近 "
            f"{backups.KEEP_DAILY} 天（每天一份）和再往前 {backups.KEEP_WEEKLY} 周（每周一份），"
            "手动备份一直保留。"
        )
        intro.setWordWrap(True)
        muted(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("用所选备份恢复…")
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button = QPushButton("打开备份文件夹")
        self.folder_button.clicked.connect(self.open_folder)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.backups: list[backups.BackupInfo] = []
        self.refresh()

    def refresh(self) -> None:
        self.backups = backups.list_backups(self.store.path)
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            try:
                content = backups.describe_counts(backups.check_backup(info.path))
            except DataFileError as exc:
                content = f"不可用：{exc.message}"
            values = (
                f"{info.made_at:%Y-%m-%d %H:%M:%S}",
                info.reason_text,
                _size(info.size),
                content,
                info.path.name,
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self._selection_changed()

    def selected(self) -> backups.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def backup_now(self) -> None:
        try:
            with wait_cursor():
                self.store.backup(reason="manual")
        except UserError as exc:
            show_error(self, exc, "备份")
            return
        self.refresh()
        self.table.selectRow(0)

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            content = backups.describe_counts(backups.check_backup(info.path))
        except DataFileError as exc:
            show_error(self, exc, "恢复备份")
            return
        if not ask_yes_no(
            self,
            f"用 {info.made_at:%Y年%m月%d日 %H:%M} 的备份（{info.reason_text}，{content}）"
            "替换当前数据？\n\n当前数据会先自动备份，恢复后如需要仍可找回。",
            "恢复备份",
        ):
            return
        self.restore_requested.emit(info.path)
        self.refresh()

    def open_folder(self) -> None:
        folder = backups.backup_folder(self.store.path)
        folder.mkdir(exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
