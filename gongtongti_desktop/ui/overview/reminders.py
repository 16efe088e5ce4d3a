"""提醒: what is due, shown when a data file opens — the next report deadline and the days
left, last period's misses, drafts nobody has edited — each with a button to where to act.

Why at start: the director opens the program a few times a month; a deadline in a corner of
概览 is easy to miss, a short list on opening is not. 不再自动显示 turns it off (QSettings);
帮助 → 今日提醒 shows it again.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.checks import daily
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.ui.shell.common import RED

SHOW_KEY = "reminders/show_at_start"
GO_TEXT = {
    "overview": "看概览",
    "roster": "去结对名单",
    "plans": "去月计划",
    "diary": "去帮扶日志",
    "scoring": "去考核评分",
    "summary": "去阶段总结",
    "export_package": "导出上报包…",
    "quick_record": "记一笔…",
    "import_roster": "导入名单…",
}


def show_at_start() -> bool:
    return QSettings().value(SHOW_KEY, True, type=bool)


class RemindersDialog(QDialog):
    """``go`` carries where to act; the dialog closes when a button is used."""

    go = Signal(str)

    def __init__(self, store: Store, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("今日提醒")
        self.reminders = daily.reminders(store, programme)
        grid = QGridLayout()
        self.go_buttons: list[QPushButton] = []
        for row, reminder in enumerate(self.reminders):
            text = QLabel(reminder.text)
            text.setWordWrap(True)
            if reminder.urgent:
                text.setStyleSheet(f"color: {RED};")
            button = QPushButton(GO_TEXT.get(reminder.where, "去处理"))
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, where=reminder.where: self._go(where))
            grid.addWidget(text, row, 0)
            grid.addWidget(button, row, 1)
            self.go_buttons.append(button)
        grid.setColumnStretch(0, 1)
        self.again = QCheckBox("打开数据文件时显示提醒")
        self.again.setChecked(show_at_start())
        self.again.toggled.connect(lambda on: QSettings().setValue(SHOW_KEY, on))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(self.again)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _go(self, where: str) -> None:
        self.accept()
        self.go.emit(where)
