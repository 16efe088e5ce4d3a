"""A reported activity edited later: the diary says so and 修改记录 shows the earlier text."""

from __future__ import annotations

import pytest

from gongtongti_desktop.core import periods, records, reporting
from gongtongti_desktop.ui.diary_tab import DiaryTab

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
    assert "此后未修改" in tab.detail_meta.text()
    records.save_record(
        demo_store, programme, "activity", {**before, "title": "上报后改过的主题"}, activity_id
    )
    tab.show_detail(activity_id)
    assert "此后修改 1 次" in tab.detail_meta.text()
    dialog = tab.show_revisions(activity_id)
    assert dialog is not None
    assert ("活动主题", before["title"], "上报后改过的主题") in [row[1:] for row in dialog.rows]
    dialog.close()
