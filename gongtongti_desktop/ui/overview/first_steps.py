"""The first-steps list on 概览 (建立结对名单 → 填写月计划 → 记录帮扶活动 → 月底检查 → 导出上报):
what a director new to the program does first, each step ticked by core from the data and a
button that takes her where to do it. Hidden once every step is done.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from gongtongti_desktop.core.checks import daily
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.ui.shell.common import muted

DONE, TODO = "✔", "○"
GREEN = "#1e8449"
GO_TEXT = {
    "roster": "去结对名单",
    "plans": "去月计划",
    "quick_record": "记一笔…",
    "summary": "去阶段总结",
    "export_package": "导出上报包…",
}


class FirstSteps(QGroupBox):
    """``go`` carries where to act (a tab key or a menu action of ``core.checks.daily``)."""

    go = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__("开始使用：五步完成一个月的工作", parent)
        self.store = store
        self.grid = QGridLayout(self)
        self.rows: list[tuple[QLabel, QLabel, QPushButton]] = []
        for number in range(5):
            mark, text, button = QLabel(), QLabel(), QPushButton()
            text.setWordWrap(True)
            button.clicked.connect(lambda _c=False, n=number: self.go.emit(self.steps[n].where))
            self.grid.addWidget(mark, number, 0)
            self.grid.addWidget(text, number, 1)
            self.grid.addWidget(button, number, 2)
            self.rows.append((mark, text, button))
        self.grid.setColumnStretch(1, 1)
        self.steps: list[daily.Step] = []
        self.hide()  # until ``refresh`` (the 概览 refreshes it with its other figures)

    def refresh(self, steps: list[daily.Step] | None = None) -> None:
        """Show ``steps`` (worked out by core from the data when not given)."""
        self.steps = daily.first_steps(self.store) if steps is None else steps
        for number, (step, (mark, text, button)) in enumerate(
            zip(self.steps, self.rows, strict=True), start=1
        ):
            mark.setText(DONE if step.done else TODO)
            mark.setStyleSheet(f"color: {GREEN}; font-weight: bold;" if step.done else "")
            text.setText(f"<b>{number}. {step.label}</b>　{step.hint}")
            if step.done:
                muted(text)
            button.setText(GO_TEXT.get(step.where, "去处理"))
            button.setVisible(not step.done)
        self.setVisible(not all(step.done for step in self.steps))

    def done(self) -> list[bool]:
        return [step.done for step in self.steps]
