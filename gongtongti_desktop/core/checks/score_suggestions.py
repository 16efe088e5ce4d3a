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
from gongtongti_desktop.core.profile.indexes import Index
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme


@dataclass(frozen=True)
class Suggestion:
    item: str
    score: float
    evidence_count: int
    results: tuple[rules.RuleResult, ...]

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
        out[item.code] = Suggestion(item.code, score, evidence, tuple(results))
    return out
