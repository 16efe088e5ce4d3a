"""Before/after pictures of score rows for the 考核评分 tab's undo (Ctrl+Z).

A score row is the director's own values (the two scores with their "from a suggestion"
marks, the verdict, the comment). Undo puts the values back *through core.records.scoring.set_score*,
so the same checks apply and the file never holds a value core would refuse. Evidence links
are not part of the picture: adding and removing them are their own commands (each the other's
undo).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.indexes import Index
from gongtongti_desktop.core.records import scoring

FIELDS = ("self_score", "county_score", "self_suggested", "county_suggested", "verdict", "comment")
State = dict[str, Any] | None  # None: the item has no row yet (nothing entered)
Picture = dict[str, State]  # item code → its values


def capture(store: Store, index: Index, key: str, codes: Iterable[str]) -> Picture:
    """The values of the given items of one index and period, as stored now."""
    rows = scoring.get_scores(store, index, key)
    out: Picture = {}
    for code in codes:
        row = rows.get(code)
        out[code] = None if row is None else {name: row[name] for name in FIELDS}
    return out


def _restore_one(store: Store, index: Index, key: str, code: str, state: State) -> None:
    values = state or {}
    comment = values.get("comment") or ""
    if index.kind == "score":
        for side in scoring.SIDES:
            kwargs = {f"{side}_score": values.get(f"{side}_score")}
            suggested = bool(values.get(f"{side}_suggested"))
            scoring.set_score(store, index, key, code, suggested=suggested, **kwargs)
        scoring.set_score(store, index, key, code, comment=comment)
    else:
        verdict = values.get("verdict") or ""
        scoring.set_score(store, index, key, code, verdict=verdict, comment=comment)


def restore(store: Store, index: Index, key: str, picture: Picture) -> None:
    """Put every item of the picture back to its values, all in one transaction."""
    with store.atomic():
        for code, state in picture.items():
            _restore_one(store, index, key, code, state)
