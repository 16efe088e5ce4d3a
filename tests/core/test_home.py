"""本园: the first-start name becomes a kindergarten of the roster; its partners."""

from __future__ import annotations

from gongtongti_desktop.core.records import home, roster


def test_first_start_name_becomes_this_kindergarten(store, programme) -> None:
    assert home.home_id(store) == ""  # a file made before 本园 existed is not changed
    made = home.ensure_home(store, programme)
    rows = roster.list_kindergartens(store, programme)
    assert [(r["id"], r["name"]) for r in rows] == [(made, "测试幼儿园")]
    assert home.home_id(store) == made
    assert home.ensure_home(store, programme) == made  # once only
    assert len(roster.list_kindergartens(store, programme)) == 1


def test_an_existing_record_of_that_name_is_taken(store, programme) -> None:
    kg = roster.save_record(store, programme, "kindergarten", {"name": "测试幼儿园"})
    assert home.home_id(store) == kg
    assert home.ensure_home(store, programme) == kg
    assert store.setting(home.HOME_SETTING) == kg


def test_partners_are_the_pairings_of_this_kindergarten(store, programme) -> None:
    me = home.ensure_home(store, programme)
    a = roster.save_record(store, programme, "kindergarten", {"name": "甲园"})
    b = roster.save_record(store, programme, "kindergarten", {"name": "乙园"})
    c = roster.save_record(store, programme, "kindergarten", {"name": "丙园"})
    role = roster.records.choices(programme, roster.PAIRING.fields[3])[0]
    roster.save_record(
        store, programme, "pairing", {"lead_id": me, "partner_id": a, "partner_role": role}
    )
    roster.save_record(
        store, programme, "pairing", {"lead_id": b, "partner_id": me, "partner_role": role}
    )
    roster.save_record(
        store, programme, "pairing", {"lead_id": b, "partner_id": c, "partner_role": role}
    )
    assert {p["id"] for p in home.partners(store, me)} == {a, b}
    assert home.partners(store, "") == []


def test_the_name_on_every_form_follows_this_kindergarten(store, programme) -> None:
    from gongtongti_desktop.core.forms.form_data import form_data

    assert home.home_name(store) == "测试幼儿园"  # no 本园 record yet: the first-start name
    me = home.ensure_home(store, programme)
    roster.save_record(store, programme, "kindergarten", {"name": "测试镇中心幼儿园"}, me)
    assert home.home_name(store) == "测试镇中心幼儿园"
    data = form_data(store, programme, "annex3", None)
    assert data.header["kindergarten_name"] == "测试镇中心幼儿园"


def test_a_demo_keeps_its_demo_name_on_forms(demo_store) -> None:
    assert home.home_id(demo_store)  # 记一笔 has a host and partners in the demo
    assert home.home_name(demo_store) == demo_store.kindergarten_name
    assert "示例" in home.home_name(demo_store)
