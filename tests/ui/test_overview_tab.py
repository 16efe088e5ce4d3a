"""The 概览 tab: rule rows and misses equal core's results on the demo files, the deadline, the
last export, the demo notice, and the chart (made after the tab is shown) drawing core's counts."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from gongtongti_desktop.core.checks import overview, rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods, rule_specs
from gongtongti_desktop.core.profile.programme import Programme, get_programme
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.ui.overview.activity_chart import nice_ceiling
from gongtongti_desktop.ui.overview.tab import NOTICE_STYLE, OverviewTab

pytestmark = pytest.mark.gui

YIYUAN_TODAY = dt.date(2025, 3, 15)  # in the Yiyuan demo's school year (2024)
GAOTAI_TODAY = dt.date(2021, 3, 31)  # after Gaotai's report day (30th) of a 31-day month


def set_today(store: Store, day: dt.date) -> None:
    store.set_setting("demo", "1")
    store.set_setting("demo_today", day.isoformat())


def make_tab(qtbot, store: Store, programme: Programme) -> OverviewTab:
    """The tab with its rule rows filled (shown, that happens just after the first frame)."""
    tab = OverviewTab(store, programme)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.ensure_checks()
    return tab


def rules_texts(tab: OverviewTab) -> list[str]:
    return [label.text() for label in tab.rules_box.findChildren(QLabel)]


def test_rules_follow_the_first_frame_with_a_placeholder_before(qtbot, demo_store, programme):
    """Start-up: the first frame shows "正在统计…" where the rules go (the other figures are
    there), then the rows equal core's results without anything else happening."""
    from gongtongti_desktop.ui.overview.tab import RULES_PENDING

    set_today(demo_store, YIYUAN_TODAY)
    tab = OverviewTab(demo_store, programme)
    qtbot.addWidget(tab)
    assert tab.rule_rows == [] and RULES_PENDING in rules_texts(tab)
    assert tab.deadline_day.text() and tab.title.text() == demo_store.kindergarten_name
    tab.show()
    qtbot.waitUntil(lambda: bool(tab.rule_rows))
    expected = [now.rule.id for now, _ in expected_pairs(demo_store, programme)]
    assert sorted(row.result.rule.id for row in tab.rule_rows) == sorted(expected)
    qtbot.waitUntil(lambda: RULES_PENDING not in rules_texts(tab))


@pytest.fixture
def yiyuan_tab(qtbot, demo_store, programme) -> OverviewTab:
    set_today(demo_store, YIYUAN_TODAY)
    return make_tab(qtbot, demo_store, programme)


@pytest.fixture
def gaotai_tab(qtbot, gaotai_store, gaotai) -> Iterator[OverviewTab]:
    set_today(gaotai_store, GAOTAI_TODAY)
    yield make_tab(qtbot, gaotai_store, gaotai)


def expected_pairs(store: Store, programme: Programme):
    return rules.current_and_last(store, programme.calendar, programme.rules, store.today())


@pytest.mark.parametrize("which", ["yiyuan_tab", "gaotai_tab"])
def test_rule_rows_equal_core(request, which: str) -> None:
    tab: OverviewTab = request.getfixturevalue(which)
    pairs = expected_pairs(tab.store, tab.programme)
    assert pairs, "both demo profiles have rules"
    shown = {row.result.rule.id: row for row in tab.rule_rows}
    assert sorted(shown) == sorted(now.rule.id for now, _ in pairs)
    for now, _before in pairs:
        row = shown[now.rule.id]
        assert row.result == now
        assert row.bar.text() == now.progress == f"{now.count}/{now.rule.requirement.lstrip('≥ ')}"
        assert row.status.text() == now.status_text
        assert now.rule.source in row.name.toolTip()
        colour = row.status.styleSheet()
        if now.done:  # more than the range is work done, not a fault: green
            assert "#1e8449" in colour
        elif now.status in (rules.MISSED, rules.TOO_MANY):
            assert "#c0392b" in colour
        else:
            assert colour == ""
    # the rows go 本月, 本学期, 本学年
    pers = [row.result.rule.per for row in tab.rule_rows]
    assert pers == sorted(pers, key=rule_specs.PERS.index)


@pytest.mark.parametrize("which", ["yiyuan_tab", "gaotai_tab"])
def test_misses_are_the_closed_failures(request, which: str) -> None:
    tab: OverviewTab = request.getfixturevalue(which)
    failures = rules.closed_failures(expected_pairs(tab.store, tab.programme))
    assert set(tab.missed) == set(failures) and len(tab.missed) == len(failures)
    lines = tab.misses()
    for result in failures:
        line = next(line for line in lines if f"（{result.period.label}）未达成" in line)
        assert f"{result.rule.label} {result.progress}" in line
    assert len(lines) == len({(r.rule.per, r.period.label) for r in failures})


def test_gaotai_month_closed_on_the_31st(gaotai_tab) -> None:
    """Gaotai's month is due on the 30th: on 3月31日 March is closed, the next deadline is
    April's."""
    month_rows = [r for r in gaotai_tab.rule_rows if r.result.rule.per == "month"]
    assert month_rows and all(r.result.closed for r in month_rows)
    assert month_rows[0].result.deadline == dt.date(2021, 3, 30)
    expected = overview.next_deadline(gaotai_tab.programme.calendar, GAOTAI_TODAY)
    assert (expected.day, expected.days_left) == (dt.date(2021, 4, 30), 30)
    assert gaotai_tab.deadline_day.text() == "4月30日"
    assert gaotai_tab.deadline_left.text() == "还有 30 天"
    assert gaotai_tab.deadline_box.title() == "下次上报截止"
    assert "每月 30 日前" in gaotai_tab.deadline_note.text()


def test_yiyuan_has_no_report_day_shows_the_month_end(yiyuan_tab) -> None:
    deadline = overview.next_deadline(yiyuan_tab.programme.calendar, YIYUAN_TODAY)
    assert deadline.day == dt.date(2025, 3, 31) and not deadline.report_day
    assert yiyuan_tab.deadline_box.title() == "本月结束"
    assert yiyuan_tab.deadline_day.text() == "3月31日"
    assert yiyuan_tab.deadline_left.text() == f"还有 {deadline.days_left} 天"
    assert "未规定每月上报日" in yiyuan_tab.deadline_note.text()


def test_due_today(qtbot, store, programme) -> None:
    set_today(store, dt.date(2025, 3, 31))
    tab = make_tab(qtbot, store, programme)
    assert tab.deadline_left.text() == "今天截止"


def test_demo_notice_and_last_export(qtbot, yiyuan_tab) -> None:
    assert yiyuan_tab.demo_label.text() == "示例数据：以 2025-03-15 作为今天"
    assert not yiyuan_tab.demo_label.isHidden()
    assert yiyuan_tab.demo_label.styleSheet() == NOTICE_STYLE  # the notice stands out
    assert yiyuan_tab.export_label.text() == "尚未导出"
    store = yiyuan_tab.store
    store.set_setting("last_export_at", "2025-03-10T16:20:05+08:00")
    store.set_setting("last_export_path", "D:/上报/2025年3月.xlsx")
    yiyuan_tab.refresh()
    last = overview.last_export(store)
    assert last is not None and last.at is not None
    assert yiyuan_tab.export_label.text() == f"{last.at:%Y-%m-%d %H:%M}"
    assert yiyuan_tab.export_path.text() == "D:/上报/2025年3月.xlsx"


def test_not_a_demo_no_notice(qtbot, store, programme) -> None:
    tab = make_tab(qtbot, store, programme)
    assert tab.demo_label.isHidden() and not tab.demo_label.styleSheet()


def test_the_later_line_is_gone(yiyuan_tab) -> None:
    texts = [label.text() for label in yiyuan_tab.findChildren(QLabel)]
    assert not any("后续版本" in text for text in texts)


def test_groups_are_shown_together(qtbot, tmp_path: Path) -> None:
    programme = get_programme("qingdao-xihaian-group")
    grouped = [r for r in programme.rules if r.group]
    assert grouped, "the profile has a rule group (八个一)"
    store = Store.create(tmp_path / "q.gtdb", kindergarten="核心园", programme_id=programme.id)
    try:
        tab = make_tab(qtbot, store, programme)
        group = grouped[0].group
        headings = [
            label for label in tab.rules_box.findChildren(QLabel) if label.text() == f"“{group}”"
        ]
        assert len(headings) == 1
        ids = [row.result.rule.id for row in tab.rule_rows]
        members = [i for i, rid in enumerate(ids) if rid in {r.id for r in grouped}]
        assert members == list(range(members[0], members[0] + len(members)))  # together
    finally:
        store.close()


def test_no_rules_says_so(qtbot, store, programme) -> None:
    bare = programme._replace(rules=())
    tab = make_tab(qtbot, store, bare)
    assert tab.rule_rows == []
    texts = [label.text() for label in tab.rules_box.findChildren(QLabel)]
    assert "本方案没有可从记录自动检查的规则。" in texts


# -- the chart --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["yiyuan_tab", "gaotai_tab"])
def test_chart_is_made_after_showing_and_draws_core_counts(qtbot, request, which) -> None:
    tab: OverviewTab = request.getfixturevalue(which)
    assert tab.chart is None  # not at construction
    tab.show()
    qtbot.waitUntil(lambda: tab.chart is not None)
    cal = tab.programme.calendar
    year = periods.period_containing(cal, "school_year", tab.store.today())
    counts = overview.activity_counts(tab.store, cal, year, tab.programme.activity_kinds)
    assert counts.total() > 0
    assert tab.chart.drawn() == counts.counts
    assert tab.chart.categories() == list(counts.labels)
    assert len(tab.chart.categories()) == len(periods.plan_rows(cal, year))
    (plain,) = tab.store.conn.execute(
        "SELECT count(*) FROM activity WHERE deleted_at IS NULL AND day BETWEEN ? AND ?",
        [year.start.isoformat(), year.end.isoformat()],
    ).fetchone()
    assert sum(sum(v) for v in tab.chart.drawn().values()) == plain
    assert str(plain) in tab.chart.chart.title()


def test_chart_and_rules_follow_changes(qtbot, yiyuan_tab) -> None:
    tab = yiyuan_tab
    tab.show()
    chart = tab.ensure_chart()
    store, programme = tab.store, tab.programme
    before = sum(sum(v) for v in chart.drawn().values())
    host = roster.list_records(store, programme, "kindergarten")[0]["id"]
    from gongtongti_desktop.core.records import engine as records

    records.save_record(
        store,
        programme,
        "activity",
        {
            "day": "2025-03-12",
            "kind": "自我评估",
            "title": "自我评估",
            "host_id": host,
            "mode": "线下",
        },
    )
    tab.mark_stale()  # shown: refreshes now
    assert sum(sum(v) for v in chart.drawn().values()) == before + 1
    c19 = next(r for r in tab.rule_rows if r.result.rule.id == "c19-self-assessment")
    expected = next(
        now for now, _ in expected_pairs(store, programme) if now.rule.id == "c19-self-assessment"
    )
    assert c19.result == expected and c19.bar.text() == expected.progress


def test_empty_year_shows_a_line_instead_of_bars(qtbot, store, programme) -> None:
    set_today(store, dt.date(2024, 10, 10))
    tab = make_tab(qtbot, store, programme)
    chart = tab.ensure_chart()
    assert chart.drawn() == {}
    assert chart.stack.currentWidget() is chart.empty_label
    assert "还没有活动记录" in chart.empty_label.text()


def test_building_the_tab_does_not_import_qtcharts(tmp_path: Path, demo_path: Path) -> None:
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gongtongti_desktop.core.datafile.store import Store\n"
        "from gongtongti_desktop.core.profile.programme import get_programme\n"
        "from gongtongti_desktop.ui.overview.tab import OverviewTab\n"
        f"store = Store.open({str(demo_path)!r})\n"
        "tab = OverviewTab(store, get_programme(store.programme_id))\n"
        "print('PySide6.QtCharts' in sys.modules)\n"
        "tab.ensure_chart()\n"
        "print('PySide6.QtCharts' in sys.modules)\n"
        "store.close()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (6, 6), (7, 8), (13, 15), (31, 40), (99, 100)]
)
def test_axis_top_is_a_round_number(value: int, top: int) -> None:
    got, ticks = nice_ceiling(value)
    assert got == top and got >= value
    assert 2 <= ticks <= 7 and got % (ticks - 1) == 0


def test_a_new_file_does_not_report_last_term_as_failed(qtbot, store, programme) -> None:  # type: ignore[no-untyped-def]
    from gongtongti_desktop.core.checks import rules
    from gongtongti_desktop.ui.overview.tab import OverviewTab

    tab = OverviewTab(store, programme)
    qtbot.addWidget(tab)
    tab.ensure_checks()
    pairs = tab.rule_results()
    assert pairs and all(before.status == rules.UNTRACKED for _now, before in pairs)
    assert tab.misses_label.text() == "上一期间早于本数据文件中的记录，不作判断。"
    assert "未达成" not in tab.misses_label.text()


def test_the_chart_goes_below_the_rules_where_it_would_be_squeezed(qtbot, yiyuan_tab) -> None:
    """On a 1024-wide screen the rules take most of the width: beside them the chart was ~170 px
    and the page scrolled sideways. Below them it gets the whole width; on a wide window it is
    beside them again, as wide as the room left (at least BESIDE_RULES_MIN)."""
    from PySide6.QtWidgets import QScrollArea

    from gongtongti_desktop.ui.overview.tab import BESIDE_RULES_MIN

    tab = yiyuan_tab
    tab.show()
    rules_wide = tab.rules_box.sizeHint().width()
    tab.resize(rules_wide + BESIDE_RULES_MIN - 40, 600)
    qtbot.waitUntil(lambda: not tab.chart_beside_rules())
    qtbot.waitUntil(lambda: tab.chart_box.y() > tab.rules_box.y())
    scroll = tab.findChild(QScrollArea)
    assert scroll.horizontalScrollBar().maximum() == 0  # no sideways scrolling
    assert tab.chart_box.width() > BESIDE_RULES_MIN
    tab.resize(rules_wide + BESIDE_RULES_MIN + 200, 600)
    qtbot.waitUntil(tab.chart_beside_rules)
    qtbot.waitUntil(lambda: tab.chart_box.x() > tab.rules_box.x() + tab.rules_box.width())
    assert tab.chart_box.width() >= BESIDE_RULES_MIN - 40  # room left, less the margins
    assert scroll.horizontalScrollBar().maximum() == 0
