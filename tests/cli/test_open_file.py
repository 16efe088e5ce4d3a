"""``gongtongti FILE.gtdb`` and ``gongtongti FILE.gtt``: how Windows starts the program for a
double-clicked file (the installer registers both types to ``gongtongti.exe "%1"``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongtongti_desktop import cli
from gongtongti_desktop.ui.shell import app


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path | None, Path | None]]:
    """The windows the command would open (data file, package), instead of opening them."""
    opened: list[tuple[Path | None, Path | None]] = []

    def run_gui(data_path: Path | None, package: Path | None = None) -> int:
        opened.append((data_path, package))
        return 0

    monkeypatch.setattr(app, "run_gui", run_gui)
    return opened


def test_a_data_file_opens_the_window_on_it(tmp_path, monkeypatch, windows) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "我的园.gtdb").write_bytes(b"")
    assert cli.main(["我的园.gtdb"]) == 0
    assert windows == [(tmp_path / "我的园.gtdb", None)]
    assert cli.main([str(tmp_path / "其他.GTDB")]) == 0  # any case; a new one: first-run setup
    assert windows[-1] == (tmp_path / "其他.GTDB", None)


def test_a_package_opens_the_usual_data_file_with_its_preview(tmp_path, windows) -> None:
    package = tmp_path / "甲园 上报.gtt"
    package.write_bytes(b"PK")
    assert cli.main([str(package)]) == 0
    assert windows == [(None, package)]


def test_a_missing_package_is_a_chinese_message(tmp_path, capsys, windows) -> None:
    assert cli.main([str(tmp_path / "没有.gtt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：找不到上报数据包：") and "Traceback" not in err
    assert windows == []


def test_a_folder_named_like_a_data_file_is_refused(tmp_path, capsys, windows) -> None:
    (tmp_path / "文件夹.gtdb").mkdir()
    assert cli.main([str(tmp_path / "文件夹.gtdb")]) == 2
    assert capsys.readouterr().err.startswith("错误：不是数据文件：")
    assert windows == []


@pytest.mark.parametrize(
    "argv",
    [["demo", "x.gtdb"], ["--data", "x.gtdb"], ["x.gtdb", "y.gtdb"], ["-x.gtdb"]],
)
def test_other_command_lines_are_left_to_argparse(argv: list[str]) -> None:
    assert cli.opened_file(argv) is None


def test_another_file_type_is_still_a_usage_error(capsys, windows) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["名单.xlsx"])
    assert exc.value.code == 2
    assert "无效的选项" in capsys.readouterr().err
    assert windows == []


@pytest.mark.parametrize(
    "argv", [[], ["--data", "我的园.gtdb"], ["--data", ""], ["--data", "init"], ["--data", "a b"]]
)
def test_the_window_command_lines_read_as_argparse_reads_them(argv: list[str]) -> None:
    """The short cut past the parser (start-up) gives the namespace argparse gives."""
    fast = cli.window_command(argv)
    assert fast is not None and fast.func is cli.cmd_window
    assert vars(fast) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv", [["--data"], ["--data", "-x"], ["--dat", "x"], ["--data=x"], ["check", "--data", "x"]]
)
def test_other_window_like_command_lines_go_through_argparse(argv: list[str]) -> None:
    assert cli.window_command(argv) is None


def test_the_window_command_line_opens_the_window(tmp_path, windows) -> None:
    assert cli.main(["--data", str(tmp_path / "园.gtdb")]) == 0
    assert cli.main([]) == 0
    assert windows == [(tmp_path / "园.gtdb", None), (None, None)]
