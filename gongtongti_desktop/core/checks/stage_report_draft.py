"""从记录起草: a stage report's starting text written from the period's records, in sentences a
director could hand in — what was done (by kind and by partner, with dates and numbers, the
activities' own 记录 and 总结/反思 condensed), the rules met and missed said in words, the
problems from the misses and the unfinished plan items, the next steps from what is due next.

The sentences are the programme's (``wording.toml`` in its profile, ``core.profile.wording``):
each county words its 阶段工作总结 its own way; here only the facts are gathered and filled in.
A period over before the data file existed is not called missed (as 概览: nobody recorded it
here, which is not the same as nothing done).

Why in checks and not beside the stage reports: the draft reads the rule engine's verdicts,
and the rule engine counts written stage reports; keeping the draft here lets both depend on
the stored reports without depending on each other.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from gongtongti_desktop.core.checks import rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods, rule_specs
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.profile.wording import StageWording
from gongtongti_desktop.core.records import plans
from gongtongti_desktop.core.timeutil import chinese_date
from gongtongti_desktop.errors import UserError

DRAFT_LIST_LIMIT = 8  # plan items and rules named one by one; the rest are counted
DATES_LIMIT = 6  # dates listed in one sentence ("9月10日、10月15日……等")
TITLES_LIMIT = 4  # activity titles in one kind's sentence
QUOTES_LIMIT = 3  # activities whose 记录 / 总结 are quoted
QUOTE_CHARS = 80  # a quoted text is cut to its first sentences within this length
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_SPACE = re.compile(r"\s+")


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


def condense(text: str, limit: int = QUOTE_CHARS) -> str:
    """The first sentences of ``text`` within ``limit`` characters, on one line, ending in a
    full stop; a first sentence longer than that is cut with "……"."""
    text = _SPACE.sub("", text.strip())
    if not text:
        return ""
    out = ""
    for sentence in _SENTENCE_END.split(text):
        if not sentence:
            continue
        if len(out) + len(sentence) > limit:
            break
        out += sentence
    if not out:
        return text[:limit].rstrip("，、；：") + "……"
    if out[-1] == "；":
        out = out[:-1] + "。"
    return out if out[-1] in "。！？…" else out + "。"


def _some(items: list[str], limit: int, wording: StageWording) -> str:
    shown = wording.join(items[:limit])
    return shown + ("等" if len(items) > limit else "")


def _requirement(rule: rule_specs.Rule) -> str:
    """ "至少 3" / "2–4" / "3": the rule's number as a sentence says it."""
    if rule.max and rule.max == rule.min:
        return str(rule.min)
    if rule.max:
        return f"{rule.min}–{rule.max}"
    return f"至少 {rule.min}"


def _activities(store: Store, period: Period) -> list[dict[str, Any]]:
    acts = store.query(
        "SELECT id, day, kind, title, mode, headcount, record, summary FROM activity"
        " WHERE deleted_at IS NULL AND day BETWEEN ? AND ? ORDER BY day, start_time, id",
        [period.start.isoformat(), period.end.isoformat()],
    )
    receivers: dict[str, list[str]] = {}
    for row in store.query(
        "SELECT r.record_id, k.name FROM activity_receiver r JOIN kindergarten k"
        " ON k.id = r.kindergarten_id JOIN activity a ON a.id = r.record_id"
        " WHERE a.deleted_at IS NULL AND a.day BETWEEN ? AND ? ORDER BY k.name",
        [period.start.isoformat(), period.end.isoformat()],
    ):
        receivers.setdefault(row["record_id"], []).append(row["name"])
    for act in acts:
        act["receivers"] = receivers.get(act["id"], [])
    return acts


def _highlights(
    wording: StageWording, programme: Programme, period: Period, acts: list[dict[str, Any]]
) -> list[str]:
    if not acts:
        return [wording.say("no_activities", period=period.label)]
    kinds = Counter(a["kind"] for a in acts)
    online = sum(1 for a in acts if a["mode"] == "线上")
    headcount = sum(int(a["headcount"] or 0) for a in acts)
    paragraphs = [
        wording.say(
            "opening",
            period=period.label,
            count=len(acts),
            offline=len(acts) - online,
            online=online,
            people=wording.say("people", headcount=headcount) if headcount else "",
            kinds=wording.join([k for k, _n in kinds.most_common()]),
            lead=programme.roles.lead,
            partner=wording.join(list(programme.roles.partners)),
        )
    ]
    for kind, count in kinds.most_common():
        mine = [a for a in acts if a["kind"] == kind]
        dates = list(dict.fromkeys(_md(a["day"]) for a in mine))
        titles = list(dict.fromkeys(f"“{a['title']}”" for a in mine))
        paragraphs.append(
            wording.say(
                "kind_paragraph",
                kind=kind,
                count=count,
                dates=_some(dates, DATES_LIMIT, wording),
                titles=_some(titles, TITLES_LIMIT, wording),
            )
        )
    partners: dict[str, list[str]] = {}
    for act in acts:
        for name in act["receivers"]:
            partners.setdefault(name, []).append(_md(act["day"]))
    if partners:
        items = [
            wording.say(
                "partner_item",
                partner=name,
                count=len(days),
                dates=_some(list(dict.fromkeys(days)), DATES_LIMIT, wording),
            )
            for name, days in sorted(partners.items(), key=lambda p: (-len(p[1]), p[0]))
        ]
        paragraphs.append(
            wording.say("partner_paragraph", partners="；".join(items), count=len(partners))
        )
    quoted = [a for a in acts if a["record"].strip() or a["summary"].strip()]
    quoted.sort(key=lambda a: (not (a["record"].strip() and a["summary"].strip()), a["day"]))
    for act in sorted(quoted[:QUOTES_LIMIT], key=lambda a: a["day"]):
        sentences = []
        if act["record"].strip():
            sentences.append(
                wording.say(
                    "activity_record",
                    date=_md(act["day"]),
                    title=act["title"],
                    record=condense(act["record"]),
                )
            )
        if act["summary"].strip():
            sentences.append(
                wording.say(
                    "activity_summary",
                    date=_md(act["day"]),
                    title=act["title"],
                    summary=condense(act["summary"]),
                )
            )
        paragraphs.append("".join(sentences))
    return paragraphs


def draft_from_records(
    store: Store, programme: Programme, period: Period, today: dt.date | None = None
) -> Draft:
    """The three parts of the stage report (亮点工作, 存在的问题, 下一步打算) as paragraphs
    worded by the programme's profile, filled from what the data file holds for the period."""
    wording = programme.wording
    if wording is None:
        raise UserError(
            f"方案“{programme.name}”的文件夹中没有 wording.toml（阶段总结的措辞），"
            "无法从记录起草。请从其他方案复制一份 wording.toml 并按本县的写法修改。"
        )
    today = today or dt.date.today()
    cal = programme.calendar
    since = rules.tracked_since(store)
    acts = _activities(store, period)
    highlights = _highlights(wording, programme, period, acts)

    met: dict[str, list[rules.RuleResult]] = {}  # by rule: its periods met, in order
    problems: list[str] = []
    due: list[str] = []
    missed_rules: dict[str, rule_specs.Rule] = {}
    missed: dict[str, list[rules.RuleResult]] = {}  # by rule: its periods missed, in order
    for rule in programme.rules:
        for result in rules.evaluate(store, cal, rule, period, today, since):
            facts = {
                "rule": rule.label,
                "period": result.period.label,
                "count": result.count,
                "unit": rule.unit,
                "requirement": _requirement(rule),
            }
            if result.done:  # met, or more than the range where the profile allows it
                met.setdefault(rule.id, []).append(result)
            elif result.status == rules.MISSED:
                if rule.id not in missed:
                    problems.append(rule.id)  # a place for the rule's sentence, filled below
                missed.setdefault(rule.id, []).append(result)
                missed_rules[rule.id] = rule
            elif result.status == rules.TOO_MANY:
                problems.append(wording.say("rule_too_many", **facts))
            elif result.status == rules.NOT_YET:
                due.append(wording.say("rule_due", deadline=chinese_date(result.deadline), **facts))
    for n, entry in enumerate(problems):
        if entry in missed:  # one sentence per rule, however many of its periods were missed
            results = missed[entry]
            rule = results[0].rule
            if len(results) == 1:
                problems[n] = wording.say(
                    "rule_missed",
                    rule=rule.label,
                    period=results[0].period.label,
                    count=results[0].count,
                    unit=rule.unit,
                    requirement=_requirement(rule),
                )
            else:
                problems[n] = wording.say(
                    "rule_missed_many",
                    rule=rule.label,
                    periods=wording.join([r.period.label for r in results]),
                    counts="、".join(str(r.count) for r in results),
                    unit=rule.unit,
                    requirement=_requirement(rule),
                )
    if met:
        items = [
            wording.say(
                "rule_met_item",
                rule=results[0].rule.label,
                period=_some([r.period.label for r in results], DATES_LIMIT, wording),
                count=sum(r.count for r in results),
                unit=results[0].rule.unit,
            )
            for results in met.values()
        ]
        highlights.append(wording.say("rules_met", rules=_some(items, DRAFT_LIST_LIMIT, wording)))

    status_words = {
        plans.PLANNED: wording.say("status_planned"),
        plans.POSTPONED: wording.say("status_postponed"),
    }
    items = plans.list_items(store, programme, period)
    unfinished = [i for i in items if i["status"] in status_words]
    for item in unfinished[:DRAFT_LIST_LIMIT]:
        problems.append(
            wording.say(
                "plan_unfinished",
                task=item["task"],
                month=item["row_label"],
                status=status_words[item["status"]],
            )
        )
    if len(unfinished) > DRAFT_LIST_LIMIT:
        problems.append(
            wording.say("plans_unfinished_more", count=len(unfinished) - DRAFT_LIST_LIMIT)
        )
    if not problems:
        problems.append(wording.say("no_problems", period=period.label))

    following = periods.period_containing(cal, period.kind, period.end + dt.timedelta(days=1))
    upcoming = [
        i for i in plans.list_items(store, programme, following) if i["status"] != plans.CANCELLED
    ]
    steps = []
    if upcoming:
        tasks = list(dict.fromkeys(f"“{i['task']}”" for i in upcoming))
        steps.append(
            wording.say(
                "next_plan", period=following.label, tasks=_some(tasks, DRAFT_LIST_LIMIT, wording)
            )
        )
    steps += due[:DRAFT_LIST_LIMIT]
    for rule in missed_rules.values():
        steps.append(
            wording.say(
                "rule_catch_up",
                rule=rule.label,
                per=rule_specs.PER_TEXT[rule.per],
                requirement=_requirement(rule),
                unit=rule.unit,
            )
        )
    if not upcoming:
        steps.append(wording.say("no_next", period=following.label))
    return Draft("\n".join(highlights), "\n".join(problems), "\n".join(steps))
