"""The names of the row sources a form template may bind to, and the fields each provides.

Kept apart from the code that computes rows so the programme loader can check a template's
``source`` and column ``bind`` names without touching the database.
"""

from __future__ import annotations

# Header fields every form may show (bind = one of these).
HEADER_FIELDS: frozenset[str] = frozenset({"kindergarten_name", "programme_name", "period_label"})

SOURCE_FIELDS: dict[str, frozenset[str]] = {
    # one row per pairing, grouped by lead kindergarten (附件1 结对名单)
    "pairings": frozenset(
        {
            "lead_id",
            "lead_name",
            "lead_person",
            "lead_phone",
            "partner_name",
            "partner_role",
            "partner_person",
            "partner_phone",
            "period",
            "agreement",
        }
    ),
    # one row per lead kindergarten, partners listed per role (高台 结对帮扶学校安排表)
    "lead_groups": frozenset({"lead_id", "lead_name", "persons", "partners", "partners_by_role"}),
}
