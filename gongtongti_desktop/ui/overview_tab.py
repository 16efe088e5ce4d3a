"""The 概览 tab (what the roster holds, and what core's check finds missing) and the honest
placeholder shown by tabs whose function is not built yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core import roster
from gongtongti_desktop.core.programme import Programme
from gongtongti_desktop.core.store import Store
from gongtongti_desktop.ui.common import muted

NOT_READY = "此功能尚未完成，将在后续版本提供。"
MAX_PROBLEM_LINES = 12


class PlaceholderTab(QWidget):
    """A tab whose function is not built yet: says so, and what it will do. No fake content."""

    def __init__(self, what_it_will_do: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel(NOT_READY)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.message.setFont(font)
        self.detail = QLabel(what_it_will_do)
        self.detail.setWordWrap(True)
        muted(self.detail)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for label in (self.message, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(2)

    def text(self) -> str:
        return f"{self.message.text()}\n{self.detail.text()}"


class OverviewTab(QWidget):
    """Counts of the roster and the gaps ``check`` would report, both computed by core."""

    COUNTS = (
        ("kindergarten", "幼儿园"),
        ("pairing", "结对关系"),
        ("person", "人员"),
        ("mentor_pair", "师徒结对"),
        ("staff_exchange", "交流轮岗"),
    )

    def __init__(self, store: Store, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        muted(self.subtitle)

        counts_box = QGroupBox("结对名单")
        grid = QGridLayout(counts_box)
        self.count_labels: dict[str, QLabel] = {}
        for column, (table, label) in enumerate(self.COUNTS):
            number = QLabel("0")
            big = number.font()
            big.setPointSizeF(big.pointSizeF() * 2)
            number.setFont(big)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(label)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(number, 0, column)
            grid.addWidget(caption, 1, column)
            self.count_labels[table] = number

        problems_box = QGroupBox("名单检查（上报前请补齐）")
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setFrameShape(QFrame.Shape.NoFrame)
        box = QVBoxLayout(problems_box)
        box.addWidget(self.problems_label)
        box.addWidget(self.problems)

        later = QLabel("本月和本学期的规则达成情况、上报截止日期和统计图表将在后续版本提供。")
        later.setWordWrap(True)
        muted(later)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(counts_box)
        layout.addWidget(problems_box)
        layout.addWidget(later)
        layout.addStretch(1)
        self.refresh()

    def counts(self) -> dict[str, int]:
        return {
            table: len(roster.list_records(self.store, self.programme, table))
            for table, _ in self.COUNTS
        }

    def refresh(self) -> None:
        self.title.setText(self.store.kindergarten_name or "（未命名幼儿园）")
        self.subtitle.setText(f"方案：{self.programme.name}　　{self.programme.source_document}")
        for table, count in self.counts().items():
            self.count_labels[table].setText(str(count))
        problems = roster.roster_problems(self.store, self.programme)
        self.problems.clear()
        self.problems.addItems(problems)
        if problems:
            self.problems_label.setText(f"发现 {len(problems)} 处需要补充：")
        else:
            self.problems_label.setText("未发现问题。")
        self.problems.setVisible(bool(problems))
        # As tall as its lines (up to MAX_PROBLEM_LINES, then it scrolls): no empty white box.
        lines = min(len(problems), MAX_PROBLEM_LINES)
        row = self.problems.sizeHintForRow(0) if problems else 0
        self.problems.setFixedHeight(lines * row + 2 * self.problems.frameWidth() + 4)
