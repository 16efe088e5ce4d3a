"""The programme's checkable rules as the profile states them (``forms/<profile>/rules.toml``):
what to count, per which period, how many — read and checked against the profile's own
vocabulary when the profile loads.

Why apart from the engine (``core.checks.rules``): loading a profile must not need the data
file or the engine that counts in it; the engine takes these specs as its input.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gongtongti_desktop.core.profile.periods import Period, PeriodKind
from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable, read_toml

COUNTS = ("activities", "plan_items", "summaries")
PERS: tuple[PeriodKind, ...] = ("month", "term", "school_year")
ROLES = ("", "lead", "partner")
ACTIVITY_FIELDS = ("record", "summary", "plan_text", "measures", "attachments")

PER_TEXT = {"month": "每月", "term": "每学期", "school_year": "每学年"}


@dataclass(frozen=True)
class Rule:
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


def load_rules(
    folder: Path, activity_kinds: tuple[str, ...], posts: tuple[str, ...]
) -> tuple[Rule, ...]:
    """``rules.toml`` of a profile folder (none: no rules), checked against its vocabulary."""
    path = folder / "rules.toml"
    if not path.is_file():
        return ()
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
        rules.append(rule)
    t.done()
    ids = [r.id for r in rules]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise ProfileError(f"{path}：规则 id {duplicate} 重复")
    return tuple(rules)
