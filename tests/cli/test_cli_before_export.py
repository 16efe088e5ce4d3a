"""``gongtongti check --before-export``: the list printed grouped with counts and exit 0 even
when items are open (it is a list, not a refusal); bad input exit 2 with a Chinese message and
the data file unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.upload import before_export
from tests.conftest import sha256


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_list_is_printed_grouped_with_counts_and_exit_0(
    capsys: pytest.CaptureFixture[str], demo_path: Path
) -> None:
    with Store.open(demo_path) as store:
        programme = get_programme(store.programme_id)
        term = periods.parse_term(programme.calendar, "2024-autumn")
        items = before_export.open_items(store, programme, term)
    assert items  # the demo has activities without photos
    before = sha256(demo_path)
    code, out, err = run(
        capsys, "check", "--before-export", "--data", str(demo_path), "--term", "2024-autumn"
    )
    assert (code, err) == (0, "")
    assert "上报前检查" in out and "2024年秋季学期" in out
    assert f"还有 {len(items)} 项未处理" in out
    for kind, n in before_export.counts(items).items():
        assert f"{before_export.kind_label(kind)}（{n} 项）" in out
    assert all(i.text in out for i in items)
    assert sha256(demo_path) == before  # a check writes nothing


def test_an_empty_list_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "new.gtdb"
    Store.create(path, kindergarten="东岭镇中心幼儿园", programme_id="yiyuan-2022").close()
    code, out, _err = run(
        capsys, "check", "--before-export", "--data", str(path), "--month", "2024-10"
    )
    assert code == 0
    assert "没有未处理的项目" in out and "2024年10月" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--month", "2024-13"], "月份“2024-13”格式不对"),
        (["--date", "2024-02-30"], "日期“2024-02-30”格式不对"),
        (["--term", "2024-winter"], "学期"),
    ],
)
def test_bad_input_is_exit_2_in_chinese_and_the_file_untouched(
    capsys: pytest.CaptureFixture[str], demo_path: Path, extra: list[str], message: str
) -> None:
    before = sha256(demo_path)
    code, out, err = run(capsys, "check", "--before-export", "--data", str(demo_path), *extra)
    assert code == 2 and out == ""
    assert err.startswith("错误：") and message in err and "Traceback" not in err
    assert sha256(demo_path) == before


def test_a_missing_file_and_period_options_without_the_flag_are_exit_2(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    code, _out, err = run(capsys, "check", "--before-export", "--data", str(tmp_path / "无.gtdb"))
    assert code == 2 and err.startswith("错误：")
    code, _out, err = run(capsys, "check", "--data", str(demo_path), "--month", "2024-10")
    assert code == 2 and "只与 --before-export 一起使用" in err


def test_the_help_says_what_the_exit_code_means(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "check", "--help")
    assert code == 0
    assert "--before-export" in out and "退出码0" in out.replace("\n", "").replace(" ", "")
