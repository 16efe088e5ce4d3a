"""Core says what an operation changed, side effects included — undo and the tabs' refresh
rely on it instead of guessing."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_plans_diary import PNG, _activity, _item

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, catalog, diary, roster  # noqa: F401
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import ValidationError


def test_saving_an_activity_reports_the_plan_item_it_marks_done(
    store: Store, programme: Programme, kgs: dict[str, str]
) -> None:
    item = _item(store, programme)
    with records.recording(store) as journal:
        activity = _activity(store, programme, kgs, plan_item_id=item)
    changes = journal.result
    assert changes.added == [("activity", activity)]
    assert changes.changed == [("plan_item", item)]
    assert changes.before[("plan_item", item)]["status"] == "计划"
    assert changes.after[("plan_item", item)]["status"] == "已完成"
    assert changes.tables == {"activity", "plan_item"}


def test_a_delete_reports_what_it_takes_along(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    activity = _activity(store, programme, kgs)
    photo = tmp_path / "p.png"
    photo.write_bytes(PNG)
    with records.recording(store) as journal:
        attachment = attachments.add_attachment(store, activity, photo)
    assert journal.result.added == [("attachment", attachment)]
    with records.recording(store) as journal:
        batch = records.delete_record(store, "activity", activity)
    assert set(journal.result.removed) == {("activity", activity), ("attachment", attachment)}
    with records.recording(store) as journal:
        catalog.restore_batch(store, batch)
    assert set(journal.result.added) == {("activity", activity), ("attachment", attachment)}


def test_an_edit_that_changes_nothing_reports_nothing(
    store: Store, programme: Programme, kgs: dict[str, str]
) -> None:
    kg = records.get_record(store, "kindergarten", kgs["core"])
    assert kg is not None
    values = records.state_of(store, "kindergarten", kgs["core"])
    assert values is not None
    with records.recording(store) as journal:
        records.save_record(store, programme, "kindergarten", values, kgs["core"])
    assert not journal.result and journal.result.tables == frozenset()


def test_a_failed_operation_reports_nothing(store: Store, programme: Programme) -> None:
    with records.recording(store) as journal, pytest.raises(ValidationError):
        records.save_record(store, programme, "kindergarten", {"name": ""})
    assert not journal.result
