"""The first-steps list on 概览 (建立结对名单 → 填写月计划 → 记录帮扶活动 → 月底检查 → 导出上报):
what a director new to the program does first, each step ticked by core from the data and a
button that takes her where to do it. Hidden once every step is done.

Compact, for a small screen: the steps done share one line ("✔ 已完成：…"), each step still to
do has its row (name, what to do, its button). And light, as it shows at every start until the
steps are done: plain-text labels coloured by their palette (rich text would make the first
frame build Qt's HTML machinery, ~8 ms; a style sheet gives each widget a style of its own),
rows and buttons made only for a step to do.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from gongtongti_desktop.core.checks import daily
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.ui.overview.card import Card
from gongtongti_desktop.ui.shell.common import GREEN, muted

DONE, TODO = "✔", "○"
GO_TEXT = {
    "roster": "去结对名单",
    "plans": "去月计划",
    "quick_record": "记一笔…",
    "summary": "去阶段总结",
    "export_package": "导出上报包…",
}


class StepRow:
    """A step to do: its mark, its name (bold), what to do (wrapped) and its button."""

    def __init__(self, grid: QGridLayout, row: int, bold: QFont) -> None:
        self.mark, self.name, self.hint = QLabel(TODO), QLabel(), QLabel()
        self.name.setFont(bold)
        self.hint.setWordWrap(True)
        self.button = QPushButton()
        for column, widget in enumerate((self.mark, self.name, self.hint, self.button)):
            grid.addWidget(widget, row, column)

    def show(self, number: int, step: daily.Step, shown: bool) -> None:
        self.name.setText(f"{number}. {step.label}")
        self.hint.setText(step.hint)
        self.button.setText(GO_TEXT.get(step.where, "去处理"))
        for widget in (self.mark, self.name, self.hint, self.button):
            widget.setVisible(shown)


class FirstSteps(Card):
    """``go`` carries where to act (a tab key or a menu action of ``core.checks.daily``)."""

    go = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__("开始使用：五步完成一个月的工作", parent)
        self.store = store
        self.grid = QGridLayout(self.body)
        self.grid.setColumnStretch(2, 1)
        self.done_mark: QLabel | None = None  # its green tick
        self.done_line: QLabel | None = None  # "✔ 已完成：…", made when a step is done
        self.rows: dict[int, StepRow] = {}  # by step (from 0), made when it is to do
        self.steps: list[daily.Step] = []
        self.hide()  # until ``refresh`` (the 概览 refreshes it with its other figures)

    def refresh(self, steps: list[daily.Step] | None = None) -> None:
        """Show ``steps`` (worked out by core from the data when not given)."""
        self.steps = daily.first_steps(self.store) if steps is None else steps
        done = [f"{n}. {s.label}" for n, s in enumerate(self.steps, start=1) if s.done]
        if done:
            self._done_line().setText("已完成：" + "　".join(done))
        if self.done_line is not None and self.done_mark is not None:
            self.done_line.setVisible(bool(done))
            self.done_mark.setVisible(bool(done))
        for number, step in enumerate(self.steps):
            if not step.done or number in self.rows:
                self._row(number).show(number + 1, step, shown=not step.done)
        self.setVisible(not all(step.done for step in self.steps))

    def _done_line(self) -> QLabel:
        """The line of the steps done: a green tick, the steps softer (what is left stands
        out). Row 0 of the grid; the steps to do from row 1."""
        if self.done_line is None:
            self.done_mark = QLabel(DONE)
            palette = self.done_mark.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor(GREEN))
            self.done_mark.setPalette(palette)
            self.done_line = muted(QLabel())
            self.done_line.setWordWrap(True)
            self.grid.addWidget(self.done_mark, 0, 0)
            self.grid.addWidget(self.done_line, 0, 1, 1, 3)
        return self.done_line

    def _row(self, number: int) -> StepRow:
        if number not in self.rows:
            bold = self.font()
            bold.setBold(True)
            row = self.rows[number] = StepRow(self.grid, number + 1, bold)
            row.button.clicked.connect(lambda _c=False: self.go.emit(self.steps[number].where))
        return self.rows[number]

    def button(self, number: int) -> QPushButton:
        """Step ``number``'s button (from 0); the step must have been to do."""
        return self.rows[number].button

    def done(self) -> list[bool]:
        return [step.done for step in self.steps]

    def shown_buttons(self) -> list[int]:
        """The steps (from 0) whose row and button show."""
        return [n for n, row in sorted(self.rows.items()) if not row.button.isHidden()]

    def done_text(self) -> str:
        """The line of the steps done ("" when none is)."""
        line = self.done_line
        return line.text() if line is not None and not line.isHidden() else ""
