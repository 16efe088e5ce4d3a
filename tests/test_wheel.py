"""A plain (non-editable) install carries forms/ and resources/: install the wheel into a fresh
venv and print annex 1 from a folder that is not the repository."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def test_wheel_installs_and_prints_annex1(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)])
    (wheel,) = wheels.glob("gongtongti_desktop-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "gongtongti_desktop/_data/forms/yiyuan-2022/programme.toml" in names
    assert "gongtongti_desktop/_data/forms/yiyuan-2022/templates/annex1.toml" in names
    assert "gongtongti_desktop/_data/forms/gaotai-2020/programme.toml" in names

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([str(bindir / "python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)])
    # The dependencies (PySide6, reportlab, …) are the ones this test run already has: point
    # the fresh venv at them instead of downloading them again. The program itself, forms/
    # and resources/ come from the wheel only.
    purelib = Path(
        _run(
            [
                str(bindir / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ]
        ).stdout.strip()
    )
    (purelib / "_deps_from_test_env.pth").write_text(
        "\n".join([sysconfig.get_paths()["purelib"], *site.getsitepackages()]) + "\n"
    )

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("GONGTONGTI_FORMS", "PYTHONPATH")}
    where = _run(
        [
            str(bindir / "python"),
            "-c",
            "import gongtongti_desktop; print(gongtongti_desktop.__file__)",
        ],
        cwd=work,
        env=env,
    )
    assert str(venv) in where.stdout, "the installed copy, not the repository, must be imported"
    gongtongti = str(bindir / "gongtongti")
    _run([gongtongti, "demo", "demo.gtdb"], cwd=work, env=env)
    forms = _run([gongtongti, "forms", "--data", "demo.gtdb"], cwd=work, env=env)
    assert "annex1" in forms.stdout
    _run(
        [gongtongti, "print", "annex1", "--data", "demo.gtdb", "-o", "annex1.pdf"],
        cwd=work,
        env=env,
    )
    pdf = (work / "annex1.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
