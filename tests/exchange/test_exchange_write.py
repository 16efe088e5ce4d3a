"""Writing a package: its manifest and members, the records it carries, the forms, photos made
smaller, records marked reported, the next export listing what changed, and nothing at all
left behind when it fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import gongtongti_desktop
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import workbook_datas
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme, get_programme
from gongtongti_desktop.core.records import attachments, reporting, stage_reports
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package import write as package_write
from gongtongti_desktop.exchange.package.write import write_package
from gongtongti_desktop.output.xlsx import write_workbook
from tests.conftest import dump
from tests.exchange._packages import read_members
from tests.exchange.conftest import Exported


def _json(path: Path, name: str) -> Any:
    return json.loads(read_members(path)[name])


def test_manifest_lists_every_member_with_its_hash(exported: Exported) -> None:
    items = read_members(exported.package)
    manifest = json.loads(items.pop("manifest.json"))
    assert manifest["format"] == "gongtongti-package" and manifest["format_version"] == 1
    assert manifest["app_version"] == gongtongti_desktop.__version__
    with Store.open(exported.demo) as store:
        assert manifest["schema_version"] == store.schema_version
        assert manifest["kindergarten"] == {
            "uuid": store.setting("kindergarten_uuid"),
            "name": store.kindergarten_name,
        }
    assert manifest["programme"] == "yiyuan-2022"
    assert manifest["period"] == {
        "kind": "school_year",
        "key": periods.period_key(exported.period),
        "label": exported.period.label,
        "start": exported.period.start.isoformat(),
        "end": exported.period.end.isoformat(),
    }
    assert dt.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert manifest["members"] == {
        name: {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
        for name, content in items.items()
    }


def test_data_json_is_the_periods_records(exported: Exported) -> None:
    programme = get_programme("yiyuan-2022")
    doc = _json(exported.package, "data.json")
    with Store.open(exported.demo) as store:
        expected = json.loads(json.dumps(reporting.collect(store, programme, exported.period)))
    assert doc["format"] == reporting.DATA_FORMAT and doc["version"] == reporting.DATA_VERSION
    assert doc["records"] == expected
    assert {t: len(rows) for t, rows in expected.items()} == exported.result.counts
    assert doc["period"] == _json(exported.package, "manifest.json")["period"]


def test_workbook_and_pdfs_are_the_programmes_forms(exported: Exported, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    programme = get_programme("yiyuan-2022")
    tables = [s for s in programme.forms if s.layout == "table"]  # the annexes
    assert len(tables) < len(programme.forms)  # the 帮扶活动记录表 travels as data.json only
    with Store.open(exported.demo) as store:
        datas = [d for d in workbook_datas(store, programme, exported.period) if d.spec in tables]
    write_workbook(datas, tmp_path / "export.xlsx")  # what `export --xlsx` writes for them
    items = read_members(exported.package)
    ours = load_workbook(io.BytesIO(items["annexes.xlsx"]))
    theirs = load_workbook(tmp_path / "export.xlsx")
    assert ours.sheetnames == theirs.sheetnames and len(ours.sheetnames) == len(tables)
    for sheet in ours.sheetnames:
        mine = [[c.value for c in row] for row in ours[sheet].iter_rows()]
        assert mine == [[c.value for c in row] for row in theirs[sheet].iter_rows()]
    pdfs = sorted(n for n in items if n.startswith("pdf/"))
    assert pdfs == sorted(f"pdf/{s.id}.pdf" for s in tables)
    assert all(items[n].startswith(b"%PDF") for n in pdfs)


def test_photos_travel_reduced_and_missing_ones_are_listed(
    exported: Exported, tmp_path: Path
) -> None:
    programme = get_programme("yiyuan-2022")
    path = exported.copy_demo(tmp_path)
    big = tmp_path / "big.png"
    Image.new("RGB", (3200, 2000), (200, 120, 40)).save(big)
    with Store.open(path) as store:
        day = store.query(
            "SELECT id, day FROM activity WHERE deleted_at IS NULL AND day BETWEEN ? AND ?"
            " ORDER BY day LIMIT 1",
            [exported.period.start.isoformat(), exported.period.end.isoformat()],
        )[0]
        big_id = attachments.add_attachment(store, day["id"], big, "大照片")
        big_row = records.get_record(store, "attachment", big_id)
        rows = reporting.collect(store, programme, exported.period)["attachment"]
        gone = next(r for r in rows if r["id"] != big_id)
        attachments.stored_path(store, gone).unlink()
        result = write_package(store, programme, exported.period, tmp_path / "p.gtt", photos=True)
    items = read_members(tmp_path / "p.gtt")
    photos = {n for n in items if n.startswith("photos/")}
    expected = {r["sha256"] for r in rows if not r["deleted_at"]} - {gone["sha256"]}
    assert {n[7:71] for n in photos} == expected and result.photos == len(expected)
    reduced = items[f"photos/{big_row['sha256']}.jpg"]
    with Image.open(io.BytesIO(reduced)) as image:
        assert image.format == "JPEG" and max(image.size) == 1600
    small = next(n for n in photos if big_row["sha256"] not in n)  # copied byte for byte
    assert hashlib.sha256(items[small]).hexdigest() == small[7:71]
    assert result.missing_photos == [gone["original_name"]]
    assert any(gone["original_name"] in w for w in result.warnings)


def test_export_marks_records_and_the_next_lists_what_changed(
    exported: Exported, tmp_path: Path
) -> None:
    programme = get_programme("yiyuan-2022")
    path = exported.copy_demo(tmp_path)
    first = exported.result
    assert first.changes.new and not first.changes.changed  # the demo's first export
    with Store.open(path) as store:
        data = reporting.collect(store, programme, exported.period)
        for table, rows in data.items():
            assert all(reporting.is_reported(store, table, row["id"]) for row in rows), table
        assert reporting.last_export(store)["path"] == str(exported.package)
        activity = data["activity"][0]
        edited = {**records.get_record(store, "activity", activity["id"]), "title": "改过的标题"}
        records.save_record(store, programme, "activity", edited, activity["id"])
        second = write_package(store, programme, exported.period, tmp_path / "2.gtt")
    assert not second.changes.new and not second.changes.deleted
    assert [(t, i) for t, i, _label in second.changes.changed] == [("activity", activity["id"])]
    listed = _json(tmp_path / "2.gtt", "manifest.json")["changes"]
    assert [c["id"] for c in listed["changed"]] == [activity["id"]]
    with Store.open(path) as store:  # the earlier version was kept
        assert (
            reporting.revisions(store, "activity", activity["id"])[0]["data"]["title"]
            == (activity["title"])
        )


def test_unedited_draft_summaries_are_warned_about(
    store: Store, programme: Programme, tmp_path: Path
) -> None:
    year = periods.parse_school_year(programme.calendar, "2024")
    month = periods.period_from_key(programme.calendar, "2024-10")
    stage_reports.save_summary(store, periods.period_key(month), {"highlights": "草稿"}, draft=True)
    result = write_package(store, programme, year, tmp_path / "d.gtt")
    assert any("系统起草" in w and "2024-10" in w for w in result.warnings)
    stage_reports.save_summary(store, "2024-10", {"highlights": "园长改写过"})
    again = write_package(store, programme, year, tmp_path / "e.gtt")
    assert not any("系统起草" in w for w in again.warnings)


def test_progress_runs_to_the_end(exported: Exported, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = exported.copy_demo(tmp_path)
    with Store.open(path) as store:
        write_package(
            store, get_programme("yiyuan-2022"), exported.period, tmp_path / "p.gtt",
            photos=True, progress=lambda done, total, _text: seen.append((done, total)),
        )  # fmt: skip
    dones = [d for d, _t in seen]
    assert dones == sorted(dones) and seen[-1][0] == seen[-1][1] and len(seen) > 3


def test_a_failed_mark_leaves_no_package_and_no_mark(
    exported: Exported, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    programme = get_programme("yiyuan-2022")
    path = exported.copy_demo(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    old = out / "year.gtt"
    old.write_bytes(b"the previous package")

    def failing(*_args: object, **_kwargs: object) -> str:
        raise UserError("磁盘已满")

    monkeypatch.setattr(package_write.reporting, "mark_exchanged", failing)
    before = dump(path)
    with Store.open(path) as store, pytest.raises(UserError, match="磁盘已满"):
        write_package(store, programme, exported.period, old)
    assert dump(path) == before
    assert sorted(p.name for p in out.iterdir()) == ["year.gtt"]  # no temporary file left
    assert old.read_bytes() == b"the previous package"


def test_a_failed_rename_rolls_the_mark_back(
    exported: Exported, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    programme = get_programme("yiyuan-2022")
    path = exported.copy_demo(tmp_path)

    real = package_write.os.replace

    def locked(src: str, dst: str) -> None:  # only the package is locked, not the workbook
        if str(dst).endswith(".gtt"):
            raise PermissionError(13, "文件被占用")
        real(src, dst)

    monkeypatch.setattr(package_write.os, "replace", locked)
    before = dump(path)
    with Store.open(path) as store, pytest.raises(UserError, match="无法保存上报数据包"):
        write_package(store, programme, exported.period, tmp_path / "x.gtt")
    assert dump(path) == before
    assert not list(tmp_path.glob("*.gtt*")) and not list(tmp_path.glob(".x.gtt*"))


def test_a_missing_folder_is_a_clear_message(
    store: Store, programme: Programme, tmp_path: Path
) -> None:
    year = periods.parse_school_year(programme.calendar, "2024")
    with pytest.raises(UserError, match="文件夹不存在"):
        write_package(store, programme, year, tmp_path / "nowhere" / "x.gtt")


def test_a_month_package_covers_its_plan_row(
    store: Store, programme: Programme, tmp_path: Path
) -> None:
    """Yiyuan's 附件2 merges July and August: a July package is the 7-8月 row."""
    result = write_package(store, programme, periods.parse_month("2024-07"), tmp_path / "m.gtt")
    assert (result.period.start, result.period.end) == (dt.date(2024, 7, 1), dt.date(2024, 8, 31))
    assert _json(tmp_path / "m.gtt", "manifest.json")["period"]["key"] == "2024-07"


def test_the_zip_is_a_plain_zip_with_safe_names(exported: Exported) -> None:
    with zipfile.ZipFile(exported.package) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
    assert all(n.isascii() and ".." not in n and not n.startswith("/") for n in names)
