"""The lazy diary model: the row numbers of every match, rows fetched a page at a time when
shown."""

from __future__ import annotations

import pytest
from _diary_data import insert_activities, small_roster
from PySide6.QtWidgets import QTableView

from gongtongti_desktop.core.records import diary
from gongtongti_desktop.ui.diary.model import ID_ROLE, PAGE_SIZE, DiaryModel

pytestmark = pytest.mark.gui

COUNT = 2000


@pytest.fixture
def many(store, programme) -> list[str]:
    host = small_roster(store, programme)["host"]
    return insert_activities(store, COUNT, host)


@pytest.fixture
def model(store, many) -> DiaryModel:
    m = DiaryModel(store)
    m.set_rowids(diary.search_rowids(store))
    return m


def test_passes_the_model_tester(qtmodeltester, model) -> None:
    qtmodeltester.check(model)


def test_a_view_fetches_only_the_first_page(qtbot, model, many) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # paints what is on screen
    assert model.rowCount() == COUNT  # the scroll bar knows the whole list
    assert model.pages_fetched == 1
    assert model.cached_pages() == [0]
    # newest first, as core orders them
    assert model.index(0, 0).data() == "2025-06-30"
    assert model.index(0, 0).data(ID_ROLE) == many[2]  # that day's 14:30 one
    view.scrollToBottom()
    view.grab()
    assert model.pages_fetched == 2
    assert model.cached_pages() == [0, (COUNT - 1) // PAGE_SIZE]


def test_cache_is_bounded(store, many) -> None:
    model = DiaryModel(store, page_size=100, max_pages=3)
    model.set_rowids(diary.search_rowids(store))
    for row in range(0, COUNT, 100):
        model.row_data(row)
    assert model.pages_fetched == COUNT // 100
    assert model.cached_pages() == [17, 18, 19]
    model.row_data(0)
    assert model.pages_fetched == COUNT // 100 + 1


def test_search_results_and_reload(qtbot, store, model, many) -> None:
    f = diary.DiaryFilter(text="沉与浮")
    ids = diary.search_ids(store, f)
    assert len(ids) == COUNT // 50
    with qtbot.waitSignal(model.modelReset):
        model.set_rowids(diary.search_rowids(store, f))
    assert model.rowCount() == 40
    assert [model.record_id(r) for r in range(40)] == ids
    assert [model.index(r, 0).data(ID_ROLE) for r in range(40)] == ids
    assert model.row_of(ids[3]) == 3 and model.row_of("nope") == -1
    assert model.row_of(many[1]) == -1  # an activity, but not in this list
    assert model.index(0, model.keys.index("title")).data() != "改了"
    store.db.execute("UPDATE activity SET title = '改了' WHERE id = ?", [ids[0]])
    assert model.index(0, model.keys.index("title")).data() != "改了"  # cached
    with qtbot.waitSignal(model.dataChanged):
        model.reload()
    assert model.index(0, model.keys.index("title")).data() == "改了"


def test_a_row_that_is_gone_shows_a_placeholder(store, model, many) -> None:
    rowids = [r for r in (diary.rowid_of(store, i) for i in many[:3]) if r is not None]
    assert len(rowids) == 3
    missing = store.db.execute("SELECT max(rowid) + 1 FROM activity").fetchone()[0]
    model.set_rowids([missing, *rowids])
    assert model.index(0, model.keys.index("title")).data() == "（此活动已删除）"
    assert model.record_id(0) is None and model.index(0, 0).data(ID_ROLE) is None
    assert model.index(1, model.keys.index("title")).data() != "（此活动已删除）"
    assert [model.record_id(r) for r in (1, 2, 3)] == many[:3]
