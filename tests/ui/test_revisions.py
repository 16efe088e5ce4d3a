"""A reported activity edited later: the diary says so and 修改记录 shows the earlier text."""

from __future__ import annotations

import pytest

from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import reporting
from gongtongti_desktop.ui.diary.tab import DiaryTab

pytestmark = pytest.mark.gui


def test_reported_activity_shows_its_revisions(qtbot, demo_store, programme) -> None:  # type: ignore[no-untyped-def]
    year = periods.parse_school_year(programme.calendar, "2024")
    data = reporting.collect(demo_store, programme, year)
    reporting.mark_exchanged(demo_store, data, direction="export", period_key="2024", path="x.gtt")
    activity_id = data["activity"][0]["id"]
    before = records.get_record(demo_store, "activity", activity_id)
    tab = DiaryTab(demo_store, programme)
    qtbot.addWidget(tab)
    tab.show_detail(activity_id)
    assert "此后未修改" in tab.detail.meta.text()
    records.save_record(
        demo_store, programme, "activity", {**before, "title": "上报后改过的主题"}, activity_id
    )
    tab.show_detail(activity_id)
    assert "此后修改 1 次" in tab.detail.meta.text()
    dialog = tab.show_revisions(activity_id)
    assert dialog is not None
    assert ("活动主题", before["title"], "上报后改过的主题") in [row[1:] for row in dialog.rows]
    dialog.close()


def test_every_kind_of_revised_record_is_listed(qtbot, demo_path) -> None:  # type: ignore[no-untyped-def]
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.core.records import scoring
    from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file

    store, programme = open_data_file(demo_path)
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    year = periods.parse_school_year(programme.calendar, "2024")
    data = reporting.collect(store, programme, year)
    reporting.mark_exchanged(store, data, direction="export", period_key="2024", path="x.gtt")
    plan = data["plan_item"][0]
    records.save_record(
        store, programme, "plan_item",
        {**records.get_record(store, "plan_item", plan["id"]), "task": "上报后改的计划"}, plan["id"],
    )  # fmt: skip
    index = get_programme(store.programme_id).index("annex4")
    scoring.set_score(store, index, "2024", "C1", self_score=0.5)
    dialog = window.show_revised()
    tables = sorted(row["table"] for row in dialog.rows)
    assert tables == ["plan_item", "score"]
    assert dialog.table.rowCount() == 2
    shown = dialog.show_revisions([r["table"] for r in dialog.rows].index("plan_item"))
    assert any(row[3] == "上报后改的计划" for row in shown.rows)
    shown.close()
    dialog.close()
    window.close()
