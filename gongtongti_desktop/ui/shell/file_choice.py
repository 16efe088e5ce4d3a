"""Choosing files: Qt's dialog in Chinese, a preview of the photo under the mouse, and the
folder used last time (per purpose: photos, Excel rosters, backups).

Why our own: the static ``QFileDialog`` functions on Linux show Qt's dialog without any
preview, start in the program's folder every time, and a director choosing the day's photos
from a phone's folder of 300 ``IMG_…`` files needs to see them. On Windows and macOS the
system's own dialog (already in the system's language, with thumbnails) is used.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import QFileDialog, QGridLayout, QLabel, QWidget

from gongtongti_desktop.ui.shell.common import documents_folder

IMAGE_FILTER = "照片 (*.jpg *.jpeg *.png *.gif *.bmp *.webp);;所有文件 (*)"
PREVIEW = 220


# Qt's own Chinese translation leaves these three labels of its file dialog in English.
CHINESE_LABELS = {
    QFileDialog.DialogLabel.LookIn: "查找范围：",
    QFileDialog.DialogLabel.FileName: "文件名：",
    QFileDialog.DialogLabel.FileType: "文件类型：",
}


def chinese_labels(dialog: QFileDialog) -> None:
    """Every label of Qt's file dialog in Chinese, and the folder of the file chosen
    remembered for the next dialog (the fit filter calls this for each file dialog shown,
    the static ``QFileDialog.get…`` ones included)."""
    from gongtongti_desktop.ui.shell.common import remember_folder as remember_any

    dialog.filesSelected.connect(lambda files: files and remember_any(Path(files[0]).parent))
    if dialog.testOption(QFileDialog.Option.DontUseNativeDialog) or sys.platform.startswith(
        "linux"
    ):
        for label, text in CHINESE_LABELS.items():
            dialog.setLabelText(label, text)


def last_folder(purpose: str) -> Path:
    saved = QSettings().value(f"last_folder/{purpose}")
    if isinstance(saved, str) and Path(saved).is_dir():
        return Path(saved)
    documents = documents_folder()
    return documents if documents.is_dir() else Path.home()


def remember_folder(purpose: str, chosen: Path) -> None:
    QSettings().setValue(
        f"last_folder/{purpose}", str(chosen if chosen.is_dir() else chosen.parent)
    )


def make_dialog(
    parent: QWidget | None, caption: str, file_filter: str, purpose: str
) -> QFileDialog:
    """The open-files dialog (several files), at the last folder, with a preview pane where
    Qt draws the dialog itself."""
    dialog = QFileDialog(parent, caption, str(last_folder(purpose)), file_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, "打开")
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, "取消")
    chinese_labels(dialog)
    if sys.platform.startswith("linux"):
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        _add_preview(dialog)
    return dialog


def thumbnail(path: str, size: int) -> QPixmap | None:
    """The photo read scaled (a 10 MB photo costs a small image), None when unreadable."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    full = reader.size()
    if full.isValid() and (full.width() > size or full.height() > size):
        reader.setScaledSize(full.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else QPixmap.fromImage(image)


def _add_preview(dialog: QFileDialog) -> None:
    preview = QLabel("将鼠标移到照片上\n或单击照片可预览")
    preview.setMinimumWidth(PREVIEW)
    preview.setWordWrap(True)
    preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout = dialog.layout()
    if isinstance(layout, QGridLayout):
        layout.addWidget(preview, 1, layout.columnCount(), layout.rowCount() - 1, 1)

    def show(path: str) -> None:
        pixmap = thumbnail(path, PREVIEW) if path and Path(path).is_file() else None
        if pixmap is None:
            preview.setText("（无法预览）" if path and Path(path).is_file() else "")
        else:
            preview.setPixmap(pixmap)

    dialog.currentChanged.connect(show)
    dialog.preview = preview  # type: ignore[attr-defined]


def choose_files(
    parent: QWidget | None, caption: str, file_filter: str = IMAGE_FILTER, purpose: str = "photos"
) -> list[Path]:
    """Several files chosen by the director ([] when cancelled); the folder is remembered."""
    dialog = make_dialog(parent, caption, file_filter, purpose)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return []
        files = [Path(name) for name in dialog.selectedFiles()]
    finally:
        dialog.deleteLater()
    if files:
        remember_folder(purpose, files[0])
    return files
