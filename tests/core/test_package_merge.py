"""Merging a package's records by UUID: round trip, re-import, newer wins, real conflicts kept,
another kindergarten's own documents skipped, malformed documents refused untouched."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import reporting, scoring
from gongtongti_desktop.exchange.package import apply_records as package_merge
from gongtongti_desktop.exchange.package.apply_records import PackageDataError
from tests.conftest import dump


def _document(store: Store, programme: Programme, key: str = "2024") -> dict[str, Any]:
    period = periods.period_from_key(programme.calendar, key)
    return {
        "format": reporting.DATA_FORMAT,
        "version": reporting.DATA_VERSION,
        "programme": store.programme_id,
        "kindergarten": {
            "uuid": reporting.kindergarten_uuid(store),
            "name": store.kindergarten_name,
        },
        "records": reporting.collect(store, programme, period),
    }


def _fresh(tmp_path: Path, name: str) -> Store:
    return Store.create(tmp_path / name, kindergarten="", programme_id="yiyuan-2022")


def test_round_trip_into_an_empty_file(
    demo_store: Store, programme: Programme, tmp_path: Path
) -> None:
    doc = json.loads(json.dumps(_document(demo_store, programme)))  # as read from data.json
    with _fresh(tmp_path, "empty.gtdb") as empty:
        plan = package_merge.plan_merge(empty, doc)
        assert plan.adopt is not None and not plan.skipped
        package_merge.apply_merge(empty, plan, "a.gtt", "2024")
        again = json.loads(json.dumps(_document(empty, programme)))
        assert again == doc
        assert empty.kindergarten_name == demo_store.kindergarten_name
        # Re-import adds nothing.
        replan = package_merge.plan_merge(empty, doc)
        assert replan.is_empty and replan.unchanged == sum(len(r) for r in doc["records"].values())


def test_newer_wins_and_the_older_is_kept(
    store: Store, programme: Programme, tmp_path: Path
) -> None:
    lead = records.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    doc = json.loads(json.dumps(_document(store, programme)))
    with _fresh(tmp_path, "other.gtdb") as other:
        package_merge.apply_merge(other, package_merge.plan_merge(other, doc), "a.gtt", "2024")
    changed = copy.deepcopy(doc)
    [row] = changed["records"]["kindergarten"]
    row.update(name="城关实验幼儿园（新）", updated_at="2999-01-01T00:00:00")
    plan = package_merge.plan_merge(store, changed)
    assert [t for t, _new, _old in plan.updates] == ["kindergarten"] and not plan.conflicts
    package_merge.apply_merge(store, plan, "b.gtt", "2024")
    assert records.get_record(store, "kindergarten", lead)["name"] == "城关实验幼儿园（新）"
    [rev] = reporting.revisions(store, "kindergarten", lead)
    assert rev["data"]["name"] == "城关实验幼儿园"
    # An older version changes nothing but is kept too.
    older = copy.deepcopy(doc)
    older["records"]["kindergarten"][0].update(name="旧名", updated_at="2000-01-01T00:00:00")
    plan = package_merge.plan_merge(store, older)
    assert plan.kept_local and not plan.updates
    package_merge.apply_merge(store, plan, "c.gtt", "2024")
    assert records.get_record(store, "kindergarten", lead)["name"] == "城关实验幼儿园（新）"
    assert reporting.revisions(store, "kindergarten", lead)[-1]["data"]["name"] == "旧名"


def test_changes_on_both_sides_are_listed_as_conflicts(store: Store, programme: Programme) -> None:
    lead = records.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    doc = json.loads(json.dumps(_document(store, programme)))
    reporting.mark_exchanged(store, doc["records"], direction="export", period_key="2024", path="a")
    records.save_record(store, programme, "kindergarten", {"name": "本机改名"}, lead)
    theirs = copy.deepcopy(doc)
    theirs["records"]["kindergarten"][0].update(name="对方改名", updated_at="2999-01-01T00:00:00")
    plan = package_merge.plan_merge(store, theirs)
    [conflict] = plan.conflicts
    assert (conflict.record_id, conflict.kept) == (lead, "数据包")
    assert any("冲突" in line for line in plan.summary_lines())


def test_another_kindergartens_own_documents_are_skipped(
    demo_store: Store, programme: Programme, tmp_path: Path
) -> None:
    doc = json.loads(json.dumps(_document(demo_store, programme)))
    with _fresh(tmp_path, "core.gtdb") as core:
        records.save_record(core, programme, "kindergarten", {"name": "本园"})
        plan = package_merge.plan_merge(core, doc)
        assert plan.adopt is None
        assert set(plan.skipped) == {"plan_item"} | (
            {"score"} if doc["records"]["score"] else set()
        ) | ({"stage_summary"} if doc["records"]["stage_summary"] else set())
        package_merge.apply_merge(core, plan, "a.gtt", "2024")
        n = core.query("SELECT count(*) AS n FROM activity")[0]["n"]
        assert n == len(doc["records"]["activity"])
        assert core.query("SELECT count(*) AS n FROM plan_item")[0]["n"] == 0


def _bad(doc: dict[str, Any], how: str) -> dict[str, Any]:
    bad = copy.deepcopy(doc)
    rows = bad["records"]
    if how == "format":
        bad["format"] = "x"
    elif how == "newer":
        bad["version"] = reporting.DATA_VERSION + 1
    elif how == "programme":
        bad["programme"] = "gaotai-2020"
    elif how == "duplicate":
        rows["activity"].append(dict(rows["activity"][0]))
    elif how == "unknown column":
        rows["activity"][0]["evil"] = 1
    elif how == "type":
        rows["activity"][0]["headcount"] = "many"
    elif how == "dangling":
        rows["activity"][0]["host_id"] = "00000000-0000-0000-0000-000000000000"
    elif how == "path":
        rows["attachment"][0]["suffix"] = "/../../evil.py"
    elif how == "missing id":
        del rows["person"][0]["id"]
    return bad


@pytest.mark.parametrize(
    "how",
    ["format", "newer", "programme", "duplicate", "unknown column", "type", "dangling", "path",
     "missing id"],
)  # fmt: skip
def test_malformed_documents_are_refused_and_nothing_changes(
    demo_store: Store, programme: Programme, tmp_path: Path, how: str
) -> None:
    doc = json.loads(json.dumps(_document(demo_store, programme)))
    path = tmp_path / "target.gtdb"
    with Store.create(path, kindergarten="目标园", programme_id="yiyuan-2022") as target:
        records.save_record(target, programme, "kindergarten", {"name": "本园"})
    before = dump(path)
    with Store.open(path) as target, pytest.raises(PackageDataError):
        package_merge.plan_merge(target, _bad(doc, how))
    assert dump(path) == before


def test_a_failure_while_applying_writes_nothing(
    demo_store: Store, programme: Programme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = json.loads(json.dumps(_document(demo_store, programme)))
    path = tmp_path / "target.gtdb"
    Store.create(path, kindergarten="", programme_id="yiyuan-2022").close()
    before = dump(path)
    with Store.open(path) as target:
        plan = package_merge.plan_merge(target, doc)
        calls = {"n": 0}
        real = package_merge._insert_rows

        def failing(store: Store, table: str, rows: list[dict[str, Any]]) -> None:
            calls["n"] += 1
            if table == "activity":  # after the roster and the plans went in
                raise OSError("磁盘已满")
            real(store, table, rows)

        monkeypatch.setattr(package_merge, "_insert_rows", failing)
        with pytest.raises(OSError):
            package_merge.apply_merge(target, plan, "a.gtt", "2024")
        assert calls["n"] > 3
    assert dump(path) == before


def test_scores_travel_with_their_evidence(
    store: Store, programme: Programme, tmp_path: Path
) -> None:
    lead = records.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    act = records.save_record(
        store, programme, "activity",
        {"day": "2024-10-09", "kind": "会议", "title": "推进会", "mode": "线下", "host_id": lead},
    )  # fmt: skip
    index = programme.index("annex4")
    scoring.set_score(store, index, "2024", "C3", self_score=2, comment="有纪要")
    scoring.add_evidence(store, index, "2024", "C3", "activity", act)
    doc = json.loads(json.dumps(_document(store, programme)))
    with _fresh(tmp_path, "copy.gtdb") as copy_store:
        package_merge.apply_merge(
            copy_store, package_merge.plan_merge(copy_store, doc), "a", "2024"
        )
        [link] = scoring.list_evidence(copy_store, index, "2024", "C3")
        assert (link["table"], link["id"]) == ("activity", act)
        assert scoring.get_scores(copy_store, index, "2024")["C3"]["comment"] == "有纪要"


def test_a_conflict_alone_is_not_nothing(store: Store, programme: Programme) -> None:
    """This file's version is newer: it stays, but the package's is kept and the conflict said."""
    lead = records.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    doc = json.loads(json.dumps(_document(store, programme)))
    reporting.mark_exchanged(store, doc["records"], direction="export", period_key="2024", path="a")
    theirs = copy.deepcopy(doc)
    theirs["records"]["kindergarten"][0].update(name="对方改名", updated_at="2000-01-01T00:00:00")
    records.save_record(store, programme, "kindergarten", {"name": "本机改名"}, lead)
    plan = package_merge.plan_merge(store, theirs)
    assert not plan.is_empty and not plan.updates
    assert [c.kept for c in plan.conflicts] == ["本机"]
    package_merge.apply_merge(store, plan, "b.gtt", "2024")
    assert records.get_record(store, "kindergarten", lead)["name"] == "本机改名"
    kept = [r["data"]["name"] for r in reporting.revisions(store, "kindergarten", lead)]
    assert "对方改名" in kept
    assert package_merge.plan_merge(store, theirs).is_empty  # said once, not on every import
