"""How many of each roster record there is — what 概览 shows at start-up — counted by SQLite
with the same tables, joins and filter as ``core.records.roster``'s listers (a test checks each
count is its list's length).

Apart from the roster module so that 概览's first frame loads neither it nor the record engine
(their classes and checks, ~3 ms): the roster's gaps are listed just after that frame. The
roster module re-exports ``count_records``.
"""

from __future__ import annotations

from gongtongti_desktop.core.datafile.store import Store

COUNTED_FROM = {
    "kindergarten": "kindergarten k WHERE k.deleted_at IS NULL",
    "person": "person p WHERE p.deleted_at IS NULL",
    "pairing": """pairing pr JOIN kindergarten l ON l.id = pr.lead_id
        JOIN kindergarten pa ON pa.id = pr.partner_id WHERE pr.deleted_at IS NULL""",
    "mentor_pair": """mentor_pair m JOIN person a ON a.id = m.mentor_id
        JOIN person b ON b.id = m.mentee_id WHERE m.deleted_at IS NULL""",
    "staff_exchange": """staff_exchange x JOIN person p ON p.id = x.person_id
        JOIN kindergarten f ON f.id = x.from_id JOIN kindergarten t ON t.id = x.to_id
        WHERE x.deleted_at IS NULL""",
}


def count_records(store: Store, table: str) -> int:
    """``len(roster.list_records(store, programme, table))`` without making the rows."""
    if table not in COUNTED_FROM:
        raise ValueError(f"不是结对名单的记录类型：{table}")
    return int(store.execute(f"SELECT count(*) FROM {COUNTED_FROM[table]}").fetchone()[0])
