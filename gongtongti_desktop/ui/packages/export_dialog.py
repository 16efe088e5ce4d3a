"""文件 → 导出上报包…: choose the period, see what the package will carry and what changed since
the last one, then write it (``exchange.package_write.write_package``) under a progress bar.

Writing a package marks its records reported, so the preview comes first and nothing is
written until 导出… and a file name are given. The preview and the package are the same
core calls the CLI makes (``gongtongti export -o``); this dialog only shows them.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.upload import before_export
from gongtongti_desktop.core.upload.before_export import OpenItem
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package.format import SUFFIX
from gongtongti_desktop.exchange.package.write import ExportResult, write_package
from gongtongti_desktop.ui.packages.before_export_dialog import BeforeExportDialog
from gongtongti_desktop.ui.packages.preview import ExportPreview, export_preview
from gongtongti_desktop.ui.packages.progress import progress
from gongtongti_desktop.ui.shell.common import ask_save_path, documents_folder, muted, show_error
from gongtongti_desktop.ui.shell.period_picker import PeriodPicker

TITLE = "导出上报包"
PACKAGE_FILTER = f"上报数据包 (*{SUFFIX})"
WARNING_STYLE = (
    "background: #fff3bf; color: #5c4400; border: 1px solid #e0c560;"
    " border-radius: 3px; padding: 6px;"
)


def suggested_name(store: Store, period: Period) -> str:
    """ "城关实验幼儿园-2024年秋季学期.gtt" """
    from gongtongti_desktop.ui.printing.print_preview import safe_file_name

    return safe_file_name(f"{store.kindergarten_name or '共同体'}-{period.label}") + SUFFIX


class PackageExportDialog(QDialog):
    """The preview of the chosen period and the 导出… button; ``exported`` fires after a
    package was written (its records are now marked reported: the window reloads);
    ``open_record`` when the director chose a line of 上报前检查 to fix (this dialog closes)."""

    exported = Signal()
    open_record = Signal(object)

    def __init__(self, store: Store, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self.preview: ExportPreview | None = None
        self.written: ExportResult | None = None
        self.setWindowTitle(TITLE)
        self.resize(640, 560)

        today = store.today()
        self.picker = PeriodPicker(programme, ("month", "term", "school_year"), "term", today=today)
        self.picker.changed.connect(self.refresh)
        self.period_label = muted(QLabel())
        self.photos_box = QCheckBox("附带照片（压缩后放入数据包，文件会大一些）")
        top = QHBoxLayout()
        top.addWidget(QLabel("上报期间："))
        top.addWidget(self.picker)
        top.addStretch(1)

        self.headline = QLabel()
        bold = QFont(self.headline.font())
        bold.setBold(True)
        self.headline.setFont(bold)
        self.headline.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet(WARNING_STYLE)
        box = QGroupBox("将要上报的内容")
        inner = QVBoxLayout(box)
        inner.addWidget(self.headline)
        inner.addWidget(self.details, 1)
        inner.addWidget(self.warnings_label)

        self.last_label = muted(QLabel())
        self.last_label.setWordWrap(True)
        note = muted(
            QLabel(
                "导出后，数据包中的记录标记为“已上报”；之后再修改会保留修改记录，下次上报时列出。"
            )
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton("导出…", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.period_label)
        layout.addWidget(self.photos_box)
        layout.addWidget(box, 1)
        layout.addWidget(self.last_label)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.refresh()

    # -- the preview ----------------------------------------------------------------------

    def period(self) -> Period:
        period = self.picker.period()
        assert period is not None  # the picker has no 全部 here
        return period

    def refresh(self) -> None:
        """Recompute the preview of the chosen period (read-only)."""
        try:
            self.preview = export_preview(self.store, self.programme, self.period())
        except UserError as exc:
            self.preview = None
            self.headline.setText("")
            self.details.setPlainText(exc.message)
            self.export_button.setEnabled(False)
            return
        shown = self.preview.period
        self.period_label.setText(
            f"数据包期间：{shown.label}（{shown.start.isoformat()} 至 {shown.end.isoformat()}）"
        )
        self.headline.setText(self.preview.headline())
        self.details.setPlainText("\n".join(self.preview.detail_lines()))
        self.warnings_label.setText("\n".join(f"注意：{w}" for w in self.preview.warnings))
        self.warnings_label.setVisible(bool(self.preview.warnings))
        self.last_label.setText(self.preview.last_text())
        self.export_button.setEnabled(True)

    def preview_text(self) -> str:
        return f"{self.headline.text()}\n{self.details.toPlainText()}"

    # -- writing --------------------------------------------------------------------------

    def export(self) -> ExportResult | None:
        """Ask for the file and write the package; None when cancelled or refused."""
        period = self.period()
        if self.preview is None:
            return None
        items = self.check_before_export()
        if items is None:
            return None
        suggested = documents_folder() / suggested_name(self.store, self.preview.period)
        path = ask_save_path(self, TITLE, suggested, PACKAGE_FILTER)
        if path is None:
            return None
        try:
            with progress(self, TITLE) as bar:
                bar.dialog.setLabelText(f"正在导出 {path.name}……")
                result = write_package(
                    self.store,
                    self.programme,
                    period,
                    path,
                    photos=self.photos_box.isChecked(),
                    progress=bar,
                    open_items=items,
                )
        except (UserError, OSError) as exc:
            show_error(self, exc, TITLE)
            return None
        self.written = result
        self.refresh()  # the records are reported now: the preview says "no change"
        self.headline.setText(f"已导出上报数据包：{path}")
        self.details.setPlainText("\n".join(result.outcome_lines()))
        self.warnings_label.hide()  # the result lines carry the warnings
        self.exported.emit()
        return result

    def check_before_export(self) -> list[OpenItem] | None:
        """上报前检查 of the package's period: the list (maybe empty) when the export goes on
        (仍然导出), None when the director goes back — to a record she chose, if any."""
        assert self.preview is not None
        period = self.preview.period
        items = before_export.open_items(self.store, self.programme, period)
        if not items:
            return items
        dialog = BeforeExportDialog(
            self.store, self.programme, period, self, exporting=True, items=items
        )
        self.before_dialog = dialog
        accepted = dialog.exec() == QDialog.DialogCode.Accepted.value
        chosen = dialog.chosen
        dialog.deleteLater()
        if accepted:
            return items
        if chosen is not None:
            self.reject()  # the window shows the record; this dialog is modal to it
            self.open_record.emit(chosen)
        return None


def open_export_dialog(
    parent: QWidget | None, store: Store, programme: Programme
) -> PackageExportDialog:
    """The dialog, shown window-modal; deleted when closed."""
    dialog = PackageExportDialog(store, programme, parent)
    if parent is not None and hasattr(parent, "show_activity"):  # the main window
        from gongtongti_desktop.ui.packages.open_record import open_record

        dialog.open_record.connect(lambda item: open_record(parent, item))  # type: ignore[arg-type]
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
