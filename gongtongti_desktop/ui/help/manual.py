"""使用说明: the user manual (``resources/manual/manual.md`` with its screenshots) in a window
of its own, with its headings as a table of contents and a search box.

Why inside the program: the director works offline and alone; a manual on a website or in a
separate PDF is not there when she needs it. F1 or 帮助 → 使用说明 opens it; the same text is
printable as a PDF (``output/manual_pdf.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.paths import resources_dir

TITLE = "使用说明"


def manual_path() -> Path:
    return resources_dir() / "manual" / "manual.md"


def headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text) of the ``#``/``##`` headings, in order (the table of contents)."""
    out = []
    for line in markdown.splitlines():
        m = re.match(r"^(#{1,2})\s+(.*\S)", line)
        if m:
            out.append((len(m.group(1)), m.group(2)))
    return out


class ManualWindow(QWidget):
    """The manual: contents on the left, the text with pictures on the right, search above."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtCore import Qt

        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle(TITLE)
        path = manual_path()
        self.markdown = path.read_text(encoding="utf-8") if path.is_file() else ""
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path.parent) + "/"))
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setMarkdown(self.markdown or "（找不到使用说明文件。）")
        self.contents = QListWidget()
        self._headings = headings(self.markdown)
        for level, text in self._headings:
            self.contents.addItem(("　" if level > 1 else "") + text)
        self.contents.currentRowChanged.connect(self.go_to_heading)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索使用说明，例如：照片、备份、导出")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        self.search.textChanged.connect(lambda _t: self.find_next(from_start=True))
        self.next_button = QPushButton("下一个")
        self.next_button.clicked.connect(lambda: self.find_next())
        self.found = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("搜索："))
        top.addWidget(self.search, 1)
        top.addWidget(self.next_button)
        top.addWidget(self.found)
        split = QSplitter()
        split.addWidget(self.contents)
        split.addWidget(self.browser)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        QShortcut(QKeySequence("Esc"), self, self.close)
        from gongtongti_desktop.ui.shell.fit import FRAME_ALLOWANCE, available_rect

        room = available_rect(parent)
        self.resize(
            min(980, room.width() - FRAME_ALLOWANCE.width()),
            min(700, room.height() - FRAME_ALLOWANCE.height()),
        )
        self.move(room.topLeft())

    def fit_images(self, width: int) -> int:
        """Show each picture at most ``width`` pixels wide (the text's width), so a small
        screen needs no sideways scrolling; returns how many were made smaller."""
        from PySide6.QtGui import QTextCursor

        document = self.browser.document()
        changed = 0
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    natural = document.resource(
                        document.ResourceType.ImageResource, QUrl(image.name())
                    )
                    full = natural.width() if hasattr(natural, "width") else 0
                    wanted = min(full, width) if full else width
                    if full and abs(image.width() - wanted) > 1:
                        image.setWidth(wanted)
                        image.setHeight(natural.height() * wanted / full)
                        cursor = QTextCursor(document)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(
                            fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                        )
                        cursor.setCharFormat(image)
                        changed += 1
                it += 1
            block = block.next()
        return changed

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_images(max(200, self.browser.viewport().width() - 30))

    def go_to_heading(self, row: int) -> None:
        if 0 <= row < len(self._headings):
            self.browser.moveCursor(self.browser.textCursor().MoveOperation.Start)
            self.browser.find(self._headings[row][1])
            self.browser.ensureCursorVisible()

    def find_next(self, from_start: bool = False) -> bool:
        """Select the next place the search text occurs (wrapping round); False: nowhere."""
        text = self.search.text().strip()
        if not text:
            self.found.setText("")
            return False
        if from_start:
            self.browser.moveCursor(self.browser.textCursor().MoveOperation.Start)
        hit = self.browser.find(text)
        if not hit:
            self.browser.moveCursor(self.browser.textCursor().MoveOperation.Start)
            hit = self.browser.find(text)
        total = self.browser.toPlainText().count(text)
        self.found.setText(f"共 {total} 处" if hit else "没有找到")
        return hit

    def count(self, text: str) -> int:
        return self.browser.toPlainText().count(text)

    def text(self) -> str:
        return self.browser.document().toPlainText()
