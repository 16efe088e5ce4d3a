"""上报前检查: each source with data that has the problem and data that has not, and a rule's
number in the profile deciding what is listed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme, get_programme
from gongtongti_desktop.core.records import attachments, roster, stage_reports
from gongtongti_desktop.core.records import diary as _diary  # noqa: F401  (the activity type)
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.upload import before_export

D = dt.date


def _roster(store: Store, programme: Programme, **pairing: str) -> dict[str, str]:
    lead = roster.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    partner = roster.save_record(store, programme, "kindergarten", {"name": "东岭镇学区"})
    pair = roster.save_record(
        store,
        programme,
        "pairing",
        {"lead_id": lead, "partner_id": partner, "partner_role": programme.roles.partners[0],
         **pairing},
    )  # fmt: skip
    return {"lead": lead, "partner": partner, "pairing": pair}


def _activity(store: Store, programme: Programme, day: D, host: str, kind: str = "") -> str:
    values = {
        "day": day.isoformat(),
        "kind": kind or programme.activity_kinds[0],
        "title": "城乡同步教研",
        "mode": "线下",
        "host_id": host,
    }
    made = records.save_record(store, programme, "activity", values)
    # entered on its day (the rules judge entries made after the deadline as 逾期补录)
    stamp = f"{day.isoformat()}T18:00:00"
    store.conn.execute("UPDATE activity SET created_at = ? WHERE id = ?", (stamp, made))
    return made


def _kinds(items: list[before_export.OpenItem]) -> list[str]:
    return [i.kind for i in items]


@pytest.fixture
def gaotai(tmp_path: Path) -> tuple[Store, Programme]:
    programme = get_programme("gaotai-2020")
    store = Store.create(tmp_path / "g.gtdb", kindergarten="测试园", programme_id=programme.id)
    yield store, programme
    store.close()


def test_an_activity_without_a_photo_is_listed_until_a_picture_is_attached(
    store: Store, programme: Programme, tmp_path: Path
) -> None:
    ids = _roster(store, programme, agreement_signed="2022-07-01")
    act = _activity(store, programme, D(2022, 10, 8), ids["lead"])
    month = periods.month_period(2022, 10)
    found = before_export.activities_without_photos(store, programme, month, D(2022, 11, 1))
    assert [(i.kind, i.record_type, i.record_id) for i in found] == [("no_photos", "activity", act)]
    assert "2022年10月8日" in found[0].text and "没有照片" in found[0].text
    document = tmp_path / "签到表.pdf"
    document.write_bytes(b"%PDF-1.4\n%%EOF\n")
    attachments.add_attachment(store, act, document)  # a document is not a photo
    assert before_export.activities_without_photos(store, programme, month, D(2022, 11, 1))
    photo = tmp_path / "现场.png"
    Image.new("RGB", (8, 8), "white").save(photo)
    attachments.add_attachment(store, act, photo)
    assert before_export.activities_without_photos(store, programme, month, D(2022, 11, 1)) == []
    # another month's activity is not this month's gap
    _activity(store, programme, D(2022, 9, 8), ids["lead"])
    assert before_export.activities_without_photos(store, programme, month, D(2022, 11, 1)) == []


def test_a_late_entry_is_listed_with_its_deadline(gaotai: tuple[Store, Programme]) -> None:
    store, programme = gaotai
    ids = _roster(store, programme, agreement_signed="2020-08-01")
    on_time = _activity(store, programme, D(2020, 10, 8), ids["lead"])
    late = _activity(store, programme, D(2020, 10, 9), ids["lead"])
    store.conn.execute(
        "UPDATE activity SET created_at = '2020-10-08T09:00:00' WHERE id = ?", (on_time,)
    )
    store.conn.execute(
        "UPDATE activity SET created_at = '2020-11-15T09:00:00' WHERE id = ?", (late,)
    )
    october = periods.month_period(2020, 10)
    found = before_export.late_entries(store, programme, october, D(2020, 12, 1))
    assert [(i.kind, i.record_type, i.record_id) for i in found] == [
        ("late_entry", "activity", late)
    ]
    assert "2020-11-15 才录入" in found[0].text and "2020年10月30日" in found[0].text
    assert "按方案不计入" in found[0].text  # 高台 does not count late entries
    store.conn.execute(
        "UPDATE activity SET created_at = '2020-10-09T09:00:00' WHERE id = ?", (late,)
    )
    assert before_export.late_entries(store, programme, october, D(2020, 12, 1)) == []


def test_a_missed_rule_follows_the_number_in_the_profile(gaotai: tuple[Store, Programme]) -> None:
    """高台's 附件3: 帮扶园每月开展帮扶工作不少于三项. Two in October is a miss; with the profile's
    number made 2 the same records are not — the list reads the profile, not a constant."""
    store, programme = gaotai
    ids = _roster(store, programme, agreement_signed="2020-08-01")
    rule = next(r for r in programme.rules if r.id == "helper-monthly")
    assert rule.min == 3
    for day in (8, 15):
        _activity(store, programme, D(2020, 10, day), ids["lead"])
    october = periods.month_period(2020, 10)
    found = before_export.missed_rules(store, programme, october, D(2020, 12, 1))
    named = [i for i in found if i.record_id == "helper-monthly"]
    assert [(i.record_type, i.period, i.severity) for i in named] == [
        ("rule", "2020-10", "warning")
    ]
    assert "2 次，要求 ≥ 3（未达成）" in named[0].text
    two = rule._replace(min=2)
    lenient = programme._replace(
        rules=tuple(two if r.id == rule.id else r for r in programme.rules)
    )
    found = before_export.missed_rules(store, lenient, october, D(2020, 12, 1))
    assert [i for i in found if i.record_id == "helper-monthly"] == []
    _activity(store, programme, D(2020, 10, 22), ids["lead"])  # the third: met
    found = before_export.missed_rules(store, programme, october, D(2020, 12, 1))
    assert [i for i in found if i.record_id == "helper-monthly"] == []


def test_a_month_not_over_is_a_note_and_a_month_not_begun_is_not_listed(
    gaotai: tuple[Store, Programme],
) -> None:
    store, programme = gaotai
    ids = _roster(store, programme, agreement_signed="2020-08-01")
    _activity(store, programme, D(2020, 9, 8), ids["lead"])  # the file is in use since then
    term = periods.parse_term(programme.calendar, "2020-autumn")
    found = before_export.missed_rules(store, programme, term, D(2020, 11, 16))
    helper = {i.period: i.severity for i in found if i.record_id == "helper-monthly"}
    assert helper["2020-11"] == "note"
    assert "2020-12" not in helper


def test_a_pairing_without_an_agreement_is_listed_until_signed(
    store: Store, programme: Programme
) -> None:
    ids = _roster(store, programme)
    term = periods.parse_term(programme.calendar, "2022-autumn")
    found = before_export.pairings_without_agreements(store, programme, term, D(2023, 3, 1))
    assert [(i.kind, i.record_type, i.record_id) for i in found] == [
        ("no_agreement", "pairing", ids["pairing"])
    ]
    assert "城关实验幼儿园 — 东岭镇学区" in found[0].text
    roster.save_record(
        store, programme, "pairing",
        {**roster.get_record(store, "pairing", ids["pairing"]), "agreement_signed": "2022-07-01"},
        ids["pairing"],
    )  # fmt: skip
    found = before_export.pairings_without_agreements(store, programme, term, D(2023, 3, 1))
    assert [i for i in found if "没有帮扶协议" in i.text] == []


def test_an_untouched_draft_is_listed_until_edited(store: Store, programme: Programme) -> None:
    term = periods.parse_term(programme.calendar, "2022-autumn")
    values = {"highlights": "本学期开展送教活动 3 次。", "problems": "", "next_steps": ""}
    row = stage_reports.save_stage_report(store, "2022-autumn", values, draft=True)
    found = before_export.untouched_drafts(store, programme, term, D(2023, 3, 1))
    assert [(i.kind, i.record_type, i.record_id, i.period) for i in found] == [
        ("untouched_draft", "stage_summary", row["id"], "2022-autumn")
    ]
    other = periods.parse_term(programme.calendar, "2023-spring")
    assert before_export.untouched_drafts(store, programme, other, D(2023, 3, 1)) == []
    stage_reports.save_stage_report(store, "2022-autumn", {"problems": "交通不便，线上为主。"})
    assert before_export.untouched_drafts(store, programme, term, D(2023, 3, 1)) == []


def test_the_list_counts_and_words_every_kind(demo_store: Store) -> None:
    programme = get_programme(demo_store.programme_id)
    term = periods.term_of(programme.calendar, demo_store.today())
    items = before_export.open_items(demo_store, programme, term)
    counts = before_export.counts(items)
    assert sum(counts.values()) == len(items) > 0
    lines = before_export.report_lines(demo_store, programme, term, items)
    for kind, n in counts.items():
        assert f"{before_export.kind_label(kind)}（{n} 项）" in lines
    assert before_export.kind_label("later_kind") == "later_kind"  # a newer package's kind
    assert [i.as_json()["kind"] for i in items] == _kinds(items)
