"""One kindergarten's figures for the 汇总 report, computed by the same core code the window
uses — from a throw-away data file holding just that package's records.

Why a throw-away data file rather than reading the JSON directly: the rules engine, the
activity counts of 概览 and the score sums all work on a ``Store``; loading the package into
one (``core.package_merge``, the same merge an import does) means the bureau's report and the
director's own 概览 can never disagree about what a package says.

The throw-away files live in memory: an empty data file per programme is made once on disk
(``Store.create``, so its schema is exactly the program's), copied into ":memory:", and each
package gets its own copy of that through SQLite's backup API.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from gongtongti_desktop.core.checks import overview, rules
from gongtongti_desktop.core.checks.overview import ActivityCounts
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods, rule_specs
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme, available_programmes, get_programme
from gongtongti_desktop.core.records import scoring
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package import apply_records as package_merge
from gongtongti_desktop.exchange.package.read import Package


@dataclass
class KindergartenRow:
    """One row of the 汇总 sheet: one kindergarten's latest package for one period."""

    path: Path
    uuid: str
    name: str
    programme_id: str
    programme_name: str
    period: Period
    period_key: str
    created_at: dt.datetime
    deadline: dt.date
    activities: ActivityCounts
    rules_met: int  # rule periods met, among the closed ones wholly inside the period
    rules_closed: int
    self_total: float | None  # None: nothing scored
    county_total: float | None
    score_max: float | None  # base + bonus of the index; None: the programme has no score index
    rank: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def on_time(self) -> bool:
        return self.created_at.date() <= self.deadline

    @property
    def rank_score(self) -> float | None:
        """What the ranking compares: the county's total when scored, else the self total."""
        return self.county_total if self.county_total is not None else self.self_total

    @property
    def rank_basis(self) -> str:
        if self.county_total is not None:
            return "县评"
        return "自评" if self.self_total is not None else ""


class Scratch:
    """Empty in-memory data files, one template per programme, copied per package."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._templates: dict[str, sqlite3.Connection] = {}

    def store(self, programme_id: str) -> Store:
        template = self._templates.get(programme_id)
        if template is None:
            path = self.folder / f"template-{len(self._templates)}.gtdb"
            Store.create(path, kindergarten="", programme_id=programme_id).close()
            template = sqlite3.connect(":memory:")
            source = sqlite3.connect(path)
            try:
                source.backup(template)
            finally:
                source.close()
            # Figures never search the diary: without the full-text triggers a package of
            # 2 000 activities goes in several times faster. The indexes by day serve a diary
            # of ten years; a package's year is read whole faster than they are kept up.
            for kind, name in template.execute(
                "SELECT type, name FROM sqlite_master WHERE (type = 'trigger' AND name LIKE"
                " 'activity_fts_%') OR (type = 'index' AND name IN ('activity_day',"
                " 'activity_day_time'))"
            ).fetchall():
                template.execute(f"DROP {kind.upper()} {name}")
            self._templates[programme_id] = template
        conn = sqlite3.connect(":memory:")
        template.backup(conn)
        # Foreign keys stay off: check_document has resolved every reference before a row is
        # loaded, and nothing is ever deleted here.
        conn.execute("PRAGMA recursive_triggers = ON")
        return Store(conn, self.folder / "scratch.gtdb")

    def close(self) -> None:
        for conn in self._templates.values():
            conn.close()
        self._templates.clear()


def programme_of(package: Package) -> Programme:
    if package.programme_id not in available_programmes():
        raise UserError(f"本程序没有数据包所属的方案“{package.programme_id}”")
    return get_programme(package.programme_id)


def package_period(programme: Programme, package: Package) -> Period:
    """The package's period from its key, checked against the days the manifest states."""
    period = periods.period_from_key(programme.calendar, package.period_key)
    stated = package.manifest["period"]
    if (period.start.isoformat(), period.end.isoformat()) != (stated["start"], stated["end"]):
        raise UserError(f"数据包中的期间 {package.period_key} 与其起止日期不一致")
    return period


def due_day(programme: Programme, period: Period) -> dt.date:
    """When the package was due: a month's materials by the profile's monthly report day (the
    rule engine's own deadline), a term's or school year's by its last day."""
    rule = rule_specs.Rule(id="report", label="上报", per=period.kind, min=0)
    return rules.deadline(programme.calendar, rule, period)


def figures(scratch: Scratch, package: Package) -> KindergartenRow:
    """Load the package into a throw-away data file and read its figures."""
    programme = programme_of(package)
    period = package_period(programme, package)
    today = package.created_at.date()  # a period still open at export cannot be judged
    with scratch.store(programme.id) as store:
        plan = package_merge.plan_merge(store, package.data)
        package_merge.apply_merge(store, plan, package.path.name, package.period_key, mark=False)
        counts = overview.activity_counts(
            store, programme.calendar, period, programme.activity_kinds
        )
        met, closed = _rules(store, programme, period, today)
        self_total, county_total, most = _scores(store, programme, period)
    return KindergartenRow(
        path=package.path,
        uuid=package.kindergarten_uuid,
        name=package.kindergarten_name,
        programme_id=programme.id,
        programme_name=programme.name,
        period=period,
        period_key=package.period_key,
        created_at=package.created_at,
        deadline=due_day(programme, period),
        activities=counts,
        rules_met=met,
        rules_closed=closed,
        self_total=self_total,
        county_total=county_total,
        score_max=most,
    )


def _rules(store: Store, programme: Programme, period: Period, today: dt.date) -> tuple[int, int]:
    met = closed = 0
    for rule in programme.rules:
        for result in rules.evaluate(store, programme.calendar, rule, period, today):
            inside = period.start <= result.period.start and result.period.end <= period.end
            if inside and result.closed:
                closed += 1
                met += result.done
    return met, closed


def _scores(
    store: Store, programme: Programme, period: Period
) -> tuple[float | None, float | None, float | None]:
    """Self and county totals of the first score index, for its term/school year containing
    the period's first day (None where nothing is scored)."""
    index = next((i for i in programme.indexes if i.kind == "score"), None)
    if index is None:
        return None, None, None
    scored = periods.period_containing(programme.calendar, index.period, period.start)  # type: ignore[arg-type]
    scores = scoring.get_scores(store, index, periods.period_key(scored))
    sums = [scoring.totals(index, scores, side) for side in ("self", "county")]
    got = [t.total if t.scored_items else None for t in sums]
    return got[0], got[1], index.base_points + index.bonus_points
