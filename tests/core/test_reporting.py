"""Records of a period for a package, changes since the last one, and revisions of reported
records kept by the triggers whatever code path edits them."""

from __future__ import annotations

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import reporting, scoring, stage_reports


def _setup(store: Store, programme: Programme) -> dict[str, str]:
    lead = records.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    partner = records.save_record(store, programme, "kindergarten", {"name": "东岭镇学区"})
    inside = records.save_record(
        store, programme, "activity",
        {"day": "2024-10-09", "kind": "会议", "title": "推进会", "mode": "线下",
         "host_id": lead, "receiver_ids": [partner], "record": "纪要"},
    )  # fmt: skip
    outside = records.save_record(
        store, programme, "activity",
        {"day": "2025-03-09", "kind": "会议", "title": "春季推进会", "mode": "线下", "host_id": lead},
    )  # fmt: skip
    return {"lead": lead, "partner": partner, "inside": inside, "outside": outside}


def test_collect_takes_the_period_and_the_whole_roster(store: Store, programme: Programme) -> None:
    ids = _setup(store, programme)
    index = programme.index("annex4")
    scoring.set_score(store, index, "2024-autumn", "C3", self_score=2)
    scoring.set_score(store, index, "2024", "C3", self_score=1)  # the school year: not inside
    stage_reports.save_summary(store, "2024-10", {"highlights": "十月"})
    term = periods.parse_term(programme.calendar, "2024-autumn")
    data = reporting.collect(store, programme, term)
    assert [r["id"] for r in data["activity"]] == [ids["inside"]]
    assert data["activity"][0]["receiver_ids"] == [ids["partner"]]
    assert {r["id"] for r in data["kindergarten"]} == {ids["lead"], ids["partner"]}
    assert [r["period"] for r in data["score"]] == ["2024-autumn"]
    assert [r["period"] for r in data["stage_summary"]] == ["2024-10"]


def test_changes_since_last_export(store: Store, programme: Programme) -> None:
    ids = _setup(store, programme)
    term = periods.parse_term(programme.calendar, "2024-autumn")
    first = reporting.collect(store, programme, term)
    changes = reporting.changes_since_last(store, first)
    assert len(changes.new) == 3 and not changes.changed  # two kindergartens, one activity
    reporting.mark_exchanged(
        store, first, direction="export", period_key="2024-autumn", path="a.gtt"
    )
    assert reporting.changes_since_last(store, first).empty
    records.save_record(
        store, programme, "activity",
        {**records.get_record(store, "activity", ids["inside"]), "title": "推进会（改）"},
        ids["inside"],
    )  # fmt: skip
    again = reporting.changes_since_last(store, reporting.collect(store, programme, term))
    assert [e[1] for e in again.changed] == [ids["inside"]]
    records.delete_record(store, "activity", ids["inside"])
    gone = reporting.changes_since_last(store, reporting.collect(store, programme, term))
    assert [e[1] for e in gone.deleted] == [ids["inside"]]


def test_a_reported_record_keeps_every_earlier_version(store: Store, programme: Programme) -> None:
    ids = _setup(store, programme)
    term = periods.parse_term(programme.calendar, "2024-autumn")
    records.save_record(
        store, programme, "activity",
        {**records.get_record(store, "activity", ids["inside"]), "title": "改于上报前"},
        ids["inside"],
    )  # fmt: skip
    assert reporting.revisions(store, "activity", ids["inside"]) == []  # not reported yet
    data = reporting.collect(store, programme, term)
    reporting.mark_exchanged(
        store, data, direction="export", period_key="2024-autumn", path="a.gtt"
    )
    before = records.get_record(store, "activity", ids["inside"])
    records.save_record(
        store, programme, "activity", {**before, "title": "改于上报后", "receiver_ids": []},
        ids["inside"],
    )  # fmt: skip
    [rev] = reporting.revisions(store, "activity", ids["inside"])
    assert rev["data"]["title"] == "改于上报前"
    assert rev["data"]["receiver_ids"] == [ids["partner"]]  # the links as they were
    records.delete_record(store, "activity", ids["inside"])  # a soft delete is an edit too
    assert [r["data"]["title"] for r in reporting.revisions(store, "activity", ids["inside"])] == [
        "改于上报前", "改于上报后",
    ]  # fmt: skip


def test_score_evidence_changes_are_revisions(store: Store, programme: Programme) -> None:
    ids = _setup(store, programme)
    index = programme.index("annex4")
    scoring.set_score(store, index, "2024-autumn", "C3", self_score=2)
    term = periods.parse_term(programme.calendar, "2024-autumn")
    reporting.mark_exchanged(
        store, reporting.collect(store, programme, term), direction="export",
        period_key="2024-autumn", path="a.gtt",
    )  # fmt: skip
    score_id = scoring.get_scores(store, index, "2024-autumn")["C3"]["id"]
    scoring.add_evidence(store, index, "2024-autumn", "C3", "activity", ids["inside"])
    scoring.set_score(store, index, "2024-autumn", "C3", self_score=1.5)
    versions = reporting.revisions(store, "score", score_id)
    assert [(v["data"]["self_score"], v["data"]["evidence"]) for v in versions] == [
        (2.0, []), (2.0, [f"activity:{ids['inside']}"]),
    ]  # fmt: skip
