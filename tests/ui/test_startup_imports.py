"""What the window imports on its way to 概览, run in a fresh interpreter (the suite's own
process has imported everything): every millisecond of it is paid before the director sees
her data (issue 15, start-up within 1.5x a bare window)."""

from __future__ import annotations

import json
import subprocess
import sys

# The modules opening a data file and building 概览 load (ui.shell.app._open_into,
# MainWindow.attach): the same as ``gongtongti --data FILE`` loads before 概览 shows.
OPENING = (
    "gongtongti_desktop.cli",
    "gongtongti_desktop.ui.shell.app",
    "gongtongti_desktop.ui.shell.main_window",
    "gongtongti_desktop.core.datafile.early_check",
    "gongtongti_desktop.core.datafile.store",
    "gongtongti_desktop.core.profile.programme",
    "gongtongti_desktop.ui.datafile.data_file_guard",
    "gongtongti_desktop.ui.overview.tab",
)

# Loaded by what MainWindow.attach calls, and by the reminders just after 概览 shows.
AFTER_ATTACH = (
    "gongtongti_desktop.ui.overview.first_steps",
    "gongtongti_desktop.ui.overview.reminders",
)

# Loaded just after 概览's first frame, when its checks over the records are filled
# (``ensure_checks``: the rule rows, the roster's gaps) or the reminders shown — with the core
# modules each loads then, and nothing else of core.
AFTER_FIRST_FRAME = {
    "gongtongti_desktop.ui.overview.rule_rows": ["gongtongti_desktop.core.checks.rules"],
    "gongtongti_desktop.core.checks.roster_rules": ["gongtongti_desktop.core.checks.roster_rules"],
    "gongtongti_desktop.core.records.roster": [
        "gongtongti_desktop.core.records.changes",
        "gongtongti_desktop.core.records.engine",
        "gongtongti_desktop.core.records.roster",
        "gongtongti_desktop.core.records.validation",
    ],
}


_PROBE = """
import dataclasses, importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
undocumented = sorted(  # dataclasses and NamedTuples write "Name(field…)" where none was given
    f"{cls.__module__}.{cls.__qualname__}"
    for module in list(sys.modules.values())
    if getattr(module, "__name__", "").startswith("gongtongti_desktop")
    for cls in vars(module).values()
    if isinstance(cls, type)
    and (dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields")))
    and cls.__module__ == module.__name__
    and (cls.__doc__ or "").startswith(cls.__name__ + "(")
)
print(json.dumps({"modules": sorted(sys.modules), "undocumented": undocumented}))
"""


def _opening_imports() -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *OPENING], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def test_opening_loads_no_openssl_hash() -> None:
    """The parsed-profile cache hashes with CPython's own SHA-256: hashlib would load
    OpenSSL (~5 ms) before 概览 shows."""
    loaded = set(_opening_imports()["modules"])
    assert "gongtongti_desktop.core.profile.toml_cache" in loaded
    assert not {"hashlib", "_hashlib"} & loaded


def test_dataclasses_on_the_way_to_the_overview_have_docstrings() -> None:
    """A dataclass without a docstring gets one made from ``inspect.signature`` when its
    module is imported (~0.5 ms each on the target laptop): every one on the start-up path
    carries its own."""
    assert _opening_imports()["undocumented"] == []


_BEFORE_QT = """
import json, sys
from pathlib import Path
from gongtongti_desktop.cli_window import prepare_before_qt
prepare_before_qt(Path(sys.argv[1]))
loaded = set(sys.modules)
import gongtongti_desktop.cli, gongtongti_desktop.ui.shell.app  # the window, then opening
for name in sys.argv[2:]:
    __import__(name)
later = sorted(m for m in set(sys.modules) - loaded if m.startswith("gongtongti_desktop.core"))
qt = sorted(m for m in loaded if m.startswith(("PySide6", "shiboken6")))
print(json.dumps({"qt": qt, "later": later}))
"""


def test_a_data_file_start_loads_its_modules_before_qt(demo_path) -> None:  # type: ignore[no-untyped-def]
    """``gongtongti --data FILE`` loads the data file's modules before Qt (after Qt, PySide6's
    import hook reads every module's source again): none of Qt before, none of core after."""
    done = subprocess.run(
        [sys.executable, "-c", _BEFORE_QT, str(demo_path), *OPENING, *AFTER_ATTACH],
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(done.stdout)
    assert found == {"qt": [], "later": []}


def test_the_checks_load_after_the_first_frame(demo_path) -> None:  # type: ignore[no-untyped-def]
    """The checks over the records wait for 概览's first frame (the rules say "正在统计…", the
    roster's gaps "正在检查名单…" until then): their modules are not on the way to it."""
    for module, core_modules in AFTER_FIRST_FRAME.items():
        done = subprocess.run(
            [sys.executable, "-c", _BEFORE_QT, str(demo_path), *OPENING, *AFTER_ATTACH, module],
            check=True,
            capture_output=True,
            text=True,
        )
        assert json.loads(done.stdout)["later"] == core_modules, module
    loaded = set(_opening_imports()["modules"])
    later = {m for modules in AFTER_FIRST_FRAME.values() for m in modules} | set(AFTER_FIRST_FRAME)
    assert not later & loaded
