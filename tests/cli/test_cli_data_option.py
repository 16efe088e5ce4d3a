"""``--data`` does what the help says: the window may go without it (it opens the user's data
file); every command names its data file, and one without it is refused in Chinese."""

from __future__ import annotations

import pytest

from gongtongti_desktop import cli

COMMANDS_WITH_DATA = {
    "print": ["annex1", "-o", "x.pdf"],
    "export": ["--xlsx", "x.xlsx"],
    "import": ["x.xlsx"],
    "check": [],
    "backup": [],
    "restore": [],
}


def test_help_says_when_data_is_needed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "省略时为用户数据目录中的数据文件" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["forms", "--help"])
    assert "省略时列出 --programme 或默认方案的表格" in capsys.readouterr().out
    for command in COMMANDS_WITH_DATA:
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        assert "命令必须指定" in capsys.readouterr().out, command


@pytest.mark.parametrize("command", sorted(COMMANDS_WITH_DATA))
def test_a_command_without_data_is_refused_in_chinese(
    command: str, capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    assert cli.main([command, *COMMANDS_WITH_DATA[command]]) == 2
    err = capsys.readouterr().err
    assert "--data" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
