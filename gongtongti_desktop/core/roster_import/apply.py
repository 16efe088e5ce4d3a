"""Writing an import plan into the data file.

Why through ``roster.save_record``: the plan is recomputed inside one transaction and written
record by record the way the roster window saves, so the import validates exactly like the
window. Re-importing the same file writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.core.records import validation as v
from gongtongti_desktop.core.roster_import.plan import (
    ImportPlan,
    Snapshot,
    file_people,
    plan_import,
)
from gongtongti_desktop.core.roster_import.table import ImportedRow, read_roster_xlsx

DISTRICT_SUFFIX = "学区"
DISTRICT_KIND = "学区"
DISTRICT_POST = "学区负责人"


# -- applying -------------------------------------------------------------------------------------


def apply_import(store: Store, programme: Programme, plan: ImportPlan) -> ImportPlan:
    """Apply the plan (recomputed now) in one transaction; returns what was applied.

    On any error nothing is written and the error propagates.
    """
    with store.atomic():
        fresh = plan_import(store, programme, plan.file)
        if fresh.is_empty:
            return fresh
        _Applier(store, programme, fresh).run()
    return fresh


def import_roster(store: Store, programme: Programme, path: Path) -> ImportPlan:
    """Read, plan and apply in one go (for the CLI)."""
    return apply_import(
        store, programme, plan_import(store, programme, read_roster_xlsx(path, programme))
    )


class _Applier:
    """Writes one plan through ``roster.save_record`` (the window's validation)."""

    def __init__(self, store: Store, programme: Programme, plan: ImportPlan) -> None:
        self.store = store
        self.programme = programme
        self.plan = plan
        self.snap = Snapshot.load(store)
        self.kg_ids = {name: row["id"] for name, row in self.snap.kindergartens.items()}
        self.is_district = {
            name: _is_district(row["name"], row["kind"])
            for name, row in self.snap.kindergartens.items()
        }
        self.file_people = file_people(plan.file)
        self.rows = {(r.lead, r.partner): r for r in plan.file.rows}

    def save(self, table: str, values: dict[str, Any], record_id: str | None = None) -> str:
        return roster.save_record(self.store, self.programme, table, values, record_id)

    def run(self) -> None:
        for name in self.plan.new_kindergartens:
            self.kg_ids[name] = self.save("kindergarten", {"name": name, "kind": self._kind(name)})
            self.is_district[name] = _is_district(name, "")
        for person, kg in self.plan.new_people:
            values = {
                "name": person,
                "post": self._post(kg),
                "phone": self.file_people[(person, kg)],
                "kindergarten_id": self.kg_ids[kg],
            }
            self.save("person", values)
        for person, kg, _old, new in self.plan.changed_phones:
            current = self._person(person, kg)
            self.save("person", {**current, "phone": new}, current["id"])
        for lead, partner in self.plan.new_pairings:
            self._save_pairing(self._row(lead, partner), {}, None)
        for lead, partner, _what in self.plan.changed_pairings:
            current = self._pairing(lead, partner)
            self._save_pairing(self._row(lead, partner), current, current["id"])

    def _save_pairing(
        self, row: ImportedRow, current: dict[str, Any], record_id: str | None
    ) -> None:
        values = {
            **current,
            "lead_id": self.kg_ids[row.lead],
            "partner_id": self.kg_ids[row.partner],
            "partner_role": current.get("partner_role") or self.programme.roles.partners[0],
        }
        for side, person, kg in (
            ("lead", row.lead_person, row.lead),
            ("partner", row.partner_person, row.partner),
        ):
            key = f"{side}_person_id"
            if person:
                values[key] = self._person(person, kg)["id"]
            elif values.get(key) and values[key] not in self.snap.people_by_id:
                # A responsible person deleted since: the window shows none, and save_record
                # would refuse the dangling reference.
                values[key] = None
        self.save("pairing", values, record_id)

    def _person(self, name: str, kg: str) -> dict[str, Any]:
        rows = self.store.query(
            "SELECT * FROM person WHERE deleted_at IS NULL AND kindergarten_id = ?",
            (self.kg_ids[kg],),
        )
        return next(r for r in rows if v.normalize_name(r["name"]) == name)

    def _pairing(self, lead: str, partner: str) -> dict[str, Any]:
        rows = self.store.query(
            "SELECT * FROM pairing WHERE deleted_at IS NULL AND lead_id = ? AND partner_id = ?"
            " ORDER BY rowid LIMIT 1",
            (self.kg_ids[lead], self.kg_ids[partner]),
        )
        return rows[0]

    def _row(self, lead: str, partner: str) -> ImportedRow:
        return self.rows[(lead, partner)]

    def _kind(self, name: str) -> str:
        district = name.endswith(DISTRICT_SUFFIX)
        return (
            DISTRICT_KIND if district and DISTRICT_KIND in self.programme.kindergarten_kinds else ""
        )

    def _post(self, kg: str) -> str:
        district = self.is_district.get(kg, False)
        return DISTRICT_POST if district and DISTRICT_POST in self.programme.posts else ""


def _is_district(name: str, kind: str) -> bool:
    """A kind says so; an unknown kind falls back to the name ending in 学区."""
    return kind == DISTRICT_KIND or (not kind and name.endswith(DISTRICT_SUFFIX))
