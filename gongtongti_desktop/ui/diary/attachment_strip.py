"""The evidence of one activity (photos, minutes, sign-in sheets) as a strip of thumbnails.

Files come in by 添加附件… or by dragging them from the desktop onto the strip; the strip only
says what was asked (signals) — the diary tab hands the paths to core, which checks and copies
them. Thumbnails are read scaled (``QImageReader.setScaledSize``), so a 10 MB photo costs a
128-pixel image, and cached by the stored file's path (its content hash).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QImageReader,
    QKeySequence,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import muted, shortcut, show_error

THUMB = 128
ID_ROLE = Qt.ItemDataRole.UserRole + 1
CAPTION_ROLE = Qt.ItemDataRole.UserRole + 2
PATH_ROLE = Qt.ItemDataRole.UserRole + 3
MISSING_ROLE = Qt.ItemDataRole.UserRole + 4
SHOWS_ROLE = Qt.ItemDataRole.UserRole + 5  # "thumbnail", "file", "missing" or "unreadable"
FILE_FILTER = (
    "图片和文档 (*.jpg *.jpeg *.png *.gif *.bmp *.webp *.pdf *.doc *.docx *.xls *.xlsx *.ppt "
    "*.pptx *.wps *.txt);;所有文件 (*)"
)
_CACHE_SIZE = 300
_thumbnails: OrderedDict[str, QPixmap] = OrderedDict()


def thumbnail(path: str, size: int = THUMB) -> QPixmap | None:
    """A picture of at most ``size`` pixels on its longer side, or None when unreadable."""
    key = f"{size}:{path}"
    if key in _thumbnails:
        _thumbnails.move_to_end(key)
        return _thumbnails[key]
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    full = reader.size()
    if full.isValid() and (full.width() > size or full.height() > size):
        reader.setScaledSize(full.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    pixmap = QPixmap.fromImage(image)
    _thumbnails[key] = pixmap
    while len(_thumbnails) > _CACHE_SIZE:
        _thumbnails.popitem(last=False)
    return pixmap


def open_with_system(path: Path) -> bool:
    """Open a file with the program the system uses for it (photo viewer, Word, …)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def local_files(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    data = event.mimeData()
    if not data.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]


class CaptionDelegate(QStyledItemDelegate):
    """Editing an item edits its caption (说明), not the file name shown when it has none."""

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(index.data(CAPTION_ROLE) or "")
            editor.setPlaceholderText("照片说明")
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text().strip(), CAPTION_ROLE)
        else:
            super().setModelData(editor, model, index)


class AttachmentList(QListWidget):
    """Thumbnails in a row that wraps; files dropped on it are offered as ``files_dropped``."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 28, THUMB + 48))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setItemDelegate(CaptionDelegate(self))
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.drops_enabled = True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.drops_enabled and local_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.drops_enabled and local_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event) if self.drops_enabled else []
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(files)


class AttachmentStrip(QWidget):
    """``add_files(paths)``, ``caption_edited(id, caption)``, ``delete_requested(id)``: what the
    director asked for; the owner does it through core and calls ``set_attachments`` again."""

    add_files = Signal(list)
    caption_edited = Signal(str, str)
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_file = open_with_system  # replaced in tests
        self.list = AttachmentList()
        self.list.files_dropped.connect(self.add_files)
        self.list.itemDoubleClicked.connect(self.open_item)
        self.list.itemChanged.connect(self._item_changed)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.title = QLabel("附件（照片、文件）")
        self.hint = QLabel()
        muted(self.hint)
        self.hint.setWordWrap(True)
        self.add_button = QPushButton("添加附件…")
        self.caption_button = QPushButton("修改说明")
        self.open_button = QPushButton("打开")
        self.delete_button = QPushButton("删除")
        self.add_button.clicked.connect(self.choose_files)
        self.caption_button.clicked.connect(self.edit_caption)
        self.open_button.clicked.connect(lambda: self.open_item(self.list.currentItem()))
        self.delete_button.clicked.connect(self._delete_current)
        shortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.list,
            self._delete_current,
            Qt.ShortcutContext.WidgetShortcut,
        )
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addStretch(1)
        for button in (self.add_button, self.caption_button, self.open_button, self.delete_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self._rows: list[dict[str, Any]] = []
        self.set_attachments(None)

    # -- showing ------------------------------------------------------------------------------

    def set_attachments(self, rows: list[dict[str, Any]] | None) -> None:
        """``attachments.list_attachments`` rows; None: no activity chosen (nothing to add to)."""
        current = self.current_id()
        self._rows = list(rows or [])
        enabled = rows is not None
        self.list.blockSignals(True)
        self.list.clear()
        for row in self._rows:
            self.list.addItem(self._make_item(row))
        self.list.blockSignals(False)
        self.list.drops_enabled = enabled
        self.add_button.setEnabled(enabled)
        self.list.setEnabled(enabled)
        if not enabled:
            self.hint.setText("先选中一条活动，再添加照片或文件。")
        elif not self._rows:
            self.hint.setText("还没有附件。点击“添加附件…”，或把照片、文件从桌面拖到这里。")
        else:
            missing = sum(1 for r in self._rows if r["missing"])
            text = f"共 {len(self._rows)} 个附件。双击打开，选中后按 F2 或“修改说明”填写说明。"
            if missing:
                text += f" 其中 {missing} 个文件已从附件文件夹中丢失。"
            self.hint.setText(text)
        if current:
            self.select(current)
        self._update_buttons()

    def _make_item(self, row: dict[str, Any]) -> QListWidgetItem:
        style = self.style()
        caption = row.get("caption") or ""
        item = QListWidgetItem(caption or row["original_name"])
        item.setData(ID_ROLE, row["id"])
        item.setData(CAPTION_ROLE, caption)
        item.setData(PATH_ROLE, row["path"])
        item.setData(MISSING_ROLE, bool(row["missing"]))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        size = row.get("size") or 0
        tip = [
            row["original_name"],
            f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB",
        ]
        if caption:
            tip.insert(0, caption)
        pixmap = None
        if row["missing"]:
            shows = "missing"
            item.setText(f"（文件缺失）{caption or row['original_name']}")
            tip.append("附件文件夹中找不到这个文件")
        elif row["is_image"]:
            pixmap = thumbnail(row["path"])
            shows = "thumbnail" if pixmap is not None else "unreadable"
            if pixmap is None:
                tip.append("图片无法读取")
        else:
            shows = "file"
        if pixmap is not None:
            item.setIcon(QIcon(pixmap))
        elif shows == "file":
            item.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_FileIcon))
        else:
            item.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
        item.setData(SHOWS_ROLE, shows)
        item.setToolTip("\n".join(tip))
        return item

    def count(self) -> int:
        return self.list.count()

    def shows(self, row: int) -> str:
        """What item ``row`` shows: "thumbnail", "file", "missing" or "unreadable"."""
        return self.list.item(row).data(SHOWS_ROLE)

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def select(self, attachment_id: str) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == attachment_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        has = self.list.currentItem() is not None and self.list.isEnabled()
        for button in (self.caption_button, self.open_button, self.delete_button):
            button.setEnabled(has)

    # -- asking -------------------------------------------------------------------------------

    def choose_files(self) -> list[Path]:
        from gongtongti_desktop.ui.shell import file_choice  # photo preview, last folder

        files = file_choice.choose_files(self, "添加附件（可多选）", FILE_FILTER, "photos")
        if files:
            self.add_files.emit(files)
        return files

    def edit_caption(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def _item_changed(self, item: QListWidgetItem) -> None:
        attachment_id = item.data(ID_ROLE)
        for row in self._rows:
            if row["id"] == attachment_id and (row.get("caption") or "") != item.data(CAPTION_ROLE):
                self.caption_edited.emit(attachment_id, item.data(CAPTION_ROLE) or "")
                return

    def _delete_current(self) -> None:
        attachment_id = self.current_id()
        if attachment_id:
            self.delete_requested.emit(attachment_id)

    def open_item(self, item: QListWidgetItem | None) -> bool:
        if item is None:
            return False
        path = Path(item.data(PATH_ROLE))
        if item.data(MISSING_ROLE) or not path.is_file():
            show_error(self, UserError(f"附件文件已丢失：{path}"))
            return False
        if not self.open_file(path):
            show_error(self, UserError(f"没有可以打开此文件的程序：{path.name}"))
            return False
        return True
