"""The docs keep up with the code: README's two commands, CI running README's test command,
every CLI command documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from gongtongti_desktop.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, re.S)[:2]]


def test_readme_starts_with_run_and_test_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("\n\n", 3)
    assert head[0].startswith("# ")
    run, test = _readme_commands()
    assert "\n" not in run and "\n" not in test
    assert run.endswith("gongtongti") and "pytest" in test


def test_ci_runs_the_readme_test_command() -> None:
    lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    # the README's command, then the Windows build and its smoke test under Wine
    assert lines[-3:] == [_readme_commands()[1], "bash .ci/build-windows", "bash .ci/windows/smoke"]


def test_every_command_is_documented() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"gongtongti {name}" in cli_doc, name
        assert f"gongtongti {name}" in readme, name


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
