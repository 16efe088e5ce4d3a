"""Date and time inputs: typed the way a person writes, or picked from the calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate

from gongtongti_desktop.ui.shell.date_field import DateField, TimeField

pytestmark = pytest.mark.gui


def test_typed_dates_become_the_stored_form(qtbot) -> None:
    field = DateField(today=dt.date(2026, 12, 7))
    qtbot.addWidget(field)
    for typed, shown in (("2026年9月1日", "2026-09-01"), ("9月1日", "2026-09-01"),
                         ("2026.9.1", "2026-09-01"), ("明天", "明天")):  # fmt: skip
        field.setText(typed)
        field.normalise()
        assert field.text() == shown  # what cannot be read stays, for the form's check


def test_the_calendar_picks_a_day(qtbot) -> None:
    field = DateField(today=dt.date(2026, 12, 7))
    qtbot.addWidget(field)
    field.set_date(dt.date(2026, 9, 1))
    field._sync_calendar()
    assert field.calendar.selectedDate() == QDate(2026, 9, 1)
    field.calendar.clicked.emit(QDate(2026, 10, 15))
    assert field.text() == "2026-10-15" and field.date() == dt.date(2026, 10, 15)
    field.setText("")
    field._sync_calendar()  # empty: the calendar opens on today
    assert field.calendar.selectedDate() == QDate(2026, 12, 7)


def test_typed_times_become_hh_mm(qtbot) -> None:
    field = TimeField()
    qtbot.addWidget(field)
    for typed, shown in (("9点半", "09:30"), ("下午3点", "15:00"), ("午饭后", "午饭后")):
        field.setText(typed)
        field.normalise()
        assert field.text() == shown
