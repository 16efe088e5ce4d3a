"""The programme's checkable rules as the profile states them (``forms/<profile>/rules.toml``):
what to count, per which period, how many — read and checked against the profile's own
vocabulary when the profile loads.

Why apart from the engine (``core.checks.rules``): loading a profile must not need the data
file or the engine that counts in it; the engine takes these specs as its input.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from gongtongti_desktop.core.profile.periods import Period, PeriodKind
from gongtongti_desktop.core.profile.roster_specs import RosterRule, load_roster_rules
from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable, read_toml

COUNTS = ("activities", "plan_items", "summaries")
PERS: tuple[PeriodKind, ...] = ("month", "term", "school_year", "year")
DISTINCT = ("", "domain")
ROLES = ("", "lead", "partner")
ACTIVITY_FIELDS = ("record", "summary", "plan_text", "measures", "attachments")

PER_TEXT = {"month": "每月", "term": "每学期", "school_year": "每学年", "year": "每年"}


class Rule(NamedTuple):
    """One counted requirement of a notice (e.g. 每月至少一次帮扶活动), read from the profile."""

    id: str
    label: str
    per: PeriodKind
    min: int
    max: int = 0  # 0: no upper limit
    counts: str = "activities"
    kinds: tuple[str, ...] = ()  # activity kinds counted (empty: every kind)
    mode: str = ""  # "线上" / "线下" (empty: both)
    host_role: str = ""  # "lead": hosted by a kindergarten leading a pairing; "partner"
    participant_posts: tuple[str, ...] = ()  # at least one participant holds one of these posts
    require_any: tuple[str, ...] = ()  # e.g. ("record", "attachments"): minutes or a photo
    group: str = ""  # shown together, e.g. "八个一"
    source: str = ""  # where the notice says so
    months: tuple[int, ...] = ()  # per "month": only these months count (高台's plan: 3–6, 9–12)
    distinct: str = ""  # "domain": count the different 领域 of the activities, not the activities
    due: str = ""  # per "year": "MM-DD", the day in the year the records are due (盘锦 "12-10")
    start: dt.date | None = None  # asked from this day on (盘锦's 月报表 "从2024年9月开始")

    def asks(self, period: Period) -> bool:
        """False for a period over before the rule's own ``start``."""
        return self.start is None or period.end >= self.start

    strict_max: bool = False  # the notice forbids more than ``max`` (then "超出上限", a miss)

    def applies_to(self, period: Period) -> bool:
        """False for a month the rule leaves out (a holiday month of a ``months`` rule)."""
        if self.per != "month" or not self.months:
            return True
        return any(m in self.months for _y, m in period.months())

    @property
    def requirement(self) -> str:
        """ "≥ 3", "2–4", "1" — as the director reads it."""
        if self.max and self.max == self.min:
            return f"{self.min}"
        if self.max:
            return f"{self.min}–{self.max}"
        return f"≥ {self.min}"

    @property
    def unit(self) -> str:
        if self.distinct == "domain":
            return "个领域"
        return {"plan_items": "项", "summaries": "份"}.get(self.counts, "次")

    @property
    def description(self) -> str:
        return f"{PER_TEXT[self.per]} {self.requirement} {self.unit}"


def _choice(t: TomlTable, key: str, choices: tuple[str, ...], default: str) -> str:
    value = t.get(key, str, default)
    if value not in choices:
        shown = " / ".join(c or '""' for c in choices)
        raise ProfileError(f"{t.where}：{key} 只能是 {shown}，实际为 {value!r}")
    return value


def _months(t: TomlTable) -> tuple[int, ...]:
    raw = t.get("months", list, [])
    if not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in raw):
        raise ProfileError(f"{t.where}：months 应为 1–12 的月份列表，例如 [3, 4, 5, 6]")
    if raw and t.data.get("per", "month") != "month":
        raise ProfileError(f'{t.where}：months 只用于 per = "month" 的规则')
    return tuple(raw)


def _due(t: TomlTable) -> str:
    due = t.get("due", str, "")
    if not due:
        return ""
    if t.data.get("per") != "year":
        raise ProfileError(f'{t.where}：due 只用于 per = "year" 的规则')
    try:
        dt.date.fromisoformat(f"2000-{due}")
    except ValueError:
        raise ProfileError(f"{t.where}：due 应为 MM-DD（例如 12-10），实际为 {due!r}") from None
    return due


def _start(t: TomlTable) -> dt.date | None:
    value = t.get("start", object, None)
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ProfileError(
            f"{t.where}：start 应为日期（例如 2024-09-01，不加引号），实际为 {value!r}"
        )
    return value


def load_rules(
    folder: Path, activity_kinds: tuple[str, ...], posts: tuple[str, ...]
) -> tuple[Rule, ...]:
    """``rules.toml`` of a profile folder (none: no rules), checked against its vocabulary."""
    return load_rule_file(folder, activity_kinds, posts)[0]


def load_rule_file(
    folder: Path, activity_kinds: tuple[str, ...], posts: tuple[str, ...]
) -> tuple[tuple[Rule, ...], tuple[RosterRule, ...]]:
    """``rules.toml``: the rules counted per period and the rules over the roster."""
    path = folder / "rules.toml"
    if not path.is_file():
        return (), ()
    t = TomlTable(read_toml(path), str(path))
    rules = []
    for rt in t.tables("rules"):
        rule = Rule(
            id=rt.get("id", str, required=True),
            label=rt.get("label", str, required=True),
            per=_choice(rt, "per", PERS, "month"),  # type: ignore[arg-type]
            min=rt.get("min", int, required=True),
            max=rt.get("max", int, 0),
            counts=_choice(rt, "counts", COUNTS, "activities"),
            kinds=rt.strings("kinds", default=()),
            mode=_choice(rt, "mode", ("", "线上", "线下"), ""),
            host_role=_choice(rt, "host_role", ROLES, ""),
            participant_posts=rt.strings("participant_posts", default=()),
            require_any=rt.strings("require_any", default=()),
            group=rt.get("group", str, ""),
            source=rt.get("source", str, ""),
            months=_months(rt),
            distinct=_choice(rt, "distinct", DISTINCT, ""),
            due=_due(rt),
            start=_start(rt),
            strict_max=rt.get("strict_max", bool, False),
        )
        rt.done()
        if rule.min < 0 or rule.max < 0 or (rule.max and rule.max < rule.min):
            raise ProfileError(f"{rt.where}：min/max 不合理（min = {rule.min}，max = {rule.max}）")
        unknown = [k for k in rule.kinds if k not in activity_kinds]
        if unknown:
            raise ProfileError(f"{rt.where}：kinds 中的“{unknown[0]}”不是本方案的活动类型")
        unknown = [p for p in rule.participant_posts if p not in posts]
        if unknown:
            raise ProfileError(f"{rt.where}：participant_posts 中的“{unknown[0]}”不是本方案的职务")
        unknown = [f for f in rule.require_any if f not in ACTIVITY_FIELDS]
        if unknown:
            raise ProfileError(
                f"{rt.where}：require_any 只能含 {', '.join(ACTIVITY_FIELDS)}，实际有 {unknown[0]}"
            )
        activity_only = rule.kinds or rule.mode or rule.host_role or rule.participant_posts
        if rule.counts != "activities" and (activity_only or rule.require_any):
            raise ProfileError(f'{rt.where}：kinds/mode/host_role 等只用于 counts = "activities"')
        if rule.distinct and rule.counts != "activities":
            raise ProfileError(f'{rt.where}：distinct 只用于 counts = "activities"')
        rules.append(rule)
    roster_rules = load_roster_rules(t)
    t.done()
    ids = [r.id for r in rules] + [r.id for r in roster_rules]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise ProfileError(f"{path}：规则 id {duplicate} 重复")
    return tuple(rules), roster_rules
