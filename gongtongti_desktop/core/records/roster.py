"""The pairing roster: kindergartens, people, pairings, mentor pairs and staff exchanges.

One function per user operation (save, delete, restore), each one transaction. Validation
lives here and reports per field, so the dialog can show messages beside the inputs and the
CLI/importer can name the cell. The record types are described as data (``RECORD_TYPES``)
so the window builds its tables and forms from them instead of repeating the rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import validation as v
from gongtongti_desktop.core.records.engine import (  # noqa: F401  (the roster's public API)
    Column,
    Field,
    RecordType,
    choices,
    delete_record,
    dependents,
    save_record,
)
from gongtongti_desktop.core.records.roster_counts import count_records  # noqa: F401 (its API)

KINDERGARTEN = RecordType(
    "kindergarten",
    "幼儿园",
    (
        Field("name", "园名", "name", required=True),
        Field("kind", "类型", "choice", vocab="kindergarten_kinds"),
        Field("township", "乡镇/街道", "name"),
        Field("note", "备注", "text"),
    ),
    (
        Column("name", "园名"),
        Column("kind", "类型"),
        Column("township", "乡镇/街道"),
        Column("roles", "结对角色"),
        Column("people", "人员数"),
        Column("note", "备注"),
    ),
)
PERSON = RecordType(
    "person",
    "人员",
    (
        Field("name", "姓名", "name", required=True),
        Field("post", "职务", "choice", vocab="posts"),
        Field("phone", "联系方式", "phone"),
        Field("kindergarten_id", "所在幼儿园", "kindergarten", required=True),
        Field("note", "备注", "text"),
    ),
    (
        Column("name", "姓名"),
        Column("post", "职务"),
        Column("phone", "联系方式"),
        Column("kindergarten_name", "所在幼儿园"),
        Column("note", "备注"),
    ),
)
PAIRING = RecordType(
    "pairing",
    "结对关系",
    (
        Field("lead_id", "牵头园", "kindergarten", required=True),
        Field("lead_person_id", "牵头园责任人", "person"),
        Field("partner_id", "结对园", "kindergarten", required=True),
        Field("partner_role", "结对园角色", "choice", required=True, vocab="partner_roles"),
        Field("partner_person_id", "结对园责任人", "person"),
        Field("start_date", "开始日期", "date"),
        Field("end_date", "结束日期", "date"),
        Field("agreement_signed", "协议签订日期", "date"),
        Field("agreement_filed", "协议已报教育局备案", "bool"),
        Field("note", "备注", "text"),
    ),
    (
        Column("lead_name", "牵头园"),
        Column("lead_person", "责任人"),
        Column("lead_phone", "联系方式"),
        Column("partner_name", "结对园"),
        Column("partner_role", "角色"),
        Column("partner_person", "责任人"),
        Column("partner_phone", "联系方式"),
        Column("period", "结对期限"),
        Column("agreement", "帮扶协议"),
    ),
)
MENTOR_PAIR = RecordType(
    "mentor_pair",
    "师徒结对",
    (
        Field("mentor_id", "师傅", "person", required=True),
        Field("mentee_id", "徒弟", "person", required=True),
        Field("start_date", "开始日期", "date"),
        Field("end_date", "结束日期", "date"),
        Field("note", "备注", "text"),
    ),
    (
        Column("mentor_name", "师傅"),
        Column("mentor_kindergarten", "师傅所在园"),
        Column("mentee_name", "徒弟"),
        Column("mentee_kindergarten", "徒弟所在园"),
        Column("period", "期限"),
        Column("note", "备注"),
    ),
)
STAFF_EXCHANGE = RecordType(
    "staff_exchange",
    "交流轮岗",
    (
        Field("person_id", "交流人员", "person", required=True),
        Field("from_id", "派出园", "kindergarten", required=True),
        Field("to_id", "接收园", "kindergarten", required=True),
        Field("start_date", "开始日期", "date", required=True),
        Field("end_date", "结束日期", "date"),
        Field("note", "备注", "text"),
    ),
    (
        Column("person_name", "交流人员"),
        Column("from_name", "派出园"),
        Column("to_name", "接收园"),
        Column("period", "期限"),
        Column("note", "备注"),
    ),
)


def _same(store: Store, sql: str, params: tuple[Any, ...]) -> bool:
    return bool(store.query(sql, params))


def _check_kindergarten(
    store: Store, programme: Programme, c: dict[str, Any], record_id: str | None
) -> dict[str, str]:
    sql = "SELECT id FROM kindergarten WHERE name = ? AND deleted_at IS NULL AND id != ?"
    if _same(store, sql, (c["name"], record_id or "")):
        return {"name": f"已有名为“{c['name']}”的幼儿园"}
    return {}


def _check_person(
    store: Store, programme: Programme, c: dict[str, Any], record_id: str | None
) -> dict[str, str]:
    sql = (
        "SELECT id FROM person WHERE name = ? AND kindergarten_id = ? AND deleted_at IS NULL"
        " AND id != ?"
    )
    if _same(store, sql, (c["name"], c["kindergarten_id"], record_id or "")):
        return {"name": f"该园已有名为“{c['name']}”的人员"}
    return {}


def _check_pairing(
    store: Store, programme: Programme, c: dict[str, Any], record_id: str | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    lead, partner = programme.roles.lead, "/".join(programme.roles.partners)
    if c["lead_id"] == c["partner_id"]:
        errors["partner_id"] = f"{partner}不能与{lead}相同"
    for side in ("lead", "partner"):
        person_id = c[f"{side}_person_id"]
        if person_id:
            person = records.active(store, "person", person_id)
            if person and person["kindergarten_id"] != c[f"{side}_id"]:
                errors[f"{side}_person_id"] = "责任人应是本园人员"
    sql = (
        "SELECT id FROM pairing WHERE lead_id = ? AND partner_id = ? AND deleted_at IS NULL"
        " AND id != ?"
    )
    if _same(store, sql, (c["lead_id"], c["partner_id"], record_id or "")):
        errors["partner_id"] = f"这所{partner}已与该{lead}结对"
    return errors


def _check_mentor_pair(
    store: Store, programme: Programme, c: dict[str, Any], record_id: str | None
) -> dict[str, str]:
    if c["mentor_id"] == c["mentee_id"]:
        return {"mentee_id": "师傅和徒弟不能是同一人"}
    return {}


def _check_exchange(
    store: Store, programme: Programme, c: dict[str, Any], record_id: str | None
) -> dict[str, str]:
    errors = {}
    if c["from_id"] == c["to_id"]:
        errors["to_id"] = "接收园不能与派出园相同"
    person = records.active(store, "person", c["person_id"])
    if person and person["kindergarten_id"] != c["from_id"]:
        errors["person_id"] = "交流人员应是派出园的人员"
    return errors


def _pair_describer(a: str, b: str, ref: str, label: str) -> records.Describe:
    def describe_pair(store: Store, row: dict[str, Any]) -> str:
        names = []
        for key in (a, b):
            found = store.query(f"SELECT name FROM {ref} WHERE id = ?", (row[key],))
            names.append(found[0]["name"] if found else "?")
        return f"{label}“{names[0]} — {names[1]}”"

    return describe_pair


def _pairing_sort_order(store: Store, row: dict[str, Any]) -> None:
    # Roster order is entry order (the bureau's table order), not alphabetical.
    last = store.execute("SELECT coalesce(max(sort_order), 0) FROM pairing").fetchone()[0]
    row["sort_order"] = last + 1


KINDERGARTEN = records.register(
    dataclasses.replace(
        KINDERGARTEN,
        cross_check=_check_kindergarten,
        cascades=(
            ("person", "kindergarten_id = :id"),
            ("pairing", "lead_id = :id OR partner_id = :id"),
            ("staff_exchange", "from_id = :id OR to_id = :id"),
        ),
    )
)
PERSON = records.register(
    dataclasses.replace(
        PERSON,
        cross_check=_check_person,
        cascades=(
            ("mentor_pair", "mentor_id = :id OR mentee_id = :id"),
            ("staff_exchange", "person_id = :id"),
        ),
    )
)
PAIRING = records.register(
    dataclasses.replace(
        PAIRING,
        cross_check=_check_pairing,
        describe=_pair_describer("lead_id", "partner_id", "kindergarten", "结对关系"),
        on_insert=_pairing_sort_order,
    )
)
MENTOR_PAIR = records.register(
    dataclasses.replace(
        MENTOR_PAIR,
        cross_check=_check_mentor_pair,
        describe=_pair_describer("mentor_id", "mentee_id", "person", "师徒结对"),
    )
)
STAFF_EXCHANGE = records.register(
    dataclasses.replace(
        STAFF_EXCHANGE,
        cross_check=_check_exchange,
        describe=_pair_describer("from_id", "to_id", "kindergarten", "交流轮岗"),
    )
)
# The roster's own record types, in the order the 结对名单 tab shows them.
RECORD_TYPES: dict[str, RecordType] = {
    t.table: t for t in (KINDERGARTEN, PERSON, PAIRING, MENTOR_PAIR, STAFF_EXCHANGE)
}


def record_type(table: str) -> RecordType:
    return records.record_type(table)


def _restore_conflicts(store: Store) -> list[str]:

    problems = [
        f"已有同名幼儿园“{r['name']}”"
        for r in store.query(
            "SELECT name FROM kindergarten WHERE deleted_at IS NULL GROUP BY name HAVING count(*) > 1"
        )
    ]
    problems += [
        f"“{r['kg']}”已有名为“{r['name']}”的人员"
        for r in store.query(
            """SELECT p.name, k.name AS kg FROM person p JOIN kindergarten k ON k.id = p.kindergarten_id
               WHERE p.deleted_at IS NULL GROUP BY p.name, p.kindergarten_id HAVING count(*) > 1"""
        )
    ]
    problems += [
        f"“{r['lead']}”与“{r['partner']}”已经结对"
        for r in store.query(
            """SELECT l.name AS lead, k.name AS partner FROM pairing p
               JOIN kindergarten l ON l.id = p.lead_id JOIN kindergarten k ON k.id = p.partner_id
               WHERE p.deleted_at IS NULL GROUP BY p.lead_id, p.partner_id HAVING count(*) > 1"""
        )
    ]
    problems += [
        f"{r['label']}所引用的幼儿园或人员仍在回收站中，请先恢复它"
        for r in store.query(
            """SELECT DISTINCT '结对关系' AS label FROM pairing p
               JOIN kindergarten k ON k.id IN (p.lead_id, p.partner_id)
               WHERE p.deleted_at IS NULL AND k.deleted_at IS NOT NULL
               UNION SELECT DISTINCT '人员' FROM person p JOIN kindergarten k
               ON k.id = p.kindergarten_id WHERE p.deleted_at IS NULL AND k.deleted_at IS NOT NULL
               UNION SELECT DISTINCT '交流轮岗' FROM staff_exchange x JOIN person p
               ON p.id = x.person_id WHERE x.deleted_at IS NULL AND p.deleted_at IS NOT NULL
               UNION SELECT DISTINCT '师徒结对' FROM mentor_pair m JOIN person p
               ON p.id IN (m.mentor_id, m.mentee_id)
               WHERE m.deleted_at IS NULL AND p.deleted_at IS NOT NULL"""
        )
    ]
    return problems


records.RESTORE_CHECKS.append(_restore_conflicts)

# -- reading -------------------------------------------------------------------------------------


def _period(start: str, end: str) -> str:
    if not start and not end:
        return ""
    return f"{start or '…'} 至 {end or '…'}"


def get_record(store: Store, table: str, record_id: str) -> dict[str, Any]:
    row = records.get_record(store, table, record_id)
    assert row is not None
    return row


def list_kindergartens(store: Store, programme: Programme) -> list[dict[str, Any]]:
    rows = store.query(
        """SELECT k.*,
             (SELECT count(*) FROM person p WHERE p.kindergarten_id = k.id
                AND p.deleted_at IS NULL) AS people,
             (SELECT count(*) FROM pairing p WHERE p.lead_id = k.id
                AND p.deleted_at IS NULL) AS lead_count,
             (SELECT group_concat(DISTINCT partner_role) FROM pairing p WHERE p.partner_id = k.id
                AND p.deleted_at IS NULL) AS partner_roles
           FROM kindergarten k WHERE k.deleted_at IS NULL ORDER BY k.name"""
    )
    for row in rows:
        roles = [programme.roles.lead] if row.pop("lead_count") else []
        roles += (row.pop("partner_roles") or "").split(",") if row.get("partner_roles") else []
        row.pop("partner_roles", None)
        row["roles"] = "、".join(r for r in roles if r)
    return rows


def list_people(store: Store) -> list[dict[str, Any]]:
    return store.query(
        """SELECT p.*, k.name AS kindergarten_name FROM person p
           LEFT JOIN kindergarten k ON k.id = p.kindergarten_id
           WHERE p.deleted_at IS NULL ORDER BY k.name, p.name"""
    )


def list_pairings(store: Store) -> list[dict[str, Any]]:
    """Active pairings in roster order: by lead (first added first), then as entered."""
    rows = store.query(
        """SELECT pr.*, l.name AS lead_name, pa.name AS partner_name,
             l.kind AS lead_kind, pa.kind AS partner_kind,
             lp.name AS lead_person, lp.phone AS lead_phone,
             pp.name AS partner_person, pp.phone AS partner_phone,
             (SELECT min(x.sort_order) FROM pairing x WHERE x.lead_id = pr.lead_id
                AND x.deleted_at IS NULL) AS lead_order
           FROM pairing pr
           JOIN kindergarten l ON l.id = pr.lead_id
           JOIN kindergarten pa ON pa.id = pr.partner_id
           LEFT JOIN person lp ON lp.id = pr.lead_person_id AND lp.deleted_at IS NULL
           LEFT JOIN person pp ON pp.id = pr.partner_person_id AND pp.deleted_at IS NULL
           WHERE pr.deleted_at IS NULL
           ORDER BY lead_order, l.name, pr.sort_order, pr.created_at"""
    )
    for row in rows:
        row.pop("lead_order")
        for key in ("lead_person", "lead_phone", "partner_person", "partner_phone"):
            row[key] = row[key] or ""
        row["period"] = _period(row["start_date"], row["end_date"])
        signed = row["agreement_signed"]
        parts = [f"{signed} 签订" if signed else "未签订"]
        if row["agreement_filed"]:
            parts.append("已备案")
        row["agreement"] = "，".join(parts)
    return rows


def list_mentor_pairs(store: Store) -> list[dict[str, Any]]:
    rows = store.query(
        """SELECT m.*, a.name AS mentor_name, ka.name AS mentor_kindergarten,
             b.name AS mentee_name, kb.name AS mentee_kindergarten
           FROM mentor_pair m JOIN person a ON a.id = m.mentor_id
           JOIN person b ON b.id = m.mentee_id
           LEFT JOIN kindergarten ka ON ka.id = a.kindergarten_id
           LEFT JOIN kindergarten kb ON kb.id = b.kindergarten_id
           WHERE m.deleted_at IS NULL ORDER BY ka.name, a.name"""
    )
    for row in rows:
        row["period"] = _period(row["start_date"], row["end_date"])
    return rows


def list_exchanges(store: Store) -> list[dict[str, Any]]:
    rows = store.query(
        """SELECT x.*, p.name AS person_name, f.name AS from_name, t.name AS to_name
           FROM staff_exchange x JOIN person p ON p.id = x.person_id
           JOIN kindergarten f ON f.id = x.from_id JOIN kindergarten t ON t.id = x.to_id
           WHERE x.deleted_at IS NULL ORDER BY x.start_date DESC, p.name"""
    )
    for row in rows:
        row["period"] = _period(row["start_date"], row["end_date"])
    return rows


LISTERS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "kindergarten": lambda store, programme: list_kindergartens(store, programme),
    "person": lambda store, programme: list_people(store),
    "pairing": lambda store, programme: list_pairings(store),
    "mentor_pair": lambda store, programme: list_mentor_pairs(store),
    "staff_exchange": lambda store, programme: list_exchanges(store),
}


def list_records(store: Store, programme: Programme, table: str) -> list[dict[str, Any]]:
    record_type(table)
    return LISTERS[table](store, programme)


def roster_problems(store: Store, programme: Programme) -> list[str]:
    """What ``check`` reports about the roster: gaps a bureau would send back. (What the
    programme's rules over the roster find missing: ``core.checks.roster_rules.problems``.)"""
    problems = []
    for row in list_pairings(store):
        where = f"结对“{row['lead_name']} — {row['partner_name']}”"
        if not row["lead_person"]:
            problems.append(f"{where}：{programme.roles.lead}未填责任人")
        elif not row["lead_phone"]:
            problems.append(
                f"{where}：{programme.roles.lead}责任人{row['lead_person']}没有联系方式"
            )
        if not row["partner_person"]:
            problems.append(f"{where}：{row['partner_role']}未填责任人")
        elif not row["partner_phone"]:
            problems.append(
                f"{where}：{row['partner_role']}责任人{row['partner_person']}没有联系方式"
            )
    for table in ("person",):
        for row in store.query(f"SELECT name, phone FROM {table} WHERE deleted_at IS NULL"):
            if row["phone"]:
                try:
                    v.clean_phone(row["phone"])
                except ValueError as exc:
                    problems.append(f"人员{row['name']}：{exc}")
    return problems
