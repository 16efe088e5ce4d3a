"""Every value of a package is checked against what the program and SQLite can hold — and
common sense — before anything is written: no backup, no evidence file, no row.

A headcount of 2**70 used to pass the type checks and crash the import (a traceback) after
a backup and the photos were already written; the same package sank the whole 汇总."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.exchange.package.format import PackageError
from gongtongti_desktop.exchange.package.import_package import import_package
from gongtongti_desktop.exchange.rollup.rollup import merge_packages
from tests.exchange._packages import Doc, repack
from tests.exchange.conftest import Exported

Edit = Callable[[Doc], None]


def _set(table: str, column: str, value: Any, n: int = 0) -> Edit:
    def edit(doc: Doc) -> None:
        doc["records"][table][n][column] = value

    return edit


def _score(doc: Doc) -> dict[str, Any]:
    return doc["records"]["score"][0]


def _score_over(doc: Doc) -> None:
    _score(doc)["self_score"] = 1000.0


def _score_third(doc: Doc) -> None:
    _score(doc)["self_score"] = 0.3


def _foreign_index(doc: Doc) -> None:
    _score(doc)["index_id"] = "not-an-index"


BAD: dict[str, tuple[Edit, str]] = {
    "headcount 2**70": (_set("activity", "headcount", 2**70), "headcount"),
    "headcount negative": (_set("activity", "headcount", -1), "headcount"),
    "headcount 10 001": (_set("activity", "headcount", 10_001), "headcount"),
    "sort order past int64": (_set("attachment", "sort_order", 2**63), "sort_order"),
    "size negative": (_set("attachment", "size", -5), "size"),
    "30 February": (_set("activity", "day", "2024-02-30"), "不是真实存在的日期"),
    "month 13": (_set("activity", "day", "2024-13-01"), "不是真实存在的日期"),
    "date without zeros": (_set("activity", "day", "2024-1-1"), "YYYY-MM-DD"),
    "date with newline": (_set("activity", "day", "2024-10-09\n"), "YYYY-MM-DD"),
    "year 10": (_set("activity", "day", "0010-01-01"), "年份不合常理"),
    "hour 25": (_set("activity", "start_time", "25:00"), "不是真实存在的时间"),
    "timestamp garbage": (_set("activity", "updated_at", "昨天"), "updated_at"),
    "kind not in the programme": (_set("activity", "kind", "跳舞比赛"), "不在本方案的可选范围内"),
    "mode not in the programme": (_set("activity", "mode", "飞行"), "不在本方案的可选范围内"),
    "id with trailing newline": (_set("activity", "id", "0" * 32 + "\n"), "编号"),
    "name with newline": (_set("kindergarten", "name", "某园\n另一行"), "控制字符"),
    "score over the item's points": (_score_over, "self_score"),
    "score not in half points": (_score_third, "self_score"),
    "score of a foreign index": (_foreign_index, "不属于本方案"),
}


def _listing(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _target(tmp_path: Path) -> Path:
    folder = tmp_path / "园"
    folder.mkdir()
    target = folder / "园.gtdb"
    Store.create(target, kindergarten="", programme_id="yiyuan-2022").close()
    return target


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_value_is_refused_before_anything_is_written(
    exported: Exported, tmp_path: Path, case: str
) -> None:
    edit, said = BAD[case]
    bad = repack(exported.package, tmp_path / "bad.gtt", data=edit)
    target = _target(tmp_path)
    before = _listing(target.parent)
    with Store.open(target) as store, pytest.raises(PackageError) as caught:
        import_package(store, bad)
    assert said in caught.value.message and "未做任何改动" in caught.value.message
    assert _listing(target.parent) == before  # no backup, no photo, no row
    assert exported.result.counts["attachment"] > 0  # the package does carry photos


def test_the_command_refuses_with_exit_2_and_no_traceback(
    exported: Exported, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = repack(exported.package, tmp_path / "bad.gtt", data=BAD["headcount 2**70"][0])
    target = _target(tmp_path)
    before = _listing(target.parent)
    assert main(["import", "--data", str(target), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "headcount" in err and "Traceback" not in err
    assert _listing(target.parent) == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    headcount=st.one_of(st.integers(max_value=-1), st.integers(min_value=10_001)),
    day=st.text(alphabet="0123456789-", min_size=1, max_size=12).filter(lambda t: not _real_day(t)),
)
def test_generated_bad_values_are_refused(
    exported: Exported, tmp_path_factory: pytest.TempPathFactory, headcount: int, day: str
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    for edit in (_set("activity", "headcount", headcount), _set("activity", "day", day)):
        bad = repack(exported.package, folder / "bad.gtt", data=edit)
        target = folder / "t.gtdb"
        target.unlink(missing_ok=True)
        Store.create(target, kindergarten="", programme_id="yiyuan-2022").close()
        before = target.read_bytes()
        with Store.open(target) as store, pytest.raises(PackageError):
            import_package(store, bad)
        assert target.read_bytes() == before and not (folder / "backups").exists()


def _real_day(text: str) -> bool:
    try:
        return len(text) == 10 and 1900 <= dt.date.fromisoformat(text).year <= 2999
    except ValueError:
        return False


def test_unknown_keys_and_a_future_export_are_refused(exported: Exported, tmp_path: Path) -> None:
    def extra_data(doc: Doc) -> None:
        doc["surprise"] = "x" * 10

    def extra_manifest(man: Doc) -> None:
        man["surprise"] = 1

    def future(man: Doc) -> None:
        later = dt.datetime.now().astimezone() + dt.timedelta(days=30)
        man["created_at"] = later.isoformat(timespec="seconds")

    cases = {
        "data": (repack(exported.package, tmp_path / "d.gtt", data=extra_data), "surprise"),
        "manifest": (repack(exported.package, tmp_path / "m.gtt", manifest=extra_manifest), "surprise"),
        "future": (repack(exported.package, tmp_path / "f.gtt", manifest=future), "晚于现在"),
    }  # fmt: skip
    target = _target(tmp_path)
    for bad, said in cases.values():
        with Store.open(target) as store, pytest.raises(PackageError, match=said):
            import_package(store, bad)


def test_merge_lists_a_bad_package_with_its_reason_and_goes_on(
    exported: Exported, tmp_path: Path
) -> None:
    bad = repack(exported.package, tmp_path / "bad.gtt", data=BAD["headcount 2**70"][0])
    folder = tmp_path / "a folder.gtt"
    folder.mkdir()
    report = merge_packages([exported.package, bad, folder], tmp_path / "汇总.xlsx")
    assert len(report.rows) == 1
    reasons = dict(report.bad)
    assert "headcount" in reasons[bad] and "文件夹" in reasons[folder]
    assert (tmp_path / "汇总.xlsx").exists()


def test_a_number_json_reads_as_infinite_is_refused() -> None:
    from gongtongti_desktop.core.checks.values import ValueProblem, check_values
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.exchange.package import json_codec

    row = json_codec.parse(Path("x.gtt"), "data.json", b'{"self_score": 1e999}')
    assert row["self_score"] == float("inf")  # JSON allows it; SQLite would store Inf
    with pytest.raises(ValueProblem, match="有限"):
        check_values(get_programme("yiyuan-2022"), {"score": [row]})
