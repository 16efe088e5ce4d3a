"""A titled panel for 概览's sections: its title above a framed box.

Why not QGroupBox, which shows the same: 概览 is the window's first frame, and on the Fusion
style (Linux) each group box paints its frame from a scaled picture and its title in a bold
font of its own. 概览's seven boxes made its first paint ~7 ms slower than framed panels under
plain labels (measured on the benchmark's ten-year file: 17.5 → 10 ms).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class Card(QWidget):
    """``heading`` above ``body`` (a framed QFrame: give it the layout of the contents).
    ``title`` / ``setTitle`` as QGroupBox's."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(title)
        self.body = QFrame()
        self.body.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        self.setAccessibleName(title)  # what a group box's title is to a screen reader

    def title(self) -> str:
        return self.heading.text()

    def setTitle(self, title: str) -> None:
        self.heading.setText(title)
        self.setAccessibleName(title)
