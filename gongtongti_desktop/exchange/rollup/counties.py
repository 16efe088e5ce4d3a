"""The 汇总 above the kindergarten: participation per county and for the city, set against the
yearly targets of the programme (``[[targets]]``; 盘锦 "2024年…共22所…其中盘山县参与帮扶3所、被帮扶
3所…").

Each package carries its roster; a kindergarten counts once however many packages name it (the
same id in every data file it was imported into). Its county is its 所在乡镇 (``township``) as the
roster records it; one left blank is counted under "（未填县区）". The year is the calendar year
the package's period starts in. The notice's own disagreement (2024: the counties add to 21, the
total says 22) is printed as a note, not corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.profile.targets import Target
from gongtongti_desktop.errors import UserError

if TYPE_CHECKING:
    from gongtongti_desktop.exchange.rollup.figures import KindergartenRow

UNKNOWN = "（未填县区）"
CITY = "全市"


@dataclass(frozen=True)
class CountyRow:
    programme_name: str
    year: int
    county: str  # a county, or CITY
    helpers: int
    helped: int
    target_helpers: int | None  # None: the notice sets no figure for this county
    target_helped: int | None
    target_total: int | None  # CITY: the notice's "共N所"; a county: its two figures added
    note: str = ""  # CITY: the share target and the notice's own discrepancy
    distinct: int | None = None  # CITY: kindergartens taking part, each once (one may do both)

    @property
    def total(self) -> int:
        return self.distinct if self.distinct is not None else self.helpers + self.helped


def _target(programme_id: str, year: int) -> Target | None:
    try:
        targets = get_programme(programme_id).targets
    except UserError:  # a package of a profile not installed here: no targets to show
        return None
    return next((t for t in targets if t.year == year), None)


def county_rows(rows: list[KindergartenRow]) -> list[CountyRow]:
    """Per programme and year with targets: one row per county (the target's first, then any
    other seen), then the city."""
    groups: dict[tuple[str, int], list[KindergartenRow]] = {}
    for row in rows:
        groups.setdefault((row.programme_id, row.period.start.year), []).append(row)
    out: list[CountyRow] = []
    for (programme_id, year), members in sorted(groups.items()):
        target = _target(programme_id, year)
        if target is None:
            continue
        helpers: dict[str, str] = {}
        helped: dict[str, str] = {}
        for row in members:
            for kg, county, side in row.sides:
                (helpers if side == "lead" else helped)[kg] = county or UNKNOWN
        planned = {c.name: c for c in target.counties}
        seen = sorted(set(helpers.values()) | set(helped.values()) - set(planned))
        name = members[0].programme_name
        for county in [*planned, *[c for c in seen if c not in planned]]:
            plan = planned.get(county)
            out.append(
                CountyRow(
                    name,
                    year,
                    county,
                    sum(1 for c in helpers.values() if c == county),
                    sum(1 for c in helped.values() if c == county),
                    plan.helpers if plan else None,
                    plan.helped if plan else None,
                    plan.helpers + plan.helped if plan else None,
                )
            )
        note = f"目标：农村幼儿园帮扶参与占比达{target.share}%"
        if target.discrepancy():
            note += f"；{target.discrepancy()}"
        city = len(set(helpers) | set(helped))
        out.append(
            CountyRow(
                name, year, CITY, len(helpers), len(helped), None, None,
                target.kindergartens, note, distinct=city,
            )
        )  # fmt: skip
    return out
