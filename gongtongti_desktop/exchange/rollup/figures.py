"""One kindergarten's figures for the 汇总 report, computed by the same core code the window
uses — from a throw-away data file holding just that package's records.

Why a throw-away data file rather than reading the JSON directly: the rules engine, the
activity counts of 概览 and the score sums all work on a ``Store``; loading the package into
one (checked by ``check_document``, as an import is) means the bureau's report and the
director's own 概览 can never disagree about what a package says.

The throw-away files live in memory: an empty data file per programme (``Store.create``, so
its schema is exactly the program's; made once and kept, ``empty_files``) is copied into
":memory:", and each package gets its own copy of that through SQLite's backup API.

Why a package is loaded here rather than through ``plan_records``/``apply_planned``: a 汇总 of 200
packages must keep within a few times the cost of merely reading them (issue 13). The
package's records pass every check of ``check_document`` exactly as an import's do; what goes
into the empty copy is then only what a rule reads — every row of every table but the
activities, and of the activities (95 % of a package's bytes) only those a rule can count (not
deleted, of a kind a rule names) with only the columns the rules look at, no receivers (no
figure counts them) and of the participants only those of the posts a rule asks about. The
activity counts per month and kind (概览's) are worked out from the checked records, through
the same ``overview.counts_by_month`` as the window's. An empty file would take every row as
new anyway, so no plan is needed. tests/exchange/test_exchange_summary.py checks that a whole
merge into the same copy gives the same figures, and the same counts as 概览 asks of it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.checks import overview, rules
from gongtongti_desktop.core.checks.overview import ActivityCounts
from gongtongti_desktop.core.datafile.schema_tables import LINKS, REPORTED_TABLES
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods, rule_specs
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme, available_programmes, get_programme
from gongtongti_desktop.core.records import scoring
from gongtongti_desktop.core.upload import before_export
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package import apply_records as apply_records
from gongtongti_desktop.exchange.package.read import Package
from gongtongti_desktop.exchange.package.signed_forms import SignedSummary
from gongtongti_desktop.exchange.rollup.empty_files import empty_in_memory


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
    late_entries: int = 0  # records entered after their period's deadline (逾期补录)
    # (kindergarten id, 乡镇/县区, "lead" or "partner") of each side of each pairing: the 汇总
    # counts participation per county against the programme's targets (盘锦)
    sides: tuple[tuple[str, str, str], ...] = ()
    # 上报前检查 items still open at export, per kind, from the manifest; None: a package
    # written before the manifest carried the list
    open_items: dict[str, int] | None = None
    # the package's signed forms, from its manifest (None: a package from before them)
    signed: SignedSummary | None = None
    # Photo checks, from the package's manifest (never its photos; exchange/rollup/photos.py):
    # flags, of them answered, milder notes, and the hashes for the search across kindergartens
    photo_flags: int = 0
    photo_answered: int = 0
    photo_notes: int = 0
    photo_hashes: tuple[int, ...] = ()
    photo_shared: int = 0  # photos the same as one in another kindergarten's package

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
    """Empty in-memory data files, one per programme, copied per package."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._empty: dict[str, sqlite3.Connection] = {}
        # Per programme: the schema facts check_document works out (columns, row shapes), the
        # same for every copy of one empty file — worked out once, not once per package.
        self._schema_caches: dict[str, dict[str, Any]] = {}

    def store(self, programme_id: str) -> Store:
        empty = self._empty.get(programme_id)
        if empty is None:
            empty = empty_in_memory(self.folder, programme_id)
            self._empty[programme_id] = empty
        conn = sqlite3.connect(":memory:", isolation_level=None)
        empty.backup(conn)
        # Foreign keys stay off: check_document has resolved every reference before a row is
        # loaded, and nothing is ever deleted here. No rollback journal: a copy whose load
        # fails is thrown away, never rolled back.
        conn.execute("PRAGMA recursive_triggers = ON")
        conn.execute("PRAGMA journal_mode = OFF")
        store = Store(conn, self.folder / "scratch.gtdb")
        store.schema_cache = self._schema_caches.setdefault(programme_id, {})
        return store

    def close(self) -> None:
        for conn in self._empty.values():
            conn.close()
        self._empty.clear()


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
        records = apply_records.check_document(store, package.data)
        _load(store, programme, records)
        counts = overview.counts_by_month(
            programme.calendar,
            period,
            _month_kinds(records["activity"], period),
            programme.activity_kinds,
        )
        met, closed, late = _rules(store, programme, period, today)
        sides = _sides(store)
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
        late_entries=late,
        sides=sides,
        open_items=open_counts(package),
    )


def open_counts(package: Package) -> dict[str, int] | None:
    """The manifest's 上报前检查 list counted per kind (no record is loaded for it)."""
    items = package.manifest.get("open_items")
    return None if items is None else before_export.counts(items)


def _month_kinds(rows: list[dict[str, Any]], period: Period) -> Iterable[tuple[str, str, int]]:
    """(month, kind, count) of the activities not deleted dated within the period — what
    ``overview.activity_counts`` asks its data file (deleted_at IS NULL, day BETWEEN, by
    substr(day, 1, 7) and kind), asked of the checked records, where every activity is."""
    first, last = period.start.isoformat(), period.end.isoformat()
    found = Counter(
        (row["day"][:7], row["kind"])
        for row in rows
        if row.get("deleted_at") is None and first <= row["day"] <= last
    )
    return ((month, kind, count) for (month, kind), count in found.items())


def _sides(store: Store) -> tuple[tuple[str, str, str], ...]:
    rows = store.conn.execute(
        """SELECT l.id, l.township, 'lead' FROM pairing p JOIN kindergarten l ON l.id = p.lead_id
           WHERE p.deleted_at IS NULL AND l.deleted_at IS NULL
           UNION SELECT k.id, k.township, 'partner' FROM pairing p
           JOIN kindergarten k ON k.id = p.partner_id
           WHERE p.deleted_at IS NULL AND k.deleted_at IS NULL"""
    ).fetchall()
    return tuple(sorted((r[0], r[1].strip(), r[2]) for r in rows))


# The activity columns a figure reads: overview.activity_counts (day, kind), the rules'
# filters (rules._activity_ids: kind, mode, host, ordered by day and start time), the 领域 a
# ``distinct = "domain"`` rule counts and when a record was entered (逾期补录); the texts a
# rule's ``require_any`` names are added per programme. The NOT NULL columns without a default
# left out (title, updated_at) are loaded as ''.
_ACTIVITY_READ = frozenset(
    ("id", "deleted_at", "day", "start_time", "kind", "mode", "host_id", "domain", "created_at")
)


def _load(store: Store, programme: Programme, records: dict[str, list[dict[str, Any]]]) -> None:
    """The checked records into the empty copy, in one transaction: whole rows of every
    table but the activities, of which only the columns a figure reads (see the module's
    docstring), with their participants only when a rule asks who took part."""
    rules_ = programme.rules
    texts = {name for rule in rules_ for name in rule.require_any} - {"attachments"}
    # Of the activities, only those a rule can count: every rule's query asks "deleted_at IS
    # NULL" and, when it names kinds, one of those (the activity counts of every kind are
    # worked out from the records, _month_kinds). Late entries and 领域 are asked by the ids
    # a rule counted, so they see the same rows.
    counted = [rule for rule in rules_ if rule.counts == "activities"]
    if any(not rule.kinds for rule in counted):
        wanted: frozenset[str] | None = None  # every kind
    else:
        wanted = frozenset(kind for rule in counted for kind in rule.kinds)
    activities = [
        row
        for row in records["activity"]
        if row.get("deleted_at") is None and (wanted is None or row["kind"] in wanted)
    ]
    # A rule asking who took part looks for a participant of some posts: only the links to
    # people of those posts can make it count (the people themselves are all loaded).
    posts = {post for rule in rules_ for post in rule.participant_posts}
    who = {row["id"] for row in records["person"] if row.get("post") in posts}
    links = {"score": ("evidence",), "activity": ("participant_ids",) if who else ()}
    conn = store.conn
    conn.execute("BEGIN")
    for table in REPORTED_TABLES:
        keep = _ACTIVITY_READ | texts if table == "activity" else None
        rows = activities if table == "activity" else records[table]
        _insert(store, table, rows, keep, links.get(table, ()), who)
    conn.execute("COMMIT")


def _insert(
    store: Store,
    table: str,
    rows: list[dict[str, Any]],
    keep: frozenset[str] | None,
    links: tuple[str, ...],
    who: set[str],
) -> None:
    """Rows of one table (only their ``keep`` columns, else all) by a statement per shape of
    row, as ``apply_records`` inserts, then the named link lists (of an activity's
    participants, those in ``who``)."""
    schema = apply_records.table_schema(store, table)  # cached per programme
    columns_of = frozenset(schema if keep is None else keep & schema.keys())
    getters: dict[tuple[str, ...], tuple[tuple[str, ...], Callable[[Any], Any]]] = {}
    shapes: dict[tuple[str, ...], list[Any]] = {}
    for row in rows:
        keys = tuple(row)
        found = getters.get(keys)
        if found is None:
            columns = tuple(k for k in keys if k in columns_of)  # "id" at least: checked
            getter = itemgetter(*columns) if len(columns) > 1 else lambda r, c=columns: (r[c[0]],)
            found = getters[keys] = (columns, getter)
        shapes.setdefault(found[0], []).append(found[1](row))
    # A left-out NOT NULL column without a default gets '' (see _ACTIVITY_READ).
    blank = [
        name for name, (_kind, required) in schema.items() if required and name not in columns_of
    ]
    for columns, values in shapes.items():
        names = ", ".join((*columns, *blank))
        marks = ", ".join(("?",) * len(columns) + ("''",) * len(blank))
        store.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
    for name in links:
        link, own, other = LINKS[table][name]
        if table == "score":
            pairs: list[tuple[str, ...]] = [
                (row["id"], *v.partition(":")[::2]) for row in rows for v in row.get(name, [])
            ]
            sql = "INSERT INTO score_evidence (score_id, target_table, target_id) VALUES (?, ?, ?)"
        else:
            pairs = [(row["id"], v) for row in rows for v in row.get(name, []) if v in who]
            sql = f"INSERT INTO {link} ({own}, {other}) VALUES (?, ?)"
        store.conn.executemany(sql, pairs)


def _rules(
    store: Store, programme: Programme, period: Period, today: dt.date
) -> tuple[int, int, int]:
    """Rule periods met and closed within the period, and the records that counted for them
    (or would have) entered after their deadline (逾期补录), each record once."""
    met = closed = 0
    late: set[str] = set()
    for rule in programme.rules:
        for result in rules.evaluate(store, programme.calendar, rule, period, today):
            inside = period.start <= result.period.start and result.period.end <= period.end
            if inside and result.closed:
                closed += 1
                met += result.done
            if inside:
                late.update(result.late_ids)
    return met, closed, len(late)


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
