"""Roster operations: validation per field, one-to-many pairings, soft delete and restore."""

from __future__ import annotations

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import catalog, roster
from gongtongti_desktop.errors import UserError, ValidationError


def _kg(store: Store, programme: Programme, name: str, kind: str = "公办园") -> str:
    return roster.save_record(store, programme, "kindergarten", {"name": name, "kind": kind})


def _person(store: Store, programme: Programme, name: str, kg: str, phone: str = "") -> str:
    return roster.save_record(
        store,
        programme,
        "person",
        {"name": name, "post": "园长", "phone": phone, "kindergarten_id": kg},
    )


def test_kindergarten_saved_with_uuid_and_times(store: Store, programme: Programme) -> None:
    kg = _kg(store, programme, " 实验 幼儿园 ")
    row = roster.get_record(store, "kindergarten", kg)
    assert row["name"] == "实验幼儿园"
    assert len(row["id"]) == 36 and row["created_at"] == row["updated_at"]


def test_validation_reports_each_field(store: Store, programme: Programme) -> None:
    kg = _kg(store, programme, "实验幼儿园")
    with pytest.raises(ValidationError) as info:
        roster.save_record(
            store,
            programme,
            "person",
            {"name": "", "post": "校董", "phone": "123", "kindergarten_id": kg},
        )
    errors = info.value.errors
    assert set(errors) == {"name", "post", "phone"}
    assert "姓名不能为空" in errors["name"]
    assert "不在可选范围" in errors["post"]
    assert "无效" in errors["phone"]
    assert store.query("SELECT count(*) AS n FROM person")[0]["n"] == 0


def test_duplicate_kindergarten_name_refused(store: Store, programme: Programme) -> None:
    _kg(store, programme, "实验幼儿园")
    with pytest.raises(ValidationError, match="已有名为“实验幼儿园”的幼儿园"):
        _kg(store, programme, "实验  幼儿园")


def test_update_only_touches_updated_at_when_something_changed(
    store: Store, programme: Programme
) -> None:
    kg = _kg(store, programme, "实验幼儿园")
    before = roster.get_record(store, "kindergarten", kg)
    roster.save_record(
        store, programme, "kindergarten", {"name": "实验幼儿园", "kind": "公办园"}, kg
    )
    assert roster.get_record(store, "kindergarten", kg)["updated_at"] == before["updated_at"]
    roster.save_record(
        store, programme, "kindergarten", {"name": "实验幼儿园", "kind": "民办园"}, kg
    )
    after = roster.get_record(store, "kindergarten", kg)
    assert after["kind"] == "民办园" and after["updated_at"] > before["updated_at"]
    assert after["created_at"] == before["created_at"]


def _pairing(store: Store, programme: Programme, lead: str, partner: str, **extra: object) -> str:
    values = {"lead_id": lead, "partner_id": partner, "partner_role": "受援学区", **extra}
    return roster.save_record(store, programme, "pairing", values)


def test_one_to_many_and_many_to_one(store: Store, programme: Programme) -> None:
    core1, core2 = _kg(store, programme, "实验幼儿园"), _kg(store, programme, "第二实验幼儿园")
    a, b = _kg(store, programme, "西里镇学区", "学区"), _kg(store, programme, "中庄镇学区", "学区")
    _pairing(store, programme, core1, a)
    _pairing(store, programme, core1, b)
    _pairing(store, programme, core2, a)
    rows = roster.list_pairings(store)
    assert [(r["lead_name"], r["partner_name"]) for r in rows] == [
        ("实验幼儿园", "西里镇学区"),
        ("实验幼儿园", "中庄镇学区"),
        ("第二实验幼儿园", "西里镇学区"),
    ]
    with pytest.raises(ValidationError, match="这所受援学区已与该核心幼儿园结对"):
        _pairing(store, programme, core1, a)


def test_pairing_checks(store: Store, programme: Programme) -> None:
    core, partner = _kg(store, programme, "实验幼儿园"), _kg(store, programme, "西里镇学区", "学区")
    outsider = _person(store, programme, "田玉法", partner)
    with pytest.raises(ValidationError) as info:
        _pairing(
            store, programme, core, core,
            lead_person_id=outsider, start_date="2024-09-01", end_date="2024-01-01",
        )  # fmt: skip
    assert info.value.errors["partner_id"] == "受援学区不能与核心幼儿园相同"
    assert info.value.errors["lead_person_id"] == "责任人应是本园人员"
    assert info.value.errors["end_date"] == "结束日期不能早于开始日期"
    with pytest.raises(ValidationError, match="结对园角色"):
        roster.save_record(
            store,
            programme,
            "pairing",
            {"lead_id": core, "partner_id": partner, "partner_role": "帮扶园"},
        )


def test_delete_cascades_to_recycle_bin_and_restores(
    demo_store: Store, programme: Programme
) -> None:
    lead = roster.list_pairings(demo_store)[0]
    before = {t: len(roster.list_records(demo_store, programme, t)) for t in roster.RECORD_TYPES}
    batch = roster.delete_record(demo_store, "kindergarten", lead["lead_id"])
    after = {t: len(roster.list_records(demo_store, programme, t)) for t in roster.RECORD_TYPES}
    assert after["kindergarten"] == before["kindergarten"] - 1
    assert after["pairing"] == before["pairing"] - 3
    assert after["person"] < before["person"]
    bin_ = catalog.recycle_bin(demo_store)
    assert len(bin_) == 1 and bin_[0].batch == batch
    assert bin_[0].summary.startswith(f"幼儿园“{lead['lead_name']}”（连同")
    # nothing is physically removed
    assert (
        demo_store.query("SELECT count(*) AS n FROM kindergarten")[0]["n"] == before["kindergarten"]
    )
    catalog.restore_batch(demo_store, batch)
    assert {
        t: len(roster.list_records(demo_store, programme, t)) for t in roster.RECORD_TYPES
    } == before
    assert catalog.recycle_bin(demo_store) == []


def test_restore_refuses_a_name_clash(store: Store, programme: Programme) -> None:
    kg = _kg(store, programme, "实验幼儿园")
    batch = roster.delete_record(store, "kindergarten", kg)
    _kg(store, programme, "实验幼儿园")
    with pytest.raises(UserError, match="同名"):
        catalog.restore_batch(store, batch)
    assert len(catalog.recycle_bin(store)) == 1  # still there, nothing half-restored


def test_restore_of_pairing_needs_its_kindergarten(store: Store, programme: Programme) -> None:
    core, partner = _kg(store, programme, "实验幼儿园"), _kg(store, programme, "西里镇学区", "学区")
    pairing = _pairing(store, programme, core, partner)
    pairing_batch = roster.delete_record(store, "pairing", pairing)
    roster.delete_record(store, "kindergarten", partner)
    with pytest.raises(UserError, match="请先恢复"):
        catalog.restore_batch(store, pairing_batch)


def test_deleted_responsible_person_disappears_from_list(
    store: Store, programme: Programme
) -> None:
    core, partner = _kg(store, programme, "实验幼儿园"), _kg(store, programme, "西里镇学区", "学区")
    person = _person(store, programme, "张玲", core, "15169302257")
    _pairing(store, programme, core, partner, lead_person_id=person)
    assert roster.list_pairings(store)[0]["lead_phone"] == "15169302257"
    roster.delete_record(store, "person", person)
    assert roster.list_pairings(store)[0]["lead_person"] == ""
    assert any("未填责任人" in p for p in roster.roster_problems(store, programme))


def test_mentor_pair_and_exchange(store: Store, programme: Programme) -> None:
    core, partner = _kg(store, programme, "实验幼儿园"), _kg(store, programme, "西里镇学区", "学区")
    mentor, mentee = (
        _person(store, programme, "张玲", core),
        _person(store, programme, "田玉", partner),
    )
    with pytest.raises(ValidationError, match="同一人"):
        roster.save_record(
            store, programme, "mentor_pair", {"mentor_id": mentor, "mentee_id": mentor}
        )
    roster.save_record(store, programme, "mentor_pair", {"mentor_id": mentor, "mentee_id": mentee})
    with pytest.raises(ValidationError, match="派出园的人员"):
        roster.save_record(
            store, programme, "staff_exchange",
            {"person_id": mentee, "from_id": core, "to_id": partner, "start_date": "2024-09-01"},
        )  # fmt: skip
    roster.save_record(
        store, programme, "staff_exchange",
        {"person_id": mentor, "from_id": core, "to_id": partner, "start_date": "2024-09-01", "end_date": "2025-07-15"},
    )  # fmt: skip
    row = roster.list_exchanges(store)[0]
    assert (row["person_name"], row["from_name"], row["to_name"]) == (
        "张玲",
        "实验幼儿园",
        "西里镇学区",
    )
    assert row["period"] == "2024-09-01 至 2025-07-15"
    roster.delete_record(store, "person", mentor)
    assert roster.list_exchanges(store) == [] and roster.list_mentor_pairs(store) == []


def test_demo_has_the_yiyuan_shape(demo_store: Store, programme: Programme) -> None:
    pairings = roster.list_pairings(demo_store)
    leads = {p["lead_name"] for p in pairings}
    assert len(pairings) == 14 and len(leads) == 5
    assert demo_store.setting("demo") == "1" and "示例" in demo_store.kindergarten_name
    assert roster.roster_problems(demo_store, programme) == []


def test_restore_refuses_duplicate_pairing_and_person(store: Store, programme: Programme) -> None:
    core, partner = _kg(store, programme, "实验幼儿园"), _kg(store, programme, "西里镇学区", "学区")
    first = _pairing(store, programme, core, partner)
    batch = roster.delete_record(store, "pairing", first)
    _pairing(store, programme, core, partner)
    with pytest.raises(UserError, match="已经结对"):
        catalog.restore_batch(store, batch)
    person = _person(store, programme, "张玲", core)
    batch = roster.delete_record(store, "person", person)
    _person(store, programme, "张玲", core)
    with pytest.raises(UserError, match="已有名为“张玲”的人员"):
        catalog.restore_batch(store, batch)


def test_dependents_counts_each_record_once(demo_store: Store) -> None:
    """A staff exchange is reached both through its kindergarten and through its teacher."""
    lead = roster.list_pairings(demo_store)[-1]["lead_id"]
    expected = roster.dependents(demo_store, "kindergarten", lead)
    roster.delete_record(demo_store, "kindergarten", lead)
    [entry] = catalog.recycle_bin(demo_store)
    assert entry.count == expected + 1
    assert catalog.describe(demo_store, "kindergarten", lead) == "幼儿园“城南幼儿园”"


def test_counts_are_the_lengths_of_the_lists(demo_store: Store, programme: Programme) -> None:
    """概览 counts with SQL (start-up); every count is its list's length, deleted rows too."""

    def both() -> dict[str, tuple[int, int]]:
        return {
            t: (
                roster.count_records(demo_store, t),
                len(roster.list_records(demo_store, programme, t)),
            )
            for t in roster.LISTERS
        }

    before = both()
    assert all(n == length > 0 for n, length in before.values())
    lead = roster.list_pairings(demo_store)[0]
    roster.delete_record(demo_store, "kindergarten", lead["lead_id"])  # pairings, people too
    after = both()
    assert all(n == length for n, length in after.values())
    assert after["pairing"][0] == before["pairing"][0] - 3
