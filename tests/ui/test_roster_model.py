"""The roster table models: core's rows and columns, checked by Qt's model tester."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from gongtongti_desktop.core.records import roster
from gongtongti_desktop.ui.roster.model import ID_ROLE, RecordTableModel
from gongtongti_desktop.ui.shell.labels import RoleLabels

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("table", list(roster.RECORD_TYPES))
def test_model_mirrors_core(qtmodeltester, demo_store, programme, table) -> None:
    model = RecordTableModel(table, RoleLabels(programme))
    model.load(demo_store, programme)
    qtmodeltester.check(model)
    rows = roster.list_records(demo_store, programme, table)
    columns = roster.RECORD_TYPES[table].columns
    assert rows, "the demo file has records of every type"
    assert model.rowCount() == len(rows)
    assert model.columnCount() == len(columns)
    for r, row in enumerate(rows):
        assert model.record_id(r) == row["id"]
        assert model.data(model.index(r, 0), ID_ROLE) == row["id"]
        for c, column in enumerate(columns):
            shown = model.data(model.index(r, c))
            assert shown == (row[column.key] if row[column.key] is not None else "")


def test_empty_model(qtmodeltester, store, programme) -> None:
    model = RecordTableModel("pairing", RoleLabels(programme))
    model.load(store, programme)
    qtmodeltester.check(model)
    assert model.rowCount() == 0
    assert model.row_of("nope") == -1


def test_headers_use_the_programme_roles(programme, gaotai) -> None:
    yiyuan = RecordTableModel("pairing", RoleLabels(programme))
    headers = [yiyuan.headerData(c, Qt.Orientation.Horizontal) for c in range(yiyuan.columnCount())]
    assert headers[0] == "核心幼儿园" and headers[3] == "受援学区"
    assert "牵头园" not in headers and "结对园" not in headers
    gaotai_model = RecordTableModel("pairing", RoleLabels(gaotai))
    assert gaotai_model.headerData(0, Qt.Orientation.Horizontal) == "帮扶园"
    assert gaotai_model.headerData(3, Qt.Orientation.Horizontal) == "被帮扶农村园／被帮扶民办园"


def test_multiline_text_shows_one_line_and_full_tooltip(store, programme) -> None:
    roster.save_record(
        store, programme, "kindergarten", {"name": "甲园", "note": "第一行\n第二行，比较长的备注"}
    )
    model = RecordTableModel("kindergarten")
    model.load(store, programme)
    note = [c.key for c in model.columns].index("note")
    index = model.index(0, note)
    assert model.data(index) == "第一行 第二行，比较长的备注"
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "第一行\n第二行，比较长的备注"
