"""Rows for printable forms: one function per template ``source`` (see form_sources.py).

The renderer knows nothing of the database; it receives a ``FormData`` (header values and
rows of plain strings) and the template.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gongtongti_desktop.core import roster
from gongtongti_desktop.core.periods import Period
from gongtongti_desktop.core.programme import FormSpec, Programme
from gongtongti_desktop.core.store import Store


@dataclass(frozen=True)
class FormData:
    spec: FormSpec
    header: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def cell(self, row: dict[str, Any], bind: str) -> str:
        """The text of one cell; ``field:arg`` binds look up ``row[field][arg]``."""
        name, _, arg = bind.partition(":")
        value = row.get(name, "")
        if arg:
            value = value.get(arg, "") if isinstance(value, dict) else ""
        if isinstance(value, list | tuple):
            value = "\n".join(str(v) for v in value)
        return "" if value is None else str(value)


def _pairings(store: Store, programme: Programme) -> list[dict[str, Any]]:
    return roster.list_pairings(store)


def _lead_groups(store: Store, programme: Programme) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for p in roster.list_pairings(store):
        group = groups.setdefault(
            p["lead_id"],
            {
                "lead_id": p["lead_id"],
                "lead_name": p["lead_name"],
                "persons": [],
                "partners": [],
                "partners_by_role": {},
            },
        )
        for person in (p["lead_person"], p["partner_person"]):
            if person and person not in group["persons"]:
                group["persons"].append(person)
        group["partners"].append(p["partner_name"])
        by_role = group["partners_by_role"]
        by_role[p["partner_role"]] = "\n".join(
            x for x in (by_role.get(p["partner_role"], ""), p["partner_name"]) if x
        )
    for group in groups.values():
        group["persons"] = "  ".join(group["persons"])
    return list(groups.values())


SOURCES: dict[str, Callable[[Store, Programme], list[dict[str, Any]]]] = {
    "pairings": _pairings,
    "lead_groups": _lead_groups,
}


def form_data(
    store: Store,
    programme: Programme,
    form_id: str,
    period: Period | None = None,
    *,
    activity_ids: Sequence[str] | None = None,
) -> FormData:
    """Everything needed to print or export one form of the data file's programme.

    ``period`` selects the month/term/school year for period forms (ignored by the roster);
    ``activity_ids`` selects single diary records for the activity record sheet.
    """
    spec = programme.form(form_id)
    header = {
        "kindergarten_name": store.kindergarten_name,
        "programme_name": programme.name,
        "period_label": period.label if period else "",
    }
    return FormData(spec, header, SOURCES[spec.source](store, programme))
