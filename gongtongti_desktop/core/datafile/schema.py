"""The data file's schema as forward-only migrations (sqlite-utils ``Migrations``).

Each migration and its bookkeeping row commit in one transaction, so a crash never leaves a
half-applied step. ``SCHEMA_VERSION`` is the number of migrations and is mirrored into
``PRAGMA user_version`` so a newer file can be recognised from its header alone.
Never edit a released migration: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from gongtongti_desktop.core.datafile.schema_tables import LINKS, REPORTED_TABLES
from gongtongti_desktop.core.datafile.version import SCHEMA_VERSION

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


@migrations(name="0002_plans_and_diary")
def _m0002_plans_and_diary(db: Database) -> None:
    statements = [
        f"""CREATE TABLE plan_item ({_COMMON},
            month TEXT NOT NULL,
            day TEXT NOT NULL DEFAULT '',
            task TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '',
            responsible_id TEXT REFERENCES person(id),
            status TEXT NOT NULL DEFAULT '计划',
            completion_note TEXT NOT NULL DEFAULT '',
            sort_order INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX plan_item_month ON plan_item(month)",
        f"""CREATE TABLE activity ({_COMMON},
            day TEXT NOT NULL,
            start_time TEXT NOT NULL DEFAULT '',
            end_time TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT '线下',
            place TEXT NOT NULL DEFAULT '',
            host_id TEXT REFERENCES kindergarten(id),
            headcount INTEGER NOT NULL DEFAULT 0,
            domain TEXT NOT NULL DEFAULT '',
            plan_text TEXT NOT NULL DEFAULT '',
            measures TEXT NOT NULL DEFAULT '',
            record TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            plan_item_id TEXT REFERENCES plan_item(id))""",
        "CREATE INDEX activity_day ON activity(day)",
        "CREATE INDEX activity_plan_item ON activity(plan_item_id)",
        """CREATE TABLE activity_receiver (
            record_id TEXT NOT NULL REFERENCES activity(id),
            kindergarten_id TEXT NOT NULL REFERENCES kindergarten(id),
            PRIMARY KEY (record_id, kindergarten_id))""",
        """CREATE TABLE activity_participant (
            record_id TEXT NOT NULL REFERENCES activity(id),
            person_id TEXT NOT NULL REFERENCES person(id),
            PRIMARY KEY (record_id, person_id))""",
        f"""CREATE TABLE attachment ({_COMMON},
            activity_id TEXT NOT NULL REFERENCES activity(id),
            sha256 TEXT NOT NULL,
            original_name TEXT NOT NULL,
            suffix TEXT NOT NULL DEFAULT '',
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            caption TEXT NOT NULL DEFAULT '',
            sort_order INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX attachment_activity ON attachment(activity_id)",
        # Chinese has no spaces between words: the trigram tokenizer finds any substring of
        # three or more characters; shorter queries fall back to LIKE (core/diary.py).
        """CREATE VIRTUAL TABLE activity_fts USING fts5(
            title, place, plan_text, measures, record, summary,
            content='activity', content_rowid='rowid', tokenize='trigram')""",
        """CREATE TRIGGER activity_fts_insert AFTER INSERT ON activity BEGIN
            INSERT INTO activity_fts(rowid, title, place, plan_text, measures, record, summary)
            VALUES (new.rowid, new.title, new.place, new.plan_text, new.measures, new.record,
                    new.summary);
        END""",
        """CREATE TRIGGER activity_fts_delete AFTER DELETE ON activity BEGIN
            INSERT INTO activity_fts(activity_fts, rowid, title, place, plan_text, measures,
                                     record, summary)
            VALUES ('delete', old.rowid, old.title, old.place, old.plan_text, old.measures,
                    old.record, old.summary);
        END""",
        """CREATE TRIGGER activity_fts_update AFTER UPDATE OF title, place, plan_text, measures,
            record, summary ON activity BEGIN
            INSERT INTO activity_fts(activity_fts, rowid, title, place, plan_text, measures,
                                     record, summary)
            VALUES ('delete', old.rowid, old.title, old.place, old.plan_text, old.measures,
                    old.record, old.summary);
            INSERT INTO activity_fts(rowid, title, place, plan_text, measures, record, summary)
            VALUES (new.rowid, new.title, new.place, new.plan_text, new.measures, new.record,
                    new.summary);
        END""",
    ]
    for sql in statements:
        db.execute(sql)


@migrations(name="0003_scoring_and_summaries")
def _m0003_scoring_and_summaries(db: Database) -> None:
    statements = [
        # One score per index, period ("2024", "2024-autumn") and item. Checklists keep a
        # verdict instead of points. *_suggested: the score was accepted from a suggestion.
        f"""CREATE TABLE score ({_COMMON},
            index_id TEXT NOT NULL,
            period TEXT NOT NULL,
            item TEXT NOT NULL,
            self_score REAL,
            county_score REAL,
            self_suggested INTEGER NOT NULL DEFAULT 0,
            county_suggested INTEGER NOT NULL DEFAULT 0,
            verdict TEXT NOT NULL DEFAULT '',
            comment TEXT NOT NULL DEFAULT '')""",
        "CREATE UNIQUE INDEX score_key ON score(index_id, period, item)",
        # Evidence of a score: diary activities, attachments, plan items.
        """CREATE TABLE score_evidence (
            score_id TEXT NOT NULL REFERENCES score(id),
            target_table TEXT NOT NULL,
            target_id TEXT NOT NULL,
            PRIMARY KEY (score_id, target_table, target_id))""",
        # 阶段总结 (附件3): one per period key (a month, "2024-autumn", or "2024").
        # draft_digest: sha256 of the text "draft from records" wrote, to warn while unedited.
        f"""CREATE TABLE stage_summary ({_COMMON},
            period TEXT NOT NULL,
            filler TEXT NOT NULL DEFAULT '',
            highlights TEXT NOT NULL DEFAULT '',
            highlights_note TEXT NOT NULL DEFAULT '',
            problems TEXT NOT NULL DEFAULT '',
            problems_note TEXT NOT NULL DEFAULT '',
            next_steps TEXT NOT NULL DEFAULT '',
            next_steps_note TEXT NOT NULL DEFAULT '',
            draft_digest TEXT NOT NULL DEFAULT '')""",
        "CREATE UNIQUE INDEX stage_summary_period ON stage_summary(period)",
        # The diary lists and the rule engine read activities in day order.
        "CREATE INDEX activity_day_time ON activity(day, start_time)",
    ]
    for sql in statements:
        db.execute(sql)


def _revision_trigger(db: Database, table: str) -> str:
    """BEFORE UPDATE: when the record was reported (or received) and anything in the row
    changes, keep the version before the change — with its links — as JSON in ``revision``.
    Triggers catch every write path (forms, status updates, restores, imports) alike.
    A later migration that adds columns to these tables must recreate the trigger."""
    columns = [c.name for c in db[table].columns]
    pairs = [f"'{c}', old.{c}" for c in columns]
    for name, (link, own, value) in LINKS.get(table, {}).items():
        pairs.append(
            f"'{name}', (SELECT json_group_array({value}) FROM {link} WHERE {own} = old.id)"
        )
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    return f"""CREATE TRIGGER {table}_revision BEFORE UPDATE ON {table}
        WHEN EXISTS (SELECT 1 FROM reported WHERE table_name = '{table}' AND record_id = old.id)
             AND ({changed})
        BEGIN
            INSERT INTO revision (table_name, record_id, saved_at, data)
            VALUES ('{table}', old.id, strftime('%Y-%m-%dT%H:%M:%f', 'now'),
                    json_object({", ".join(pairs)}));
        END"""


@migrations(name="0004_reported_records")
def _m0004_reported_records(db: Database) -> None:
    statements = [
        # One row per upload package written (or read): what, when, where to.
        """CREATE TABLE export_log (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            direction TEXT NOT NULL,
            period TEXT NOT NULL,
            path TEXT NOT NULL,
            record_count INTEGER NOT NULL,
            changes TEXT NOT NULL DEFAULT '')""",
        # Records that left (or came in) in a package, with the digest of what was exchanged:
        # the base to tell "changed since" and to find real conflicts on the next import.
        """CREATE TABLE reported (
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            export_id TEXT NOT NULL REFERENCES export_log(id),
            digest TEXT NOT NULL,
            reported_at TEXT NOT NULL,
            PRIMARY KEY (table_name, record_id))""",
        # Earlier versions of reported records (newest last), kept by the triggers below.
        """CREATE TABLE revision (
            id INTEGER PRIMARY KEY,
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            data TEXT NOT NULL)""",
        "CREATE INDEX revision_record ON revision(table_name, record_id)",
    ]
    for sql in statements:
        db.execute(sql)
    for table in REPORTED_TABLES:
        db.execute(_revision_trigger(db, table))


# The one- and two-character index (migration 0005): each column's text as single-character
# tokens, so "教研" is the phrase "教 研". Spacing is done by SQL (a view with a recursive CTE),
# not a Python function, so the triggers work on every connection that writes the file
# (sqlite3 shell, throw-away copies). The ascii tokenizer folds ASCII case only, as LIKE does,
# and keeps every non-ASCII character (。，、 too) as a token; an ASCII space or punctuation
# mark becomes the token "xx", which no phrase of single characters can match, so "a-b" never
# matches "ab". Trigger names start with "activity_fts_" so code that drops the full-text
# triggers for speed (exchange/rollup/figures.py) drops these as well.
_SPACED_COLUMNS = ("title", "place", "plan_text", "measures", "record", "summary")


def _spaced(column: str) -> str:
    """SQL for ``a.<column>`` with one space between characters (NULL when empty)."""
    return f"""(WITH RECURSIVE s(i, c) AS (
            SELECT 1, substr(a.{column}, 1, 1) WHERE length(a.{column}) > 0
            UNION ALL
            SELECT i + 1, substr(a.{column}, i + 1, 1) FROM s WHERE i < length(a.{column}))
        SELECT group_concat(
            CASE WHEN unicode(c) > 127 OR c GLOB '[A-Za-z0-9]' THEN c ELSE 'xx' END, ' ')
        FROM s)"""


def _char_index_triggers() -> list[str]:
    """The triggers that keep the character index in step with the activity table (0005, 0006)."""
    columns = ", ".join(_SPACED_COLUMNS)
    olds = ", ".join(f"s.{c}" for c in _SPACED_COLUMNS)
    delete_old = f"""INSERT INTO activity_fts_chars(activity_fts_chars, rowid, {columns})
                SELECT 'delete', s.rid, {olds} FROM activity_spaced s WHERE s.rid = old.rowid;"""
    insert_new = f"""INSERT INTO activity_fts_chars(rowid, {columns})
                SELECT s.rid, {olds} FROM activity_spaced s WHERE s.rid = new.rowid;"""
    return [
        f"""CREATE TRIGGER activity_fts_chars_insert AFTER INSERT ON activity BEGIN
            {insert_new}
        END""",
        # The old text is read through the view while the row is still there: BEFORE.
        f"""CREATE TRIGGER activity_fts_chars_delete BEFORE DELETE ON activity BEGIN
            {delete_old}
        END""",
        f"""CREATE TRIGGER activity_fts_chars_unindex BEFORE UPDATE OF {columns} ON activity
        BEGIN
            {delete_old}
        END""",
        f"""CREATE TRIGGER activity_fts_chars_reindex AFTER UPDATE OF {columns} ON activity
        BEGIN
            {insert_new}
        END""",
    ]


@migrations(name="0005_short_search_index")
def _m0005_short_search_index(db: Database) -> None:
    columns = ", ".join(_SPACED_COLUMNS)
    spaced = ",\n            ".join(f"{_spaced(c)} AS {c}" for c in _SPACED_COLUMNS)
    statements = [
        # External content: the view is the "content table", so 'rebuild' and
        # 'integrity-check' read the same spaced text the triggers index.
        f"""CREATE VIEW activity_spaced AS SELECT a.rowid AS rid,
            {spaced}
            FROM activity a""",
        f"""CREATE VIRTUAL TABLE activity_fts_chars USING fts5({columns},
            content='activity_spaced', content_rowid='rid', tokenize='ascii')""",
        "INSERT INTO activity_fts_chars(activity_fts_chars) VALUES ('rebuild')",
        *_char_index_triggers(),
    ]
    for sql in statements:
        db.execute(sql)


# Migration 0006: the same index, its text made by the program's function gt_spaced
# (core/datafile/search_text.py) in one pass instead of 0005's recursive query, whose time grew
# with the square of the text. The index becomes contentless (content=''): it keeps only the
# tokens, the triggers hand it the spaced text, and reading the file (a dump, a check) never
# needs the function — only changing diary text does, which the program alone should do.
@migrations(name="0006_linear_search_index")
def _m0006_linear_search_index(db: Database) -> None:
    columns = ", ".join(_SPACED_COLUMNS)

    def spaced(row: str) -> str:
        return ", ".join(f"gt_spaced({row}.{c})" for c in _SPACED_COLUMNS)

    for trigger in ("insert", "delete", "unindex", "reindex"):
        db.execute(f"DROP TRIGGER IF EXISTS activity_fts_chars_{trigger}")
    db.execute("DROP TABLE IF EXISTS activity_fts_chars")
    db.execute("DROP VIEW IF EXISTS activity_spaced")
    unindex = f"""INSERT INTO activity_fts_chars(activity_fts_chars, rowid, {columns})
                VALUES ('delete', old.rowid, {spaced("old")});"""
    index = f"""INSERT INTO activity_fts_chars(rowid, {columns})
                VALUES (new.rowid, {spaced("new")});"""
    statements = [
        f"""CREATE VIRTUAL TABLE activity_fts_chars USING fts5({columns},
            content='', tokenize='ascii')""",
        f"""INSERT INTO activity_fts_chars(rowid, {columns})
            SELECT a.rowid, {spaced("a")} FROM activity a""",
        f"CREATE TRIGGER activity_fts_chars_insert AFTER INSERT ON activity BEGIN {index} END",
        f"CREATE TRIGGER activity_fts_chars_delete BEFORE DELETE ON activity BEGIN {unindex} END",
        f"""CREATE TRIGGER activity_fts_chars_unindex BEFORE UPDATE OF {columns} ON activity
        BEGIN {unindex} END""",
        f"""CREATE TRIGGER activity_fts_chars_reindex AFTER UPDATE OF {columns} ON activity
        BEGIN {index} END""",
    ]
    for sql in statements:
        db.execute(sql)


# Migration 0007: the diary's order in an index that also holds the deleted mark. Listing every
# activity newest first reads only this index: (deleted_at IS NULL, day, start_time, rowid) is
# the list's order, so no activity row (wide, with its texts) is read and nothing is sorted.
# And a journal of the rows whose place in that order may have changed (added, deleted,
# restored, moved to another day or time), kept by triggers — so by every connection, the
# program's or not: the diary's remembered list (core/records/diary.py ``DiaryList``) is
# brought up to date from it after an edit instead of being dropped, and a text search keeps
# the list's fast path (without it "教研" over 100 000 activities was a query of ~77 ms after
# every edit). The journal keeps its last ``ORDER_JOURNAL_KEPT`` entries; a list older than
# those is read again.
ORDER_JOURNAL_KEPT = 1000


@migrations(name="0007_live_activity_order")
def _m0007_live_activity_order(db: Database) -> None:
    note = """INSERT INTO activity_order_change(rid) VALUES ({row}.rowid);
            DELETE FROM activity_order_change WHERE seq <= last_insert_rowid() - {kept};"""
    statements = [
        "CREATE INDEX activity_live_order ON activity(deleted_at, day, start_time)",
        """CREATE TABLE activity_order_change (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            rid INTEGER NOT NULL)""",
        f"""CREATE TRIGGER activity_order_insert AFTER INSERT ON activity BEGIN
            {note.format(row="new", kept=ORDER_JOURNAL_KEPT)}
        END""",
        f"""CREATE TRIGGER activity_order_update
            AFTER UPDATE OF deleted_at, day, start_time ON activity BEGIN
            {note.format(row="new", kept=ORDER_JOURNAL_KEPT)}
        END""",
        f"""CREATE TRIGGER activity_order_delete AFTER DELETE ON activity BEGIN
            {note.format(row="old", kept=ORDER_JOURNAL_KEPT)}
        END""",
    ]
    for sql in statements:
        db.execute(sql)


# Migration 0008 — paper that vouches for its data (core/signed): each printed page under its code, with the
# lines it printed (to say what changed since it was signed), and the signed scans filed back.
# The data file gets an id of its own, printed in every QR code: a scan of another file's form
# is recognised as such.
@migrations(name="0008_printed_forms")
def _m0008_printed_forms(db: Database) -> None:
    import secrets

    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # core/signed/codes.ALPHABET
    file_id = "".join(secrets.choice(alphabet) for _ in range(8))
    statements = [
        """CREATE TABLE printed_form (
            code TEXT PRIMARY KEY,
            file_id TEXT NOT NULL,
            form_id TEXT NOT NULL,
            period_kind TEXT NOT NULL DEFAULT '',
            period_start TEXT NOT NULL DEFAULT '',
            period_end TEXT NOT NULL DEFAULT '',
            period_label TEXT NOT NULL DEFAULT '',
            selection TEXT NOT NULL DEFAULT '',
            blank INTEGER NOT NULL DEFAULT 0,
            page INTEGER NOT NULL,
            pages INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,
            title TEXT NOT NULL,
            content TEXT NOT NULL,
            printed_at TEXT NOT NULL)""",
        "CREATE INDEX printed_form_form ON printed_form(form_id, period_start, period_end)",
        f"""CREATE TABLE signed_scan ({_COMMON},
            code TEXT NOT NULL REFERENCES printed_form(code),
            sha256 TEXT NOT NULL,
            original_name TEXT NOT NULL,
            suffix TEXT NOT NULL DEFAULT '',
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            read_by TEXT NOT NULL)""",
        "CREATE INDEX signed_scan_code ON signed_scan(code)",
        "CREATE INDEX signed_scan_sha ON signed_scan(sha256)",
        # the signed forms of other kindergartens' imported packages (newest package wins)
        """CREATE TABLE received_signed (
            id TEXT PRIMARY KEY,
            kindergarten_uuid TEXT NOT NULL,
            kindergarten_name TEXT NOT NULL,
            period_key TEXT NOT NULL,
            package_created_at TEXT NOT NULL,
            form_id TEXT NOT NULL,
            title TEXT NOT NULL,
            period_label TEXT NOT NULL,
            state TEXT NOT NULL,
            pages INTEGER NOT NULL,
            signed_pages INTEGER NOT NULL,
            codes TEXT NOT NULL,
            changes TEXT NOT NULL,
            scans TEXT NOT NULL,
            received_at TEXT NOT NULL)""",
        "CREATE INDEX received_signed_from ON received_signed(kindergarten_uuid, period_key)",
    ]
    for sql in statements:
        db.execute(sql)
    db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('file_id', ?)", [file_id])


# Migration 0009: photo checks. What a photo says about itself (its EXIF capture time and a
# perceptual hash) is a fact of its content, so it is kept by content hash in its own table —
# not a record the user edits, never in the 回收站 or a revision. The migration only makes the
# table: reading 6 000 photos inside one migration would hold the file for minutes and redo it
# all after a crash; core/photos/facts.py fills the rows lazily, a batch per transaction, so an
# interrupted fill keeps what it did. The director's answer to a photo's flags is a column of
# the attachment (it travels in the package and undoes like any field); the revision trigger
# is recreated so it keeps that column too.
@migrations(name="0009_photo_checks")
def _m0009_photo_checks(db: Database) -> None:
    db.execute("ALTER TABLE attachment ADD COLUMN flag_note TEXT NOT NULL DEFAULT ''")
    db.execute(
        """CREATE TABLE photo_facts (
            sha256 TEXT PRIMARY KEY,
            captured_at TEXT NOT NULL DEFAULT '',
            captured_from TEXT NOT NULL DEFAULT '',
            dhash TEXT NOT NULL DEFAULT '',
            problem TEXT NOT NULL DEFAULT '')"""
    )
    db.execute("DROP TRIGGER IF EXISTS attachment_revision")
    db.execute(_revision_trigger(db, "attachment"))


# pending() never writes; on an empty in-memory database it lists every migration.
assert len(migrations.pending(Database(memory=True))) == SCHEMA_VERSION, "update core/version.py"
