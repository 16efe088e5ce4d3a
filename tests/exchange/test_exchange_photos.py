"""Photo checks travel with the package: flags, answers and each photo's capture time and hash
in the manifest (checked like every part of a package), kept by an import even though the
package's reduced photos lost their EXIF, and counted per kindergarten in the 汇总 — with the
same photo found in two kindergartens' packages."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from _packages import repack
from _photo_samples import save, scene
from openpyxl import load_workbook

from gongtongti_desktop.core.checks import photo_flags
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import attachments, diary, engine, roster
from gongtongti_desktop.exchange.package.format import PackageError
from gongtongti_desktop.exchange.package.import_package import import_package
from gongtongti_desktop.exchange.package.read import read_package
from gongtongti_desktop.exchange.package.write import write_package
from gongtongti_desktop.exchange.rollup.rollup import rollup_packages

PROGRAMME = get_programme("yiyuan-2022")
YEAR = periods.school_year_period(PROGRAMME.calendar, 2024)


def _file(folder: Path, name: str, photos: list[tuple[str, Any, str]]) -> tuple[Path, list[str]]:
    """A data file of kindergarten ``name`` with one activity per (day, picture, taken)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.gtdb"
    ids = []
    with Store.create(path, kindergarten=name, programme_id=PROGRAMME.id) as store:
        home = roster.save_record(store, PROGRAMME, "kindergarten", {"name": name, "kind": "公办园"})  # fmt: skip
        partner = roster.save_record(store, PROGRAMME, "kindergarten", {"name": f"{name}结对园", "kind": "民办园"})  # fmt: skip
        assert diary.ACTIVITY
        for n, (day, picture, taken) in enumerate(photos):
            act = engine.save_record(store, PROGRAMME, "activity", {
                "day": day, "kind": "送教下乡", "title": f"送教{n + 1}", "mode": "线下",
                "host_id": home, "receiver_ids": [partner], "headcount": "20",
            })  # fmt: skip
            ids.append(attachments.add_attachment(store, act, save(folder, f"{n}.jpg", picture, taken)))  # fmt: skip
    return path, ids


def _export(path: Path, out: Path) -> Path:
    with Store.open(path) as store:
        write_package(store, PROGRAMME, YEAR, out, photos=True)
    return out


def _manifest(package: Path) -> dict[str, Any]:
    with zipfile.ZipFile(package) as archive:
        return json.loads(archive.read("manifest.json"))


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("photos")
    # over 1600 px: the package carries a reduced copy; a scene whose resized copies hash within
    # 2 bits of it, which the 汇总 finds for certain (photos.BANDS - 1)
    big = scene(8, size=(2400, 1800))
    a, a_ids = _file(folder / "a", "城关幼儿园", [
        ("2024-10-15", big, "2024-10-15"),
        ("2024-11-20", big.resize((1200, 900)), "2024-10-15"),  # reused a month later
        ("2024-12-03", scene(22), ""),  # no capture time
    ])  # fmt: skip
    with Store.open(a) as store:
        photo_flags.answer_flag(store, PROGRAMME, a_ids[1], "十月活动的照片，补录时误放")
    b, _b_ids = _file(folder / "b", "西里幼儿园", [("2025-03-10", big.resize((800, 600)), "2025-03-10")])  # fmt: skip
    return {
        "folder": folder, "a": a, "a_ids": a_ids,
        "pa": _export(a, folder / "a.gtt"), "pb": _export(b, folder / "b.gtt"),
    }  # fmt: skip


def test_manifest_carries_flags_answers_and_facts(two: dict[str, Any]) -> None:
    package = read_package(two["pa"])  # every check of a package passes
    checks = package.manifest["photo_checks"]
    assert checks["photo_days"] == 3 and checks["near_bits"] == photo_flags.NEAR_BITS
    kinds = sorted((f["day"], f["kind"], f["answer"]) for f in checks["flags"])
    assert kinds == [
        ("2024-10-15", "duplicate", ""),
        ("2024-11-20", "date_far", "十月活动的照片，补录时误放"),
        ("2024-11-20", "duplicate", "十月活动的照片，补录时误放"),
        ("2024-12-03", "no_time", ""),
    ]
    assert len(checks["photos"]) == 3
    times = sorted(entry[1] for entry in checks["photos"].values())
    assert times == ["", "2024-10-15T09:30:00", "2024-10-15T09:30:00"]
    rows = package.data["records"]["attachment"]
    assert {r["flag_note"] for r in rows} == {"", "十月活动的照片，补录时误放"}


@pytest.mark.parametrize(
    "spoil",
    [
        lambda c: c["flags"][0].update(kind="伪造"),
        lambda c: c["flags"][0].update(extra="x"),
        lambda c: c["flags"][0].update(answer=["不是文字"]),
        lambda c: c["photos"].update({"../../x": ["0" * 16, "", ""]}),
        lambda c: next(iter(c["photos"].values())).__setitem__(0, "zz"),
        lambda c: next(iter(c["photos"].values())).__setitem__(1, "昨天"),
        lambda c: c.update(near_bits=True),
        lambda c: c.pop("photos"),
    ],
)
def test_a_spoilt_photo_check_refuses_the_package(
    two: dict[str, Any], tmp_path: Path, spoil: Any
) -> None:
    bad = repack(two["pa"], tmp_path / "bad.gtt", manifest=lambda m: spoil(m["photo_checks"]))
    with pytest.raises(PackageError, match=r"照片核对信息.*未做任何改动"):
        read_package(bad)


def test_a_package_without_photo_checks_still_reads(two: dict[str, Any], tmp_path: Path) -> None:
    older = repack(two["pa"], tmp_path / "old.gtt", manifest=lambda m: m.pop("photo_checks"))
    assert "photo_checks" not in read_package(older).manifest


def test_import_keeps_answers_and_the_original_capture_times(
    two: dict[str, Any], tmp_path: Path
) -> None:
    with zipfile.ZipFile(two["pa"]) as archive:  # the big photo travels reduced, without EXIF
        assert any(n.startswith("photos/") and n.endswith(".jpg") for n in archive.namelist())
    target = tmp_path / "core.gtdb"
    Store.create(target, kindergarten="中心园", programme_id=PROGRAMME.id).close()
    with Store.open(target) as store:
        import_package(store, two["pa"])
        assert photo_flags.unfilled(store) == []  # no photo needs reading: the package said
        flags = photo_flags.photo_flags(store, PROGRAMME)
    with Store.open(two["a"]) as store:
        theirs = photo_flags.photo_flags(store, PROGRAMME)
    assert sorted((f.day, f.kind, f.answer) for f in flags) == sorted(
        (f.day, f.kind, f.answer) for f in theirs
    )


def test_rollup_counts_flags_and_finds_the_photo_in_another_kindergarten(
    two: dict[str, Any], tmp_path: Path
) -> None:
    report = rollup_packages([two["pa"], two["pb"]], tmp_path / "汇总.xlsx")
    rows = {r.name: r for r in report.rows}
    a, b = rows["城关幼儿园"], rows["西里幼儿园"]
    assert (a.photo_flags, a.photo_answered, a.photo_notes) == (3, 2, 1)
    assert (b.photo_flags, b.photo_answered, b.photo_notes) == (0, 0, 0)
    assert a.photo_shared == 2 and b.photo_shared == 1  # A's two copies, B's one
    sheet = load_workbook(report.out)["照片核对"]
    values = {r[0]: r[2:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["城关幼儿园"] == (3, 2, 1, 1, 2)
    assert values["西里幼儿园"] == (0, 0, 0, 0, 1)
    alone = rollup_packages([two["pb"]], tmp_path / "一个.xlsx")
    assert alone.rows[0].photo_shared == 0


def test_shared_photos_use_the_tighter_cross_kindergarten_threshold() -> None:
    from types import SimpleNamespace

    from gongtongti_desktop.exchange.rollup import photos as rollup_photos

    base = 0x0123456789ABCDEF
    high = [60, 61, 62, 63, 59]  # all in the last band: the first two bands still agree

    def rows(flips: int) -> list[Any]:
        other = base ^ sum(1 << b for b in high[:flips])
        return [
            SimpleNamespace(uuid="甲", photo_hashes=(base,), photo_shared=0),
            SimpleNamespace(uuid="乙", photo_hashes=(other,), photo_shared=0),
            SimpleNamespace(uuid="甲", photo_hashes=(base ^ 1,), photo_shared=0),  # its own
        ]

    at = rows(rollup_photos.CROSS_BITS)
    rollup_photos.mark_shared(at)
    assert [r.photo_shared for r in at] == [1, 1, 0]  # the third is one bit further
    beyond = rows(rollup_photos.CROSS_BITS + 1)
    rollup_photos.mark_shared(beyond)
    assert [r.photo_shared for r in beyond] == [0, 0, 0]
