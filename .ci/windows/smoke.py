"""Smoke test of the Windows build under Wine (Debian's wine64), run by .ci/run after the suite.

It unzips dist/gongtongti-<version>-win64.zip as a director would and drives
gongtongti-cli.exe: --version, demo, print annex1 (the Chinese font embedded), export,
init + import of the package, check, a bad-input refusal and a merge of 20 packages that uses
worker processes. Then the window: opened on the demo file with the real Windows platform
plugin (qwindows) on an Xvfb screen, a screenshot saved, and start-up to the first frame timed
against a bare PySide6 window in the same embeddable Python.

Wine quirks handled here, none of which touch the program:
- Windows 10 has icuuc.dll, Wine 8 has not; Qt >= 6.8 needs it to load. A stand-in built from
  .ci/windows/icuuc_stub.c goes into the Wine prefix's system32 (never into the program).
- Python 3.13 cannot set up sys.stdout under Wine 8 when the standard handles are files or
  pipes ("init_sys_streams ... Invalid handle"); each command runs on a pseudo-terminal
  (``script``), where it can.
- Wine drops QT_* variables from the environment (set WINEQT_* to pass them).
- No Windows fonts: GONGTONGTI_FONT points at WenQuanYi Micro Hei for the PDF.
- Wine makes a prefix's desktop window with its first process, so every process of the run
  gets the Xvfb screen (a console command run first without one leaves no window possible).
  Qt's offscreen plugin runs too under Wine but finds no font there (boxes for every
  character), so the window is shown with the real Windows plugin on Xvfb instead.

Exits non-zero when a check fails; the last line is "smoke: N passed, N failed".
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "windows"
WORK = BUILD / "smoke"
PREFIX = BUILD / "wine"
WINE_HOME = BUILD / "wine-home"  # Wine links Desktop and Documents to $HOME: not the real one
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
WINE_DIR = Path("/usr/lib/wine")  # Debian's wine64 puts wine64 and wineserver here
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
FORWARD = re.compile(r"\x1b\[(\d*)C")  # Wine's console moves the cursor instead of a space

SHOT = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from gongtongti_desktop.ui.shell.app import build_app, start_window
app = build_app()
window = start_window(Path(sys.argv[1]))
def snap():
    print("SAVED", window.grab().save(sys.argv[2]), flush=True)
    window.close()
    app.quit()
QTimer.singleShot(int(sys.argv[3]), snap)
app.exec()
"""

RUNS = 5  # start-up timings of each window
results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, ok, detail))
    print(f"{'ok  ' if ok else 'FAIL'} {name}{(' — ' + detail) if detail else ''}", flush=True)
    return ok


def win(path: Path) -> str:
    return "Z:" + str(path).replace("/", "\\")


DISPLAY: dict[str, str] = {}  # the Xvfb screen of this run, for every Wine process


def wine_env() -> dict[str, str]:
    env = {
        **os.environ,
        "WINEPREFIX": str(PREFIX),
        "WINEDEBUG": "-all",
        "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d",
        "HOME": str(WINE_HOME),
        "PATH": f"{WINE_DIR}:{os.environ.get('PATH', '')}",
        "GONGTONGTI_FONT": win(FONT),
    }
    env.pop("DISPLAY", None)
    env.update(DISPLAY)  # one screen from the start: Wine's desktop is made with the first process
    return env


def wine(
    args: list[str],
    *,
    cwd: Path,
    timeout: float = 300,
    on_line: Callable[[str], None] | None = None,
) -> tuple[int, str]:
    """Run ``wine64 ARGS`` on a pseudo-terminal; its exit code and cleaned output."""
    # a wide terminal: Wine's console wraps lines at its width
    command = "stty cols 400 2>/dev/null; " + shlex.join(["wine64", *args])
    proc = subprocess.Popen(
        ["script", "-qefc", command, "/dev/null"],
        cwd=cwd,
        env=wine_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdout is not None
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    chunks = []
    try:
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace")
            line = ANSI.sub("", FORWARD.sub(lambda m: " " * int(m.group(1) or 1), line))
            chunks.append(line)
            if on_line is not None:
                on_line(line)
        code = proc.wait()
    finally:
        timer.cancel()
    return code, "".join(chunks)


def cli(app: Path, *args: str, **kwargs: object) -> tuple[int, str]:
    code, out = wine([str(app / "gongtongti-cli.exe"), *args], cwd=WORK, **kwargs)  # type: ignore[arg-type]
    shown = out.strip().splitlines()
    print(f"$ gongtongti-cli.exe {' '.join(args)[:140]}  → exit {code}")
    for line in shown[:3] + (["…"] if len(shown) > 6 else []) + shown[max(3, len(shown) - 3) :]:
        print(f"    {line[:150]}")
    return code, out


def prepare() -> Path:
    """The zip unpacked as a director would, and a Wine prefix with the ICU stand-in."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        ver = tomllib.load(fh)["project"]["version"]
    zip_path = ROOT / "dist" / f"gongtongti-{ver}-win64.zip"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(WORK)
    app = WORK / f"gongtongti-{ver}"
    system32 = PREFIX / "drive_c" / "windows" / "system32"
    shutil.rmtree(PREFIX, ignore_errors=True)  # a new Windows each run: nothing installed
    shutil.rmtree(WINE_HOME, ignore_errors=True)
    WINE_HOME.mkdir(parents=True)
    started = time.monotonic()
    subprocess.run(
        ["wine64", "wineboot", "--init"],
        env=wine_env(),
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    print(f"== Wine prefix made in {time.monotonic() - started:.1f} s")
    shutil.copy(BUILD / "wine-icuuc" / "icuuc.dll", system32 / "icuuc.dll")
    return app


def smoke_cli(app: Path, ver: str) -> Path | None:
    code, out = cli(app, "--version")
    check("--version", code == 0 and ver in out, out.strip())
    demo = WORK / "demo.gtdb"
    code, out = cli(app, "demo", win(demo))
    check("demo", code == 0 and demo.is_file() and "已写入示例数据文件" in out)
    pdf = WORK / "annex1.pdf"
    code, out = cli(app, "print", "annex1", "--data", win(demo), "-o", win(pdf))
    fonts = ""
    if pdf.is_file():
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    embedded = [ln for ln in fonts.splitlines() if "WenQuanYi" in ln and " yes " in ln]
    check("print annex1 (CJK font embedded)", code == 0 and bool(embedded), " ".join(embedded[:1]))
    smoke_signed(app, demo, pdf)
    package = WORK / "x.gtt"
    code, out = cli(app, "export", "--data", win(demo), "--year", "2024", "-o", win(package))
    check("export -o x.gtt", code == 0 and package.is_file() and "已导出上报数据包" in out)
    other = WORK / "b.gtdb"
    code, _ = cli(app, "init", win(other), "--kindergarten", "乙园")
    code2, out = cli(app, "import", "--data", win(other), win(package))
    check("init + import x.gtt", code == 0 and code2 == 0 and "已导入" in out)
    code, out = cli(app, "check", "--data", win(demo), "--date", "2025-01-15")
    check("check", code in (0, 1) and "数据文件" in out, f"exit {code}")
    code, out = cli(app, "print", "annex1", "--data", win(WORK / "无此文件.gtdb"), "-o", "y.pdf")
    check(
        "bad input → exit 2, Chinese message",
        code == 2 and "错误" in out and "Traceback" not in out,
    )
    return package if package.is_file() else None


def smoke_signed(app: Path, demo: Path, pdf: Path) -> None:
    """The printed page, as a photo (poppler here, Pillow's JPEG), filed back by its QR code:
    zxing-cpp's and pypdf's Windows wheels at work."""
    if not pdf.is_file():
        check("signed add (photo of the printed page)", False, "no PDF printed")
        return
    stem = WORK / "page"
    subprocess.run(["pdftoppm", "-jpeg", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(stem)])
    photos = sorted(WORK.glob("page-*.jpg"))
    photo = photos[0] if photos else WORK / "page-1.jpg"
    code, out = cli(app, "signed", "add", "--data", win(demo), win(photo))
    check("signed add (QR read by zxing-cpp)", code == 0 and "（二维码）→ 附件1" in out)
    code, out = cli(app, "signed", "list", "--data", win(demo))
    check("signed list", code == 0 and "结对名单：已签字" in out)


def smoke_merge(app: Path, package: Path) -> None:
    folder = WORK / "packages"
    folder.mkdir()
    files = []
    for n in range(1, 21):
        files.append(folder / f"园{n:02d}.gtt")
        shutil.copy(package, files[-1])
    seen: set[str] = set()
    stop = threading.Event()

    def watch() -> None:  # the worker processes, as `ps` shows them while the merge runs
        while not stop.is_set():
            ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
            seen.update(
                line.split()[0]
                for line in ps.splitlines()
                if "gongtongti-cli.exe --multiprocessing-fork" in line  # not other programs'
            )
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    summary = WORK / "汇总.xlsx"
    started = time.monotonic()
    code, out = cli(app, "merge", "-o", win(summary), *[win(f) for f in files], timeout=240)
    stop.set()
    watcher.join()
    took = time.monotonic() - started
    check(
        "merge of 20 packages in worker processes",
        code == 0 and summary.is_file() and "已生成汇总表" in out and len(seen) >= 2,
        f"{len(seen)} worker processes seen, {took:.1f} s",
    )


class Xvfb:
    def __enter__(self) -> str:
        for n in range(90, 110):
            if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
                break
        self.display = f":{n}"
        self.proc = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.05)
        return self.display

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait()


def frame_time(app: Path, script: Path, *args: str, marks: tuple[str, ...]) -> dict[str, float]:
    """Seconds from starting the process to each mark line it prints (host clock)."""
    started = time.monotonic()
    seen: dict[str, float] = {}

    def on_line(line: str) -> None:
        for mark in marks:
            if line.startswith(mark) and mark not in seen:
                seen[mark] = time.monotonic() - started

    py = app / "runtime" / "python.exe"
    wine([str(py), win(script), *args], cwd=WORK, timeout=120, on_line=on_line)
    return seen


def smoke_window(app: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    import startup  # the start-up benchmark's own scripts: bare window and the program

    demo = WORK / "demo.gtdb"
    shot_py, bare_py, ours_py = WORK / "shot.py", WORK / "bare.py", WORK / "ours.py"
    shot_py.write_text(SHOT, encoding="utf-8")
    bare_py.write_text(startup.BARE, encoding="utf-8")
    ours_py.write_text(startup.OURS, encoding="utf-8")
    png = WORK / "window.png"
    code, out = wine(
        [str(app / "runtime" / "python.exe"), win(shot_py), win(demo), win(png), "4000"],
        cwd=WORK,
        timeout=180,
    )
    colours = 0
    if png.is_file():
        from PIL import Image

        with Image.open(png) as image:
            colours = len(image.convert("RGB").getcolors(1 << 20) or [])
    check(
        "window under Wine (qwindows on Xvfb), screenshot",
        code == 0 and "SAVED True" in out and colours > 50,
        f"{png.relative_to(ROOT)}, {colours} colours",
    )
    bare, ours, filled = [], [], []
    for _ in range(RUNS):  # alternated, so a busy moment of the machine hits both alike
        b = frame_time(app, bare_py, marks=("FRAME",))
        o = frame_time(app, ours_py, win(demo), marks=("FRAME", "FILLED"))
        if "FRAME" in b and "FRAME" in o:
            bare.append(b["FRAME"])
            ours.append(o["FRAME"])
        if "FILLED" in o:
            filled.append(o["FILLED"])
    if check("start-up timed", len(bare) == RUNS, f"{len(bare)} of {RUNS} runs each"):
        ms = [
            f"{statistics.median(x) * 1000:.0f} ms (fastest {min(x) * 1000:.0f})"
            for x in (bare, ours, filled or [float("nan")])
        ]
        ratio = statistics.median(ours) / statistics.median(bare)
        print(
            f"== start-up to the first frame under Wine, median of {RUNS} (process start to the "
            f"end of the first paint): bare PySide6 window {ms[0]}, 共同体工作台 {ms[1]} "
            f"({ratio:.2f}×); 概览 showing the demo file {ms[2]}"
        )
        for name, values in (("bare", bare), ("program", ours)):
            print(f"   {name}: {' '.join(f'{v * 1000:.0f}' for v in values)} ms")


def smoke_installer(ver: str) -> None:
    """The installer, silently (/S) as the current user: program files, both shortcuts, the
    file types; the installed program runs; the uninstaller removes all of that but the data."""
    setup = ROOT / "dist" / f"gongtongti-{ver}-win64-setup.exe"
    users = PREFIX / "drive_c" / "users"
    # A new Wine 8 prefix says it is Windows 7: the installer must refuse (exit 2, nothing
    # installed); then the prefix is set to Windows 10 and it must install.
    wine(["winecfg", "/v", "win7"], cwd=WORK)
    code, _ = wine([str(setup), "/S"], cwd=WORK, timeout=300)
    check(
        "installer refuses Windows 7 (exit 2, nothing installed)",
        code == 2 and not list(users.glob("*/AppData/Local/Programs/共同体工作台")),
        f"exit {code}",
    )
    wine(["winecfg", "/v", "win10"], cwd=WORK)
    code, _ = wine([str(setup), "/S"], cwd=WORK, timeout=300)
    programs = list(users.glob("*/AppData/Local/Programs/共同体工作台"))
    exe = programs[0] / "gongtongti.exe" if programs else WORK / "missing"
    links = [
        *users.glob("*/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/共同体工作台.lnk"),
        *users.glob("*/Desktop/共同体工作台.lnk"),
    ]
    check(
        "installer /S: %LOCALAPPDATA%\\Programs\\共同体工作台, two shortcuts",
        code == 0 and exe.is_file() and len(links) == 2,
        str(exe.parent.relative_to(PREFIX)) if exe.is_file() else f"exit {code}",
    )
    if not exe.is_file():
        return
    commands = []
    for key in ("Gongtongti.DataFile", "Gongtongti.Package"):
        _, out = wine(
            ["reg", "query", f"HKCU\\Software\\Classes\\{key}\\shell\\open\\command"], cwd=WORK
        )
        commands.append(out)
    _, gtdb = wine(["reg", "query", "HKCU\\Software\\Classes\\.gtdb"], cwd=WORK)
    opened = all('gongtongti.exe" "%1"' in out for out in commands)
    check('.gtdb and .gtt open with gongtongti.exe "%1"', opened and "Gongtongti.DataFile" in gtdb)
    data = next(users.glob("*/Documents"), WORK) / "共同体工作台" / "gongtongti.gtdb"
    data.parent.mkdir(parents=True, exist_ok=True)
    code, _ = wine([str(exe.parent / "gongtongti-cli.exe"), "demo", win(data)], cwd=WORK)
    check(
        "the installed gongtongti-cli.exe writes 文档\\共同体工作台\\gongtongti.gtdb",
        code == 0 and data.is_file(),
    )
    # Not on a pseudo-terminal: the uninstaller goes on from a copy of itself in %TEMP% after
    # the first process exits, and the terminal's hang-up would end that copy.
    subprocess.run(
        ["wine64", str(exe.parent / "卸载.exe"), "/S"],
        cwd=WORK,
        env=wine_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    deadline = time.monotonic() + 90
    while exe.parent.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    found = [  # reg query exits 1 for a key that is not there
        wine(["reg", "query", f"HKCU\\Software\\Classes\\{key}"], cwd=WORK)[0] == 0
        for key in (".gtdb", ".gtt", "Gongtongti.DataFile", "Gongtongti.Package")
    ]
    gone = not exe.parent.exists() and not any(link.exists() for link in links)
    check(
        "uninstaller /S: program, shortcuts and file types gone, the data file kept",
        gone and not any(found) and data.is_file(),
        f"keys still there: {found}",
    )


def main() -> int:
    if not (WINE_DIR / "wine64").exists():
        print("smoke: wine64 is not installed (apt-get install wine64)", file=sys.stderr)
        return 2
    with (ROOT / "pyproject.toml").open("rb") as fh:
        ver = tomllib.load(fh)["project"]["version"]
    started = time.monotonic()
    with Xvfb() as display:
        DISPLAY["DISPLAY"] = display
        # Wine makes its desktop with a prefix's first process: none may run without a screen
        subprocess.run(["wineserver", "-k"], env=wine_env(), check=False, capture_output=True)
        app = prepare()
        try:
            package = smoke_cli(app, ver)
            if package is not None:
                smoke_merge(app, package)
            smoke_window(app)
            smoke_installer(ver)
        finally:
            subprocess.run(["wineserver", "-k"], env=wine_env(), check=False, capture_output=True)
    failed = [name for name, ok, _ in results if not ok]
    print(f"== Wine smoke test took {time.monotonic() - started:.0f} s")
    print(f"smoke: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
