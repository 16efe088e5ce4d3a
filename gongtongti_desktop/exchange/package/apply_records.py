"""Merging the records of an upload package (its ``data.json``) into a data file, by UUID.

Checked before anything is written: the document's shape, every row's columns and types
against the data file's own schema, duplicate UUIDs, references that resolve, attachment
names that cannot escape the attachments folder. Then a plan: new records, updates (the newer
``updated_at`` wins), unchanged ones, and conflicts — records changed on both sides since they
were last exchanged (``reported`` holds the base digest). Applying the plan is one transaction;
every local version replaced and every incoming version not taken is kept in ``revision``, so
a merge never drops a change silently.

A package from another kindergarten brings the shared community records (roster, activities,
attachments); its plans, scores and summaries are that kindergarten's own documents and are
listed as skipped — the 汇总 (merge) report compares those across kindergartens instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter, methodcaller
from typing import Any

from gongtongti_desktop.core.datafile.schema_tables import LINKS, REPORTED_TABLES
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import reporting
from gongtongti_desktop.core.records.attachments import DOCUMENT_SUFFIXES, IMAGE_SUFFIXES
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError

OWN_DOCUMENTS = ("plan_item", "score", "stage_summary")
# Unique keys besides the UUID: a record with another UUID but the same key is the same record.
NATURAL_KEYS = {"score": ("index_id", "period", "item"), "stage_summary": ("period",)}
MAX_ROWS = 500_000
_UUID = re.compile(r"^[0-9a-fA-F-]{8,64}\Z")
_SHA256 = re.compile(r"^[0-9a-f]{64}\Z")
_SUFFIXES = {".jpg", *IMAGE_SUFFIXES, *DOCUMENT_SUFFIXES}
_TYPES = {"TEXT": (str,), "INTEGER": (int,), "REAL": (int, float)}
_NONE = type(None)
_MAX_TEXT = 200_000  # characters in one field


class PackageDataError(UserError):
    """The package's records are malformed; nothing was written."""


@dataclass
class Conflict:
    table: str
    record_id: str
    label: str
    kept: str  # "本机" / "数据包"
    local_updated: str
    incoming_updated: str


@dataclass
class RecordsPlan:
    inserts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    kept_local: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    adopt: tuple[str, str] | None = None  # (uuid, name): an empty file takes the package's
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Nothing to write. A conflict is something: even when this file's version stays,
        the package's version is kept in 修改记录 — and the conflict is said."""
        return not (self.inserts or self.updates or self.adopt or self.conflicts)

    def outcome_lines(self) -> list[str]:
        def count(entries: list[Any]) -> str:
            by_table: dict[str, int] = {}
            for entry in entries:
                by_table[entry[0]] = by_table.get(entry[0], 0) + 1
            return "，".join(f"{reporting.TABLE_LABELS[t]} {n}" for t, n in by_table.items())

        lines = []
        if self.inserts:
            lines.append(f"新增 {len(self.inserts)} 条（{count(self.inserts)}）")
        if self.updates:
            lines.append(f"更新 {len(self.updates)} 条（数据包中的较新）：{count(self.updates)}")
        if self.kept_local:
            lines.append(
                f"保留本机 {len(self.kept_local)} 条（本机的较新）：{count(self.kept_local)}"
            )
        lines.append(f"相同未变 {self.unchanged} 条")
        for c in self.conflicts:
            lines.append(
                f"冲突：{c.label} 两边都改过（本机 {c.local_updated}，数据包 {c.incoming_updated}），"
                f"采用{c.kept}的版本，另一版本保存在修改记录中"
            )
        for table, n in self.skipped.items():
            lines.append(
                f"跳过 {reporting.TABLE_LABELS[table]} {n} 条（属于其他幼儿园，不并入本园）"
            )
        return lines


# -- checking the document --------------------------------------------------------------------


def table_schema(store: Store, table: str) -> dict[str, tuple[str, bool]]:
    """column → (declared type, required: NOT NULL without a default). Asked once per table
    and store (a merge of 200 packages asked it half a million times)."""
    key = f"columns:{table}"
    if key not in store.schema_cache:
        store.schema_cache[key] = {
            r[1]: (r[2].upper(), bool(r[3]) and r[4] is None)
            for r in store.conn.execute(f"PRAGMA table_info({table})")
        }
    return store.schema_cache[key]


def _references(store: Store, table: str) -> dict[str, str]:
    return {r[3]: r[2] for r in store.conn.execute(f"PRAGMA foreign_key_list({table})")}


def check_document(store: Store, doc: Any) -> dict[str, list[dict[str, Any]]]:
    """The records of a ``data.json`` document, checked; PackageDataError on anything wrong."""
    if not isinstance(doc, dict) or doc.get("format") != reporting.DATA_FORMAT:
        raise PackageDataError("数据包中的 data.json 不是共同体工作台的数据")
    version = doc.get("version")
    if not isinstance(version, int) or version > reporting.DATA_VERSION:
        raise PackageDataError(
            f"数据包的数据格式版本为 {version}，本程序只认识 {reporting.DATA_VERSION} 及以下；请升级本程序"
        )
    if doc.get("programme") != store.programme_id:
        raise PackageDataError(
            f"数据包属于方案“{doc.get('programme')}”，与本数据文件的方案“{store.programme_id}”不同"
        )
    raw = doc.get("records")
    if not isinstance(raw, dict) or set(raw) - set(REPORTED_TABLES):
        raise PackageDataError("数据包中的 records 格式不对")
    records: dict[str, list[dict[str, Any]]] = {}
    # Each table's rows turned into columns once, for the type checks and the value checks.
    gathered: dict[str, Callable[[str], Sequence[Any]]] = {}
    total = 0
    for table in REPORTED_TABLES:
        rows = raw.get(table, [])
        if not isinstance(rows, list):
            raise PackageDataError(f"数据包中的 {table} 应为列表")
        total += len(rows)
        if total > MAX_ROWS:
            raise PackageDataError(f"数据包中的记录超过 {MAX_ROWS} 条，不像一个幼儿园的数据")
        column = _rows_pass(_row_shape(store, table), table, rows)
        if column is None:
            for row in rows:
                _check_row(store, table, row)  # says what is wrong with the first bad row
            column = _columns_of(rows)  # only if the two checks disagreed: the row check rules
        gathered[table] = column
        records[table] = rows
        ids = [row["id"] for row in rows]
        if len(set(ids)) != len(ids):
            duplicate = next(i for i in ids if ids.count(i) > 1)
            raise PackageDataError(
                f"数据包中的{reporting.TABLE_LABELS[table]}有重复的编号 {duplicate}"
            )
    from gongtongti_desktop.core.checks.values import ValueProblem, check_values
    from gongtongti_desktop.core.profile.programme import get_programme

    try:
        numeric = {
            table: frozenset(
                name
                for name, allowed, _required in _row_shape(store, table).columns
                if allowed & {int, float}
            )
            for table in records
        }
        check_values(get_programme(store.programme_id), records, numeric, gathered)
    except ValueProblem as exc:
        raise PackageDataError(f"数据包中{exc}") from None
    _check_references(store, records, gathered)
    return records


@dataclass(frozen=True)
class _RowShape:
    """What a row of one table may hold, worked out once per table and store: every row of a
    package is checked against it (a 汇总 of 200 packages checks 400 000 rows)."""

    label: str
    known: frozenset[str]  # columns and link lists
    columns: tuple[tuple[str, frozenset[type], bool], ...]  # (name, allowed types, required)
    links: tuple[str, ...]


def _row_shape(store: Store, table: str) -> _RowShape:
    key = f"row_shape:{table}"
    if key not in store.schema_cache:
        columns = table_schema(store, table)
        links = tuple(LINKS.get(table, {}))
        store.schema_cache[key] = _RowShape(
            label=reporting.TABLE_LABELS[table],
            known=frozenset(columns) | frozenset(links),
            columns=tuple(
                (name, frozenset(_TYPES.get(kind, (str, int, float))), required)
                for name, (kind, required) in columns.items()
            ),
            links=links,
        )
    return store.schema_cache[key]


def _rows_pass(
    shape: _RowShape, table: str, rows: list[Any]
) -> Callable[[str], Sequence[Any]] | None:
    """Whether every row passes ``_check_row`` — asked a column at a time, so the work runs
    in C (a package of a busy year has 40 000 values to look at): the rows' column getter
    when they do (the value checks read the same columns), None sends the rows through
    ``_check_row`` one by one, which says what is wrong."""
    if not set(map(type, rows)) <= {dict}:
        return None
    column, keys = _columns_and_keys(rows)
    # Rows all of the same keys (a package of this program's): the first row's say it for all.
    if not (
        shape.known.issuperset(keys) if keys is not None else all(map(shape.known.issuperset, rows))
    ):
        return None
    ids = column("id")
    if not set(map(type, ids)) <= {str} or not all(map(_UUID.match, ids)):
        return None
    for name, allowed, required in shape.columns:
        values = column(name)
        types = set(map(type, values))
        if required and _NONE in types:
            return None
        types.discard(_NONE)
        if not types <= allowed:
            return None
        texts = filter(None, values) if types == {str} else (v for v in values if type(v) is str)
        if max(map(len, texts), default=0) > _MAX_TEXT:
            return None
    for name in shape.links:
        # With the same keys in every row, a link list present in one is present in all.
        lists = (
            column(name)
            if keys is not None and name in keys
            else [row.get(name, []) for row in rows]
        )
        if not set(map(type, lists)) <= {list} or not set(map(type, chain(*lists))) <= {str}:
            return None
    if table == "attachment" and not all(
        _SHA256.match(str(row.get("sha256", ""))) and row.get("suffix") in _SUFFIXES for row in rows
    ):
        return None
    return column


def _columns_of(rows: list[dict[str, Any]]) -> Callable[[str], Sequence[Any]]:
    """A getter of one column's values (None where a row leaves it out)."""
    return _columns_and_keys(rows)[0]


def _columns_and_keys(
    rows: list[dict[str, Any]],
) -> tuple[Callable[[str], Sequence[Any]], tuple[str, ...] | None]:
    """``_columns_of`` and the keys every row has, in the same order (None when they differ).
    When every row has the same keys in the same order — a package written by this program
    always does — the rows are turned into columns at once, three times faster than a column
    at a time."""
    keys = tuple(rows[0]) if rows else ()
    if all(map(keys.__eq__, map(tuple, rows))):
        by_name = dict(zip(keys, zip(*map(dict.values, rows), strict=True), strict=True))
        absent = (None,) * len(rows)
        return (lambda name: by_name.get(name, absent)), keys
    return (lambda name: list(map(methodcaller("get", name), rows))), None


def _check_row(store: Store, table: str, row: Any) -> dict[str, Any]:
    shape = _row_shape(store, table)
    label = shape.label
    if type(row) is not dict:
        raise PackageDataError(f"数据包中的{label}记录格式不对")
    if not shape.known.issuperset(row):
        unknown = set(row) - shape.known
        raise PackageDataError(
            f"数据包中的{label}记录有本程序不认识的字段：{'、'.join(sorted(unknown))}"
        )
    if not isinstance(row.get("id"), str) or not _UUID.match(row["id"]):
        raise PackageDataError(f"数据包中的{label}记录编号不对：{row.get('id')!r}")
    for name, allowed, required in shape.columns:
        value = row.get(name)
        if value is None:
            if required:
                raise PackageDataError(f"数据包中的{label}记录缺少 {name}")
            continue
        # Exact types: JSON gives str, int, float, bool, list, dict — bool is not a number here.
        if type(value) not in allowed:
            raise PackageDataError(f"数据包中的{label}记录的 {name} 类型不对：{value!r}")
        if type(value) is str and len(value) > _MAX_TEXT:
            raise PackageDataError(f"数据包中的{label}记录的 {name} 过长")
    for name in shape.links:
        values = row.get(name, [])
        if type(values) is not list or not all(type(v) is str for v in values):
            raise PackageDataError(f"数据包中的{label}记录的 {name} 应为文字列表")
    if table == "attachment" and (
        not _SHA256.match(str(row.get("sha256", ""))) or row.get("suffix") not in _SUFFIXES
    ):
        raise PackageDataError("数据包中的附件记录的文件摘要或扩展名不对")
    return row


def _check_references(
    store: Store,
    records: dict[str, list[dict[str, Any]]],
    gathered: dict[str, Callable[[str], Sequence[Any]]],
) -> None:
    """Every id a row names is a record of the package or of the data file. The ids are read
    from the columns the type checks gathered (a reference column holds text or None, a
    link list a list of texts: both checked before)."""
    incoming = {table: set(gathered[table]("id")) for table in records}
    for table, rows in records.items():
        column_of = gathered[table]
        for column, target in _references(store, table).items():
            wanted = set(column_of(column)) - {None, ""}
            local = {r[0] for r in store.conn.execute(f"SELECT id FROM {target}") if r[0] in wanted}
            missing = wanted - local - incoming.get(target, set())
            if missing:
                raise PackageDataError(
                    f"数据包中的{reporting.TABLE_LABELS[table]}引用了不存在的"
                    f"{reporting.TABLE_LABELS.get(target, target)}（{sorted(missing)[0]}）"
                )
        for name in LINKS.get(table, {}):
            if table == "score":
                for row in rows:
                    for entry in row.get(name, []):
                        kind, _, target_id = entry.partition(":")
                        if kind not in ("activity", "attachment", "plan_item") or not target_id:
                            raise PackageDataError(f"数据包中的考核评分佐证格式不对：{entry!r}")
                continue
            target = "kindergarten" if name == "receiver_ids" else "person"
            wanted = set(chain.from_iterable(filter(None, column_of(name))))
            local = {r[0] for r in store.conn.execute(f"SELECT id FROM {target}") if r[0] in wanted}
            missing = wanted - local - incoming.get(target, set())
            if missing:
                raise PackageDataError(
                    f"数据包中的帮扶活动引用了不存在的{reporting.TABLE_LABELS[target]}（{sorted(missing)[0]}）"
                )


# -- planning ------------------------------------------------------------------------------------


class _Present:
    """The ids (and natural keys) a table already holds, read once per table, so that a
    package's new records — nearly all of them, in a first import or a 汇总 — cost no query."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ids: dict[str, set[str]] = {}
        self._keys: dict[str, set[tuple[Any, ...]]] = {}

    def may_hold(self, table: str, row: dict[str, Any]) -> bool:
        if table not in self._ids:
            self._ids[table] = {r[0] for r in self.store.conn.execute(f"SELECT id FROM {table}")}
            if table in NATURAL_KEYS:
                keys = ", ".join(NATURAL_KEYS[table])
                self._keys[table] = set(self.store.conn.execute(f"SELECT {keys} FROM {table}"))
        if row["id"] in self._ids[table]:
            return True
        natural = NATURAL_KEYS.get(table)
        return natural is not None and tuple(row.get(k) for k in natural) in self._keys[table]


def _local(store: Store, table: str, row: dict[str, Any]) -> dict[str, Any] | None:
    found = store.query(f"SELECT * FROM {table} WHERE id = ?", [row["id"]])
    if not found and table in NATURAL_KEYS:
        keys = NATURAL_KEYS[table]
        found = store.query(
            f"SELECT * FROM {table} WHERE {' AND '.join(f'{k} = ?' for k in keys)}",
            [row.get(k) for k in keys],
        )
    if not found:
        return None
    return reporting.with_links(store, table, found)[0]


def _has_own_records(store: Store) -> bool:
    return any(
        store.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in REPORTED_TABLES
    )


def plan_records(store: Store, doc: Any) -> RecordsPlan:
    """What importing the document would change; writes nothing."""
    records = check_document(store, doc)
    plan = RecordsPlan(records=records)
    kindergarten = doc.get("kindergarten") or {}
    theirs = kindergarten.get("uuid") if isinstance(kindergarten, dict) else None
    ours = store.setting("kindergarten_uuid")
    own = theirs is not None and theirs == ours
    if not own and not _has_own_records(store) and isinstance(theirs, str):
        plan.adopt = (theirs, str(kindergarten.get("name", ""))[:100])
        own = True
    base = {
        (r["table_name"], r["record_id"]): r["digest"]
        for r in store.query("SELECT table_name, record_id, digest FROM reported")
    }
    present = _Present(store)
    for table in REPORTED_TABLES:
        for row in records[table]:
            if table in OWN_DOCUMENTS and not own:
                plan.skipped[table] = plan.skipped.get(table, 0) + 1
                continue
            plan_item = row.get("plan_item_id") if table == "activity" and not own else None
            if plan_item and not present.may_hold("plan_item", {"id": plan_item}):
                # The plan item is the other kindergarten's own document, not taken here.
                row = {**row, "plan_item_id": None}
            local = _local(store, table, row) if present.may_hold(table, row) else None
            if local is None:
                plan.inserts.append((table, row))
                continue
            incoming = {**row, "id": local["id"]}
            mine, yours = reporting.digest(local), reporting.digest(incoming)
            if mine == yours:
                plan.unchanged += 1
                continue
            newer = str(incoming.get("updated_at", "")) > str(local.get("updated_at", ""))
            known = base.get((table, local["id"]))
            if known is not None and known not in (mine, yours):
                plan.conflicts.append(
                    Conflict(
                        table, local["id"], reporting.record_label(table, local),
                        "数据包" if newer else "本机", str(local.get("updated_at")),
                        str(incoming.get("updated_at")),
                    )
                )  # fmt: skip
            if newer:
                plan.updates.append((table, incoming, local))
            else:
                plan.kept_local.append((table, incoming, local))
    return plan


# -- applying ---------------------------------------------------------------------------------


def _keep_revision(store: Store, table: str, row: dict[str, Any], source: str) -> None:
    data = {**row, "_source": source}
    store.execute(
        "INSERT INTO revision (table_name, record_id, saved_at, data) VALUES (?, ?, ?, ?)",
        [table, row["id"], now_iso(), json.dumps(data, ensure_ascii=False)],
    )


def _write_links(store: Store, table: str, row: dict[str, Any]) -> None:
    for name, (link, own, _value) in LINKS.get(table, {}).items():
        store.execute(f"DELETE FROM {link} WHERE {own} = ?", [row["id"]])
        for value in row.get(name, []):
            if table == "score":
                kind, _, target = value.partition(":")
                store.execute(
                    "INSERT INTO score_evidence (score_id, target_table, target_id) VALUES (?, ?, ?)",
                    [row["id"], kind, target],
                )
            else:
                other = "kindergarten_id" if name == "receiver_ids" else "person_id"
                store.execute(
                    f"INSERT INTO {link} ({own}, {other}) VALUES (?, ?)", [row["id"], value]
                )


def _runs(entries: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Consecutive entries of one table together, in order (a table after those it refers to)."""
    runs: list[tuple[str, list[dict[str, Any]]]] = []
    for table, row in entries:
        if runs and runs[-1][0] == table:
            runs[-1][1].append(row)
        else:
            runs.append((table, [row]))
    return runs


def _insert_rows(store: Store, table: str, rows: list[dict[str, Any]]) -> None:
    """New records and their links, a statement per shape rather than per row (a 汇总 of 200
    packages inserts half a million rows)."""
    schema = table_schema(store, table)
    getters: dict[tuple[str, ...], tuple[tuple[str, ...], Callable[[dict[str, Any]], Any]]] = {}
    shapes: dict[tuple[str, ...], list[Any]] = {}
    for row in rows:
        keys = tuple(row)
        if keys not in getters:
            columns = tuple(k for k in keys if k in schema)
            getter = itemgetter(*columns) if len(columns) > 1 else lambda r, c=columns: (r[c[0]],)
            getters[keys] = (columns, getter)
        columns, getter = getters[keys]
        shapes.setdefault(columns, []).append(getter(row))
    for columns, values in shapes.items():
        store.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            values,
        )
    for name, (link, own, _value) in LINKS.get(table, {}).items():
        if table == "score":
            store.conn.executemany(
                "INSERT INTO score_evidence (score_id, target_table, target_id) VALUES (?, ?, ?)",
                [(row["id"], *v.partition(":")[::2]) for row in rows for v in row.get(name, [])],
            )
        else:
            other = "kindergarten_id" if name == "receiver_ids" else "person_id"
            store.conn.executemany(
                f"INSERT INTO {link} ({own}, {other}) VALUES (?, ?)",
                [(row["id"], v) for row in rows for v in row.get(name, [])],
            )


def _columns(store: Store, table: str, row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k in table_schema(store, table)}


def apply_planned(
    store: Store, plan: RecordsPlan, source: str, period_key: str, *, mark: bool = True
) -> str:
    """Write the plan in one transaction (all or nothing) and log the import; returns the
    log id. The records taken become "exchanged": later edits keep revisions. ``mark=False``:
    a throw-away file (the 汇总's) that only computes figures: no log, no marks, returns ""."""
    with store.atomic():
        if plan.adopt is not None:
            store.set_setting("kindergarten_uuid", plan.adopt[0])
            if plan.adopt[1] and not store.kindergarten_name:
                store.set_setting("kindergarten_name", plan.adopt[1])
        for table, rows in _runs(plan.inserts):
            _insert_rows(store, table, rows)
        for table, incoming, local in plan.updates:
            if not reporting.is_reported(store, table, local["id"]):  # else the trigger keeps it
                _keep_revision(store, table, local, f"导入前的本机版本（{source}）")
            values = _columns(store, table, incoming)
            values.pop("id")
            store.execute(
                f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                [*values.values(), local["id"]],
            )
            _write_links(store, table, incoming)
        for table, incoming, _local in plan.kept_local:
            _keep_revision(store, table, incoming, f"未采用的导入版本（{source}，本机较新）")
        if not mark:
            return ""
        taken = {
            table: [row for row in rows if table not in OWN_DOCUMENTS or not plan.skipped]
            for table, rows in plan.records.items()
        }
        return reporting.mark_exchanged(
            store, taken, direction="import", period_key=period_key, path=source
        )
