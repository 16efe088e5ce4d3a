"""文件 → 签字件情况…: every printable form of the current periods, and every form printed,
with its state — 未打印 / 已打印未签字 / 已签字 / 签字后数据已修改 — and what changed since it
was signed (``core/signed/status``); 添加签字件… from here too, and 撤销归档… for a scan filed
by mistake (core's ``unfile_scans``: the scan no longer counts, its file is kept)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.signed.filing import unfile_scans
from gongtongti_desktop.core.signed.status import (
    CHANGED,
    NOT_PRINTED,
    SIGNED,
    STATES,
    SignedFormStatus,
    signed_forms_status,
    status_counts,
)
from gongtongti_desktop.ui.shell.common import ask_yes_no, wait_cursor

COLOURS = {CHANGED: "#b3261e", SIGNED: "#1b6e20", NOT_PRINTED: "#6b6b6b"}


class SignedStatusDialog(QDialog):
    def __init__(self, store: Store, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("签字件情况")
        self.resize(900, 480)
        self.store = store
        self.programme = programme
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["表格", "期间", "状态", "表格编号"])
        header = self.tree.header()
        # The period and the state always whole (on a small screen the state was scrolled out
        # of sight behind a long form name); the name takes what is left, whole in its tooltip.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 110)
        header.setStretchLastSection(False)
        self.tree.setWordWrap(True)
        self.counts = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.add_button = QPushButton("添加签字件…")
        self.unfile_button = QPushButton("撤销归档…")
        self.unfile_button.setToolTip(
            "选中的表格的签字件不再算作已签字（例如归错了表格，或要重新签字）"
        )
        self.buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.unfile_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.add_button.clicked.connect(self.add_scans)
        self.unfile_button.clicked.connect(self.unfile_selected)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.statuses: list[SignedFormStatus] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.counts)
        layout.addWidget(self.buttons)
        self.refresh()

    def refresh(self) -> None:
        with wait_cursor():
            statuses = self.statuses = signed_forms_status(self.store, self.programme)
        self.tree.clear()
        for n, status in enumerate(statuses):
            state = status.state
            if status.pages > 1 and state != NOT_PRINTED:
                state += f"（已签 {status.signed_pages} / {status.pages} 页）"
            title = status.title + ("（空白表）" if status.blank else "")
            item = QTreeWidgetItem([title, status.period_label, state, "、".join(status.codes)])
            item.setData(0, Qt.ItemDataRole.UserRole, n)
            item.setToolTip(0, title)
            item.setToolTip(3, "\n".join(status.codes))
            if status.state in COLOURS:
                item.setForeground(2, QBrush(QColor(COLOURS[status.state])))
            for change in status.changes:
                QTreeWidgetItem(item, [change]).setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(item)
            item.setExpanded(bool(status.changes))
        counts = status_counts(statuses)
        self.counts.setText("　".join(f"{state} {counts[state]}" for state in STATES))
        self._update_buttons()

    def selected(self) -> SignedFormStatus | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()  # a line of what changed: its form
        if item is None:
            return None
        return self.statuses[int(item.data(0, Qt.ItemDataRole.UserRole))]

    def _update_buttons(self) -> None:
        status = self.selected()
        self.unfile_button.setEnabled(status is not None and status.signed_pages > 0)

    def unfile_selected(self) -> int:
        """撤销归档: the selected form's scans no longer count, after a 是."""
        status = self.selected()
        if status is None or not status.signed_pages:
            return 0
        question = (
            f"“{status.title}”{('（' + status.period_label + '）') if status.period_label else ''}"
            f"已归档的 {status.signed_pages} 页签字件将不再算作已签字（照片文件保留）。继续吗？"
        )
        if not ask_yes_no(self, question, "撤销归档"):
            return 0
        taken = unfile_scans(self.store, list(status.codes))
        self.refresh()
        return taken

    def add_scans(self) -> None:
        from gongtongti_desktop.ui.signed.add_dialog import add_signed_scans

        dialog = add_signed_scans(self, self.store)
        if dialog is not None:
            dialog.finished.connect(lambda _result: self.refresh())
