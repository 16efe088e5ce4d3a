"""The layering rule, checked: nothing outside ui/ loads Qt, and the window's start-up path
does not pay for reportlab/openpyxl."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import gongtongti_desktop

PACKAGE = Path(gongtongti_desktop.__file__).parent


def _non_ui_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if "ui" in parts or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(out.stdout.split())


def test_no_qt_outside_ui() -> None:
    modules = _non_ui_modules()
    assert (
        "gongtongti_desktop.core.datafile.store" in modules
        and "gongtongti_desktop.output.pdf" in modules
    )
    loaded = _loaded_after_import(modules)
    assert not {m for m in loaded if m.startswith(("PySide6", "shiboken6"))}


def test_cli_and_core_do_not_import_output_libraries() -> None:
    modules = [m for m in _non_ui_modules() if ".output" not in m and ".roster_import" not in m]
    loaded = _loaded_after_import(modules)
    assert "reportlab" not in loaded and "openpyxl" not in loaded


def test_opening_and_reading_does_not_load_sqlite_utils(demo_path) -> None:  # type: ignore[no-untyped-def]
    """Start-up reads only; sqlite-utils (~70 ms to import) loads on the first write."""
    code = (
        "import sys\n"
        "from gongtongti_desktop.core.records import roster, diary\n"
        "from gongtongti_desktop.core.profile.programme import get_programme\n"
        "from gongtongti_desktop.core.datafile.store import Store\n"
        f"store = Store.open({str(demo_path)!r})\n"
        "programme = get_programme(store.programme_id)\n"
        "assert roster.list_pairings(store) and diary.search_ids(store)\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
