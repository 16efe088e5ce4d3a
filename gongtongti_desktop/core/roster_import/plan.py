"""What importing a roster file would change, read from the data file and writing nothing.

Why a plan: the director sees every kindergarten, person, phone and pairing the file would
add or change before anything is written, and the same plan is what ``apply`` writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import validation as v
from gongtongti_desktop.core.roster_import.table import (
    PERSON_LABEL,
    ImportedRow,
    RosterFile,
    people_of,
)


@dataclass(frozen=True)
class ImportPlan:
    file: RosterFile
    new_kindergartens: tuple[str, ...]
    new_people: tuple[tuple[str, str], ...]  # (person name, kindergarten name)
    changed_phones: tuple[tuple[str, str, str, str], ...]  # (person, kindergarten, old, new)
    new_pairings: tuple[tuple[str, str], ...]  # (lead, partner)
    changed_pairings: tuple[tuple[str, str, str], ...]  # (lead, partner, what changes)
    unchanged: int  # pairings already present exactly

    @property
    def is_empty(self) -> bool:
        """True when applying the plan would change nothing."""
        return not (
            self.new_kindergartens
            or self.new_people
            or self.changed_phones
            or self.new_pairings
            or self.changed_pairings
        )

    def summary_lines(self) -> list[str]:
        """Chinese lines for the preview dialog and the CLI."""
        lines = [
            f"文件：{self.file.path.name}（工作表“{self.file.sheet}”，{len(self.file.rows)} 对结对）"
        ]
        if self.is_empty:
            lines.append("没有需要导入的变化：名单与现有数据一致。")
            return lines
        lines += _section(f"新增幼儿园 {len(self.new_kindergartens)} 所：", self.new_kindergartens)
        lines += _section(
            f"新增人员 {len(self.new_people)} 人：",
            (f"{person}（{kg}）" for person, kg in self.new_people),
        )
        lines += _section(
            f"修改联系方式 {len(self.changed_phones)} 处：",
            (
                f"{person}（{kg}）：{old or '（空）'} → {new}"
                for person, kg, old, new in self.changed_phones
            ),
        )
        lines += _section(
            f"新增结对 {len(self.new_pairings)} 对：",
            (f"{lead} — {partner}" for lead, partner in self.new_pairings),
        )
        lines += _section(
            f"修改结对 {len(self.changed_pairings)} 对：",
            (f"{lead} — {partner}：{what}" for lead, partner, what in self.changed_pairings),
        )
        if self.unchanged:
            lines.append(f"已有且无变化的结对 {self.unchanged} 对")
        return lines


def _section(heading: str, items: Iterable[str]) -> list[str]:
    listed = [f"  - {item}" for item in items]
    return [heading, *listed] if listed else []


# -- planning -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The active roster records, keyed the way the import matches them."""

    kindergartens: dict[str, dict[str, Any]]  # normalised name -> row
    people: dict[tuple[str, str], dict[str, Any]]  # (normalised name, kindergarten id) -> row
    people_by_id: dict[str, dict[str, Any]]
    pairings: dict[tuple[str, str], dict[str, Any]]  # (lead id, partner id) -> row

    @classmethod
    def load(cls, store: Store) -> Snapshot:
        kindergartens: dict[str, dict[str, Any]] = {}
        for row in store.query(
            "SELECT * FROM kindergarten WHERE deleted_at IS NULL ORDER BY rowid"
        ):
            kindergartens.setdefault(v.normalize_name(row["name"]), row)
        people: dict[tuple[str, str], dict[str, Any]] = {}
        people_by_id: dict[str, dict[str, Any]] = {}
        for row in store.query("SELECT * FROM person WHERE deleted_at IS NULL ORDER BY rowid"):
            people.setdefault((v.normalize_name(row["name"]), row["kindergarten_id"]), row)
            people_by_id[row["id"]] = row
        pairings: dict[tuple[str, str], dict[str, Any]] = {}
        for row in store.query("SELECT * FROM pairing WHERE deleted_at IS NULL ORDER BY rowid"):
            pairings.setdefault((row["lead_id"], row["partner_id"]), row)
        return cls(kindergartens, people, people_by_id, pairings)

    def kindergarten_id(self, name: str) -> str | None:
        row = self.kindergartens.get(name)
        return row["id"] if row else None

    def person(self, name: str, kindergarten: str) -> dict[str, Any] | None:
        kg_id = self.kindergarten_id(kindergarten)
        return self.people.get((name, kg_id)) if kg_id else None

    def pairing(self, lead: str, partner: str) -> dict[str, Any] | None:
        lead_id, partner_id = self.kindergarten_id(lead), self.kindergarten_id(partner)
        if lead_id is None or partner_id is None:
            return None
        return self.pairings.get((lead_id, partner_id))


def file_people(file: RosterFile) -> dict[tuple[str, str], str]:
    """(person, kindergarten) -> phone (may be blank), in file order."""
    people: dict[tuple[str, str], str] = {}
    for row in file.rows:
        for kg, person, phone, _index in people_of(row):
            if person:
                people[(person, kg)] = people.get((person, kg)) or phone
    return people


def _file_kindergartens(file: RosterFile) -> list[str]:
    names: dict[str, None] = {}
    for row in file.rows:
        names.setdefault(row.lead)
        names.setdefault(row.partner)
    return list(names)


def plan_import(store: Store, programme: Programme, file: RosterFile) -> ImportPlan:
    """What importing ``file`` would change; reads the data file, writes nothing."""
    snap = Snapshot.load(store)
    new_people, changed_phones = _plan_people(snap, file)
    new_pairings, changed_pairings, unchanged = _plan_pairings(snap, programme, file)
    return ImportPlan(
        file=file,
        new_kindergartens=tuple(
            n for n in _file_kindergartens(file) if n not in snap.kindergartens
        ),
        new_people=tuple(new_people),
        changed_phones=tuple(changed_phones),
        new_pairings=tuple(new_pairings),
        changed_pairings=tuple(changed_pairings),
        unchanged=unchanged,
    )


def _plan_people(
    snap: Snapshot, file: RosterFile
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]]]:
    new: list[tuple[str, str]] = []
    changed: list[tuple[str, str, str, str]] = []
    for (person, kg), phone in file_people(file).items():
        current = snap.person(person, kg)
        if current is None:
            new.append((person, kg))
        elif phone and current["phone"] != phone:
            changed.append((person, kg, current["phone"], phone))
    return new, changed


def _plan_pairings(
    snap: Snapshot, programme: Programme, file: RosterFile
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]], int]:
    new: list[tuple[str, str]] = []
    changed: list[tuple[str, str, str]] = []
    unchanged = 0
    for row in file.rows:
        current = snap.pairing(row.lead, row.partner)
        if current is None:
            new.append((row.lead, row.partner))
            continue
        what = _pairing_changes(snap, programme, row, current)
        if what:
            changed.append((row.lead, row.partner, "；".join(what)))
        else:
            unchanged += 1
    return new, changed, unchanged


def _pairing_changes(
    snap: Snapshot, programme: Programme, row: ImportedRow, current: dict[str, Any]
) -> list[str]:
    """What the file changes in an existing pairing: only stated responsible persons."""
    what = []
    sides = (
        (programme.roles.lead, row.lead_person, current["lead_person_id"]),
        (current["partner_role"], row.partner_person, current["partner_person_id"]),
    )
    for role, wanted, person_id in sides:
        now = snap.people_by_id.get(person_id or "")
        now_name = v.normalize_name(now["name"]) if now else ""
        if wanted and wanted != now_name:
            what.append(f"{role}{PERSON_LABEL} {now_name or '（空）'} → {wanted}")
    return what
