"""The rules part of ``gongtongti check``: every rule's status in its current and last period,
grouped and aligned as plain Chinese text, and the closed periods that missed a rule.

Text, not a table widget, because it is read in a terminal or a log by whoever runs the check
(often a script of the county's): columns are padded by display width (a Chinese character
takes two cells) so the lines align in a console font.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from gongtongti_desktop.core.checks import rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import rule_specs
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.timeutil import chinese_date

INDENT = "  "
GAP = "  "


@dataclass(frozen=True)
class RulesCheck:
    today: dt.date
    pairs: list[tuple[rules.RuleResult, rules.RuleResult]]
    failures: list[rules.RuleResult]  # closed periods that did not meet their rule
    lines: list[str]  # the text printed


def width(text: str) -> int:
    """Display width in a console: East Asian wide and full-width characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cells: int) -> str:
    return text + " " * max(cells - width(text), 0)


def _align(rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    cells = [max(width(r[c]) for r in rows) for c in range(len(rows[0]))]
    return [GAP.join(pad(t, w) for t, w in zip(r, cells, strict=True)).rstrip() for r in rows]


def _state(result: rules.RuleResult, today: dt.date) -> str:
    if result.done or result.status == rules.UNTRACKED:
        return result.status_text
    if result.closed:
        return f"{result.status_text}（已截止）"
    if result.status == rules.TOO_MANY:
        return result.status_text
    return f"{result.status_text}（截止 {chinese_date(result.deadline)}）"


def _heading(rule: rule_specs.Rule) -> str:
    return rule.group or rule_specs.PER_TEXT[rule.per]


def rules_report(store: Store, programme: Programme, day: dt.date | None = None) -> RulesCheck:
    """Evaluate the programme's rules on ``day`` (default ``store.today()``) and word it."""
    today = day or store.today()
    since = rules.tracked_since(store)
    pairs = rules.current_and_last(store, programme.calendar, programme.rules, today, since)
    failures = rules.closed_failures(pairs)
    on = f"以 {chinese_date(today)} 为今天"
    if day is None and store.setting("demo") == "1" and store.setting("demo_today"):
        on += "，这是示例数据文件设定的日期，可用 --date 指定"
    lines = [f"工作要求（{on}）："]
    if not pairs:
        lines.append(f"{INDENT}本方案没有可从记录检查的要求。")
        return RulesCheck(today, pairs, failures, lines)
    groups: dict[str, list[tuple[rules.RuleResult, rules.RuleResult]]] = {}
    for pair in pairs:
        groups.setdefault(_heading(pair[0].rule), []).append(pair)
    rows: list[list[str]] = []
    starts: dict[int, str] = {}  # row number → group heading printed above it
    for heading, members in groups.items():
        starts[len(rows)] = heading
        for now, before in members:
            requirement = f"{now.rule.requirement} {now.rule.unit}"
            for n, (word, result) in enumerate((("本期", now), ("上期", before))):
                rows.append(
                    [
                        now.rule.label if n == 0 else "",
                        requirement if n == 0 else "",
                        word,
                        result.period.label,
                        f"{result.count} {result.rule.unit}",
                        _state(result, today),
                    ]
                )
    for n, text in enumerate(_align(rows)):
        if n in starts:
            lines.append(f"{INDENT}【{starts[n]}】")
        lines.append(INDENT * 2 + text)
    lines.append("")
    if failures:
        lines.append(f"已截止而未达成的要求：{len(failures)} 项")
        for r in failures:
            lines.append(
                f"{INDENT}- {r.rule.label}：{r.period.label} {r.count} {r.rule.unit}，"
                f"要求 {r.rule.requirement}（{r.status_text}，截止 {chinese_date(r.deadline)}）"
            )
    else:
        lines.append("已截止的期间均达到要求。")
    return RulesCheck(today, pairs, failures, lines)
