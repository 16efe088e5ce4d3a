"""The command lines that open the window: ``gongtongti``, ``gongtongti --data FILE`` and
``gongtongti FILE.gtdb|FILE.gtt`` (a double-clicked file), read without argparse's parser of
every command, and the window started from them."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from gongtongti_desktop.errors import UserError


def cmd_window(args: argparse.Namespace) -> int:
    """The window; on a given data file, its damage check and modules started before Qt
    (``prepare_before_qt``)."""
    # No cyclic garbage collection until 概览 shows (``ui.shell.app`` turns it back on then,
    # or before any dialog): start-up builds modules, classes and widgets, not garbage, and
    # the collector's ~50 passes over them cost ~6 ms before the director sees her data.
    import gc

    gc.disable()
    try:
        if args.data:
            prepare_before_qt(Path(args.data))
        from gongtongti_desktop.ui.shell.app import run_gui

        return run_gui(Path(args.data) if args.data else None, getattr(args, "package", None))
    finally:
        gc.enable()


def prepare_before_qt(path: Path) -> None:
    """Start checking ``path`` for damage and load what opening it needs (a missing file:
    only the modules; the first-run setup follows) — before PySide6 is imported.

    Why before Qt: once PySide6 is imported, its import hook (``shibokensupport.feature``)
    reads the source text of every module imported after it, looking for the word "PySide6"
    — about 0.2 ms a module, ~7 ms for the ~40 modules between the window and 概览. Loaded
    first, they pay none of it. And the damage check (``PRAGMA quick_check``, 30–60 ms on
    ten years of data) runs in SQLite without Python's lock: started first, it is over while
    Qt loads, and opening only collects its answer. Nothing here imports Qt
    (tests/ui/test_startup_imports.py checks it)."""
    from gongtongti_desktop.core.datafile import early_check

    early_check.start(path)
    # What MainWindow.attach builds 概览's first frame from; each pulls in the rest (store,
    # programme). tests/ui/test_startup_imports.py: nothing of core is left to load after Qt
    # before that frame (the checks over the records load theirs just after it).
    import gongtongti_desktop.core.checks.daily
    import gongtongti_desktop.core.datafile.backups
    import gongtongti_desktop.core.datafile.lock
    import gongtongti_desktop.core.records.roster_counts  # noqa: F401


OPENED_SUFFIXES = (".gtdb", ".gtt")


def opened_file(argv: Sequence[str]) -> argparse.Namespace | None:
    """``gongtongti FILE.gtdb`` / ``gongtongti FILE.gtt``, as Windows starts the program for a
    double-clicked file: the window on that data file, or on the usual data file with the
    package's import preview. None for every other command line (argparse reads it)."""
    if len(argv) != 1 or argv[0].startswith("-"):
        return None
    path = Path(argv[0])
    suffix = path.suffix.lower()
    if suffix not in OPENED_SUFFIXES:
        return None
    if suffix == ".gtt":
        if not path.is_file():
            raise UserError(f"找不到上报数据包：{path}")
        return argparse.Namespace(func=cmd_window, data=None, package=path.resolve())
    if path.exists() and not path.is_file():
        raise UserError(f"不是数据文件：{path}")
    return argparse.Namespace(func=cmd_window, data=str(path.resolve()), package=None)


def window_command(argv: Sequence[str]) -> argparse.Namespace | None:
    """``gongtongti`` and ``gongtongti --data FILE``, the command lines that open the window,
    read without building the parser of every command (~10 ms of the window's start-up, spent
    before its first frame). The same namespace argparse makes of them; None for anything
    else (argparse reads it: abbreviations, ``--data=``, a FILE that looks like an option)."""
    if not argv:
        return argparse.Namespace(func=cmd_window, data=None)
    if len(argv) == 2 and argv[0] == "--data" and not argv[1].startswith("-"):
        return argparse.Namespace(func=cmd_window, data=argv[1])
    return None
