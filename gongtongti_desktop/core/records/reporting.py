"""What an upload package (上报数据包) carries, and the protection of records once reported.

``collect`` gathers every record of a period (the roster whole; plans, activities and their
attachments, scores and summaries of the period) as plain JSON-ready rows keyed by UUID.
``mark_exchanged`` remembers, per record, the digest of what left in a package (or came in
from one): from then on the revision triggers of migration 0004 keep every earlier version of
that record, and ``changes_since_last`` lists what is new, changed or deleted since — the notices
warn that fabricated records score zero, so a change after reporting must be visible.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from gongtongti_desktop.core.datafile.schema_tables import LINKS, REPORTED_TABLES
from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.timeutil import now_iso

DATA_FORMAT = "gongtongti-data"
DATA_VERSION = 1
# Columns that say when, not what: left out of a record's digest.
_NOT_CONTENT = ("created_at", "updated_at", "deleted_batch")
# Columns added after packages were first written, left out of the digest while empty, so the
# migration that adds them does not make every reported record look changed.
_EMPTY_IS_ABSENT = ("flag_note",)
TABLE_LABELS = {
    "kindergarten": "幼儿园",
    "person": "人员",
    "pairing": "结对关系",
    "mentor_pair": "师徒结对",
    "staff_exchange": "交流轮岗",
    "plan_item": "计划事项",
    "activity": "帮扶活动",
    "attachment": "附件",
    "score": "考核评分",
    "stage_summary": "阶段总结",
}


def kindergarten_uuid(store: Store) -> str:
    """This data file's kindergarten, named the same on every machine (made on first need)."""
    value = store.setting("kindergarten_uuid")
    if not value:
        value = new_id()
        store.set_setting("kindergarten_uuid", value)
    return value


def digest(row: dict[str, Any]) -> str:
    content = {
        k: v
        for k, v in row.items()
        if k not in _NOT_CONTENT and not (v == "" and k in _EMPTY_IS_ABSENT)
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def with_links(store: Store, table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with their multi-valued parts (receivers, participants, evidence) as lists,
    as a package and a revision carry them."""
    for name, (link, own, value) in LINKS.get(table, {}).items():
        for row in rows:
            found = store.conn.execute(
                f"SELECT {value} FROM {link} WHERE {own} = ? ORDER BY {value}", [row["id"]]
            )
            row[name] = [r[0] for r in found]
    return rows


def _period_keys(programme: Programme, period: Period) -> list[str]:
    """Keys of every plan row, term and school year lying wholly inside ``period``."""
    cal = programme.calendar
    keys = []
    for per in ("month", "term", "school_year"):
        for p in periods.periods_within(cal, per, period):  # type: ignore[arg-type]
            if period.start <= p.start and p.end <= period.end:
                keys.append(periods.period_key(p))
    return keys


def _reported_deleted(store: Store, table: str) -> str:
    return f"(deleted_at IS NULL OR id IN (SELECT record_id FROM reported WHERE table_name = '{table}'))"


def _score_keys(programme: Programme, period: Period) -> list[str]:
    """The periods whose scores a package of ``period`` carries: those inside it, and the
    school year (or term) each score index is scored for that holds the period's first day —
    so a term package (the default export) carries its school year's scores as they stand,
    and the 汇总 can rank term packages too."""
    keys = _period_keys(programme, period)
    for index in programme.indexes:
        if index.period in ("term", "school_year"):
            holding = periods.period_containing(programme.calendar, index.period, period.start)  # type: ignore[arg-type]
            key = periods.period_key(holding)
            if key not in keys:
                keys.append(key)
    return keys


def collect(store: Store, programme: Programme, period: Period) -> dict[str, list[dict[str, Any]]]:
    """Every record of the period by table (deleted ones only when reported before)."""
    keys = _period_keys(programme, period)
    marks = ", ".join("?" * len(keys)) or "NULL"
    score_keys = _score_keys(programme, period)
    score_marks = ", ".join("?" * len(score_keys)) or "NULL"
    days = [period.start.isoformat(), period.end.isoformat()]
    where: dict[str, tuple[str, list[Any]]] = {
        "plan_item": (f"month IN ({marks})", keys),
        "activity": ("day BETWEEN ? AND ?", days),
        "attachment": (
            "activity_id IN (SELECT id FROM activity WHERE day BETWEEN ? AND ?)",
            days,
        ),
        "score": (f"period IN ({score_marks})", score_keys),
        "stage_summary": (f"period IN ({marks})", keys),
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for table in REPORTED_TABLES:
        condition, params = where.get(table, ("1", []))
        rows = store.query(
            f"SELECT * FROM {table} WHERE {condition} AND {_reported_deleted(store, table)}"
            " ORDER BY created_at, id",
            params,
        )
        out[table] = with_links(store, table, rows)
    return out


def record_label(table: str, row: dict[str, Any]) -> str:
    """A short Chinese description for change lists: "帮扶活动 2024-10-09 送教下乡"."""
    parts = [TABLE_LABELS[table]]
    for key in ("day", "month", "period", "item", "name", "title", "task", "original_name"):
        value = row.get(key)
        if value not in (None, ""):
            parts.append(str(value))
    return " ".join(parts[:3])


@dataclass
class Changes:
    """What a package holds compared with the last one: entries are (table, id, label)."""

    new: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    deleted: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.deleted)

    def as_json(self) -> dict[str, list[dict[str, str]]]:
        return {
            name: [{"table": t, "id": i, "label": label} for t, i, label in entries]
            for name, entries in (
                ("new", self.new),
                ("changed", self.changed),
                ("deleted", self.deleted),
            )
        }

    def outcome_lines(self) -> list[str]:
        lines = []
        for word, entries in (("新增", self.new), ("修改", self.changed), ("删除", self.deleted)):
            if entries:
                lines.append(f"自上次上报以来{word} {len(entries)} 条：")
                lines += [f"  {label}" for _t, _i, label in entries[:50]]
                if len(entries) > 50:
                    lines.append(f"  ……另有 {len(entries) - 50} 条")
        return lines


def changes_since_last(store: Store, records: dict[str, list[dict[str, Any]]]) -> Changes:
    """Records new since the last package, changed after it (digest differs) or deleted."""
    base = {
        (r["table_name"], r["record_id"]): r["digest"]
        for r in store.query("SELECT table_name, record_id, digest FROM reported")
    }
    changes = Changes()
    for table, rows in records.items():
        for row in rows:
            known = base.get((table, row["id"]))
            entry = (table, row["id"], record_label(table, row))
            if row.get("deleted_at"):
                if known is not None and known != digest(row):
                    changes.deleted.append(entry)
            elif known is None:
                changes.new.append(entry)
            elif known != digest(row):
                changes.changed.append(entry)
    return changes


def mark_exchanged(
    store: Store,
    records: dict[str, list[dict[str, Any]]],
    *,
    direction: str,
    period_key: str,
    path: str,
    changes: Changes | None = None,
) -> str:
    """Log a package written (``direction`` "export") or read ("import") and remember the digest
    of every record it carried. Returns the log id."""
    log_id = new_id()
    now = now_iso()
    count = sum(len(rows) for rows in records.values())
    with store.atomic():
        store.execute(
            "INSERT INTO export_log (id, created_at, direction, period, path, record_count, changes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                log_id,
                now,
                direction,
                period_key,
                path,
                count,
                json.dumps(changes.as_json() if changes else {}, ensure_ascii=False),
            ],
        )
        store.conn.executemany(
            "INSERT INTO reported (table_name, record_id, export_id, digest, reported_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id) DO UPDATE SET"
            " export_id = excluded.export_id, digest = excluded.digest,"
            " reported_at = excluded.reported_at",
            [
                (table, row["id"], log_id, digest(row), now)
                for table, rows in records.items()
                for row in rows
            ],
        )
    return log_id


def last_export(store: Store) -> dict[str, Any] | None:
    rows = store.query(
        "SELECT * FROM export_log WHERE direction = 'export' ORDER BY created_at DESC, rowid DESC"
        " LIMIT 1"
    )
    return rows[0] if rows else None


def is_reported(store: Store, table: str, record_id: str) -> bool:
    return bool(
        store.query(
            "SELECT 1 FROM reported WHERE table_name = ? AND record_id = ?", [table, record_id]
        )
    )


def revisions(store: Store, table: str, record_id: str) -> list[dict[str, Any]]:
    """Earlier versions of a reported record, oldest first: saved_at and the row as it was."""
    rows = store.query(
        "SELECT saved_at, data FROM revision WHERE table_name = ? AND record_id = ? ORDER BY id",
        [table, record_id],
    )
    return [{"saved_at": r["saved_at"], "data": json.loads(r["data"])} for r in rows]


@dataclass(frozen=True)
class ReportStatus:
    reported_at: str  # "" when never reported (nor received)
    direction: str  # "export" / "import" / ""
    revisions: int  # earlier versions kept since


def current_version(store: Store, table: str, record_id: str) -> dict[str, Any]:
    """The record as it stands now (deleted or not), with its links — the newest line of its
    修改记录; empty when there is no such record."""
    current = store.query(f"SELECT * FROM {table} WHERE id = ?", [record_id])
    return with_links(store, table, current)[0] if current else {}


def report_status(store: Store, table: str, record_id: str) -> ReportStatus:
    rows = store.query(
        "SELECT r.reported_at, l.direction FROM reported r JOIN export_log l ON l.id = r.export_id"
        " WHERE r.table_name = ? AND r.record_id = ?",
        [table, record_id],
    )
    count = store.conn.execute(
        "SELECT count(*) FROM revision WHERE table_name = ? AND record_id = ?", [table, record_id]
    ).fetchone()[0]
    if not rows:
        return ReportStatus("", "", count)
    return ReportStatus(rows[0]["reported_at"], rows[0]["direction"], count)


def changed_fields(older: dict[str, Any], newer: dict[str, Any]) -> list[str]:
    """Names of the fields that differ between two versions (times and bookkeeping left out)."""
    skip = {*_NOT_CONTENT, "_source"}
    names = [k for k in {**older, **newer} if k not in skip]
    return [k for k in names if older.get(k) != newer.get(k)]


def revised_records(store: Store) -> list[dict[str, Any]]:
    """Every record with earlier versions kept (edited after it was reported or received),
    newest change first: table, id, label, reported_at, revisions, last_saved."""
    rows = store.query(
        "SELECT table_name, record_id, count(*) AS n, max(saved_at) AS last_saved"
        " FROM revision GROUP BY table_name, record_id ORDER BY last_saved DESC"
    )
    out = []
    for r in rows:
        table, record_id = r["table_name"], r["record_id"]
        current = store.query(f"SELECT * FROM {table} WHERE id = ?", [record_id])
        label = record_label(table, current[0]) if current else TABLE_LABELS.get(table, table)
        status = report_status(store, table, record_id)
        out.append(
            {
                "table": table,
                "id": record_id,
                "label": label,
                "deleted": bool(current and current[0].get("deleted_at")),
                "reported_at": status.reported_at,
                "revisions": r["n"],
                "last_saved": r["last_saved"],
            }
        )
    return out
