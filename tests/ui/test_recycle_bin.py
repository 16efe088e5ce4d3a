"""The 回收站 dialog: core's deleted batches, newest first; 恢复 and its refusals."""

from __future__ import annotations

import pytest

from gongtongti_desktop.core.records import catalog, roster
from gongtongti_desktop.ui.datafile.recycle_bin import (
    RecycleBinDialog,
    RecycleBinModel,
    format_time,
)

pytestmark = pytest.mark.gui


def test_model(qtmodeltester, demo_store, programme) -> None:
    for pairing in roster.list_pairings(demo_store)[:2]:
        roster.delete_record(demo_store, "pairing", pairing["id"])
    model = RecycleBinModel()
    model.set_batches(catalog.recycle_bin(demo_store))
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 2
    entry = catalog.recycle_bin(demo_store)[0]
    assert model.data(model.index(0, 1)) == entry.summary
    assert model.data(model.index(0, 0)) == format_time(entry.deleted_at)


def test_format_time() -> None:
    assert format_time("2024-09-01T14:03:05.123456+08:00") == "2024-09-01 14:03"
    assert format_time("garbage") == "garbage"


def test_restore_refused_by_core_is_shown(qtbot, store, programme, boxes) -> None:
    first = roster.save_record(store, programme, "kindergarten", {"name": "甲园"})
    roster.delete_record(store, "kindergarten", first)
    roster.save_record(store, programme, "kindergarten", {"name": "甲园"})
    dialog = RecycleBinDialog(store)
    qtbot.addWidget(dialog)
    dialog.view.selectRow(0)
    assert dialog.restore_selected() == 0
    assert boxes.texts("warning") == ["无法恢复：已有同名幼儿园“甲园”"]
    assert dialog.model.rowCount() == 1  # still in the bin, nothing changed
    assert len(roster.list_kindergartens(store, programme)) == 1


def test_nothing_selected_restores_nothing(qtbot, store) -> None:
    dialog = RecycleBinDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0
    assert not dialog.restore_button.isEnabled()
    assert dialog.restore_selected() == 0
