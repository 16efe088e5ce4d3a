"""上报前检查 in the package: the manifest records what was still open at export, the reader
keeps every check (and refuses a malformed list), a package without the list still reads, and
the 汇总 counts the open items per kindergarten by kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.upload import before_export
from gongtongti_desktop.exchange.package.format import PackageError
from gongtongti_desktop.exchange.package.read import read_package
from gongtongti_desktop.exchange.rollup.rollup import rollup_packages
from tests.exchange._packages import as_kindergarten, repack
from tests.exchange.conftest import Exported


def test_the_manifest_records_the_open_items_seen_at_export(exported: Exported) -> None:
    package = read_package(exported.package)
    listed = package.manifest["open_items"]
    assert listed == [i.as_json() for i in exported.result.open_items]
    assert listed  # the demo's year has activities without photos
    with Store.open(exported.demo) as store:  # the same list the director saw before export
        programme = get_programme(store.programme_id)
        again = before_export.open_items(store, programme, exported.period)
    assert before_export.counts(again) == before_export.counts(listed)
    lines = exported.result.outcome_lines()
    assert any(f"上报前检查仍未处理 {len(listed)} 项（已记入数据包）" in line for line in lines)


def test_a_package_without_the_list_still_reads(exported: Exported, tmp_path: Path) -> None:
    old = repack(exported.package, tmp_path / "old.gtt", manifest=lambda m: m.pop("open_items"))
    package = read_package(old)
    assert "open_items" not in package.manifest


@pytest.mark.parametrize(
    "bad",
    [
        "三项",
        ["no_photos"],
        [{"text": "x"}],
        [{"kind": "no_photos", "text": 5}],
        [{"kind": "", "text": "x"}],
        [{"kind": "no_photos", "text": "x", "script": "=cmd"}],
        [{"kind": "no_photos", "text": "长" * 2001}],
    ],
)
def test_a_malformed_list_refuses_the_package(
    exported: Exported, tmp_path: Path, bad: object
) -> None:
    def put(manifest: dict) -> None:
        manifest["open_items"] = bad

    path = repack(exported.package, tmp_path / "bad.gtt", manifest=put)
    with pytest.raises(PackageError, match="上报前检查项目格式不对"):
        read_package(path)


def test_the_rollup_counts_open_items_per_kindergarten(exported: Exported, tmp_path: Path) -> None:
    listed = read_package(exported.package).manifest["open_items"]
    expected = before_export.counts(listed)

    def second(manifest: dict) -> None:
        as_kindergarten(manifest, 7, "东岭镇中心幼儿园")
        manifest["open_items"] = [
            {"kind": "untouched_draft", "severity": "warning", "text": "阶段总结未改",
             "record_type": "stage_summary", "record_id": "x", "period": "2024-autumn"},
            {"kind": "later_kind", "severity": "note", "text": "以后版本的一类未处理项",
             "record_type": "activity", "record_id": "y", "period": ""},
        ]  # fmt: skip

    def third(manifest: dict) -> None:
        as_kindergarten(manifest, 8, "西里镇幼儿园")
        manifest.pop("open_items")

    b = repack(exported.package, tmp_path / "b.gtt", data=lambda d: as_kindergarten(d, 7, "东岭镇中心幼儿园"), manifest=second)  # fmt: skip
    c = repack(exported.package, tmp_path / "c.gtt", data=lambda d: as_kindergarten(d, 8, "西里镇幼儿园"), manifest=third)  # fmt: skip
    report = rollup_packages([exported.package, b, c], tmp_path / "s.xlsx")
    by_name = {r.name: r for r in report.rows}
    first = read_package(exported.package).kindergarten_name
    assert by_name[first].open_items == expected
    assert by_name["东岭镇中心幼儿园"].open_items == {"untouched_draft": 1, "later_kind": 1}
    assert by_name["西里镇幼儿园"].open_items is None
    sheet = load_workbook(tmp_path / "s.xlsx")["上报时未处理"]
    headers = [c.value for c in sheet[1]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    label = before_export.kind_label
    assert rows[first][headers.index(label("no_photos"))] == expected.get("no_photos", 0)
    assert rows[first][headers.index("合计")] == sum(expected.values())
    assert rows["东岭镇中心幼儿园"][headers.index(label("untouched_draft"))] == 1
    assert rows["东岭镇中心幼儿园"][headers.index("later_kind")] == 1  # a newer kind, by name
    assert rows["东岭镇中心幼儿园"][headers.index("合计")] == 2
    assert rows["西里镇幼儿园"][headers.index("合计")] is None
    assert "没有记录上报前检查" in rows["西里镇幼儿园"][headers.index("说明")]
