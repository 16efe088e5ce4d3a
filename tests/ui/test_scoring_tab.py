"""The 考核评分 tab: scores typed and checked through core, sums, suggestions accepted (and
marked), comments, evidence, undo, periods, a checklist index, printing and the diary link."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from _diary_data import activity, small_roster, write_png
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit

from gongtongti_desktop.core.checks import score_suggestions
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.indexes import fmt_points, load_index
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, scoring
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records.scoring import verdict_counts
from gongtongti_desktop.ui.scoring.evidence_dialog import TARGET_ROLE
from gongtongti_desktop.ui.scoring.model import SUGGESTED_MARK, fmt_change
from gongtongti_desktop.ui.scoring.tab import ScoringTab

pytestmark = pytest.mark.gui

TODAY = dt.date(2025, 5, 20)  # in school year 2024 (Yiyuan: 2024-07 … 2025-06)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tab opens on the period of ``Store.today()``: fixed, so the tests do not depend
    on the day they run."""
    monkeypatch.setattr(Store, "today", lambda _self: TODAY)


def make_tab(qtbot, store: Store, programme: Programme) -> ScoringTab:
    tab = ScoringTab(store, programme)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.show()
    return tab


@pytest.fixture
def tab(qtbot, store, programme) -> ScoringTab:
    return make_tab(qtbot, store, programme)


@pytest.fixture
def demo_tab(qtbot, store, programme) -> ScoringTab:
    """A tab on a file with records that some rules count (so some suggestions are not 0):
    a cultural activity (C12, once a school year) and mentor visits with records (C8, per
    term)."""
    host = small_roster(store, programme)["host"]
    activity(
        store, programme, host, day="2024-10-10", kind="文化/体育/艺术活动", title="童趣运动会"
    )
    for day in ("2024-09-12", "2024-11-20", "2025-03-05"):
        activity(
            store,
            programme,
            host,
            day=day,
            kind="指导师指导",
            title="指导师入园",
            record="听课评课",
        )
    return make_tab(qtbot, store, programme)


def cell(tab: ScoringTab, code: str, key: str) -> str:
    return tab.model.index_of(code, tab.model.column_of(key)).data() or ""


def stored(tab: ScoringTab, code: str) -> dict:
    return scoring.get_scores(tab.store, tab.index(), tab.key()).get(code) or {}


# -- scores -----------------------------------------------------------------------------------


def test_opens_on_the_scoring_period_with_the_index_tree(tab, store, programme) -> None:
    index = programme.indexes[0]
    expected = scoring.scoring_period(programme, index, store.today())
    assert tab.period() == expected
    assert tab.picker.label.text() == expected.label
    assert not tab.index_combo.isVisible()  # one index only
    top = [tab.model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(6)]
    assert top == [g.code for g in index.groups]
    for item in index.items:
        assert cell(tab, item.code, "points") == fmt_points(item.points)
    for note in index.discrepancies():
        assert note in tab.note_label.text()


def test_typing_a_score_in_the_cell_editor_saves_it(tab, qtbot) -> None:
    target = tab.model.index_of("C2", tab.model.column_of("self"))
    tab.view.setCurrentIndex(target)
    tab.view.edit(target)
    editor = tab.view.indexWidget(target)
    assert isinstance(editor, QLineEdit)
    editor.setText("4")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn
    qtbot.waitUntil(lambda: stored(tab, "C2").get("self_score") == 4.0)
    assert cell(tab, "C2", "self") == "4"


def test_over_max_is_refused_with_the_message_and_nothing_stored(tab, qtbot, boxes) -> None:
    assert tab.set_cell("C1", "self", "1.5")
    maximum = tab.index().item("C1").points
    assert not tab.set_cell("C1", "self", "7")
    qtbot.waitUntil(lambda: bool(boxes.texts("warning")))
    (message,) = boxes.texts("warning")
    assert f"最高 {fmt_points(maximum)} 分" in message
    assert "“7”" in message and "1.5" in message  # what was typed, what stays
    assert stored(tab, "C1")["self_score"] == 1.5
    assert cell(tab, "C1", "self") == "1.5"
    assert not tab.set_cell("C1", "county", "abc")
    qtbot.waitUntil(lambda: len(boxes.texts("warning")) == 2)
    assert "“abc”" in boxes.texts("warning")[1]
    assert stored(tab, "C1")["county_score"] is None


def test_delete_key_clears_the_score_cell(tab, qtbot) -> None:
    tab.set_cell("C5", "county", "3")
    target = tab.model.index_of("C5", tab.model.column_of("county"))
    tab.view.setFocus()
    tab.view.setCurrentIndex(target)
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert stored(tab, "C5")["county_score"] is None
    tab.undo_stack.undo()
    assert stored(tab, "C5")["county_score"] == 3.0


def test_half_scores_and_full_width_digits_are_accepted(tab) -> None:
    assert tab.set_cell("C9", "self", "3.5")
    assert stored(tab, "C9")["self_score"] == 3.5
    assert tab.set_cell("C9", "county", "６．５")
    assert stored(tab, "C9")["county_score"] == 6.5
    assert tab.set_cell("C9", "county", "")  # cleared: not scored
    assert stored(tab, "C9")["county_score"] is None


def test_sums_and_totals_follow_core_after_edits(tab) -> None:
    index = tab.index()
    for code, own, county in (
        ("C1", "2", "1"),
        ("C6", "3.5", "4"),
        ("C10", "9", ""),
        ("C21", "5", "5"),
    ):
        tab.set_cell(code, "self", own)
        tab.set_cell(code, "county", county)
    rows = scoring.get_scores(tab.store, index, tab.key())
    for side in scoring.SIDES:
        totals = scoring.totals(index, rows, side)
        for unit, (have, most) in totals.by_unit.items():
            assert cell(tab, unit, side) == f"{fmt_points(have)} / {fmt_points(most)}"
        text = {"self": "自评", "county": "考核"}[side]
        for label, got, most in (
            (tab.totals.base_label, totals.base, totals.base_max),
            (tab.totals.bonus_label, totals.bonus, totals.bonus_max),
            (tab.totals.total_label, totals.total, totals.base_max + totals.bonus_max),
        ):
            plain = re.sub("<[^>]+>", "", label.text())
            assert f"{text} {fmt_points(got)} / {fmt_points(most)}" in plain
    assert "A6" in tab.totals.bonus_label.text()  # the bonus shown apart from the base


# -- suggestions ------------------------------------------------------------------------------


def test_suggestions_are_shown_not_filled_in(demo_tab) -> None:
    index, period = demo_tab.index(), demo_tab.period()
    assert periods.period_key(period) == "2024"
    expected = score_suggestions.suggest(
        demo_tab.store, demo_tab.programme, index, period, demo_tab.store.today()
    )
    assert expected and any(s.score > 0 for s in expected.values())
    for code, found in expected.items():
        assert cell(demo_tab, code, "suggested") == (
            f"{fmt_points(found.score)}（{found.evidence_count} 条记录）"
        )
        tip = demo_tab.model.index_of(code, demo_tab.model.column_of("suggested")).data(
            Qt.ItemDataRole.ToolTipRole
        )
        assert tip == "\n".join(found.explanation)
    assert scoring.get_scores(demo_tab.store, index, "2024") == {}  # never filled silently


def test_accepting_a_suggestion_marks_it_and_typing_clears_the_mark(demo_tab) -> None:
    code, found = next((c, s) for c, s in demo_tab.values.suggestions.items() if s.score > 0)
    demo_tab.select(code)
    assert demo_tab.panel.accept_button.isVisible()
    # the full item text, the suggestion explained in words, ※ explained where it appears
    assert demo_tab.panel.title.text() == demo_tab.index().item(code).label
    assert demo_tab.panel.reason_label.text() == (
        f"为什么是这个分数：{found.reasoning}建议分只供参考，点“采用建议分”才会填入。"
    )
    assert "※" in demo_tab.panel.star_note.text() and demo_tab.panel.star_note.isVisible()
    demo_tab.panel.accept_button.click()
    row = stored(demo_tab, code)
    assert row["self_score"] == found.score and row["self_suggested"] == 1
    assert cell(demo_tab, code, "self") == f"{fmt_points(found.score)} {SUGGESTED_MARK}"
    other = "0.5" if found.score != 0.5 else "1"
    assert demo_tab.set_cell(code, "self", other)
    row = stored(demo_tab, code)
    assert row["self_score"] == float(other) and row["self_suggested"] == 0
    assert SUGGESTED_MARK not in cell(demo_tab, code, "self")


def test_accept_all_asks_first(demo_tab, boxes) -> None:
    suggestions = demo_tab.values.suggestions
    first = next(iter(suggestions))
    demo_tab.set_cell(first, "self", "0" if suggestions[first].score else "0.5")
    boxes.answer = boxes.answer.No
    assert not demo_tab.accept_all()
    assert stored(demo_tab, first)["self_suggested"] == 0
    assert first in boxes.texts("question")[0]  # names the score it would replace
    boxes.answer = boxes.answer.Yes
    assert demo_tab.accept_all()
    rows = scoring.get_scores(demo_tab.store, demo_tab.index(), "2024")
    for code, found in suggestions.items():
        assert rows[code]["self_score"] == found.score and rows[code]["self_suggested"] == 1
    demo_tab.undo_stack.undo()  # one command for all
    rows = scoring.get_scores(demo_tab.store, demo_tab.index(), "2024")
    assert rows[first]["self_suggested"] == 0
    assert all(rows.get(c, {}).get("self_score") is None for c in suggestions if c != first)


def test_suggestions_are_computed_once_per_period(demo_tab, monkeypatch) -> None:
    calls = []
    real = score_suggestions.suggest
    monkeypatch.setattr(
        score_suggestions, "suggest", lambda *a, **k: calls.append(a[3]) or real(*a, **k)
    )
    demo_tab.set_cell("C1", "self", "2")
    demo_tab.select("C3")
    demo_tab.view.viewport().repaint()
    assert calls == []
    demo_tab.picker.step(-1)
    assert [periods.period_key(p) for p in calls] == ["2023"]


# -- undo, periods --------------------------------------------------------------------------


def test_undo_restores_the_previous_score_and_redo_again(tab) -> None:
    tab.set_cell("C5", "self", "3")
    tab.set_cell("C5", "self", "2.5")
    assert stored(tab, "C5")["self_score"] == 2.5
    tab.undo_stack.undo()
    assert stored(tab, "C5")["self_score"] == 3.0
    assert cell(tab, "C5", "self") == "3"
    tab.undo_stack.undo()
    assert stored(tab, "C5")["self_score"] is None
    tab.undo_stack.redo()
    assert stored(tab, "C5")["self_score"] == 3.0


def test_switching_period_reloads_and_compares_with_the_previous_one(tab) -> None:
    first_key = tab.key()
    tab.set_cell("C9", "self", "6")
    tab.picker.step(1)
    assert tab.key() != first_key
    assert cell(tab, "C9", "self") == ""
    assert cell(tab, "C9", "previous") == "6"  # last school year, beside
    assert (
        tab.model.headerData(tab.model.column_of("previous"), Qt.Orientation.Horizontal)
        == "上一学年"
    )
    tab.set_cell("C9", "self", "7.5")
    assert cell(tab, "C9", "change") == fmt_change(7.5 - 6) == "+1.5"
    tab.set_cell("C9", "self", "4")
    assert cell(tab, "C9", "change") == "−2"
    tab.picker.step(-1)
    assert tab.key() == first_key and cell(tab, "C9", "self") == "6"
    tab.picker.set_kind("term")
    assert tab.key().endswith(("autumn", "spring")) and cell(tab, "C9", "self") == ""
    assert (
        tab.model.headerData(tab.model.column_of("previous"), Qt.Orientation.Horizontal)
        == "上一学期"
    )


def test_comparison_side_defaults_to_county_when_any_county_score(tab) -> None:
    assert tab.compare_combo.currentData() == "self"
    tab.set_cell("C1", "self", "2")
    tab.set_cell("C1", "county", "1")
    tab.picker.step(1)
    assert tab.compare_combo.currentData() == "county"
    assert cell(tab, "C1", "previous") == "1"


def test_an_open_cell_editor_is_stored_in_its_own_period(tab) -> None:
    first_key = tab.key()
    target = tab.model.index_of("C4", tab.model.column_of("self"))
    tab.view.setCurrentIndex(target)
    tab.view.edit(target)
    tab.view.indexWidget(target).setText("1.5")
    tab.picker.step(-1)
    rows = scoring.get_scores(tab.store, tab.index(), first_key)
    assert rows["C4"]["self_score"] == 1.5
    assert scoring.get_scores(tab.store, tab.index(), tab.key()) == {}


# -- comments and evidence --------------------------------------------------------------------


def test_comment_saved_on_leaving_and_kept_when_switching(tab, qtbot, boxes) -> None:
    tab.select("C2")
    tab.panel.comment.setPlainText("每月计划齐全")
    tab.select("C3")  # switching stores it
    assert stored(tab, "C2")["comment"] == "每月计划齐全"
    assert cell(tab, "C2", "comment") == "每月计划齐全"
    tab.panel.comment.setFocus()
    tab.panel.comment.setPlainText("会议记录 2 份")
    qtbot.keyClick(tab.panel.comment, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert stored(tab, "C3")["comment"] == "会议记录 2 份"
    tab.undo_stack.undo()
    assert stored(tab, "C3")["comment"] == ""
    assert tab.panel.comment.toPlainText() == ""
    too_long = "字" * (scoring.MAX_COMMENT + 1)
    tab.panel.comment.setPlainText(too_long)
    tab.select("C4")
    assert boxes.texts("warning") and str(scoring.MAX_COMMENT) in boxes.texts("warning")[0]
    assert tab.selected_code() == "C3"  # stays, and so does the text
    assert tab.panel.comment.toPlainText() == too_long


def test_comment_typed_in_the_tree_shows_in_the_panel(tab) -> None:
    tab.select("C11")
    assert tab.set_cell("C11", "comment", "园所文化墙已更新")
    assert stored(tab, "C11")["comment"] == "园所文化墙已更新"
    assert tab.panel.comment.toPlainText() == "园所文化墙已更新"
    tab.panel.comment.setPlainText("园所文化墙已更新，有照片")
    tab.mark_stale()  # a reload stores what was typed first
    assert stored(tab, "C11")["comment"] == "园所文化墙已更新，有照片"


def test_adding_and_removing_evidence(tab, qtbot, store, programme, tmp_path: Path) -> None:
    people = small_roster(store, programme)
    period = tab.period()
    day = period.start.isoformat()
    first = activity(
        store, programme, people["host"], day=day, title="指导师入园指导", kind="入园指导"
    )
    second = activity(
        store, programme, people["host"], day=day, title="网络研修活动", kind="网络研修"
    )
    photo = attachments.add_attachment(store, first, write_png(tmp_path / "p.png"), "现场照片")
    outside = activity(
        store,
        programme,
        people["host"],
        day=(period.end.replace(day=1)).isoformat(),
        title="期末会议",
    )
    tab.select("C8")
    dialog = tab.add_evidence()
    assert dialog is not None
    shown = [
        dialog.activities.child(i).data(0, TARGET_ROLE)
        for i in range(dialog.activities.childCount())
    ]
    assert {t[1] for t in shown} == {first, second, outside}
    dialog.search.setText("网络研修")
    dialog.reload()
    assert [
        dialog.activities.child(i).data(0, TARGET_ROLE)[1]
        for i in range(dialog.activities.childCount())
    ] == [second]
    dialog.search.setText("")
    dialog.reload()
    dialog.select([("activity", second), ("attachment", photo)])
    assert set(dialog.chosen()) == {("activity", second), ("attachment", photo)}
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    linked = scoring.list_evidence(store, tab.index(), tab.key(), "C8")
    assert {(e["table"], e["id"]) for e in linked} == {("activity", second), ("attachment", photo)}
    assert cell(tab, "C8", "evidence") == "2"
    assert tab.panel.evidence_list.count() == 2
    tab.panel.evidence_list.item(0).setSelected(True)
    removed = tab.panel.selected_evidence()
    tab.panel.remove_button.click()
    left = scoring.list_evidence(store, tab.index(), tab.key(), "C8")
    assert len(left) == 1 and (left[0]["table"], left[0]["id"]) not in removed
    assert cell(tab, "C8", "evidence") == "1"
    tab.undo_stack.undo()
    assert len(scoring.list_evidence(store, tab.index(), tab.key(), "C8")) == 2
    assert tab.panel.evidence_list.count() == 2


def test_deleted_evidence_is_struck_out_and_activities_open_in_the_diary(
    tab, qtbot, store, programme, boxes
) -> None:
    people = small_roster(store, programme)
    day = tab.period().start.isoformat()
    kept = activity(store, programme, people["host"], day=day, title="送教下乡")
    gone = activity(store, programme, people["host"], day=day, title="专题讲座")
    tab.link_evidence("C9", [("activity", kept), ("activity", gone)])
    records.delete_record(store, "activity", gone)
    tab.mark_stale()
    tab.select("C9")
    entries = {
        tab.panel.evidence_list.item(i).data(Qt.ItemDataRole.UserRole + 1)[
            1
        ]: tab.panel.evidence_list.item(i)
        for i in range(2)
    }
    assert entries[gone].font().strikeOut() and not entries[kept].font().strikeOut()
    with qtbot.waitSignal(tab.open_activity) as signal:
        tab.panel.evidence_list.itemDoubleClicked.emit(entries[kept])
    assert signal.args == [kept]
    tab.panel.evidence_list.itemDoubleClicked.emit(entries[gone])
    assert "已删除" in boxes.texts("information")[-1]


# -- checklist, printing, other programmes ---------------------------------------------------

CHECKLIST = """
id = "supervision"
label = "督导"
title = "幼儿园督导评估检查表"
kind = "checklist"
period = "term"
headings = ["评估项目", "评估内容"]
declared_counts = [2, 3]

[[groups]]
code = "G1"
name = "（一）办园条件"

[[groups]]
code = "G2"
name = "（二）安全卫生"

[[items]]
code = "1"
parent = "G1"
text = "取得办学许可。"

[[items]]
code = "2"
parent = "G1"
text = "园舍安全。"

[[items]]
code = "3"
parent = "G2"
text = "食品安全管理制度健全。"
"""


@pytest.fixture
def two_indexes(tmp_path: Path, programme: Programme) -> Programme:
    path = tmp_path / "indexes" / "supervision.toml"
    path.parent.mkdir()
    path.write_text(CHECKLIST, encoding="utf-8")
    return programme._replace(indexes=(*programme.indexes, load_index(path)))


def test_checklist_verdicts_saved_and_counted(qtbot, store, two_indexes) -> None:
    tab = make_tab(qtbot, store, two_indexes)
    assert tab.index_combo.isVisible() and tab.index_combo.count() == 2
    tab.set_cell("C1", "self", "2")  # the score index first
    tab.index_combo.setCurrentIndex(1)
    index = tab.index()
    assert index.id == "supervision" and tab.picker.kind() == "term"
    assert [h for _k, h in tab.model.columns] == ["检查内容", "评定", "说明"]
    target = tab.model.index_of("2", tab.model.column_of("verdict"))
    tab.view.setCurrentIndex(target)
    tab.view.edit(target)
    combo = tab.view.indexWidget(target)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("基本符合"))
    combo.activated.emit(combo.currentIndex())
    assert stored(tab, "2")["verdict"] == "基本符合"
    assert tab.set_cell("1", "verdict", "符合")
    counts = verdict_counts(index.items, scoring.get_scores(store, index, tab.key()))
    assert counts == {"符合": 1, "基本符合": 1, "不符合": 0, "": 1}
    assert f"符合 {counts['符合']}" in re.sub("<[^>]+>", "", tab.totals.base_label.text())
    assert cell(tab, "G1", "verdict") == "2 / 2 项已评"
    tab.undo_stack.undo()
    assert stored(tab, "1")["verdict"] == ""
    tab.index_combo.setCurrentIndex(0)
    assert cell(tab, "C1", "self") == "2"


def test_print_requested_with_the_index_and_period(tab, qtbot) -> None:
    with qtbot.waitSignal(tab.print_requested) as signal:
        tab.print_button.click()
    assert signal.args == [tab.index().id, tab.period()]


def test_stale_reloads_when_shown(tab, store, programme) -> None:
    index, key = tab.index(), tab.key()
    tab.hide()
    scoring.set_score(store, index, key, "C13", self_score=6)
    tab.mark_stale()
    assert cell(tab, "C13", "self") == ""  # hidden: not yet
    tab.show()
    assert cell(tab, "C13", "self") == "6"
    scoring.set_score(store, index, key, "C13", self_score=5)
    tab.mark_stale()
    assert cell(tab, "C13", "self") == "5"


def test_a_programme_without_indexes_says_so(qtbot, tmp_path: Path, gaotai) -> None:
    store = Store.create(tmp_path / "g.gtdb", kindergarten="高台测试园", programme_id=gaotai.id)
    tab = make_tab(qtbot, store, gaotai)
    assert not gaotai.indexes
    assert tab.empty_label.isVisible() and "没有考核评估指标" in tab.empty_label.text()
    tab.mark_stale()
    with qtbot.assertNotEmitted(tab.print_requested):
        tab.print_button.click()  # disabled: nothing to print
    store.close()
