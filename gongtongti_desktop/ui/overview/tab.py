"""The 概览 tab: this month, term and school year at a glance — each rule's progress and what
was missed, the next reporting deadline, the last export, activities per month by kind, what the
roster holds and the gaps core's check finds — and the honest placeholder shown by tabs whose
function is not built yet.

Every figure comes from core (``rules``, ``overview``, ``roster``); this module lays them out.
The chart needs QtCharts, slow to import, and this is the first tab at start-up: it is made
just after the tab is first on screen. The rule rows (every rule counted over the records, the
slowest figure) are likewise filled just after the first frame, which already shows the
heading, the deadline, the last export and the roster, with "正在统计…" where the rules go.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFont, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.checks import daily, overview
from gongtongti_desktop.core.checks.overview import ActivityCounts
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import roster_counts
from gongtongti_desktop.ui.overview.card import Card
from gongtongti_desktop.ui.shell.common import RED, muted
from gongtongti_desktop.ui.shell.first_paint import single_shot

if TYPE_CHECKING:
    from PySide6.QtWidgets import QListWidget

    from gongtongti_desktop.core.checks.rules import RuleResult
    from gongtongti_desktop.ui.overview.activity_chart import ActivityChart
    from gongtongti_desktop.ui.overview.first_steps import FirstSteps
    from gongtongti_desktop.ui.overview.rule_rows import RuleRow

NOT_READY = "此功能尚未完成，将在后续版本提供。"
MAX_PROBLEM_LINES = 12
RULES_PENDING = "正在统计规则达成情况…"
PROBLEMS_PENDING = "正在检查名单…"
# The checks over the records (rule rows, the roster's gaps) are filled this long after the
# first frame: the frame is on screen before the counting.
CHECKS_AFTER_PAINT_MS = 10
# The chart and the roster's gaps sit beside the rules only when this much width is left for
# them (else below the rules): on a 1024-wide screen the rules take ~810 px, and beside them the
# chart was squeezed to 170 px and the page scrolled sideways.
BESIDE_RULES_MIN = 340
# The page's few type sizes (the title's, the figures', bold at the text's size): each other
# size or weight is a font Qt loads and lays out before the first frame (~0.7 ms each).
FIGURE_SIZE = 1.6
NOTICE_STYLE = (
    "background: #fff3bf; color: #5c4400; border: 1px solid #e0c560;"
    " border-radius: 3px; padding: 3px 6px;"
)


def centred(widget: QWidget) -> QBoxLayout:
    """``widget`` in the middle of a row. Stretches, not ``Qt.AlignCenter``: the first use of
    the ``Qt`` namespace makes all of it (~15 ms), which the first frame need not wait for
    (this module uses ``Qt`` only after it, importing it where used)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row


def month_day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


class PlaceholderTab(QWidget):
    """A tab whose function is not built yet: says so, and what it will do. No fake content."""

    def __init__(self, what_it_will_do: str, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt

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


FIRST_STEPS_AT = 2  # in the page: under the title and the subtitle, above the cards


class OverviewTab(QWidget):
    """The rules this month / term / school year, the deadline, the last export, the chart of
    activities, and the roster's counts and gaps — all computed by core."""

    go = Signal(str)  # a first step's button: where to act (``core.checks.daily``'s keys)

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
        self._stale = False
        self._checks_pending = True  # filled just after the first frame (ensure_checks)
        self.rule_rows: list[RuleRow] = []  # (``rule_rows``, made after the first frame)
        self.missed: list[RuleResult] = []  # listed under the rules: closed and not met
        self.chart: ActivityChart | None = None

        heading = self._build_heading()
        cards = self._build_cards()
        self._build_rules()
        self._build_chart()
        right = QVBoxLayout()
        right.addWidget(self.chart_box, 1)
        right.addWidget(self._build_problems())
        middle = self.middle = QHBoxLayout()
        middle.addWidget(self.rules_box)  # as wide as its rows ask; the chart takes the rest
        middle.addLayout(right, 1)

        # The first-steps list, made only while a step is still to do (``_show_first_steps``):
        # a file in use has done them all, and widgets nobody sees would slow its start.
        self.first_steps: FirstSteps | None = None
        content = QWidget()
        layout = self.content_layout = QVBoxLayout(content)
        layout.addLayout(heading)
        layout.addWidget(self.subtitle)
        layout.addLayout(cards)
        layout.addLayout(middle)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.refresh(checks_now=False)

    # -- building -----------------------------------------------------------------------------

    def _build_heading(self) -> QHBoxLayout:
        """The data file's title and, for the demo file, the notice that it is one."""
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        muted(self.subtitle)
        self.demo_label = QLabel()  # styled when shown: a style sheet costs even when hidden
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addSpacing(12)
        heading.addWidget(self.demo_label)
        heading.addStretch(1)
        return heading

    def _build_cards(self) -> QHBoxLayout:
        """Deadline, last export, the roster's counts."""
        self.deadline_box = Card("上报截止")
        self.deadline_day = QLabel()
        self.deadline_day.setFont(self._scaled_font(FIGURE_SIZE, bold=True))
        self.deadline_left = QLabel()
        self.deadline_note = QLabel()
        self.deadline_note.setWordWrap(True)
        muted(self.deadline_note)
        box = QVBoxLayout(self.deadline_box.body)
        line = QHBoxLayout()
        line.addWidget(self.deadline_day)
        line.addSpacing(8)
        line.addWidget(self.deadline_left)
        line.addStretch(1)
        box.addLayout(line)
        box.addWidget(self.deadline_note)

        self.export_box = Card("上次导出")
        self.export_label = QLabel()
        self.export_label.setFont(self._scaled_font(1.0, bold=True))
        self.export_path = QLabel()
        self.export_path.setWordWrap(True)
        muted(self.export_path)
        box = QVBoxLayout(self.export_box.body)
        box.addWidget(self.export_label)
        box.addWidget(self.export_path)
        box.addStretch(1)

        counts_box = Card("结对名单")
        grid = QGridLayout(counts_box.body)
        self.count_labels: dict[str, QLabel] = {}
        for column, (table, label) in enumerate(self.COUNTS):
            number = QLabel("0")
            number.setFont(self._scaled_font(FIGURE_SIZE, bold=True))
            caption = QLabel(label)
            grid.addLayout(centred(number), 0, column)
            grid.addLayout(centred(caption), 1, column)
            self.count_labels[table] = number
        cards = QHBoxLayout()
        cards.addWidget(self.deadline_box, 2)
        cards.addWidget(self.export_box, 2)
        cards.addWidget(counts_box, 3)
        return cards

    def _build_rules(self) -> None:
        """The rules' box; the rules are filled in just after the first frame."""
        self.rules_box = Card("规则达成情况")
        self.rules_layout = QVBoxLayout(self.rules_box.body)
        self.rules_grid_holder: QWidget | None = None
        self.rules_placeholder: QLabel | None = muted(QLabel(RULES_PENDING))
        self.rules_layout.addWidget(self.rules_placeholder)
        self.misses_label = QLabel()
        self.misses_label.setWordWrap(True)
        self.rules_layout.addWidget(self.misses_label)  # the rules go above it
        self.rules_layout.addStretch(1)

    def _build_chart(self) -> None:
        """The chart's box; the chart is made after the tab is first shown."""
        self.chart_box = Card("每月帮扶活动")
        self.chart_layout = QVBoxLayout(self.chart_box.body)
        self.chart_placeholder = QWidget()  # replaced by the chart
        self.chart_placeholder.setMinimumHeight(220)
        self.chart_placeholder.setLayout(centred(muted(QLabel("正在生成图表…"))))
        self.chart_layout.addWidget(self.chart_placeholder)
        self._chart_timer = single_shot(self, self._when_shown(self.ensure_chart))
        self._chart_timer.setInterval(100)  # the first frame is painted before QtCharts loads
        self._checks_timer = single_shot(self, self._when_shown(self.ensure_checks))

    def _build_problems(self) -> Card:
        """The roster's gaps, to fill before reporting."""
        problems_box = Card("名单检查（上报前请补齐）")
        self.problems_label = QLabel(PROBLEMS_PENDING)  # until ``ensure_checks``
        self.problems_label.setWordWrap(True)
        self.problems: QListWidget | None = None  # made for the first gaps found
        self.problems_layout = QVBoxLayout(problems_box.body)
        self.problems_layout.addWidget(self.problems_label)
        return problems_box

    def _scaled_font(self, factor: float, bold: bool = False) -> QFont:
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * factor)
        font.setBold(bold)
        return font

    # -- figures from core --------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {table: roster_counts.count_records(self.store, table) for table, _ in self.COUNTS}

    def rule_results(self) -> list[tuple[RuleResult, RuleResult]]:
        from gongtongti_desktop.core.checks import rules  # counted after the first frame

        return rules.current_and_last(
            self.store,
            self.programme.calendar,
            self.programme.rules,
            self.store.today(),
            rules.tracked_since(self.store),
        )

    def activity_counts(self) -> ActivityCounts:
        """This school year (of the file's today) by plan row and kind."""
        cal = self.programme.calendar
        year = periods.period_containing(cal, "school_year", self.store.today())
        return overview.activity_counts(self.store, cal, year, self.programme.activity_kinds)

    # -- showing them -------------------------------------------------------------------------

    def refresh(self, checks_now: bool = True) -> None:
        """Show core's figures. ``checks_now=False`` (construction): everything but the rule
        rows and the roster's gaps, which ``ensure_checks`` fills just after the first frame."""
        self._stale = False
        today = self.store.today()
        self.title.setText(self.store.kindergarten_name or "（未命名幼儿园）")
        stage = self.programme.calendar.dates.status(today)  # ended / not begun / current stage
        subtitle = f"方案：{self.programme.name}　　{self.programme.source_document}"
        self.subtitle.setText(f"{subtitle}\n{stage}" if stage else subtitle)
        demo = self.store.setting("demo") == "1"
        self.demo_label.setText(f"示例数据：以 {today.isoformat()} 作为今天" if demo else "")
        if demo and not self.demo_label.styleSheet():
            self.demo_label.setStyleSheet(NOTICE_STYLE)
        self.demo_label.setVisible(demo)
        self._show_deadline(today)
        self._show_export()
        if checks_now:
            self._checks_pending = True  # counted again
            self.ensure_checks()
        for table, count in self.counts().items():
            self.count_labels[table].setText(str(count))
        self._show_first_steps()
        if self.chart is not None:
            self.chart.set_counts(self.activity_counts())

    def _show_first_steps(self) -> None:
        """The list under the title while a step is to do; made the first time one is."""
        steps = daily.first_steps(self.store)
        if self.first_steps is None:
            if all(step.done for step in steps):
                return
            from gongtongti_desktop.ui.overview.first_steps import FirstSteps

            self.first_steps = FirstSteps(self.store)
            self.first_steps.go.connect(self.go)
            self.content_layout.insertWidget(FIRST_STEPS_AT, self.first_steps)
        self.first_steps.refresh(steps)

    def mark_stale(self) -> None:
        """Data changed elsewhere: refresh now if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def ensure_checks(self) -> list[RuleRow]:
        """Fill what construction left for after the first frame: the checks over the records
        — the rule rows and the roster's gaps (with the modules they need: the rules, the
        roster's lists and the record engine) — and the export path becoming selectable (the
        ``Qt`` namespace). The rule rows."""
        if self._checks_pending:
            from PySide6.QtCore import Qt

            from gongtongti_desktop.core.checks import roster_rules
            from gongtongti_desktop.core.records import roster

            self._checks_pending = False
            self.export_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._show_rules(self.rule_results())
            self._show_problems(
                roster.roster_problems(self.store, self.programme)
                + roster_rules.problems(self.store, self.programme, self.store.today())
            )
        return self.rule_rows

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange()
        super().resizeEvent(event)

    def _arrange(self) -> None:
        """The chart and the gaps beside the rules where there is room, else below them."""
        from PySide6.QtWidgets import QBoxLayout

        beside = self.width() >= self.rules_box.sizeHint().width() + BESIDE_RULES_MIN
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        if self.middle.direction() != direction:
            self.middle.setDirection(direction)

    def chart_beside_rules(self) -> bool:
        from PySide6.QtWidgets import QBoxLayout

        return self.middle.direction() == QBoxLayout.Direction.LeftToRight

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        if self._checks_pending:
            # After the window's next paint (the first frame at start-up), not before it.
            self.window().installEventFilter(self)
            self._checks_timer.start(250)  # if no paint comes
        if self.chart is None:
            self._chart_timer.start()  # after this show is painted: start-up stays quick
        super().showEvent(event)

    def _when_shown(self, fill: Callable[[], object]) -> Callable[[], None]:
        """A delayed fill that does nothing once the tab is hidden: the window may have been
        closed (its data file with it) or another file opened in the meantime."""

        def run() -> None:
            if self.isVisible():
                fill()

        return run

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # A moment after the paint, so the frame is on screen before the ~20 ms of counting.
            self._checks_timer.start(CHECKS_AFTER_PAINT_MS)
        return False

    def ensure_chart(self) -> ActivityChart:
        """Make the chart (importing QtCharts) if not made yet, with this year's counts."""
        if self.chart is None:
            from gongtongti_desktop.ui.overview.activity_chart import ActivityChart

            self.chart = ActivityChart()
            self.chart_layout.replaceWidget(self.chart_placeholder, self.chart)
            self.chart_placeholder.deleteLater()
            self.chart.set_counts(self.activity_counts())
        return self.chart

    def _show_deadline(self, today: dt.date) -> None:
        deadline = overview.next_deadline(self.programme.calendar, today)
        row = deadline.period
        self.deadline_day.setText(month_day(deadline.day))
        if deadline.days_left == 0:
            self.deadline_left.setText("今天截止")
            self.deadline_left.setStyleSheet(f"color: {RED}; font-weight: bold;")
        else:
            self.deadline_left.setText(f"还有 {deadline.days_left} 天")
            self.deadline_left.setStyleSheet(f"color: {RED};" if deadline.days_left <= 3 else "")
        if deadline.report_day:
            day = self.programme.calendar.monthly_report_day
            self.deadline_box.setTitle("下次上报截止")
            self.deadline_note.setText(f"每月 {day} 日前上报当月材料（本次：{row.label}）")
        else:
            self.deadline_box.setTitle("本月结束")
            self.deadline_note.setText(f"本方案未规定每月上报日，此为{row.label}的最后一天")
        self.deadline_box.setToolTip(f"{deadline.day.isoformat()}（{row.label}）")

    def _show_export(self) -> None:
        last = overview.last_export(self.store)
        if last is None:
            self.export_label.setText("尚未导出")
            self.export_path.setText("用“文件 → 导出表格（Excel）…”导出，交给教育局。")
            return
        when = f"{last.at:%Y-%m-%d %H:%M}" if last.at else last.at_text
        self.export_label.setText(when)
        self.export_path.setText(last.path or "（未记录文件位置）")

    def _show_rules(self, pairs: list[tuple[RuleResult, RuleResult]]) -> None:
        """The rows (``rule_rows.rule_grid``) in place of the placeholder or the old rows, then
        what closed unmet."""
        from PySide6.QtCore import Qt

        from gongtongti_desktop.ui.overview import rule_rows

        if self.rules_grid_holder is not None:
            self.rules_layout.removeWidget(self.rules_grid_holder)
            self.rules_grid_holder.deleteLater()
        if self.rules_placeholder is not None:
            self.rules_layout.removeWidget(self.rules_placeholder)
            self.rules_placeholder.deleteLater()
            self.rules_placeholder = None
        holder, self.rule_rows = rule_rows.rule_grid(pairs, self._scaled_font(1.0, bold=True))
        self.rules_grid_holder = holder
        self.rules_layout.insertWidget(0, holder)
        text, self.missed, red = rule_rows.misses_text(pairs)
        self.misses_label.setTextFormat(Qt.TextFormat.PlainText)  # rule names are the profile's
        self.misses_label.setText(text)
        self.misses_label.setStyleSheet(f"color: {RED};" if red else "")
        self.misses_label.setVisible(bool(pairs))
        holder.show()  # now, not when the layout would (a hidden widget has no width yet)
        self._arrange()  # the rows' width decides where the chart goes

    def misses(self) -> list[str]:
        return [line for line in self.misses_label.text().split("\n") if "未达成" in line]

    def _show_problems(self, problems: list[str]) -> None:
        from gongtongti_desktop.core.checks.daily import empty_roster_hint

        if problems:
            self.problems_label.setText(f"发现 {len(problems)} 处需要补充：")
        else:
            self.problems_label.setText(empty_roster_hint(self.store) or "未发现问题。")
        if self.problems is None:
            if not problems:
                return  # no list made for a roster without gaps (the usual start)
            from PySide6.QtWidgets import QListWidget  # its class is made only when needed

            self.problems = QListWidget()
            self.problems.setFrameShape(QFrame.Shape.NoFrame)
            self.problems_layout.addWidget(self.problems)
        self.problems.clear()
        self.problems.addItems(problems)
        self.problems.setVisible(bool(problems))
        # As tall as its lines (up to MAX_PROBLEM_LINES, then it scrolls): no empty white box.
        lines = min(len(problems), MAX_PROBLEM_LINES)
        row = self.problems.sizeHintForRow(0) if problems else 0
        self.problems.setFixedHeight(lines * row + 2 * self.problems.frameWidth() + 4)
