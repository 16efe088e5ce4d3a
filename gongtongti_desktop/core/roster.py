"""The pairing roster: kindergartens, people, pairings, mentor pairs and staff exchanges.

One function per user operation (save, delete, restore), each one transaction. Validation
lives here and reports per field, so the dialog can show messages beside the inputs and the
CLI/importer can name the cell. The record types are described as data (``RECORD_TYPES``)
so the window builds its tables and forms from them instead of repeating the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from gongtongti_desktop.core import validation as v
from gongtongti_desktop.core.programme import Programme
from gongtongti_desktop.core.store import Store, new_id
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError, ValidationError

FieldKind = Literal["name", "text", "choice", "phone", "date", "bool", "kindergarten", "person"]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: FieldKind
    required: bool = False
    vocab: str = ""  # for choice fields: attribute of the programme or "partner_roles"


@dataclass(frozen=True)
class Column:
    """A column of the roster tables shown in the window (key into the listed rows)."""

    key: str
    label: str


@dataclass(frozen=True)
class RecordType:
    table: str
    label: str
    fields: tuple[Field, ...]
    columns: tuple[Column, ...]


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
RECORD_TYPES: dict[str, RecordType] = {
    t.table: t for t in (KINDERGARTEN, PERSON, PAIRING, MENTOR_PAIR, STAFF_EXCHANGE)
}


def record_type(table: str) -> RecordType:
    try:
        return RECORD_TYPES[table]
    except KeyError:
        raise UserError(f"未知的记录类型 {table}") from None


def choices(programme: Programme, field: Field) -> tuple[str, ...]:
    if field.vocab == "partner_roles":
        return programme.roles.partners
    return tuple(getattr(programme, field.vocab))


# -- validation -------------------------------------------------------------------------------


def _active(store: Store, table: str, record_id: str) -> dict[str, Any] | None:
    rows = store.query(f"SELECT * FROM {table} WHERE id = ? AND deleted_at IS NULL", (record_id,))
    return rows[0] if rows else None


def clean_record(
    store: Store, programme: Programme, table: str, values: dict[str, Any], record_id: str | None
) -> dict[str, Any]:
    """Return the cleaned values, or raise ValidationError with a message per field."""
    rtype = record_type(table)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for field in rtype.fields:
        raw = values.get(field.name)
        try:
            cleaned[field.name] = _clean_field(store, programme, field, raw)
        except ValueError as exc:
            errors[field.name] = str(exc)
    if not errors:
        errors.update(_cross_checks(store, table, cleaned, record_id))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_field(store: Store, programme: Programme, field: Field, raw: Any) -> Any:
    if field.kind == "bool":
        return 1 if raw in (True, 1, "1", "是", "true") else 0
    text = "" if raw is None else str(raw)
    if field.kind == "name":
        return v.clean_name(text, field.label, required=field.required)
    if field.kind == "text":
        return v.clean_text(text, field.label)
    if field.kind == "phone":
        return v.clean_phone(text, required=field.required)
    if field.kind == "date":
        return v.clean_date(text, field.label, required=field.required)
    if field.kind == "choice":
        text = text.strip()
        if not text:
            if field.required:
                raise ValueError(f"请选择{field.label}")
            return ""
        allowed = choices(programme, field)
        if text not in allowed:
            raise ValueError(f"{field.label}“{text}”不在可选范围内：{'、'.join(allowed)}")
        return text
    # references
    text = text.strip()
    if not text:
        if field.required:
            raise ValueError(f"请选择{field.label}")
        return None
    table = "kindergarten" if field.kind == "kindergarten" else "person"
    if _active(store, table, text) is None:
        raise ValueError(f"{field.label}不存在或已删除")
    return text


def _cross_checks(
    store: Store, table: str, c: dict[str, Any], record_id: str | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    not_me = record_id or ""
    if "start_date" in c and "end_date" in c:
        try:
            v.check_order(c["start_date"], c["end_date"])
        except ValueError as exc:
            errors["end_date"] = str(exc)
    if table == "kindergarten":
        same = store.query(
            "SELECT id FROM kindergarten WHERE name = ? AND deleted_at IS NULL AND id != ?",
            (c["name"], not_me),
        )
        if same:
            errors["name"] = f"已有名为“{c['name']}”的幼儿园"
    elif table == "person":
        same = store.query(
            "SELECT id FROM person WHERE name = ? AND kindergarten_id = ? AND deleted_at IS NULL"
            " AND id != ?",
            (c["name"], c["kindergarten_id"], not_me),
        )
        if same:
            errors["name"] = f"该园已有名为“{c['name']}”的人员"
    elif table == "pairing":
        if c["lead_id"] == c["partner_id"]:
            errors["partner_id"] = "结对园不能与牵头园相同"
        for side in ("lead", "partner"):
            person_id = c[f"{side}_person_id"]
            if person_id:
                person = _active(store, "person", person_id)
                if person and person["kindergarten_id"] != c[f"{side}_id"]:
                    errors[f"{side}_person_id"] = "责任人应是本园人员"
        dup = store.query(
            "SELECT id FROM pairing WHERE lead_id = ? AND partner_id = ? AND deleted_at IS NULL"
            " AND id != ?",
            (c["lead_id"], c["partner_id"], not_me),
        )
        if dup:
            errors["partner_id"] = "这两所幼儿园已经结对"
    elif table == "mentor_pair":
        if c["mentor_id"] == c["mentee_id"]:
            errors["mentee_id"] = "师傅和徒弟不能是同一人"
    elif table == "staff_exchange":
        if c["from_id"] == c["to_id"]:
            errors["to_id"] = "接收园不能与派出园相同"
        person = _active(store, "person", c["person_id"])
        if person and person["kindergarten_id"] != c["from_id"]:
            errors["person_id"] = "交流人员应是派出园的人员"
    return errors


# -- writing ------------------------------------------------------------------------------------


def save_record(
    store: Store,
    programme: Programme,
    table: str,
    values: dict[str, Any],
    record_id: str | None = None,
) -> str:
    """Insert (record_id None) or update one record after validation; returns its id."""
    with store.atomic():
        cleaned = clean_record(store, programme, table, values, record_id)
        now = now_iso()
        if record_id is None:
            record_id = new_id()
            row = {"id": record_id, "created_at": now, "updated_at": now, **cleaned}
            if table == "pairing":
                # Roster order is entry order (the bureau's table order), not alphabetical.
                last = store.db.execute("SELECT coalesce(max(sort_order), 0) FROM pairing")
                row["sort_order"] = last.fetchone()[0] + 1
            store.db.table(table).insert(row)
        else:
            current = _active(store, table, record_id)
            if current is None:
                raise UserError(f"要修改的{record_type(table).label}不存在或已删除")
            changed = {k: val for k, val in cleaned.items() if current.get(k) != val}
            if changed:
                store.db.table(table).update(record_id, {**changed, "updated_at": now})
    return record_id


# What else goes to the recycle bin with a record, so one restore brings all of it back.
_CASCADES: dict[str, list[tuple[str, str]]] = {
    "kindergarten": [
        ("person", "kindergarten_id = :id"),
        ("pairing", "lead_id = :id OR partner_id = :id"),
        ("staff_exchange", "from_id = :id OR to_id = :id"),
    ],
    "person": [
        ("mentor_pair", "mentor_id = :id OR mentee_id = :id"),
        ("staff_exchange", "person_id = :id"),
    ],
}


def delete_record(store: Store, table: str, record_id: str) -> str:
    """Soft-delete a record and what depends on it; returns the batch id for restoring."""
    record_type(table)
    batch = new_id()
    now = now_iso()
    with store.atomic():
        if _active(store, table, record_id) is None:
            raise UserError("要删除的记录不存在或已删除")
        _soft_delete(store, table, "id = :id", record_id, batch, now)
    return batch


def _soft_delete(
    store: Store, table: str, where: str, record_id: str, batch: str, now: str
) -> None:
    ids = [
        r["id"]
        for r in store.query(
            f"SELECT id FROM {table} WHERE ({where}) AND deleted_at IS NULL", {"id": record_id}
        )
    ]
    for rid in ids:
        store.db.execute(
            f"UPDATE {table} SET deleted_at = ?, deleted_batch = ?, updated_at = ? WHERE id = ?",
            [now, batch, now, rid],
        )
        for child, child_where in _CASCADES.get(table, []):
            _soft_delete(store, child, child_where, rid, batch, now)


@dataclass(frozen=True)
class DeletedBatch:
    batch: str
    deleted_at: str
    summary: str
    count: int


def _describe(store: Store, table: str, row: dict[str, Any]) -> str:
    label = record_type(table).label
    name = row.get("name")
    if name:
        return f"{label}“{name}”"
    names = {
        "pairing": ("lead_id", "partner_id", "kindergarten"),
        "mentor_pair": ("mentor_id", "mentee_id", "person"),
        "staff_exchange": ("from_id", "to_id", "kindergarten"),
    }[table]
    a, b, ref = names
    pair = []
    for key in (a, b):
        found = store.query(f"SELECT name FROM {ref} WHERE id = ?", (row[key],))
        pair.append(found[0]["name"] if found else "?")
    return f"{label}“{pair[0]} — {pair[1]}”"


def recycle_bin(store: Store) -> list[DeletedBatch]:
    """What was deleted, newest first, one entry per delete action."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for table in RECORD_TYPES:
        for row in store.query(f"SELECT * FROM {table} WHERE deleted_at IS NOT NULL"):
            found.setdefault(row["deleted_batch"], []).append((table, row))
    batches = []
    order = list(RECORD_TYPES)
    for batch, items in found.items():
        items.sort(key=lambda item: (item[1]["deleted_at"], order.index(item[0])))
        table, first = items[0]
        summary = _describe(store, table, first)
        if len(items) > 1:
            summary += f"（连同 {len(items) - 1} 条关联记录）"
        batches.append(DeletedBatch(batch, first["deleted_at"], summary, len(items)))
    batches.sort(key=lambda b: b.deleted_at, reverse=True)
    return batches


def restore_batch(store: Store, batch: str) -> int:
    """Bring back everything one delete removed; refuses when that would clash."""
    with store.atomic():
        restored = 0
        for table in RECORD_TYPES:
            rows = store.query(f"SELECT * FROM {table} WHERE deleted_batch = ?", (batch,))
            for row in rows:
                store.db.execute(
                    f"UPDATE {table} SET deleted_at = NULL, deleted_batch = NULL, updated_at = ?"
                    " WHERE id = ?",
                    [now_iso(), row["id"]],
                )
                restored += 1
        if not restored:
            raise UserError("回收站中没有这批记录")
        problems = _restore_conflicts(store)
        if problems:
            raise UserError("无法恢复：" + "；".join(problems))
    return restored


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


# -- reading -------------------------------------------------------------------------------------


def _period(start: str, end: str) -> str:
    if not start and not end:
        return ""
    return f"{start or '…'} 至 {end or '…'}"


def get_record(store: Store, table: str, record_id: str) -> dict[str, Any]:
    record_type(table)
    row = _active(store, table, record_id)
    if row is None:
        raise UserError("记录不存在或已删除")
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
    """What ``check`` reports about the roster: gaps a bureau would send back."""
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
