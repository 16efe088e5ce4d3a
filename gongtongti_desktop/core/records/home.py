"""本园: the kindergarten whose data file this is, as a record of the roster.

Why a roster record and not only the name typed at first start: the director's own
kindergarten is the host of most activities, one side of each of her pairings and the name on
every form. Kept as the setting ``home_kindergarten_id``; a data file made before this existed
finds its 本园 by name (the first-start name equal to a roster name) and is never changed just
by being opened.
"""

from __future__ import annotations

from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import roster

HOME_SETTING = "home_kindergarten_id"
HOME_NOTE = "本园（首次使用时填写的园名）"


def home_id(store: Store) -> str:
    """The id of 本园 in the roster, or "" when the roster has no such kindergarten."""
    saved = store.setting(HOME_SETTING)
    if saved and records.active(store, "kindergarten", saved) is not None:
        return saved
    name = store.kindergarten_name
    if not name:
        return ""
    rows = store.query(
        "SELECT id FROM kindergarten WHERE name = ? AND deleted_at IS NULL ORDER BY created_at",
        [name],
    )
    return rows[0]["id"] if rows else ""


def home_name(store: Store) -> str:
    """本园's name as the roster has it now (renamed there, renamed on every form), or the
    name typed at first start when the roster has no 本园."""
    mine = home_id(store)
    if mine and store.setting("demo") != "1":  # a demo's forms keep saying 示例（演示数据）
        row = records.active(store, "kindergarten", mine)
        if row is not None and row.get("name"):
            return str(row["name"])
    return store.kindergarten_name


def ensure_home(store: Store, programme: Programme) -> str:
    """Make the first-start name 本园 of the roster (one operation): the existing record of
    that name, or a new one. Returns its id; "" when the data file has no name."""
    existing = home_id(store)
    if existing:
        if store.setting(HOME_SETTING) != existing:
            store.set_setting(HOME_SETTING, existing)
        return existing
    name = store.kindergarten_name
    if not name:
        return ""
    with store.atomic():
        new = roster.save_record(
            store, programme, "kindergarten", {"name": name, "note": HOME_NOTE}
        )
        store.set_setting(HOME_SETTING, new)
    return new


def partners(store: Store, kindergarten_id: str) -> list[dict[str, Any]]:
    """The kindergartens paired with ``kindergarten_id`` (either side of an active pairing),
    by name: whom 本园 helps or is helped by, rather than the whole county."""
    if not kindergarten_id:
        return []
    return store.query(
        """SELECT DISTINCT k.id, k.name FROM pairing p
           JOIN kindergarten k ON k.id = CASE WHEN p.lead_id = :id THEN p.partner_id
                                            ELSE p.lead_id END
           WHERE p.deleted_at IS NULL AND k.deleted_at IS NULL
             AND (p.lead_id = :id OR p.partner_id = :id)
           ORDER BY k.name""",
        {"id": kindergarten_id},
    )


def last_partner(store: Store, kindergarten_id: str) -> str:
    """The kindergarten that took part in the latest activity ``kindergarten_id`` hosted
    ("" if none): the partner 记一笔 offers first."""
    if not kindergarten_id:
        return ""
    rows = store.query(
        """SELECT r.kindergarten_id AS id FROM activity a
           JOIN activity_receiver r ON r.record_id = a.id
           WHERE a.deleted_at IS NULL AND a.host_id = ?
           ORDER BY a.day DESC, a.created_at DESC LIMIT 1""",
        [kindergarten_id],
    )
    return rows[0]["id"] if rows else ""
