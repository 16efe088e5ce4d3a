"""A programme's yearly targets above the kindergarten (``[[targets]]`` in programme.toml): how
many kindergartens take part in a year, city-wide and per county, as the notice plans them.

盘锦's plan sets them per year ("2024年,全市规划农村幼儿园参与帮扶结对的幼儿园共22所,农村幼儿园帮扶
参与占比达40%。其中盘山县参与帮扶3所、被帮扶3所;…"). Its own 2024 county figures add to 21, not 22:
the program shows that (``discrepancy``) rather than correcting either number. The 汇总 sets the
kindergartens of the packages against these figures per county and for the city.
"""

from __future__ import annotations

from typing import NamedTuple

from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable


class CountyTarget(NamedTuple):
    """One county's part of a city-wide target, as the notice sets it per county."""

    name: str
    helpers: int  # 参与帮扶 (帮扶园)
    helped: int  # 被帮扶


class Target(NamedTuple):
    """A year's coverage target set by the notice: how many kindergartens take part."""

    year: int
    kindergartens: int  # 共N所 (city-wide)
    share: int  # 参与占比 N% of the rural kindergartens
    counties: tuple[CountyTarget, ...] = ()
    source: str = ""

    @property
    def county_total(self) -> int:
        return sum(c.helpers + c.helped for c in self.counties)

    def discrepancy(self) -> str:
        """The notice's own disagreement, worded: "" when the counties add up to the total."""
        if not self.counties or self.county_total == self.kindergartens:
            return ""
        return (
            f"{self.year}年：方案写全市共{self.kindergartens}所，"
            f"但所列各县区参与帮扶与被帮扶合计{self.county_total}所（按方案原文列出，未作更正）"
        )


def _count(where: str, county: str, value: object) -> tuple[int, int]:
    ok = isinstance(value, list) and len(value) == 2
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
    if not ok:
        raise ProfileError(
            f"{where}：counties 中“{county}”应为 [参与帮扶所数, 被帮扶所数]，例如 [3, 3]"
        )
    return value[0], value[1]  # type: ignore[index]


def load_targets(t: TomlTable) -> tuple[Target, ...]:
    """The ``[[targets]]`` of programme.toml (none: no targets), one per year."""
    out = []
    for tt in t.tables("targets"):
        counties_raw = tt.get("counties", dict, {})
        counties = tuple(
            CountyTarget(name, *_count(tt.where, name, value))
            for name, value in counties_raw.items()
        )
        target = Target(
            year=tt.get("year", int, required=True),
            kindergartens=tt.get("kindergartens", int, required=True),
            share=tt.get("share", int, 0),
            counties=counties,
            source=tt.get("source", str, ""),
        )
        tt.done()
        if target.kindergartens < 0 or not 0 <= target.share <= 100:
            raise ProfileError(f"{tt.where}：kindergartens 应不小于 0，share 应为 0–100")
        out.append(target)
    years = [x.year for x in out]
    if len(set(years)) != len(years):
        raise ProfileError(f"{t.where}：targets 中有重复的年份")
    return tuple(out)
