"""The data file's schema as forward-only migrations (sqlite-utils ``Migrations``).

Each migration and its bookkeeping row commit in one transaction, so a crash never leaves a
half-applied step. ``SCHEMA_VERSION`` is the number of migrations and is mirrored into
``PRAGMA user_version`` so a newer file can be recognised from its header alone.
Never edit a released migration: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("gongtongti")

# Columns every user record carries: a UUID stable across machines (for merging), times, and
# soft deletion (deleted_batch groups what one click deleted, so one restore brings it back).
_COMMON = """
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    deleted_batch TEXT
"""


@migrations(name="0001_roster")
def _m0001_roster(db: Database) -> None:
    statements = [
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"""CREATE TABLE kindergarten ({_COMMON},
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '',
            township TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE person ({_COMMON},
            name TEXT NOT NULL,
            post TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            kindergarten_id TEXT REFERENCES kindergarten(id),
            note TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE pairing ({_COMMON},
            lead_id TEXT NOT NULL REFERENCES kindergarten(id),
            partner_id TEXT NOT NULL REFERENCES kindergarten(id),
            partner_role TEXT NOT NULL,
            lead_person_id TEXT REFERENCES person(id),
            partner_person_id TEXT REFERENCES person(id),
            start_date TEXT NOT NULL DEFAULT '',
            end_date TEXT NOT NULL DEFAULT '',
            agreement_signed TEXT NOT NULL DEFAULT '',
            agreement_filed INTEGER NOT NULL DEFAULT 0,
            sort_order INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE mentor_pair ({_COMMON},
            mentor_id TEXT NOT NULL REFERENCES person(id),
            mentee_id TEXT NOT NULL REFERENCES person(id),
            start_date TEXT NOT NULL DEFAULT '',
            end_date TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE staff_exchange ({_COMMON},
            person_id TEXT NOT NULL REFERENCES person(id),
            from_id TEXT NOT NULL REFERENCES kindergarten(id),
            to_id TEXT NOT NULL REFERENCES kindergarten(id),
            start_date TEXT NOT NULL DEFAULT '',
            end_date TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX person_kindergarten ON person(kindergarten_id)",
        "CREATE INDEX pairing_lead ON pairing(lead_id)",
        "CREATE INDEX pairing_partner ON pairing(partner_id)",
    ]
    for sql in statements:
        db.execute(sql)


# pending() never writes; on an empty in-memory database it lists every migration.
SCHEMA_VERSION = len(migrations.pending(Database(memory=True)))
