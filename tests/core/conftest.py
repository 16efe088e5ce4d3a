"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import roster


@pytest.fixture
def kgs(store: Store, programme: Programme) -> dict[str, str]:
    core = roster.save_record(
        store, programme, "kindergarten", {"name": "实验幼儿园", "kind": "公办园"}
    )
    partner = roster.save_record(
        store, programme, "kindergarten", {"name": "西里镇学区", "kind": "学区"}
    )
    person = roster.save_record(
        store, programme, "person", {"name": "张玲", "post": "园长", "kindergarten_id": core}
    )
    return {"core": core, "partner": partner, "person": person}
