"""Date and time inputs a person can type into the way she writes (2026年9月1日, 9月1日,
9点半, 下午3点) or fill from a calendar.

Why not QDateEdit: it takes only its own format, digit by digit, and has no empty value —
an optional date (协议签订日期) could not be left blank. Here the text is read by core's
``timeutil`` parsers when the field is left, shown back in the stored form, and a calendar
button picks a day with the mouse. What cannot be read stays as typed, for the form's own
check to explain.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from gongtongti_desktop.core.timeutil import parse_date, parse_time

DATE_HINT = "如 2026-09-01、2026年9月1日、9月1日"
TIME_HINT = "如 09:30、9点半、下午3点"


class DateField(QWidget):
    """A date line with a 📅 calendar button; ``text()`` is what the form saves."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(DATE_HINT)
        self.edit.setClearButtonEnabled(True)
        self.edit.editingFinished.connect(self.normalise)
        self.edit.textChanged.connect(self.changed)
        self.button = QToolButton()
        self.button.setText("日历")
        self.button.setToolTip("从日历中选择日期")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        menu = QMenu(self.button)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        menu.aboutToShow.connect(self._sync_calendar)
        self.button.setMenu(menu)
        self._menu = menu
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def date(self) -> dt.date | None:
        return parse_date(self.edit.text(), self._today)

    def set_date(self, day: dt.date | None) -> None:
        self.edit.setText(day.isoformat() if day is not None else "")

    def normalise(self) -> None:
        """Typed 2026年9月1日 → 2026-09-01 (what cannot be read stays for the check)."""
        day = self.date()
        if day is not None and day.isoformat() != self.edit.text():
            self.edit.setText(day.isoformat())

    def _sync_calendar(self) -> None:
        day = self.date() or self._today or dt.date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, date: QDate) -> None:
        self.set_date(dt.date(date.year(), date.month(), date.day()))
        self._menu.hide()


class TimeField(QLineEdit):
    """A time line: 9点半 or 下午3点 become 09:30 / 15:00 when the field is left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(TIME_HINT)
        self.setClearButtonEnabled(True)
        self.editingFinished.connect(self.normalise)

    def normalise(self) -> None:
        cleaned = parse_time(self.text())
        if cleaned is not None and cleaned != self.text():
            self.setText(cleaned)
