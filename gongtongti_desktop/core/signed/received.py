"""Other kindergartens' signed forms, kept when their upload package is imported (导入上报包).

Why apart from ``printed_form``: those pages were printed from another data file; this file
cannot re-derive them, only keep what the package said — each form's state, its codes, what
changed since signing — and the scans themselves (in ``attachments/`` by content hash). The
newest package of a kindergarten and period replaces what an older one brought.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.timeutil import now_iso


@dataclass(frozen=True)
class ReceivedForm:
    kindergarten: str
    package_period: str
    title: str
    period_label: str
    state: str
    codes: tuple[str, ...]
    changes: tuple[str, ...]
    scans: tuple[dict[str, str], ...]  # {"code", "sha256", "suffix", "name", "read_by"}

    def line(self) -> str:
        period = f"（{self.period_label}）" if self.period_label else ""
        scans = f"，签字件 {len(self.scans)} 份" if self.scans else ""
        return f"{self.kindergarten}：{self.title}{period}：{self.state}{scans}"


def keep_received(
    store: Store,
    kindergarten: tuple[str, str],
    period_key: str,
    created_at: str,
    forms: list[dict[str, Any]],
) -> int:
    """Keep a package's signed forms (``forms`` as the manifest lists them, each scan with its
    ``sha256`` and ``suffix``), replacing an older package's of the same kindergarten and
    period; an older package than the one kept changes nothing. Returns the forms kept."""
    uuid, name = kindergarten
    with store.atomic():
        newer = store.query(
            """SELECT 1 FROM received_signed WHERE kindergarten_uuid = ? AND period_key = ?
               AND package_created_at > ? LIMIT 1""",
            [uuid, period_key, created_at],
        )
        if newer:
            return 0
        store.execute(
            "DELETE FROM received_signed WHERE kindergarten_uuid = ? AND period_key = ?",
            [uuid, period_key],
        )
        now = now_iso()
        for form in forms:
            store.execute(
                """INSERT INTO received_signed (id, kindergarten_uuid, kindergarten_name,
                   period_key, package_created_at, form_id, title, period_label, state, pages,
                   signed_pages, codes, changes, scans, received_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    new_id(), uuid, name, period_key, created_at, form["form"], form["title"],
                    form["period"], form["state"], form["pages"], form["signed_pages"],
                    json.dumps(form["codes"]), json.dumps(form["changes"], ensure_ascii=False),
                    json.dumps(form["scans"], ensure_ascii=False), now,
                ],
            )  # fmt: skip
    return len(forms)


def received_forms(store: Store) -> list[ReceivedForm]:
    """Every kept form, by kindergarten and period."""
    rows = store.query(
        "SELECT * FROM received_signed ORDER BY kindergarten_name, period_key, rowid"
    )
    return [
        ReceivedForm(
            row["kindergarten_name"],
            row["period_key"],
            row["title"],
            row["period_label"],
            row["state"],
            tuple(json.loads(row["codes"])),
            tuple(json.loads(row["changes"])),
            tuple(json.loads(row["scans"])),
        )
        for row in rows
    ]
