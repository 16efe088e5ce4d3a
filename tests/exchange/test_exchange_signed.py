"""Signed forms travel in the upload package: the manifest lists every form's state and codes,
the scans ride as ``signed/<sha256>`` members under every package check, and the 汇总 shows
per kindergarten which forms are signed, signed but changed since, and missing.

The round trip of issue 18: print → "scan" (pdftoppm, turned and recompressed) → signed add
→ change a record → 签字后数据已修改 with what changed → export → 汇总 shows it."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from _packages import repack
from openpyxl import load_workbook

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.core.signed import filing
from gongtongti_desktop.core.signed.received import received_forms
from gongtongti_desktop.core.signed.status import CHANGED, signed_forms_status
from gongtongti_desktop.exchange.package.format import PackageError
from gongtongti_desktop.exchange.package.import_package import apply_import, plan_import
from gongtongti_desktop.exchange.package.read import read_package
from gongtongti_desktop.exchange.package.write import write_package
from gongtongti_desktop.exchange.rollup.rollup import rollup_packages

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


@pytest.fixture
def round_trip(print_pages, demo_store: Store, tmp_path: Path) -> tuple[Path, str, str]:
    """The demo file's annex1 printed, photographed, filed back, then a phone number changed;
    exported for the school year. Returns (package, the page's code, the old phone number)."""
    programme = get_programme(demo_store.programme_id)
    (code,), (page,) = print_pages(demo_store, "annex1", tmp_path)
    photo = tmp_path / "结对名单签字.jpg"
    page.rotate(-90, expand=True).save(photo, quality=30)
    (plan,) = filing.plan_scans(demo_store, [photo])
    assert plan.ready and plan.code == code
    filing.file_scans(demo_store, [plan])
    person = roster.list_people(demo_store)[0]
    values = {**roster.get_record(demo_store, "person", person["id"]), "phone": "13900000000"}
    roster.save_record(demo_store, programme, "person", values, person["id"])
    (annex1,) = [s for s in signed_forms_status(demo_store, programme) if s.form_id == "annex1"]
    assert annex1.state == CHANGED and any("13900000000" in c for c in annex1.changes)
    year = periods.school_year_period(programme.calendar, 2024)
    out = tmp_path / "园.gtt"
    result = write_package(demo_store, programme, year, out)
    assert result.scans == 1 and "  签字件 1 份" in result.outcome_lines()
    return out, code, person["phone"]


def test_the_package_carries_the_scan_and_every_form_state(round_trip, demo_store: Store) -> None:
    out, code, old_phone = round_trip
    package = read_package(out)
    section = package.manifest["signed"]
    assert section["file_id"] == demo_store.setting("file_id")
    (annex1,) = [f for f in section["forms"] if f["form"] == "annex1"]
    assert annex1["state"] == CHANGED and annex1["codes"] == [code]
    assert any(f"{old_phone} → 13900000000" in c for c in annex1["changes"])
    (scan,) = annex1["scans"]
    assert scan["name"] == "结对名单签字.jpg" and scan["member"] in package.members
    with zipfile.ZipFile(out) as archive:
        carried = archive.read(scan["member"])
    (row,) = demo_store.query("SELECT * FROM signed_scan")
    assert carried == filing.scan_path(demo_store, row).read_bytes()  # as filed, not recompressed
    programme = get_programme(demo_store.programme_id)
    assert {f["form"] for f in section["forms"]} >= {spec.id for spec in programme.forms}


def test_the_rollup_shows_signed_changed_and_missing_per_kindergarten(
    round_trip, tmp_path: Path
) -> None:
    out, _code, old_phone = round_trip
    report = rollup_packages([out], tmp_path / "汇总.xlsx")
    (row,) = report.rows
    assert row.signed is not None and len(row.signed.changed) == 1
    assert row.signed.cell().startswith("已签 0 · 改 1 · 缺 ")
    sheet = load_workbook(tmp_path / "汇总.xlsx")["签字件"]
    header, values = [[c.value for c in r] for r in sheet.iter_rows(max_row=2)]
    assert header[:6] == ["幼儿园", "期间", "已签字", "签字后已修改", "缺", "签字件"]
    assert values[1] == "2024—2025学年" and values[3] == 1 and values[5] == 1
    assert f"{old_phone} → 13900000000" in values[6] and "缺：附件3" in values[6]


def test_importing_the_package_keeps_its_signed_forms_and_scans(round_trip, tmp_path: Path) -> None:
    out, _code, old_phone = round_trip
    (tmp_path / "乙").mkdir()  # its own attachments folder
    with Store.create(
        tmp_path / "乙" / "乙.gtdb", kindergarten="乙园", programme_id="yiyuan-2022"
    ) as other:
        plan = plan_import(other, out)
        assert "表格签字情况" in "\n".join(plan.outcome_lines()) and len(plan.signed_files) == 1
        result = apply_import(other, plan)
        assert result.applied
        forms = received_forms(other)
        (annex1,) = [f for f in forms if f.title.startswith("附件1")]
        assert annex1.state == CHANGED and any(old_phone in c for c in annex1.changes)
        (scan,) = annex1.scans
        stored = other.path.parent / "attachments" / scan["sha256"][:2]
        assert (stored / f"{scan['sha256']}{scan['suffix']}").is_file()
        again = plan_import(other, out)  # the same package again: nothing new to copy
        assert again.signed_files == []
        apply_import(other, again)
        assert len(received_forms(other)) == len(forms)


def _refused(src: Path, dest: Path, says: str, **changes) -> None:
    with pytest.raises(PackageError, match=says):
        read_package(repack(src, dest, **changes))


def test_a_tampered_signed_section_or_stray_scan_is_refused(round_trip, tmp_path: Path) -> None:
    out, _code, _phone = round_trip

    def state(man: dict) -> None:
        man["signed"]["forms"][0]["state"] = "全部合格"

    def unlisted(man: dict) -> None:
        form = next(f for f in man["signed"]["forms"] if f["scans"])
        form["scans"][0]["member"] = "signed/" + "0" * 64 + ".jpg"

    def bad_code(man: dict) -> None:
        man["signed"]["forms"][0]["codes"] = ["GT-../../x"]

    def unknown_key(man: dict) -> None:
        man["signed"]["forms"][0]["remote"] = "http://"

    _refused(out, tmp_path / "a.gtt", "状态不对", manifest=state)
    _refused(out, tmp_path / "b.gtt", "不在数据包中", manifest=unlisted)
    _refused(out, tmp_path / "c.gtt", "编号格式不对", manifest=bad_code)
    _refused(out, tmp_path / "d.gtt", "格式不对", manifest=unknown_key)
    stray = {"signed/" + "1" * 64 + ".png": b"\x89PNG\r\n\x1a\n" + b"0" * 100}
    _refused(out, tmp_path / "e.gtt", "不属于任何表格", add=stray)
    _refused(out, tmp_path / "f.gtt", "不允许", add={"signed/../evil.jpg": b"x"})
    bomb = {"signed/" + "2" * 64 + ".pdf": b"\0" * (3 * 1024**2)}  # inflates ~1000:1
    _refused(out, tmp_path / "g.gtt", "压缩比异常", add=bomb)

    def as_html(items: dict) -> None:  # a "scan" that is a web page under a JPEG name
        (member,) = [m for m in items if m.startswith("signed/")]
        items[member] = b"\xff\xd8\xff<html><script>alert(1)</script></html>"

    fake = repack(out, tmp_path / "h.gtt", tweak=as_html, rehash=False)
    with pytest.raises(PackageError):  # its hash no longer matches the manifest
        read_package(fake)
    changed = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert changed["signed"]["forms"]  # the original still reads
    read_package(out)
