"""The record types load with their modules, not with the core package; the 回收站 and every
lookup still see all of them, in one fixed order, whatever was imported first."""

from __future__ import annotations

import subprocess
import sys

ORDER = [
    "attachment", "plan_item", "activity", "kindergarten", "person", "pairing", "mentor_pair",
    "staff_exchange",
]  # fmt: skip


def _fresh(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return done.stdout.split()


def test_importing_core_loads_no_record_module() -> None:
    loaded = _fresh(
        "import sys, gongtongti_desktop.core\n"
        "print(' '.join(m for m in sys.modules if m.startswith('gongtongti_desktop.core.')))"
    )
    assert loaded == []


def test_every_type_in_one_order_whichever_module_came_first() -> None:
    for first in ("roster", "diary", "plans", "attachments"):
        tables = _fresh(
            f"from gongtongti_desktop.core.records import {first}\n"
            "from gongtongti_desktop.core.records import catalog\n"
            "print(' '.join(catalog.registry()))"
        )
        assert tables == ORDER, first


def test_a_lookup_needs_only_its_own_module_and_the_catalog_finds_every_type() -> None:
    out = _fresh(
        "import sys\n"
        "from gongtongti_desktop.core.records import engine, roster\n"
        "engine.record_type('kindergarten')\n"
        "print('diary-loaded' if 'gongtongti_desktop.core.records.diary' in sys.modules else 'lean')\n"
        "from gongtongti_desktop.core.records import catalog\n"
        "print(catalog.record_type('activity').table)"
    )
    assert out == ["lean", "activity"]


def test_a_type_not_in_the_fixed_order_is_kept_after_the_others() -> None:
    tables = _fresh(
        "from gongtongti_desktop.core.records import catalog, engine\n"
        "engine.register(engine.RecordType(table='extra', label='附加', fields=(), columns=()))\n"
        "print(' '.join(catalog.registry()))"
    )
    assert tables == [*ORDER, "extra"]
