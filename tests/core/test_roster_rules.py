"""Rules over the roster: agreements signed, filed and long enough; 交流轮岗 each way each school
year (and as many back as out); 师徒 pairs on each pairing. No Qt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gongtongti_desktop.core.checks.roster_rules import findings
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.profile.roster_specs import RosterRule, load_roster_rules
from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable
from gongtongti_desktop.core.records import roster

AGREEMENT = RosterRule("agreement", "帮扶协议", "agreement", signed=True, filed=True, min_years=2)
EXCHANGE = RosterRule("exchange", "交流轮岗", "exchange", min=1, balance="same")
NO_FEWER = RosterRule("c6", "C6", "exchange", min=1, balance="no_fewer")
MENTORS = RosterRule("mentors", "师徒结对", "mentor_pairs", min=1)
DAY = dt.date(2024, 10, 1)


def _kg(store: Store, programme: Programme, name: str) -> tuple[str, str]:
    kg = roster.save_record(store, programme, "kindergarten", {"name": name, "kind": "公办园"})
    person = roster.save_record(
        store, programme, "person", {"name": name[:2] + "老师", "post": "骨干教师",
                                     "kindergarten_id": kg},
    )  # fmt: skip
    return kg, person


def _pairing(store: Store, programme: Programme, **changes: object) -> dict[str, str]:
    lead, lead_person = _kg(store, programme, "城关幼儿园")
    partner, partner_person = _kg(store, programme, "东岭镇学区")
    values = {
        "lead_id": lead,
        "partner_id": partner,
        "partner_role": programme.roles.partners[0],
        "start_date": "2022-07-01",
        "end_date": "2024-12-31",
        "agreement_signed": "2022-07-01",
        "agreement_filed": True,
        **changes,
    }
    roster.save_record(store, programme, "pairing", values)
    return {"lead": lead, "partner": partner, "lead_person": lead_person,
            "partner_person": partner_person}  # fmt: skip


def _exchange(store: Store, programme: Programme, person: str, a: str, b: str, day: str) -> None:
    roster.save_record(
        store, programme, "staff_exchange",
        {"person_id": person, "from_id": a, "to_id": b, "start_date": day},
    )  # fmt: skip


def test_a_signed_filed_long_enough_agreement_passes(store: Store, programme: Programme) -> None:
    _pairing(store, programme)
    assert findings(store, programme.calendar, (AGREEMENT,), DAY) == []


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"agreement_signed": ""}, "未签订"),
        ({"agreement_filed": False}, "未备案"),
        ({"end_date": "2023-06-30"}, "不足2年"),
        ({"start_date": "", "end_date": ""}, "未填写帮扶期限"),
    ],
)
def test_a_blank_or_short_agreement_is_a_finding(
    store: Store, programme: Programme, changes: dict[str, object], words: str
) -> None:
    _pairing(store, programme, **changes)
    (finding,) = findings(store, programme.calendar, (AGREEMENT,), DAY)
    assert words in finding.text and "城关幼儿园 — 东岭镇学区" in str(finding)


def test_exactly_two_years_is_enough(store: Store, programme: Programme) -> None:
    _pairing(store, programme, start_date="2024-09-01", end_date="2026-08-31")
    assert findings(store, programme.calendar, (AGREEMENT,), DAY) == []


def test_exchange_each_way_each_closed_school_year(store: Store, programme: Programme) -> None:
    p = _pairing(store, programme)
    today = dt.date(2024, 10, 1)  # 2022—2023 and 2023—2024 closed, 2024—2025 running
    found = findings(store, programme.calendar, (EXCHANGE,), today)
    closed = [f for f in found if f.closed]
    assert len(closed) == 4  # two school years × (out, back)
    assert all(not f.closed for f in found if "2024—2025" in f.subject)
    for year in ("2022-09-01", "2023-09-01"):
        _exchange(store, programme, p["lead_person"], p["lead"], p["partner"], year)
        _exchange(store, programme, p["partner_person"], p["partner"], p["lead"], year)
    assert [f for f in findings(store, programme.calendar, (EXCHANGE,), today) if f.closed] == []


def test_exchange_same_number_both_ways(store: Store, programme: Programme) -> None:
    p = _pairing(store, programme, start_date="2023-09-01", end_date="2025-08-31")
    for _ in range(2):
        _exchange(store, programme, p["lead_person"], p["lead"], p["partner"], "2023-09-01")
    _exchange(store, programme, p["partner_person"], p["partner"], p["lead"], "2023-10-01")
    found = [f for f in findings(store, programme.calendar, (EXCHANGE,), DAY) if f.closed]
    assert [f.text for f in found] == ["双方交流人数不同（派出 2 人，派来 1 人）"]
    found = [f for f in findings(store, programme.calendar, (NO_FEWER,), DAY) if f.closed]
    assert [f.text for f in found] == ["双方交流人数派来少于派出（派出 2 人，派来 1 人）"]
    for _ in range(2):
        _exchange(store, programme, p["partner_person"], p["partner"], p["lead"], "2023-11-01")
    assert [f for f in findings(store, programme.calendar, (NO_FEWER,), DAY) if f.closed] == []
    assert [f for f in findings(store, programme.calendar, (EXCHANGE,), DAY) if f.closed]


def test_exchange_not_asked_outside_the_programme(store: Store, programme: Programme) -> None:
    _pairing(store, programme)
    within = (dt.date(2024, 9, 1), dt.date(2025, 8, 31))
    found = findings(store, programme.calendar, (EXCHANGE,), dt.date(2025, 1, 15), within)
    assert found and all("2024—2025" in f.subject and not f.closed for f in found)


def test_mentor_pairs_on_each_pairing(store: Store, programme: Programme) -> None:
    p = _pairing(store, programme)
    (finding,) = findings(store, programme.calendar, (MENTORS,), DAY)
    assert "师徒结对 0 对" in finding.text
    roster.save_record(
        store, programme, "mentor_pair",
        {"mentor_id": p["lead_person"], "mentee_id": p["partner_person"]},
    )  # fmt: skip
    assert findings(store, programme.calendar, (MENTORS,), DAY) == []


def _load(text: str) -> tuple[RosterRule, ...]:
    import tomllib

    return load_roster_rules(TomlTable(tomllib.loads(text), "rules.toml"))


def test_loader_reads_and_refuses_in_chinese(tmp_path: Path) -> None:
    (rule,) = _load(
        '[[roster_rules]]\nid = "a"\nlabel = "协议"\ncheck = "agreement"\nsigned = true\n'
        "min_years = 2\n"
    )
    assert (rule.signed, rule.filed, rule.min_years) == (True, False, 2)
    with pytest.raises(ProfileError, match="check 只能是"):
        _load('[[roster_rules]]\nid = "a"\nlabel = "x"\ncheck = "agreements"\n')
    with pytest.raises(ProfileError, match="min_years 只用于"):
        _load(
            '[[roster_rules]]\nid = "a"\nlabel = "x"\ncheck = "exchange"\nmin = 1\nmin_years = 2\n'
        )
    with pytest.raises(ProfileError, match="不认识的键 year"):
        _load('[[roster_rules]]\nid = "a"\nlabel = "x"\ncheck = "exchange"\nmin = 1\nyear = 2\n')
    with pytest.raises(ProfileError, match="balance 只能是"):
        _load(
            '[[roster_rules]]\nid = "a"\nlabel = "x"\ncheck = "exchange"\nmin = 1\nbalance = "eq"\n'
        )
    with pytest.raises(ProfileError, match="缺少必填项 min"):
        _load('[[roster_rules]]\nid = "a"\nlabel = "x"\ncheck = "exchange"\n')


def test_one_off_deadlines_of_the_pairings_starting_that_year(
    store: Store, programme: Programme
) -> None:
    """盘锦: the pairs of 2024 listed by 9月5日 (年度帮扶计划表) and their agreements signed by
    9月25日; a pairing of another year is not bound by them."""
    rule = RosterRule(
        "dates", "盘锦", "agreement",
        listed_by=dt.date(2024, 9, 5), signed_by=dt.date(2024, 9, 25),
    )  # fmt: skip
    _pairing(store, programme, start_date="2024-09-20", end_date="2026-12-31",
             agreement_signed="2024-09-28")  # fmt: skip
    store.conn.execute("UPDATE pairing SET created_at = '2024-09-10T09:00:00'")
    texts = [f.text for f in findings(store, programme.calendar, (rule,), dt.date(2024, 12, 1))]
    assert texts == [
        "2024-09-10 才列入结对名单，晚于 2024-09-05",
        "帮扶协议 2024-09-28 签订，晚于 2024-09-25",
    ]
    store.conn.execute(
        "UPDATE pairing SET created_at = '2024-09-01T09:00:00', agreement_signed = '2024-09-20'"
    )
    assert findings(store, programme.calendar, (rule,), dt.date(2024, 12, 1)) == []
    store.conn.execute("UPDATE pairing SET start_date = '2025-09-20', agreement_signed = ''")
    assert findings(store, programme.calendar, (rule,), dt.date(2025, 12, 1)) == []


def test_an_unfiled_agreement_is_a_reminder_until_its_filing_day_then_a_miss(
    store: Store, programme: Programme
) -> None:
    """盘锦 "10月15日前……将已签订的帮扶协议上报市教育局": the roster says whether an agreement is
    filed, not when — so before 10月15日 an unfiled one is still open, after it a miss."""
    rule = RosterRule("dates", "盘锦", "agreement", filed=True, filed_by=dt.date(2024, 10, 15))
    _pairing(store, programme, start_date="2024-09-20", end_date="2026-12-31",
             agreement_signed="2024-09-20", agreement_filed=False)  # fmt: skip
    [before] = findings(store, programme.calendar, (rule,), dt.date(2024, 10, 1))
    assert before.text == "帮扶协议应于 2024-10-15 前备案并上报（尚未备案）" and not before.closed
    [after] = findings(store, programme.calendar, (rule,), dt.date(2024, 10, 16))
    assert after.closed
    store.conn.execute("UPDATE pairing SET agreement_filed = 1")
    assert findings(store, programme.calendar, (rule,), dt.date(2024, 10, 16)) == []
    store.conn.execute("UPDATE pairing SET agreement_filed = 0, start_date = '2025-09-01'")
    [other_year] = findings(store, programme.calendar, (rule,), dt.date(2025, 10, 16))
    assert other_year.text == "帮扶协议未备案"  # not bound by 2024's day: simply not filed
