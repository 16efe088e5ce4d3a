"""从记录起草: a stage report's starting text written from the period's records — what was
done, which rules were met or missed, which plan items are unfinished, what is due next.

Why in checks and not beside the stage reports: the draft reads the rule engine's verdicts,
and the rule engine counts written stage reports; keeping the draft here lets both depend on
the stored reports without depending on each other.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from gongtongti_desktop.core.checks import rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import plans

DRAFT_LIST_LIMIT = 8  # activities named one by one in a draft; the rest are counted


@dataclass(frozen=True)
class Draft:
    highlights: str
    problems: str
    next_steps: str

    def as_values(self) -> dict[str, str]:
        return {
            "highlights": self.highlights,
            "problems": self.problems,
            "next_steps": self.next_steps,
        }


def _md(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d.month}月{d.day}日"


def draft_from_records(
    store: Store, programme: Programme, period: Period, today: dt.date | None = None
) -> Draft:
    """A starting text from what the data file holds for the period: counts by kind, dates and
    titles, unmet rules and unfinished plan items, the next period's plan. Facts only; the
    director turns it into a report."""
    today = today or dt.date.today()
    cal = programme.calendar
    acts = store.query(
        "SELECT day, kind, title, mode FROM activity WHERE deleted_at IS NULL"
        " AND day BETWEEN ? AND ? ORDER BY day, start_time",
        [period.start.isoformat(), period.end.isoformat()],
    )
    kinds = Counter(a["kind"] for a in acts)
    lines = []
    if acts:
        by_kind = "，".join(f"{k} {n} 次" for k, n in kinds.most_common())
        online = sum(1 for a in acts if a["mode"] == "线上")
        lines.append(
            f"{period.label}共开展帮扶活动 {len(acts)} 次（{by_kind}），其中线上 {online} 次。"
        )
        for a in acts[:DRAFT_LIST_LIMIT]:
            title = a["title"] if a["title"].startswith(a["kind"]) else f"{a['kind']}：{a['title']}"
            lines.append(f"{_md(a['day'])}　{title}")
        if len(acts) > DRAFT_LIST_LIMIT:
            lines.append(f"……另有 {len(acts) - DRAFT_LIST_LIMIT} 次活动，见帮扶日志。")
    else:
        lines.append(f"{period.label}帮扶日志中没有活动记录。")
    met = []
    unmet = []
    for rule in programme.rules:
        for result in rules.evaluate(store, cal, rule, period, today):
            if result.done:
                met.append(f"{rule.label}（{result.period.label} {result.count} {rule.unit}）")
            elif result.status != rules.NOT_YET or result.closed:
                unmet.append(
                    f"{rule.label}：{result.period.label} {result.count} {rule.unit}，"
                    f"要求 {rule.requirement}"
                    f"（{result.status_text}）"
                )
    if met:
        lines.append("达成的要求：" + "；".join(met[:DRAFT_LIST_LIMIT]) + "。")

    problems = list(unmet)
    items = plans.list_items(store, programme, period)
    unfinished = [i for i in items if i["status"] in (plans.PLANNED, plans.POSTPONED)]
    for item in unfinished[:DRAFT_LIST_LIMIT]:
        problems.append(f"计划事项未完成（{item['status']}）：{item['task']}")
    if len(unfinished) > DRAFT_LIST_LIMIT:
        problems.append(f"……另有 {len(unfinished) - DRAFT_LIST_LIMIT} 项计划未完成。")
    if not problems:
        problems.append("（记录中未发现未达成的要求或未完成的计划，请补充本阶段工作中的不足。）")

    following = periods.period_containing(cal, period.kind, period.end + dt.timedelta(days=1))
    upcoming = plans.list_items(store, programme, following)
    steps = [f"{following.label}计划：{i['task']}" for i in upcoming[:DRAFT_LIST_LIMIT]]
    for label in dict.fromkeys(text.split("：")[0] for text in unmet):
        steps.append(f"落实：{label}")
    if not steps:
        steps.append(f"（{following.label}尚无计划事项，请在月计划中填写。）")
    return Draft("\n".join(lines), "\n".join(problems), "\n".join(steps))
