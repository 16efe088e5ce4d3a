"""Suggested scores: for an index item tied to rules, the points the records earn — points ×
the share of the rules' periods that reached the minimum — shown beside the item with the
rule results that explain it, accepted by the director or ignored, never filled in silently.

Why in checks: a suggestion is a verdict of the rule engine turned into points; the stored
scores (``core/records/scoring.py``) need not know the engine.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from gongtongti_desktop.core.checks import rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.indexes import Index, fmt_points
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme


@dataclass(frozen=True)
class Suggestion:
    item: str
    score: float
    evidence_count: int
    results: tuple[rules.RuleResult, ...]
    points: float = 0.0  # the item's full marks

    @property
    def reasoning(self) -> str:
        """Why this number, in words: per rule how many of its periods reached the minimum,
        the share, and the arithmetic (the director should not have to trust a figure)."""
        parts = []
        shares = []
        for rule_id in dict.fromkeys(r.rule.id for r in self.results):
            found = [r for r in self.results if r.rule.id == rule_id]
            reached = sum(1 for r in found if r.count >= r.rule.min)
            shares.append(reached / len(found) if found else 0.0)
            periods_text = "、".join(f"{r.period.label} {r.count} {r.rule.unit}" for r in found)
            parts.append(
                f"“{found[0].rule.label}”要求{found[0].rule.description}，"
                f"{len(found)} 期中 {reached} 期达到（{periods_text}）"
            )
        share = sum(shares) / len(shares) if shares else 0.0
        if len(shares) > 1:
            average = f"各规则达标比例的平均为 {share:.0%}"
        else:
            average = f"达标比例 {share:.0%}"
        return (
            "；".join(parts)
            + f"。{average}，满分 {fmt_points(self.points)} × {share:.0%} = "
            + f"{round(self.points * share, 2):g}，向下取到半分，建议 {fmt_points(self.score)} 分。"
        )

    @property
    def explanation(self) -> list[str]:
        return [
            f"{r.rule.label}：{r.period.label} {r.count} {r.rule.unit}（要求 {r.rule.requirement}，{r.status_text}）"
            for r in self.results
        ]


def suggest(
    store: Store,
    programme: Programme,
    index: Index,
    period: Period,
    today: dt.date | None = None,
) -> dict[str, Suggestion]:
    """For each item tied to rules: points × the share of the rules' periods within ``period``
    that reached the minimum (averaged over the item's rules), rounded down to half points."""
    by_id = {r.id: r for r in programme.rules}
    out = {}
    for item in index.items:
        if not item.rules or not item.points:
            continue
        shares = []
        results: list[rules.RuleResult] = []
        for rule_id in item.rules:
            found = rules.evaluate(store, programme.calendar, by_id[rule_id], period, today)
            results += found
            reached = sum(1 for r in found if r.count >= r.rule.min)
            shares.append(reached / len(found) if found else 0.0)
        share = sum(shares) / len(shares)
        score = math.floor(item.points * share * 2) / 2
        evidence = len({(r.table, i) for r in results for i in r.record_ids})
        out[item.code] = Suggestion(item.code, score, evidence, tuple(results), item.points)
    return out
