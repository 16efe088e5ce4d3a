"""Importing packages: the round trip (export → import into an empty file → export again gives
the same records), re-import adds nothing and writes nothing, the photos land in the
attachments folder by hash, the plan can be declined, and a partner's package brings the
shared records into a core kindergarten's file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import attachments, reporting
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.exchange.package.format import PackageError
from gongtongti_desktop.exchange.package.import_package import (
    apply_import,
    import_package,
    plan_import,
)
from gongtongti_desktop.exchange.package.read import read_package
from gongtongti_desktop.exchange.package.write import write_package
from tests.conftest import dump
from tests.exchange._packages import read_members, repack
from tests.exchange.conftest import Exported


def _records(path: Path) -> dict[str, list[dict[str, object]]]:
    return json.loads(read_members(path)["data.json"])["records"]


def test_round_trip_gives_the_same_records(
    exported: Exported, empty_store: Store, tmp_path: Path
) -> None:
    programme = get_programme("yiyuan-2022")
    result = import_package(empty_store, exported.package)
    assert result.applied and result.inserted == sum(exported.result.counts.values())
    assert result.backup is not None and result.backup.is_file()
    again = write_package(empty_store, programme, exported.period, tmp_path / "again.gtt")
    assert _records(tmp_path / "again.gtt") == _records(exported.package)
    first = json.loads(read_members(exported.package)["manifest.json"])
    second = json.loads(read_members(tmp_path / "again.gtt")["manifest.json"])
    assert second["kindergarten"] == first["kindergarten"]  # the empty file adopted it
    # Records that came in are not "new" again: they were exchanged.
    assert again.changes.empty


def test_photos_are_copied_by_hash(exported: Exported, empty_store: Store) -> None:
    package = read_package(exported.package)
    rows = [r for r in package.data["records"]["attachment"] if not r["deleted_at"]]
    result = import_package(empty_store, exported.package)
    assert result.files_written == len({r["sha256"] for r in rows}) > 0
    for row in rows:
        stored = attachments.stored_path(empty_store, row)
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == row["sha256"]
    assert attachments.missing_files(empty_store) == []
    folder = attachments.folder(empty_store)
    assert not [p for p in folder.rglob(".incoming-*")]  # no temporary file left


def test_reimport_adds_nothing_and_writes_nothing(exported: Exported, tmp_path: Path) -> None:
    path = tmp_path / "copy.gtdb"
    Store.create(path, kindergarten="", programme_id="yiyuan-2022").close()
    with Store.open(path) as store:
        import_package(store, exported.package)
    before = dump(path)
    listing = sorted(p.name for p in tmp_path.rglob("*"))
    with Store.open(path) as store:
        plan = plan_import(store, exported.package)
        assert plan.is_empty and plan.records.unchanged == sum(exported.result.counts.values())
        result = apply_import(store, plan)
    assert not result.applied and result.backup is None
    assert any("没有需要导入的变化" in line for line in result.lines)
    assert dump(path) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == listing


def test_declining_the_plan_writes_nothing(exported: Exported, tmp_path: Path) -> None:
    path = tmp_path / "t.gtdb"
    Store.create(path, kindergarten="", programme_id="yiyuan-2022").close()
    before, listing = dump(path), sorted(p.name for p in tmp_path.rglob("*"))
    shown: list[str] = []

    def decline(plan: object) -> bool:
        shown.extend(plan.outcome_lines())  # type: ignore[attr-defined]
        return False

    with Store.open(path) as store:
        result = import_package(store, exported.package, confirm=decline)
    assert not result.applied and result.declined
    assert any(line.startswith("新增") for line in shown)
    assert dump(path) == before and sorted(p.name for p in tmp_path.rglob("*")) == listing


def test_a_newer_version_from_the_package_wins_and_the_old_is_kept(
    exported: Exported, empty_store: Store, tmp_path: Path
) -> None:
    import_package(empty_store, exported.package)
    activity = _records(exported.package)["activity"][0]

    def edit(doc: dict[str, object]) -> None:
        row = doc["records"]["activity"][0]  # type: ignore[index]
        row.update(title="数据包中改过", updated_at="2999-01-01T00:00:00+08:00")

    newer = repack(exported.package, tmp_path / "newer.gtt", data=edit)
    result = import_package(empty_store, newer)
    assert result.applied and result.updated == 1 and result.inserted == 0
    assert records.get_record(empty_store, "activity", activity["id"])["title"] == "数据包中改过"
    kept = reporting.revisions(empty_store, "activity", activity["id"])
    assert kept[-1]["data"]["title"] == activity["title"]


def test_a_partners_package_brings_the_shared_records(exported: Exported, tmp_path: Path) -> None:
    """A core kindergarten imports a partner's package: roster and diary come in, the
    partner's own plan, scores and summaries are listed as skipped."""
    programme = get_programme("yiyuan-2022")
    with Store.create(
        tmp_path / "core.gtdb", kindergarten="核心园", programme_id=programme.id
    ) as s:
        records.save_record(s, programme, "kindergarten", {"name": "核心园"})
        plan = plan_import(s, exported.package)
        assert plan.records.adopt is None
        incoming = _records(exported.package)
        own = {t for t in ("plan_item", "score", "stage_summary") if incoming[t]}
        assert set(plan.records.skipped) == own
        apply_import(s, plan)
        n = s.query("SELECT count(*) AS n FROM activity")[0]["n"]
        assert n == len(incoming["activity"])
        assert s.query("SELECT count(*) AS n FROM plan_item")[0]["n"] == 0


def test_a_package_changed_after_the_check_is_refused_before_the_database(
    exported: Exported, empty_store: Store, tmp_path: Path
) -> None:
    """The photos are read again when copied, and checked again: a file swapped between the
    plan and the apply stops the import before the database is touched."""
    path = tmp_path / "p.gtt"
    path.write_bytes(exported.package.read_bytes())
    plan = plan_import(empty_store, path)
    name = plan.files[0][0]

    def swap(items: dict[str, bytes]) -> None:
        content = items[name]  # same size, other bytes (whatever the picture's format)
        items[name] = content[:3] + bytes([content[3] ^ 0xFF]) + content[4:]

    repack(exported.package, path, tweak=swap)
    with pytest.raises(PackageError, match="校验值"):
        apply_import(empty_store, plan)
    assert empty_store.query("SELECT count(*) AS n FROM activity")[0]["n"] == 0
