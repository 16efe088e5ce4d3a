"""文件 → 导入上报包…: read and check a package, show what importing it would change (conflicts
listed plainly), and apply it only when the director clicks 导入.

The two steps are core's (``exchange.package_import``): ``plan_import`` checks everything and
writes nothing — so it runs under a progress dialog that may be cancelled — and
``apply_import`` backs the data file up and merges in one transaction. A refused package
(damaged, tampered, another programme's) shows core's Chinese message; nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
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
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package.format import SUFFIX
from gongtongti_desktop.exchange.package.import_package import (
    ImportPlan,
    ImportResult,
    apply_import,
    plan_import,
)
from gongtongti_desktop.ui.packages.progress import Cancelled, progress
from gongtongti_desktop.ui.shell.common import documents_folder, show_error, show_info

TITLE = "导入上报包"
OPEN_FILTER = f"上报数据包 (*{SUFFIX});;所有文件 (*)"
CONFLICT_STYLE = (
    "background: #fdecea; color: #7a1f16; border: 1px solid #e6a39c;"
    " border-radius: 3px; padding: 6px;"
)


def result_lines(result: ImportResult) -> list[str]:
    """The closing message, as the CLI prints it."""
    if not result.applied:
        return list(result.lines)
    head = f"已导入 {result.path.name}（导入前已备份到 {result.backup}）："
    return [head, *(f"  {line}" for line in result.lines[1:])]


class PackageImportDialog(QDialog):
    """The plan's lines; 导入 applies them (``imported`` fires), 取消 leaves everything as is."""

    imported = Signal()

    def __init__(self, store: Store, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.plan = plan
        self.outcome: ImportResult | None = None
        self.setWindowTitle(f"{TITLE} — 预览")
        self.resize(680, 460)

        head = QLabel(
            "点击“导入”后将做以下改动（导入前会自动备份数据文件，全部成功或全部不导入；"
            "取消则不做任何改动）："
        )
        head.setWordWrap(True)
        conflicts = plan.records.conflicts
        self.conflict_label = QLabel(
            f"有 {len(conflicts)} 条记录在本机和数据包中都修改过（见下方“冲突”各行）："
            "采用较新的版本，另一版本保存在该记录的修改记录中，不会丢失。"
        )
        self.conflict_label.setWordWrap(True)
        self.conflict_label.setStyleSheet(CONFLICT_STYLE)
        self.conflict_label.setVisible(bool(conflicts))
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setPlainText("\n".join(plan.outcome_lines()))
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.conflict_label)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)

    def outcome_text(self) -> str:
        return self.summary.toPlainText()

    def accept(self) -> None:
        """Apply the plan; on a refusal the message is shown and the dialog stays open."""
        try:
            with progress(self, TITLE) as bar:
                self.outcome = apply_import(self.store, self.plan, progress=bar)
        except (UserError, OSError) as exc:
            show_error(self, exc, TITLE)
            return
        self.imported.emit()
        super().accept()
        show_info(self.parentWidget(), "\n".join(result_lines(self.outcome)), TITLE)


def choose_package(parent: QWidget | None) -> Path | None:
    name, _filter = QFileDialog.getOpenFileName(parent, TITLE, str(documents_folder()), OPEN_FILTER)
    return Path(name) if name else None


def read_plan(parent: QWidget | None, store: Store, path: Path) -> ImportPlan | None:
    """Core's checked plan for ``path``; None (after the message) when refused or cancelled."""
    try:
        with progress(parent, TITLE, cancellable=True) as bar:
            bar.dialog.setLabelText(f"正在检查 {path.name}……")
            return plan_import(store, path, progress=bar)
    except Cancelled:
        return None
    except (UserError, OSError) as exc:
        show_error(parent, exc, TITLE)
        return None


def run_package_import(
    parent: QWidget | None, store: Store, path: Path | None = None
) -> PackageImportDialog | None:
    """Choose a package (unless ``path`` is given), check it, and open the preview
    (window-modal, deleted when closed). None when nothing is to be shown: cancelled,
    refused, or nothing to import."""
    if path is None:
        path = choose_package(parent)
    if path is None:
        return None
    plan = read_plan(parent, store, path)
    if plan is None:
        return None
    if plan.is_empty:
        show_info(parent, "\n".join(plan.outcome_lines()), TITLE)  # a conflict is never "empty"
        return None
    dialog = PackageImportDialog(store, plan, parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
