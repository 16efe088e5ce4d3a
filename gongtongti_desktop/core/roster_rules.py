"""Rules over the roster (``[[roster_rules]]`` in ``rules.toml``): what the pairings, 交流轮岗 and
师徒结对 must show, as opposed to what the diary counts per period (``rules.py``).

Three checks, each a sentence of a notice: ``agreement`` (each pairing's 帮扶协议 signed, filed
with the bureau, the pairing lasting at least ``min_years``), ``exchange`` (交流轮岗 at least
``min`` people a school year from each side of a pairing, or of a lead kindergarten's group;
``balance``: "same" — as many back as out, 青铜峡's "同等数量"; "no_fewer" — no fewer back than
out, 沂源 C6's "同等人数或……多于") and ``mentor_pairs`` (at least ``min`` 师徒 pairs between
the two sides of each pairing). A finding names the pairing and what is missing, in Chinese,
so ``check`` can list it beside the roster's other gaps. A school year still running is not a
miss; one outside the programme's dates is not asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gongtongti_desktop.core import periods
from gongtongti_desktop.core.periods import Calendar, Period
from gongtongti_desktop.core.store import Store
from gongtongti_desktop.core.toml_table import ProfileError, TomlTable

CHECKS = ("agreement", "exchange", "mentor_pairs")
SCOPES = ("pairing", "lead")
BALANCES = ("", "same", "no_fewer")


@dataclass(frozen=True)
class RosterRule:
    id: str
    label: str
    check: str  # one of CHECKS
    min: int = 0  # exchange: people a school year each way; mentor_pairs: pairs per pairing
    min_years: int = 0  # agreement: the pairing lasts at least this many years (0: not asked)
    signed: bool = False  # agreement: a signing date is recorded
    filed: bool = False  # agreement: filed with the bureau (备案)
    scope: str = "pairing"  # exchange: each pairing, or a lead kindergarten with all its partners
    balance: str = ""  # exchange: "same" (as many back as out), "no_fewer" (back ≥ out)
    source: str = ""

    @property
    def description(self) -> str:
        if self.check == "agreement":
            parts = [p for p, on in (("签订", self.signed), ("备案", self.filed)) if on]
            years = f"，期限不少于{self.min_years}年" if self.min_years else ""
            return f"每个结对的协议{'、'.join(parts) or '齐全'}{years}"
        if self.check == "exchange":
            same = (
                {"same": "，双方人数相同", "no_fewer": "，派来不少于派出"}[self.balance]
                if self.balance
                else ""
            )
            return f"每学年双方各至少 {self.min} 人交流轮岗{same}"
        return f"每个结对至少 {self.min} 对师徒结对"


@dataclass(frozen=True)
class Finding:
    rule: RosterRule
    subject: str  # "结对“城关实验幼儿园 — 东岭镇学区”", "2024—2025学年 城关实验幼儿园"
    text: str  # what is missing
    closed: bool = True  # False: a school year still running (shown, not a problem yet)

    def __str__(self) -> str:
        return f"{self.subject}：{self.text}（{self.rule.label}）"


def load_roster_rules(t: TomlTable) -> tuple[RosterRule, ...]:
    """The ``[[roster_rules]]`` of a rules file, checked: each key only where its check reads it."""
    out = []
    for rt in t.tables("roster_rules"):
        check = rt.get("check", str, required=True)
        if check not in CHECKS:
            raise ProfileError(f"{rt.where}：check 只能是 {' / '.join(CHECKS)}，实际为 {check!r}")
        only = {
            "min_years": "agreement",
            "signed": "agreement",
            "filed": "agreement",
            "scope": "exchange",
            "balance": "exchange",
        }
        wrong = [k for k, c in only.items() if k in rt.data and c != check]
        if wrong:
            raise ProfileError(f'{rt.where}：{wrong[0]} 只用于 check = "{only[wrong[0]]}"')
        if "min" in rt.data and check == "agreement":
            raise ProfileError(f'{rt.where}：min 不用于 check = "agreement"（期限请用 min_years）')
        rule = RosterRule(
            id=rt.get("id", str, required=True),
            label=rt.get("label", str, required=True),
            check=check,
            min=rt.get("min", int, 0 if check == "agreement" else ...),
            min_years=rt.get("min_years", int, 0),
            signed=rt.get("signed", bool, False),
            filed=rt.get("filed", bool, False),
            scope=rt.get("scope", str, "pairing"),
            balance=rt.get("balance", str, ""),
            source=rt.get("source", str, ""),
        )
        rt.done()
        if rule.scope not in SCOPES:
            raise ProfileError(f"{rt.where}：scope 只能是 {' / '.join(SCOPES)}")
        if rule.balance not in BALANCES:
            raise ProfileError(f'{rt.where}：balance 只能是 "same" / "no_fewer"')
        if rule.min < 0 or rule.min_years < 0 or (check != "agreement" and rule.min < 1):
            raise ProfileError(f"{rt.where}：min / min_years 不合理")
        out.append(rule)
    return tuple(out)


# -- evaluating ---------------------------------------------------------------------------------


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


def _agreement(rule: RosterRule, store: Store) -> list[Finding]:
    out = []
    for p in _pairings(store):
        missing = []
        if rule.signed and not _date(p["agreement_signed"]):
            missing.append("帮扶协议未签订（没有签订日期）")
        if rule.filed and not p["agreement_filed"]:
            missing.append("帮扶协议未备案")
        if rule.min_years:
            start, end = _date(p["start_date"]), _date(p["end_date"])
            if not start or not end:
                missing.append(f"未填写帮扶期限（要求不少于{rule.min_years}年）")
            elif end < _years_later(start, rule.min_years) - dt.timedelta(days=1):
                missing.append(
                    f"帮扶期限 {p['start_date']} 至 {p['end_date']} 不足{rule.min_years}年"
                )
        out += [Finding(rule, _where(p), text) for text in missing]
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
        if rule.scope == "pairing":
            groups[p["id"]] = (p["lead_id"], {p["partner_id"]}, _where(p))
        else:
            lead, partners, _ = groups.get(p["lead_id"], (p["lead_id"], set(), ""))
            partners.add(p["partner_id"])
            groups[p["lead_id"]] = (lead, partners, f"“{p['lead_name']}”及其结对园")
    exchanges = store.query(
        "SELECT from_id, to_id, start_date FROM staff_exchange WHERE deleted_at IS NULL"
    )
    out = []
    for year in _exchange_years(cal, store, today, within):
        closed = today > year.end
        for lead, partners, label in groups.values():
            dated = [x for x in exchanges if (d := _date(x["start_date"])) and year.contains(d)]
            out_n = sum(1 for x in dated if x["from_id"] == lead and x["to_id"] in partners)
            back_n = sum(1 for x in dated if x["from_id"] in partners and x["to_id"] == lead)
            missing = []
            if out_n < rule.min:
                missing.append(f"派出交流 {out_n} 人，要求至少 {rule.min} 人")
            if back_n < rule.min:
                missing.append(f"对方派来交流 {back_n} 人，要求至少 {rule.min} 人")
            unequal = out_n != back_n if rule.balance == "same" else back_n < out_n
            if rule.balance and unequal and not missing:
                word = "不同" if rule.balance == "same" else "派来少于派出"
                missing.append(f"双方交流人数{word}（派出 {out_n} 人，派来 {back_n} 人）")
            out += [Finding(rule, f"{year.label} {label}", t, closed) for t in missing]
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
            out.append(Finding(rule, _where(p), f"师徒结对 {n} 对，要求至少 {rule.min} 对"))
    return out


def findings(
    store: Store,
    cal: Calendar,
    roster_rules: tuple[RosterRule, ...],
    today: dt.date,
    within: Period | None = None,
) -> list[Finding]:
    """What the roster lacks under each rule; ``within``: the programme's own dates (school
    years outside them are not asked for)."""
    out: list[Finding] = []
    for rule in roster_rules:
        if rule.check == "agreement":
            out += _agreement(rule, store)
        elif rule.check == "exchange":
            out += _exchange(rule, cal, store, today, within)
        else:
            out += _mentor_pairs(rule, store)
    return out
