"""Which tables hold reportable records and how their multi-valued parts are stored.

Apart from schema.py so reading code (packages, revisions) need not import the migrations and
sqlite-utils with them.
"""

from __future__ import annotations

# Records an upload package carries (core/reporting.py), in the order they are merged: a record
# comes after those it refers to.
REPORTED_TABLES = (
    "kindergarten", "person", "pairing", "mentor_pair", "staff_exchange",
    "plan_item", "activity", "attachment", "score", "stage_summary",
)  # fmt: skip

# Multi-valued parts of a record: name → (link table, own column, value expression). A package
# and a revision carry them as lists beside the row.
LINKS = {
    "activity": {
        "receiver_ids": ("activity_receiver", "record_id", "kindergarten_id"),
        "participant_ids": ("activity_participant", "record_id", "person_id"),
    },
    "score": {"evidence": ("score_evidence", "score_id", "target_table || ':' || target_id")},
}
