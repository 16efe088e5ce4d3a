"""Choosing a reporting period: 月 / 学期 / 学年 (or 全部) with ◀ ▶ and a "this one" button.

The periods themselves come from core (``periods``: the programme's calendar decides when a
term starts and how the plan table groups months); this widget only steps through them.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QWidget

from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme

ALL = "all"
KIND_LABELS = {ALL: "全部", "month": "按月", "term": "按学期", "school_year": "按学年"}
UNIT = {"month": "月", "term": "学期", "school_year": "学年"}


def period_of(programme: Programme, kind: str, day: dt.date) -> Period | None:
    """The month / term / school year containing ``day`` (None for 全部)."""
    cal = programme.calendar
    if kind == "month":
        return periods.month_period(day.year, day.month)
    if kind == "term":
        return periods.term_of(cal, day)
    if kind == "school_year":
        return periods.school_year_period(cal, periods.school_year_of(cal, day))
    return None


class PeriodPicker(QWidget):
    """``period()`` is the chosen period (None: 全部); ``changed`` fires on every change."""

    changed = Signal()

    def __init__(
        self,
        programme: Programme,
        kinds: tuple[str, ...] = ("term", "school_year"),
        kind: str | None = None,
        anchor: dt.date | None = None,
        parent: QWidget | None = None,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.programme = programme
        self.today = today or dt.date.today()
        self.anchor = anchor or self.today
        self.kind_combo = QComboBox()
        for k in kinds:
            self.kind_combo.addItem(KIND_LABELS[k], k)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind or kinds[0])))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.kind_combo.setVisible(len(kinds) > 1)
        self.prev_button = QToolButton()
        self.prev_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.prev_button.setAutoRaise(True)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setAutoRaise(True)
        self.next_button.clicked.connect(lambda: self.step(1))
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("2024—2025学年") + 16)
        self.current_button = QToolButton()
        self.current_button.clicked.connect(self.go_to_today)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.kind_combo)
        layout.addSpacing(4)
        layout.addWidget(self.prev_button)
        layout.addWidget(self.label)
        layout.addWidget(self.next_button)
        layout.addWidget(self.current_button)
        self._update()

    def kind(self) -> str:
        return self.kind_combo.currentData()

    def period(self) -> Period | None:
        return period_of(self.programme, self.kind(), self.anchor)

    def set_kind(self, kind: str) -> None:
        index = self.kind_combo.findData(kind)
        if index < 0:
            raise KeyError(kind)
        self.kind_combo.setCurrentIndex(index)

    def set_anchor(self, day: dt.date) -> None:
        """Show the period (of the current kind) containing ``day``."""
        if day != self.anchor:
            self.anchor = day
            self._update()
            self.changed.emit()

    def set_period(self, kind: str, day: dt.date) -> None:
        self.kind_combo.blockSignals(True)
        self.set_kind(kind)
        self.kind_combo.blockSignals(False)
        self.anchor = day
        self._update()
        self.changed.emit()

    def step(self, direction: int) -> None:
        period = self.period()
        if period is None:
            return
        if direction > 0:
            day = period.end + dt.timedelta(days=1)
        else:
            day = period.start - dt.timedelta(days=1)
        new = period_of(self.programme, self.kind(), day)
        assert new is not None
        self.set_anchor(new.start)

    def go_to_today(self) -> None:
        self.set_anchor(self.today)

    def _kind_changed(self) -> None:
        self._update()
        self.changed.emit()

    def _update(self) -> None:
        period = self.period()
        kind = self.kind()
        navigable = period is not None
        for widget in (self.prev_button, self.label, self.next_button, self.current_button):
            widget.setVisible(navigable)
        if period is None:
            self.label.setText("全部日期")
            self.label.setToolTip("")
            return
        unit = UNIT[kind]
        self.label.setText(period.label)
        self.label.setToolTip(f"{period.start.isoformat()} 至 {period.end.isoformat()}")
        self.prev_button.setToolTip(f"上一{unit}")
        self.next_button.setToolTip(f"下一{unit}")
        self.current_button.setText(f"本{unit}")
        self.current_button.setToolTip(f"回到今天所在的{unit}")
        current = period_of(self.programme, kind, self.today)
        self.current_button.setEnabled(current != period)
