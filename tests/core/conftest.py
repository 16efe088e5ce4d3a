"""Fixtures shared by the core tests."""

from __future__ import annotations

from typing import Any

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import diary, engine, roster


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


def save_activity(store: Store, programme: Programme, kgs: dict[str, str], **values: Any) -> str:
    """An activity of 本园 (``kgs["core"]``) with its partner; ``values`` override."""
    base = {
        "day": "2024-10-15", "kind": "送教下乡", "title": "送教下乡：大班科学",
        "mode": "线下", "host_id": kgs["core"], "receiver_ids": [kgs["partner"]],
        "participant_ids": [kgs["person"]], "headcount": "25",
    }  # fmt: skip
    assert diary.ACTIVITY  # registers the activity record type
    return engine.save_record(store, programme, "activity", {**base, **values})
