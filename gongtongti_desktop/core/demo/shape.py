"""A profile's demo shape (``forms/<profile>/demo.toml``): the invented roster and dates that
``gongtongti demo FILE --programme ID`` writes, kept with the profile so a new county's demo
is data like the rest of its programme.

```toml
today = 2025-01-15                      # the demo's own today (setting demo_today)
pairing = [2022-07-01, 2024-12-31]      # start and end of every pairing (signed on the start)
diary = [2024-07-01, 2025-06-30]        # optional: plans and a random diary over this span
plan_months = [3, 4, 5, 6]              # optional: only these months get plans and activities
thin_months = ["2020-10"]               # optional: months the helper fell behind
samples_from = 2024-02-01               # optional: what the rules ask for, from this day on
exchange_each_year = true               # optional: 交流轮岗 both ways every school year
late = [[2020-10-22, 2020-11-15]]       # optional: an activity of one day entered on a later one

[[units]]
lead = "城关实验幼儿园"
partners = { "受援学区" = ["东岭镇学区", "西河镇学区"] }   # keys: the profile's partner roles
township = "城关镇"                      # optional: the 乡镇 (盘锦: the 县区) of the unit's kindergartens
```
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable, read_toml

Shape = tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # (lead, ((partner, role index), …))


@dataclass(frozen=True)
class DemoSetup:
    """What one profile's demo holds. Dates are ISO days."""

    shape: Shape
    pairing: tuple[str, str]  # start and end of every pairing
    today: str  # the demo's own today (setting demo_today)
    diary: tuple[str, str] | None = None  # plan rows and random diary: first and last day
    plan_months: tuple[int, ...] = ()  # months that get plans and activities (empty: all)
    thin_months: tuple[str, ...] = ()  # "YYYY-MM": months the helper fell behind (2 activities)
    samples_from: str = ""  # rule samples (demo_diary.fill_rule_samples) from this day to today
    exchange_each_year: bool = False  # 交流轮岗 both ways in every school year of the pairing
    late: tuple[tuple[str, str], ...] = ()  # (day, entered): an activity entered after its deadline
    townships: tuple[str, ...] = ()  # per unit: the 乡镇/县区 of its kindergartens ("" none)


def _day(t: TomlTable, key: str, required: bool = False) -> str:
    value = t.get(key, object, ... if required else None)
    if value is None:
        return ""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ProfileError(f"{t.where}：{key} 应为日期（例如 2025-01-15，不加引号）")
    return value.isoformat()


def _span(t: TomlTable, key: str, required: bool = False) -> tuple[str, str] | None:
    value = t.get(key, list, ... if required else None)
    if value is None:
        return None
    ok = len(value) == 2 and all(
        isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in value
    )
    if not ok or value[1] < value[0]:
        raise ProfileError(f"{t.where}：{key} 应为 [开始日期, 结束日期]，结束不早于开始")
    return value[0].isoformat(), value[1].isoformat()


def _late(t: TomlTable) -> tuple[tuple[str, str], ...]:
    out = []
    for pair in t.get("late", list, []):
        ok = isinstance(pair, list) and len(pair) == 2
        ok = ok and all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in pair)
        if not ok or pair[1] < pair[0]:
            raise ProfileError(f"{t.where}：late 应为 [[活动日期, 录入日期], …]，录入不早于活动")
        out.append((pair[0].isoformat(), pair[1].isoformat()))
    return tuple(out)


def load_demo(folder: Path, partner_roles: tuple[str, ...]) -> DemoSetup | None:
    """``demo.toml`` of a profile folder (None when absent), checked against its roles."""
    path = folder / "demo.toml"
    if not path.is_file():
        return None
    t = TomlTable(read_toml(path), str(path))
    shape = []
    townships = []
    for ut in t.tables("units"):
        lead = ut.get("lead", str, required=True)
        townships.append(ut.get("township", str, ""))
        by_role = TomlTable(ut.get("partners", dict, required=True), f"{ut.where} partners")
        partners: list[tuple[str, int]] = []
        for role in list(by_role.data):
            if role not in partner_roles:
                raise ProfileError(
                    f"{by_role.where}：“{role}”不是本方案的结对角色（{'、'.join(partner_roles)}）"
                )
            partners += [(name, partner_roles.index(role)) for name in by_role.strings(role)]
        by_role.done()
        ut.done()
        if not partners:
            raise ProfileError(f"{ut.where}：至少一所结对园")
        shape.append((lead, tuple(partners)))
    if not shape:
        raise ProfileError(f"{path}：至少需要一个 [[units]]")
    months = t.get("plan_months", list, [])
    if not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in months):
        raise ProfileError(f"{path}：plan_months 应为 1–12 的月份列表")
    pairing = _span(t, "pairing", required=True)
    assert pairing is not None
    setup = DemoSetup(
        shape=tuple(shape),
        pairing=pairing,
        today=_day(t, "today", required=True),
        diary=_span(t, "diary"),
        plan_months=tuple(months),
        thin_months=t.strings("thin_months", default=()),
        samples_from=_day(t, "samples_from"),
        exchange_each_year=t.get("exchange_each_year", bool, False),
        late=_late(t),
        townships=tuple(townships) if any(townships) else (),
    )
    t.done()
    return setup
