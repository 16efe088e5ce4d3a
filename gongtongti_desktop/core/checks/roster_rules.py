"""Rules over the roster applied to a data file: what the pairings, 交流轮岗 and 师徒结对 lack
under each ``[[roster_rules]]`` of the profile (``core.profile.roster_specs``). A finding names
the pairing and what is missing, in Chinese, so ``check`` lists it beside the roster's other
gaps. A school year still running is not a miss; one outside the programme's dates is not
asked for.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, NamedTuple

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Calendar, Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.profile.roster_specs import RosterRule


class Finding(NamedTuple):
    """One gap a roster rule found, worded for the director, with the pairing it names."""

    rule: RosterRule
    subject: str  # "结对“城关实验幼儿园 — 东岭镇学区”", "2024—2025学年 城关实验幼儿园"
    text: str  # what is missing
    closed: bool = True  # False: a school year still running (shown, not a problem yet)
    record_id: str = ""  # the pairing it names ("" for a group of pairings)
    about: str = ""  # "agreement" for the 帮扶协议 (上报前检查 lists those apart)

    def __str__(self) -> str:
        return f"{self.subject}：{self.text}（{self.rule.label}）"


# -- evaluating ---------------------------------------------------------------------------------

A = "agreement"


def _pairings(store: Store) -> list[dict[str, Any]]:
    return store.query(
        """SELECT p.*, l.name AS lead_name, k.name AS partner_name FROM pairing p
           JOIN kindergarten l ON l.id = p.lead_id JOIN kindergarten k ON k.id = p.partner_id
           WHERE p.deleted_at IS NULL ORDER BY l.name, p.sort_order, k.name"""
    )


def _where(p: dict[str, Any]) -> str:
    return f"结对“{p['lead_name']} — {p['partner_name']}”"


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _deadlines(rule: RosterRule, p: dict[str, Any], today: dt.date) -> list[tuple[str, bool, str]]:
    """The one-off deadlines of a pairing starting in their year: (what was late, closed,
    "agreement" or "")."""
    start = _date(p["start_date"])
    out = []
    listed = rule.listed_by
    if listed and start and start.year == listed.year:
        entered = _date(str(p["created_at"])[:10])
        if entered and entered > listed:
            out.append(
                (f"{entered.isoformat()} 才列入结对名单，晚于 {listed.isoformat()}", True, "")
            )
    signed_by = rule.signed_by
    if signed_by and start and start.year == signed_by.year:
        signed = _date(p["agreement_signed"])
        if signed and signed > signed_by:
            out.append(
                (f"帮扶协议 {signed.isoformat()} 签订，晚于 {signed_by.isoformat()}", True, A)
            )
        elif not signed and not rule.signed:
            out.append((f"帮扶协议应于 {signed_by.isoformat()} 前签订", today > signed_by, A))
    if _files_by(rule, p) and not p["agreement_filed"]:
        assert rule.filed_by is not None
        due = rule.filed_by.isoformat()
        out.append((f"帮扶协议应于 {due} 前备案并上报（尚未备案）", today > rule.filed_by, A))
    return out


def _files_by(rule: RosterRule, p: dict[str, Any]) -> bool:
    """The pairing starts in the year of the rule's filing day, so that day binds it."""
    start = _date(p["start_date"])
    return bool(rule.filed_by and start and start.year == rule.filed_by.year)


def _agreement(rule: RosterRule, store: Store, today: dt.date) -> list[Finding]:
    out = []
    for p in _pairings(store):
        found = _deadlines(rule, p, today)
        if rule.signed and not _date(p["agreement_signed"]):
            found.append(("帮扶协议未签订（没有签订日期）", True, A))
        if rule.filed and not p["agreement_filed"] and not _files_by(rule, p):
            found.append(("帮扶协议未备案", True, A))
        if rule.min_years:
            start, end = _date(p["start_date"]), _date(p["end_date"])
            if not start or not end:
                found.append((f"未填写帮扶期限（要求不少于{rule.min_years}年）", True, ""))
            elif end < _years_later(start, rule.min_years) - dt.timedelta(days=1):
                short = f"帮扶期限 {p['start_date']} 至 {p['end_date']} 不足{rule.min_years}年"
                found.append((short, True, ""))
        out += [Finding(rule, _where(p), t, closed, p["id"], about) for t, closed, about in found]
    return out


def _exchange_years(
    cal: Calendar, store: Store, today: dt.date, within: Period | None
) -> list[Period]:
    """School years asked for: from the first pairing's start (or the programme's) to today."""
    starts = [d for p in _pairings(store) if (d := _date(p["start_date"])) is not None]
    if within is not None:
        starts.append(within.start)
    if not starts:
        return []
    first = max(min(starts), within.start) if within is not None else min(starts)
    last = min(today, within.end) if within is not None else today
    if first > last:
        return []
    span = Period("school_year", first, last, "")
    return periods.periods_within(cal, "school_year", span)


def _exchange(
    rule: RosterRule, cal: Calendar, store: Store, today: dt.date, within: Period | None
) -> list[Finding]:
    pairs = _pairings(store)
    groups: dict[str, tuple[str, set[str], str]] = {}  # key → (lead, partners, label)
    for p in pairs:
        if rule.scope == "pairing":  # keyed by the pairing's id, which the finding names
            groups[p["id"]] = (p["lead_id"], {p["partner_id"]}, _where(p))
        else:
            lead, partners, _ = groups.get(p["lead_id"], (p["lead_id"], set(), ""))
            partners.add(p["partner_id"])
            groups[p["lead_id"]] = (lead, partners, f"“{p['lead_name']}”及其结对园")
    # Each exchange's date read once, each year's exchanges picked once (not per group).
    exchanges = [
        (d, x)
        for x in store.query(
            "SELECT from_id, to_id, start_date FROM staff_exchange WHERE deleted_at IS NULL"
        )
        if (d := _date(x["start_date"]))
    ]
    out = []
    for year in _exchange_years(cal, store, today, within):
        closed = today > year.end
        sent = Counter((x["from_id"], x["to_id"]) for d, x in exchanges if year.contains(d))
        for key, (lead, partners, label) in groups.items():
            out_n = sum(sent[lead, p] for p in partners)
            back_n = sum(sent[p, lead] for p in partners)
            missing = []
            if out_n < rule.min:
                missing.append(f"派出交流 {out_n} 人，要求至少 {rule.min} 人")
            if back_n < rule.min:
                missing.append(f"对方派来交流 {back_n} 人，要求至少 {rule.min} 人")
            unequal = out_n != back_n if rule.balance == "same" else back_n < out_n
            if rule.balance and unequal and not missing:
                word = "不同" if rule.balance == "same" else "派来少于派出"
                missing.append(f"双方交流人数{word}（派出 {out_n} 人，派来 {back_n} 人）")
            pairing = key if rule.scope == "pairing" else ""
            out += [Finding(rule, f"{year.label} {label}", t, closed, pairing) for t in missing]
    return out


def _mentor_pairs(rule: RosterRule, store: Store) -> list[Finding]:
    rows = store.query(
        """SELECT a.kindergarten_id AS mentor_kg, b.kindergarten_id AS mentee_kg
           FROM mentor_pair m JOIN person a ON a.id = m.mentor_id
           JOIN person b ON b.id = m.mentee_id WHERE m.deleted_at IS NULL"""
    )
    out = []
    for p in _pairings(store):
        sides = {p["lead_id"], p["partner_id"]}
        n = sum(1 for r in rows if {r["mentor_kg"], r["mentee_kg"]} == sides)
        if n < rule.min:
            text = f"师徒结对 {n} 对，要求至少 {rule.min} 对"
            out.append(Finding(rule, _where(p), text, record_id=p["id"]))
    return out


def findings(
    store: Store,
    cal: Calendar,
    roster_rules: tuple[RosterRule, ...],
    today: dt.date,
    span: tuple[dt.date, dt.date] | None = None,
) -> list[Finding]:
    """What the roster lacks under each rule; ``span``: the programme's own first and last day
    (school years outside them are not asked for)."""
    within = Period("school_year", *span, "方案期间") if span else None
    out: list[Finding] = []
    for rule in roster_rules:
        if rule.check == "agreement":
            out += _agreement(rule, store, today)
        elif rule.check == "exchange":
            out += _exchange(rule, cal, store, today, within)
        else:
            out += _mentor_pairs(rule, store)
    return out


def problems(store: Store, programme: Programme, today: dt.date | None = None) -> list[str]:
    """What ``check`` and 概览 list beside the roster's gaps: each finding of a closed period
    ("2023—2024学年 结对“…”：派出交流 0 人，要求至少 1 人（…）")."""
    cal = programme.calendar
    found = findings(store, cal, programme.roster_rules, today or store.today(), cal.dates.span())
    return [str(f) for f in found if f.closed]
