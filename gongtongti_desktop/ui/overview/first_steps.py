"""The first-steps list on 概览 (建立结对名单 → 填写月计划 → 记录帮扶活动 → 月底检查 → 导出上报):
what a director new to the program does first, each step ticked by core from the data and a
button that takes her where to do it. Hidden once every step is done.

It shows at every start until the steps are done, so it is light: plain-text labels coloured
by their palette (rich text would make the first frame build Qt's HTML machinery, ~8 ms; a
style sheet gives each widget a style of its own), and a button only for a step still to do.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from gongtongti_desktop.core.checks import daily
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.ui.overview.card import Card
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


class StepRow:
    """One step's labels: its tick, its name (bold) and what to do (wrapped)."""

    def __init__(self, grid: QGridLayout, number: int, bold: object) -> None:
        self.mark, self.name, self.hint = QLabel(), QLabel(), QLabel()
        self.name.setFont(bold)  # type: ignore[arg-type]
        self.hint.setWordWrap(True)
        grid.addWidget(self.mark, number, 0)
        grid.addWidget(self.name, number, 1)
        grid.addWidget(self.hint, number, 2)
        self.normal = self.name.palette()

    def show(self, number: int, step: daily.Step) -> None:
        self.mark.setText(DONE if step.done else TODO)
        self.name.setText(f"{number}. {step.label}")
        self.hint.setText(step.hint)
        for label in (self.mark, self.name, self.hint):
            label.setPalette(self.normal)
        if step.done:  # ticked in green, the rest softer: what is left stands out
            green = self.mark.palette()  # a copy (QPalette(…) would build the Qt namespace)
            green.setColor(QPalette.ColorRole.WindowText, QColor(GREEN))
            self.mark.setPalette(green)
            muted(self.name)
            muted(self.hint)


class FirstSteps(Card):
    """``go`` carries where to act (a tab key or a menu action of ``core.checks.daily``)."""

    go = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__("开始使用：五步完成一个月的工作", parent)
        self.store = store
        self.grid = QGridLayout(self.body)
        self.grid.setColumnStretch(2, 1)
        bold = self.font()
        bold.setBold(True)
        self.rows = [StepRow(self.grid, number, bold) for number in range(5)]
        self.buttons: dict[int, QPushButton] = {}  # by step (from 0), made when first to do
        self.steps: list[daily.Step] = []
        self.hide()  # until ``refresh`` (the 概览 refreshes it with its other figures)

    def refresh(self, steps: list[daily.Step] | None = None) -> None:
        """Show ``steps`` (worked out by core from the data when not given)."""
        self.steps = daily.first_steps(self.store) if steps is None else steps
        for number, (step, row) in enumerate(zip(self.steps, self.rows, strict=True)):
            row.show(number + 1, step)
            if not step.done:
                self.button(number).setText(GO_TEXT.get(step.where, "去处理"))
            if number in self.buttons:
                self.buttons[number].setVisible(not step.done)
        self.setVisible(not all(step.done for step in self.steps))

    def button(self, number: int) -> QPushButton:
        """Step ``number``'s button (from 0), made the first time the step is to do."""
        if number not in self.buttons:
            button = self.buttons[number] = QPushButton()
            button.clicked.connect(lambda _checked=False: self.go.emit(self.steps[number].where))
            self.grid.addWidget(button, number, 3)
        return self.buttons[number]

    def done(self) -> list[bool]:
        return [step.done for step in self.steps]

    def shown_buttons(self) -> list[int]:
        """The steps (from 0) whose button shows."""
        return [n for n, button in sorted(self.buttons.items()) if not button.isHidden()]
