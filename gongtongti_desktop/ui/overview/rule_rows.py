"""概览's rule rows: one section per 本月 / 本学期 / 本学年, the rules of a group (e.g. "八个一")
together under its name, each with a bar "2/3" and its status; and the line of what closed
unmet. Made just after the first frame (``OverviewTab.ensure_checks``), so this module and the
rules' own (``core.checks.rules``) load only then.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QWidget

from gongtongti_desktop.core.checks import rules
from gongtongti_desktop.core.checks.rules import RuleResult
from gongtongti_desktop.core.profile import rule_specs
from gongtongti_desktop.ui.shell.common import GREEN, RED, muted

PER_NOW = {"month": "本月", "term": "本学期", "school_year": "本学年"}
PER_LAST = {"month": "上月", "term": "上学期", "school_year": "上学年"}
STATUS_COLORS = {rules.MET: GREEN, rules.MISSED: RED, rules.TOO_MANY: GREEN}


@dataclass
class RuleRow:
    """The widgets showing one rule's result in its current period."""

    result: RuleResult
    name: QLabel
    bar: QProgressBar
    status: QLabel


def rule_grid(
    pairs: list[tuple[RuleResult, RuleResult]], heading_font: QFont
) -> tuple[QWidget, list[RuleRow]]:
    """The rows of this period's results (``pairs``: now and before, as core gives them)."""
    rows: list[RuleRow] = []
    holder = QWidget()
    grid = QGridLayout(holder)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(10)
    grid.setVerticalSpacing(4)
    grid.setColumnStretch(0, 1)
    row = 0
    if not pairs:
        empty = QLabel("本方案没有可从记录自动检查的规则。")
        muted(empty)
        grid.addWidget(empty, 0, 0)
    for per in rule_specs.PERS:
        current = [now for now, _before in pairs if now.rule.per == per]
        if not current:
            continue
        first = current[0]
        due = f"截止 {first.deadline.isoformat()}{'，已过' if first.closed else ''}"
        heading = QLabel(f"{PER_NOW[per]}　{first.period.label}　（{due}）")
        heading.setFont(heading_font)
        grid.addWidget(heading, row, 0, 1, 4)
        row += 1
        # ungrouped rules first, then each group, in file order within each
        order = sorted(current, key=lambda r: bool(r.rule.group))
        for group, results in groupby(order, key=lambda r: r.rule.group):
            indent = ""
            if group:
                sub = QLabel(f"“{group}”")
                muted(sub)
                grid.addWidget(sub, row, 0, 1, 4)
                row += 1
                indent = "　"
            for result in results:
                rows.append(_rule_row(grid, row, result, indent))
                row += 1
    return holder, rows


def _rule_row(grid: QGridLayout, row: int, result: RuleResult, indent: str) -> RuleRow:
    rule = result.rule
    name = QLabel(f"{indent}{rule.label}")
    tip = f"{rule.label}：{rule.description}"
    if rule.source:
        tip += f"\n依据：{rule.source}"
    name.setToolTip(tip)
    requirement = QLabel(rule.description)
    muted(requirement)
    bar = QProgressBar()
    wanted = max(rule.min, 1)
    bar.setRange(0, wanted)
    bar.setValue(min(result.count, wanted))
    bar.setFormat(result.progress)
    bar.setAlignment(Qt.AlignmentFlag.AlignCenter)
    bar.setFixedWidth(110)
    bar.setToolTip(tip)
    color = (
        STATUS_COLORS.get(result.status) if result.done or result.status != rules.TOO_MANY else RED
    )
    if color:
        palette = bar.palette()
        palette.setColor(QPalette.ColorRole.Highlight, QColor(color))
        bar.setPalette(palette)
    status = QLabel(result.status_text)
    if result.late_text:  # 逾期补录: entered after the deadline
        status.setText(f"{result.status_text}（{result.late_text}）")
    status.setWordWrap(True)  # on a narrow window, rather than the page scrolling sideways
    if color:
        status.setStyleSheet(f"color: {color};")
    grid.addWidget(name, row, 0)
    grid.addWidget(requirement, row, 1)
    grid.addWidget(bar, row, 2)
    grid.addWidget(status, row, 3)
    return RuleRow(result, name, bar, status)


def misses_text(
    pairs: list[tuple[RuleResult, RuleResult]],
) -> tuple[str, list[RuleResult], bool]:
    """Closed periods that missed their rule ("上学期（2024年秋季学期）未达成：…"), the results
    missed, and whether the text is a miss (shown red)."""
    lines = []
    missed: list[RuleResult] = []
    for per in rule_specs.PERS:
        found: dict[tuple[str, str], list[str]] = {}
        for now, before in pairs:
            if now.rule.per != per:
                continue
            for result in rules.closed_failures([(now, before)]):
                missed.append(result)
                which = PER_NOW[per] if result is now else PER_LAST[per]
                text = f"{result.rule.label} {result.progress}"
                if result.status == rules.TOO_MANY:
                    text += "（超出上限）"  # only a strict maximum is a miss
                found.setdefault((which, result.period.label), []).append(text)
        for (which, label), texts in found.items():
            lines.append(f"{which}（{label}）未达成：{'、'.join(texts)}")
    if lines:
        return "\n".join(lines), missed, True
    if pairs and all(before.status == rules.UNTRACKED for _now, before in pairs):
        return "上一期间早于本数据文件中的记录，不作判断。", missed, False
    if pairs:
        return "已截止的期间，各项要求均已达成。", missed, False
    return "", missed, False
