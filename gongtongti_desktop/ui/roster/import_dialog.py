"""文件 → 导入结对名单（Excel）: read the workbook with core, show what would change, and
apply it only when the director clicks 导入 (all or nothing, after a backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import show_error, show_info, wait_cursor

NOTHING_TO_IMPORT = "文件中的名单与现有数据一致，无需导入。"


class ImportPreviewDialog(QDialog):
    """Lists ``plan.outcome_lines()``; 导入 applies the plan, 取消 leaves the data as it is."""

    def __init__(
        self,
        store: Store,
        programme: Programme,
        plan: Any,
        source: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self.plan = plan
        self.source = Path(source)
        self.result_lines: list[str] = []
        self.backup_path: Path | None = None
        self.setWindowTitle("导入结对名单 — 预览")
        self.resize(620, 440)

        head = QLabel("点击“导入”后将做以下改动（导入前会自动备份数据文件；取消则不做任何改动）：")
        head.setWordWrap(True)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setPlainText("\n".join(plan.outcome_lines()))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)

    def outcome_text(self) -> str:
        return self.summary.toPlainText()

    def accept(self) -> None:
        from gongtongti_desktop.core.roster_import.apply import apply_import

        try:
            with wait_cursor():
                self.backup_path = self.store.backup(reason="before-import")
                applied = apply_import(self.store, self.programme, self.plan)
        except (UserError, OSError) as exc:
            show_error(self, exc)
            return
        self.result_lines = list(applied.outcome_lines()) if applied is not None else []
        super().accept()


def read_plan(store: Store, programme: Programme, source: Path) -> Any:
    """Core's plan for importing ``source``; raises UserError (ImportRefused) as is."""
    from gongtongti_desktop.core.roster_import.plan import plan_import
    from gongtongti_desktop.core.roster_import.table import read_roster_xlsx

    parsed = read_roster_xlsx(source, programme)
    return plan_import(store, programme, parsed)


def choose_and_preview(
    parent: QWidget | None, store: Store, programme: Programme
) -> ImportPreviewDialog | None:
    """Ask for the workbook and build the preview; None when there is nothing to show."""
    from gongtongti_desktop.ui.shell.common import documents_folder  # the last folder used

    name, _filter = QFileDialog.getOpenFileName(
        parent, "导入结对名单", str(documents_folder()), "Excel 工作簿 (*.xlsx)"
    )
    if not name:
        return None
    source = Path(name)
    try:
        with wait_cursor():
            plan = read_plan(store, programme, source)
    except (UserError, OSError) as exc:
        show_error(parent, exc, "导入结对名单")
        return None
    if plan.is_empty:
        show_info(parent, NOTHING_TO_IMPORT, "导入结对名单")
        return None
    return ImportPreviewDialog(store, programme, plan, source, parent)


def run_import(parent: QWidget | None, store: Store, programme: Programme) -> bool:
    """The whole menu action; True when something was imported."""
    dialog = choose_and_preview(parent, store, programme)
    if dialog is None:
        return False
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        lines = "\n".join(dialog.result_lines)
        show_info(parent, f"导入完成。\n{lines}".rstrip(), "导入结对名单")
        return True
    finally:
        dialog.deleteLater()
