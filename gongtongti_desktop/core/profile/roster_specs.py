"""Rules over the roster as the profile states them (``[[roster_rules]]`` in ``rules.toml``):
what the pairings, 交流轮岗 and 师徒结对 must show, as opposed to what the diary counts per period
(``rule_specs``). Read when the profile loads; ``core.checks.roster_rules`` applies them.

Three checks, each a sentence of a notice: ``agreement`` (each pairing's 帮扶协议 signed, filed
with the bureau, the pairing lasting at least ``min_years``), ``exchange`` (交流轮岗 at least
``min`` people a school year from each side of a pairing, or of a lead kindergarten's group;
``balance``: "same" — as many back as out, 青铜峡's "同等数量"; "no_fewer" — no fewer back than
out, 沂源 C6's "同等人数或……多于") and ``mentor_pairs`` (at least ``min`` 师徒 pairs between
the two sides of each pairing). A finding names the pairing and what is missing, in Chinese,
so ``check`` can list it beside the roster's other gaps.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable

CHECKS = ("agreement", "exchange", "mentor_pairs")
SCOPES = ("pairing", "lead")
BALANCES = ("", "same", "no_fewer")


class RosterRule(NamedTuple):
    """A rule about the roster itself (exchanges, mentor pairs, agreements), checked against
    the pairings rather than counted from activities."""

    id: str
    label: str
    check: str  # one of CHECKS
    min: int = 0  # exchange: people a school year each way; mentor_pairs: pairs per pairing
    min_years: int = 0  # agreement: the pairing lasts at least this many years (0: not asked)
    signed: bool = False  # agreement: a signing date is recorded
    filed: bool = False  # agreement: filed with the bureau (备案)
    # agreement, one-off deadlines of the pairings starting in that year: entered in the roster
    # (the 年度帮扶计划表 "于2024年9月5日前上报") and the agreement signed ("9月6日至9月25日")
    listed_by: dt.date | None = None
    signed_by: dt.date | None = None
    # and filed (备案) and sent on by this day ("10月15日前……将已签订的帮扶协议上报市教育局"):
    # an unfiled agreement is a reminder until then, a miss after it
    filed_by: dt.date | None = None
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


def _day(t: TomlTable, key: str) -> dt.date | None:
    value = t.get(key, object, None)
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ProfileError(
            f"{t.where}：{key} 应为日期（例如 2024-09-05，不加引号），实际为 {value!r}"
        )
    return value


def load_roster_rules(t: TomlTable) -> tuple[RosterRule, ...]:
    """The ``[[roster_rules]]`` of a rules file, checked: each key only where its check reads it."""
    out = []
    for rt in t.tables("roster_rules"):
        check = rt.get("check", str, required=True)
        if check not in CHECKS:
            raise ProfileError(f"{rt.where}：check 只能是 {' / '.join(CHECKS)}，实际为 {check!r}")
        only = {
            "min_years": "agreement",
            "listed_by": "agreement",
            "signed_by": "agreement",
            "filed_by": "agreement",
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
            listed_by=_day(rt, "listed_by"),
            signed_by=_day(rt, "signed_by"),
            filed_by=_day(rt, "filed_by"),
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
