"""The 概览 chart: activities per plan row (month) of a school year, stacked by kind.

Importing QtCharts costs noticeable time on an old laptop, so only this module imports it and
the 概览 tab imports this module after the window is on screen. The figures come from core
(``overview.activity_counts``); this widget only draws them.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from gongtongti_desktop.core.checks.overview import ActivityCounts
from gongtongti_desktop.ui.shell.common import muted

# Distinct, print-friendly colours (Qt's default theme repeats after five).
KIND_COLORS = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f77b4",
    "#8c564b",
)


def nice_ceiling(value: int) -> tuple[int, int]:
    """An axis top and its tick count for counts: whole-number steps of 1, 2, 5, 10, 20 …,
    at most six intervals (an axis labelled 0, 2.5, 5 … for activities would read oddly)."""
    top = max(value, 1)
    step = next(m * 10**e for e in range(12) for m in (1, 2, 5) if -(-top // (m * 10**e)) <= 6)
    top = -(-top // step) * step
    return top, top // step + 1


class ActivityChart(QWidget):
    """Stacked bars: one bar per plan row, one colour per activity kind, with a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(0)
        # Axis labels and legend a little smaller than the text: "12-1月" must fit under a bar.
        self._small_font = QFont(self.font())
        self._small_font.setPointSizeF(self.font().pointSizeF() * 0.85)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        self.chart.legend().setFont(self._small_font)
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(220)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        muted(self.empty_label)
        self.stack = QStackedLayout(self)
        self.stack.setContentsMargins(0, 0, 0, 0)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)
        self.series: QStackedBarSeries | None = None
        self.counts: ActivityCounts | None = None

    def set_counts(self, counts: ActivityCounts) -> None:
        """Redraw from core's counts (an empty year shows a line of text instead)."""
        self.counts = counts
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        self.series = QStackedBarSeries()
        for n, kind in enumerate(counts.kinds):
            bar_set = QBarSet(kind)
            bar_set.append([float(v) for v in counts.counts[kind]])
            color = QColor(KIND_COLORS[n % len(KIND_COLORS)])
            bar_set.setColor(color)
            bar_set.setBorderColor(color.darker(115))
            self.series.append(bar_set)
        self.series.setBarWidth(0.6)
        self.chart.addSeries(self.series)
        x_axis = QBarCategoryAxis()
        x_axis.append(list(counts.labels))
        x_axis.setLabelsFont(self._small_font)
        y_axis = QValueAxis()
        top, ticks = nice_ceiling(max(counts.row_totals(), default=0))
        y_axis.setRange(0, top)
        y_axis.setTickCount(ticks)
        y_axis.setLabelFormat("%d")
        y_axis.setLabelsFont(self._small_font)
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(x_axis)
        self.series.attachAxis(y_axis)
        self.chart.setTitle(f"{counts.period.label}每月帮扶活动（按类型，共 {counts.total()} 次）")
        self.chart.legend().setVisible(bool(counts.kinds))
        if counts.total():
            self.stack.setCurrentWidget(self.view)
        else:
            self.empty_label.setText(f"{counts.period.label}的帮扶日志中还没有活动记录。")
            self.stack.setCurrentWidget(self.empty_label)

    def drawn(self) -> dict[str, tuple[int, ...]]:
        """What the bars show, read back from the chart: kind → count per plan row."""
        if self.series is None:
            return {}
        out = {}
        for bar_set in self.series.barSets():
            out[bar_set.label()] = tuple(round(bar_set.at(i)) for i in range(bar_set.count()))
        return out

    def categories(self) -> list[str]:
        axes = self.chart.axes(Qt.Orientation.Horizontal)
        return list(axes[0].categories()) if axes else []  # type: ignore[attr-defined]
