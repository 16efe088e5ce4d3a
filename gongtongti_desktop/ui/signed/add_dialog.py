"""文件 → 添加签字件…: choose photos or scanner PDFs of signed forms, see where each will be
filed (or why not, with a field for the typed code of a photo that does not read), then 归档.

The reading, the checks and the filing are core's (``core/signed/filing``); this dialog shows
the plan core makes, passes on what was typed and asks core to file the scans that are ready.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.signed import filing
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import show_error, show_info, wait_cursor
from gongtongti_desktop.ui.shell.file_choice import last_folder, remember_folder

PURPOSE = "signed_scans"
SCAN_FILTER = "照片或扫描件 (*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.pdf);;所有文件 (*)"
COLUMNS = ("扫描件", "表格编号", "归入 / 原因")


def choose_scans(parent: QWidget | None) -> list[Path]:
    """The photos or PDFs chosen, the folder remembered for next time."""
    names, _filter = QFileDialog.getOpenFileNames(
        parent, "添加签字件：选择签字后的照片或扫描件", str(last_folder(PURPOSE)), SCAN_FILTER
    )
    if names:
        remember_folder(PURPOSE, Path(names[0]))
    return [Path(n) for n in names]


class SignedScansDialog(QDialog):
    """The scans chosen, each with the form and page it goes under or why it cannot."""

    def __init__(self, store: Store, paths: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("添加签字件")
        self.resize(860, 420)
        self.store = store
        self.paths = paths
        self.plans: list[filing.ScanPlan] = []
        self.filed: list[str] = []
        self.code_edits: dict[Path, QLineEdit] = {}
        intro = QLabel(
            "签字盖章后的表格，按纸上的二维码归到它打印时的表格、期间和页。"
            "读不出二维码的，请在“表格编号”一栏输入纸上“表格编号”后面的编号，再点“重新核对”。"
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.summary = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.file_button = QPushButton("归档")
        self.check_button = QPushButton("重新核对")
        self.buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.file_button.clicked.connect(self.file_ready)
        self.check_button.clicked.connect(self.recheck)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.recheck()

    def typed(self) -> dict[Path, str]:
        return {path: edit.text() for path, edit in self.code_edits.items() if edit.text().strip()}

    def recheck(self) -> None:
        """Read and check every scan again (with the codes typed so far); nothing is written."""
        typed = self.typed()
        with wait_cursor():
            self.plans = filing.plan_scans(self.store, self.paths, typed)
        self.table.setRowCount(len(self.plans))
        self.code_edits = {}
        for row, plan in enumerate(self.plans):
            self.table.setItem(row, 0, QTableWidgetItem(plan.path.name))
            if plan.needs_code or plan.read_by == "手输编号":
                edit = QLineEdit(typed.get(plan.path, ""))
                edit.setPlaceholderText("GT-XXXX-XXXX")
                self.code_edits[plan.path] = edit
                self.table.setCellWidget(row, 1, edit)
            else:
                self.table.removeCellWidget(row, 1)
                self.table.setItem(row, 1, QTableWidgetItem(plan.code))
            self.table.setItem(row, 2, QTableWidgetItem(self._where(plan)))
        self.table.resizeRowsToContents()
        ready = sum(1 for plan in self.plans if plan.ready)
        self.summary.setText(f"可归档 {ready} 份，共 {len(self.plans)} 份。")
        self.file_button.setEnabled(ready > 0)
        self.check_button.setVisible(bool(self.code_edits))

    @staticmethod
    def _where(plan: filing.ScanPlan) -> str:
        if plan.problem:
            return f"不能归档：{plan.problem}"
        if plan.already:
            return f"已归档过（{plan.already}），不再重复添加"
        assert plan.printed is not None
        return f"→ {filing.describe_page(plan.printed)}（{plan.read_by}）"

    def file_ready(self) -> None:
        """File the scans that are ready, then say where each went (and which were not)."""
        if self.typed() != {p.path: p.code for p in self.plans if p.read_by == "手输编号"}:
            self.recheck()  # a code typed since the last check: check it before filing
        try:
            with wait_cursor():
                self.filed = filing.file_scans(self.store, self.plans)
        except (UserError, OSError) as exc:
            show_error(self, exc, "添加签字件")
            return
        lines = [plan.outcome() for plan in self.plans]
        show_info(
            self,
            f"已归档 {len(self.filed)} 份签字件，标记为已签字。\n\n" + "\n".join(lines),
            "添加签字件",
        )
        self.accept()


def add_signed_scans(parent: QWidget | None, store: Store) -> SignedScansDialog | None:
    """文件 → 添加签字件…: the file dialog, then the plan to confirm."""
    paths = choose_scans(parent)
    if not paths:
        return None
    dialog = SignedScansDialog(store, paths, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog
