"""The 考核评分 tab: a school year's (or term's) self and county scores against the county's
index (附件4), with the previous period beside them, suggestions from the records, comments
and evidence.

Everything is read from and written through core.records.scoring: scores are checked there (0..the
item's points, halves allowed), sums come from ``scoring.totals``, suggestions from
``score_suggestions.suggest`` — computed once per period shown (they count diary records, which can be
many), never on paint and never after a score edit, which cannot change them. A suggestion is
only shown until the director accepts it. Every change lands on ``undo_stack``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.checks import score_suggestions
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.indexes import Index, fmt_points
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import scoring
from gongtongti_desktop.core.records.changes import Changes
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.scoring import state as scoring_state
from gongtongti_desktop.ui.scoring.delegates import ScoreDelegate, VerdictDelegate
from gongtongti_desktop.ui.scoring.evidence_dialog import EvidenceDialog
from gongtongti_desktop.ui.scoring.model import ScoringModel, Values
from gongtongti_desktop.ui.scoring.panel import ScoringPanel
from gongtongti_desktop.ui.scoring.panel_actions import PanelActions
from gongtongti_desktop.ui.scoring.totals import TotalsStrip, count_text
from gongtongti_desktop.ui.shell.common import muted, shortcut, show_error, wait_cursor
from gongtongti_desktop.ui.shell.period_picker import PeriodPicker
from gongtongti_desktop.ui.shell.undo import CallCommand, UndoContext

# The 指标 column takes what is left (its full text is in the side panel and the tooltip).
SCORE_WIDTHS = {
    "points": 44,
    "self": 68,
    "county": 74,
    "suggested": 106,
    "evidence": 44,
    "previous": 66,
    "change": 52,
    "comment": 130,
}
CHECKLIST_WIDTHS = {"verdict": 120, "comment": 260}
COMPARE_LABELS = {"self": "对比自评分", "county": "对比考核得分"}


class ScoringTab(PanelActions, QWidget):
    """``open_activity(id)``: show an activity in the diary; ``print_requested(index id,
    Period)``: print the index for the period shown; ``changed``: scores changed here."""

    open_activity = Signal(str)
    print_requested = Signal(str, object)
    changed = Signal()

    def __init__(self, store: Store, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self.undo_stack = QUndoStack(self)
        self.ctx = UndoContext(store, programme, self._after_undo, self._failed)
        self.values = Values()
        self.evidence_dialog: EvidenceDialog | None = None
        self._stale = True
        self._shown: tuple[str, str] | None = None  # (index id, period key) shown now
        self._reverting = False
        self._sized = False

        top, first = self._build_top_bar()
        bar = self._build_title_bar()
        self._build_tree()
        self._build_panel()
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addLayout(bar)
        main_layout.addWidget(self.view, 1)
        main_layout.addWidget(self.totals)
        main_layout.addWidget(self.note_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(main)
        # The side panel shows the selected item's whole text and why its suggestion is what
        # it is; on a small screen it scrolls rather than cutting either short.
        panel_scroll = QScrollArea()
        panel_scroll.setWidgetResizable(True)
        panel_scroll.setFrameShape(QFrame.Shape.NoFrame)
        panel_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        panel_scroll.setWidget(self.panel)
        self.splitter.addWidget(panel_scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.splitter, 1)

        if first is None:
            self.empty_label.setText(
                f"方案“{programme.name}”没有考核评估指标，本页无需填写。"
                "（指标在方案文件夹的 indexes/ 中定义。）"
            )
            self.empty_label.show()
            for widget in (self.splitter, self.picker, self.compare_combo, self.print_button):
                widget.setEnabled(False)
            self._stale = False
        else:
            self._set_index(first)

    # -- building -----------------------------------------------------------------------------

    def _build_top_bar(self) -> tuple[QHBoxLayout, Index | None]:
        """Index (when the programme has several), period, comparison, print. Returns the
        bar and the first index (None: the programme has none)."""
        self.index_combo = QComboBox()
        for index in self.programme.indexes:
            self.index_combo.addItem(f"{index.label} {index.title}".strip(), index.id)
        self.index_combo.setVisible(len(self.programme.indexes) > 1)
        self.index_combo.currentIndexChanged.connect(self._index_changed)
        first = self.programme.indexes[0] if self.programme.indexes else None
        today = self.store.today()
        start = scoring.scoring_period(self.programme, first, today) if first else None
        self.picker = PeriodPicker(
            self.programme,
            ("school_year", "term"),
            first.period if first else "school_year",
            anchor=start.start if start else None,
            today=today,
        )
        self._period: Period | None = self.picker.period()
        self.picker.changed.connect(self._period_changed)
        self.compare_combo = QComboBox()
        for side, label in COMPARE_LABELS.items():
            self.compare_combo.addItem(label, side)
        self.compare_combo.setToolTip("“上一学年”和“变化”两列比较哪一项分数")
        self.compare_combo.currentIndexChanged.connect(self._compare_changed)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.request_print)
        top = QHBoxLayout()
        self.index_label = QLabel("指标：")
        self.index_label.setVisible(self.index_combo.isVisible())
        top.addWidget(self.index_label)
        top.addWidget(self.index_combo)
        top.addWidget(QLabel("期间："))
        top.addWidget(self.picker)
        top.addStretch(1)
        top.addWidget(self.compare_combo)
        top.addWidget(self.print_button)
        return top, first

    def _build_title_bar(self) -> QHBoxLayout:
        """The index's title, how many items are scored, 全部采用建议分…."""
        self.title_label = QLabel()
        self.count_label = muted(QLabel())
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.accept_all_button = QPushButton("全部采用建议分…")
        self.accept_all_button.setToolTip("把每一项有建议分的指标的建议分填入自评分，先确认")
        self.accept_all_button.clicked.connect(lambda: self.accept_all())
        bar = QHBoxLayout()
        bar.addWidget(self.title_label)
        bar.addSpacing(12)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.accept_all_button)

        return bar

    def _build_tree(self) -> None:
        """The tree of items (cells edited in place) with the sums and notes under it."""
        self.model = ScoringModel(self._edit, self)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setIndentation(14)
        self.view.header().setStretchLastSection(False)
        self.view.header().setMinimumSectionSize(36)
        self.score_delegate = ScoreDelegate(self.view)
        self.verdict_delegate = VerdictDelegate(self.view)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        shortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.view,
            self._clear_current_cell,
            Qt.ShortcutContext.WidgetShortcut,
        )
        self.totals = TotalsStrip()
        self.note_label = muted(QLabel())
        self.note_label.setWordWrap(True)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

    def _build_panel(self) -> None:
        """The selected item: its suggestion, comment and evidence."""
        self.panel = ScoringPanel()
        self.panel.comment_committed.connect(lambda: self.save_comment())
        self.panel.accept_requested.connect(lambda: self.accept_suggestion())
        self.panel.add_evidence_requested.connect(lambda: self.add_evidence())
        self.panel.remove_evidence_requested.connect(lambda: self.remove_evidence())
        self.panel.open_evidence.connect(self.open_evidence)

    # -- what is shown ------------------------------------------------------------------------

    def index(self) -> Index:
        index = self.model.index_def
        assert index is not None, "the programme has no index"
        return index

    def period(self) -> Period:
        """The period shown (the picker may already name the next one while the edits of
        this one are being stored)."""
        assert self._period is not None
        return self._period

    def key(self) -> str:
        return periods.period_key(self.period())

    def selected_code(self) -> str | None:
        item = self.model.item(self.view.selectionModel().currentIndex())
        return item.code if item else None

    def select(self, code: str, column: str = "label") -> bool:
        column_number = self.model.column_of(column) if column in self.model.keys else 0
        found = self.model.index_of(code, column_number)
        if not found.isValid():
            return False
        selection = self.view.selectionModel()
        selection.setCurrentIndex(
            found, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows
        )
        self.view.scrollTo(found)
        return True

    # -- loading ------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        # Loaded on first show (and after changes made elsewhere): start-up stays cheap.
        if self._stale:
            self.refresh()
        if not self._sized:
            # The side panel keeps a readable width; the tree gets the rest.
            self._sized = True
            width = max(self.width(), 800)
            panel = min(340, max(280, width // 4))
            self.splitter.setSizes([width - panel, panel])
        super().showEvent(event)

    def mark_stale(self) -> None:
        """Data changed elsewhere: reload now if shown, else when next shown."""
        if self.model.index_def is None:
            return
        self._stale = True
        if self.isVisible():
            self.refresh()

    def _set_index(self, index: Index) -> None:
        self.model.set_index(index)
        self.model.set_previous_header(self.picker.kind())
        scored = index.kind == "score"
        for key in ("self", "county"):
            if key in self.model.keys:
                self.view.setItemDelegateForColumn(self.model.column_of(key), self.score_delegate)
        if not scored:
            self.view.setItemDelegateForColumn(
                self.model.column_of("verdict"), self.verdict_delegate
            )
        widths = SCORE_WIDTHS if scored else CHECKLIST_WIDTHS
        header = self.view.header()
        for column, key in enumerate(self.model.keys):
            if key == "label":
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, widths[key])
        for widget in (self.accept_all_button, self.compare_combo):
            widget.setVisible(scored)
        self.title_label.setText(index.title)
        notes = index.discrepancies()
        self.note_label.setText("注（原文如此，照录）：" + "；".join(notes) + "。" if notes else "")
        self.note_label.setVisible(bool(notes))
        self.view.expandAll()

    def refresh(self) -> None:
        """Reload everything for the index and period shown, suggestions included."""
        if self.model.index_def is None:
            return
        self.save_comment()  # typed but not yet stored: stored before anything is reloaded
        self._stale = False
        index, period = self.index(), self.period()
        with wait_cursor():
            suggestions = score_suggestions.suggest(
                self.store, self.programme, index, period, self.store.today()
            )
        self._shown = (index.id, periods.period_key(period))
        self.values = Values(suggestions=suggestions)
        self._load_values(choose_compare=True)
        self.view.expandAll()
        if self.selected_code() is None and index.items:
            self.select(index.items[0].code)
        self._show_panel()

    def reload_scores(self) -> None:
        """Reload what edits can change (scores, sums, evidence counts), not the suggestions."""
        if self._shown != (self.index().id, self.key()):
            self.refresh()
            return
        self._load_values(choose_compare=False)
        self._show_panel(keep_comment=True)

    def _load_values(self, choose_compare: bool) -> None:
        index, period = self.index(), self.period()
        key = periods.period_key(period)
        previous_key = scoring.previous_key(self.programme, period)
        values = self.values
        values.scores = scoring.get_scores(self.store, index, key)
        values.previous = scoring.get_scores(self.store, index, previous_key)
        values.totals = {s: scoring.totals(index, values.scores, s) for s in scoring.SIDES}
        values.previous_totals = {
            s: scoring.totals(index, values.previous, s) for s in scoring.SIDES
        }
        values.evidence = scoring.evidence_counts(self.store, index, key)
        values.previous_label = periods.previous_period(self.programme.calendar, period).label
        if choose_compare:
            county = any(
                row.get("county_score") is not None
                for row in (*values.scores.values(), *values.previous.values())
            )
            self.compare_combo.blockSignals(True)
            self.compare_combo.setCurrentIndex(
                self.compare_combo.findData("county" if county else "self")
            )
            self.compare_combo.blockSignals(False)
        values.compare = self.compare_combo.currentData()
        self.model.set_values(values)
        self.totals.show_values(self.index(), values)
        self.count_label.setText(count_text(self.index(), values))
        self._update_actions()

    def _update_actions(self) -> None:
        self.accept_all_button.setEnabled(bool(self.values.suggestions))

    def _show_panel(self, keep_comment: bool = False) -> None:
        code = self.selected_code()
        index = self.index()
        row = self.values.scores.get(code or "") or {}
        if keep_comment and code is not None and code == self.panel.code:
            self.panel.comment_stored(str(row.get("comment") or ""))
            self.panel.show_evidence(scoring.list_evidence(self.store, index, self.key(), code))
            return
        item = index.item(code) if code else None
        evidence = scoring.list_evidence(self.store, index, self.key(), code) if code else []
        self.panel.show_item(index, item, self.values.suggestions.get(code or ""), row, evidence)

    # -- switching ----------------------------------------------------------------------------

    def _leave(self) -> bool:
        """Before showing something else: store an open cell editor and a typed comment.
        False when the comment could not be stored (the director is told why)."""
        editor = self.view.indexWidget(self.view.currentIndex())
        if editor is not None:
            self.view.commitData(editor)
            self.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        return self.save_comment()

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._reverting:
            return
        if not self.save_comment():
            old = self.model.code(previous)
            if old:
                self._reverting = True
                try:
                    self.select(old)
                finally:
                    self._reverting = False
            return
        self._show_panel()
        self._update_actions()

    def _period_changed(self) -> None:
        if self._reverting:
            return
        if not self._leave():
            old = self._period
            self._reverting = True
            try:
                if old is not None:
                    self.picker.set_period(old.kind, old.start)
            finally:
                self._reverting = False
            return
        self._period = self.picker.period()
        self.model.set_previous_header(self.picker.kind())
        self.refresh()

    def _index_changed(self) -> None:
        index_id = self.index_combo.currentData()
        if self._reverting or self.model.index_def is None or index_id == self.index().id:
            return
        if not self._leave():
            self._reverting = True
            self.index_combo.setCurrentIndex(self.index_combo.findData(self.index().id))
            self._reverting = False
            return
        index = self.programme.index(index_id)
        self._set_index(index)
        if self.picker.kind() != index.period:
            self._reverting = True
            start = scoring.scoring_period(self.programme, index, self.store.today())
            self.picker.set_period(index.period, start.start)
            self._reverting = False
            self._period = self.picker.period()
            self.model.set_previous_header(self.picker.kind())
        self.refresh()

    def _compare_changed(self) -> None:
        self.values.compare = self.compare_combo.currentData()
        self.model.set_values(self.values)

    # -- changing scores ----------------------------------------------------------------------

    def record_change(
        self,
        codes: list[str],
        text: str,
        operation: Callable[[], Any],
        index: Index | None = None,
        key: str | None = None,
        from_cell: bool = False,
    ) -> bool:
        """Run a core write on some items and push it as one undoable command. ``from_cell``:
        called while a cell editor commits; a refusal is then shown once it has closed."""
        index = index or self.index()
        key = key or self.key()
        try:
            before = scoring_state.capture(self.store, index, key, codes)
            operation()
        except UserError as exc:
            self._refused(exc, from_cell)
            return False
        after = scoring_state.capture(self.store, index, key, codes)
        if before != after:
            self.undo_stack.push(
                CallCommand(
                    self.ctx,
                    text,
                    lambda: scoring_state.restore(self.store, index, key, after),
                    lambda: scoring_state.restore(self.store, index, key, before),
                )
            )
        self.reload_scores()
        self.changed.emit()
        return True

    def _refused(self, exc: UserError, from_cell: bool) -> None:
        if from_cell:
            # A box opened while the cell editor still has the focus would make the editor
            # commit (and be refused) a second time: show it once the editor has closed.
            QTimer.singleShot(0, lambda: show_error(self, exc))
        else:
            show_error(self, exc)

    def _edit(self, code: str, column: str, value: Any) -> bool:
        """A cell of the tree was edited (the model's editor): check through core, store."""
        index, key = self.index(), self.key()
        item = index.item(code)
        row = self.values.scores.get(code) or {}
        if column in scoring.SIDES:
            text = str(value if value is not None else "")
            side = scoring.SIDE_TEXT[column]
            try:
                score = scoring.parse_score(item, text)
            except UserError as exc:
                old = fmt_points(row.get(f"{column}_score")) or "空"
                message = (
                    f"{exc.message}\n\n您输入的“{text.strip()}”没有保存，"
                    f"{item.code} 的{side}分仍为 {old}。"
                )
                self._refused(UserError(message), from_cell=True)
                return False
            if score == row.get(f"{column}_score"):
                return True
            return self.record_change(
                [code],
                f"修改 {code} {side}分",
                lambda: scoring.set_score(
                    self.store, index, key, code, **{f"{column}_score": score}
                ),
                from_cell=True,
            )
        if column == "comment":
            text = str(value or "")
            if text == (row.get("comment") or ""):
                return True
            return self.record_change(
                [code],
                f"修改 {code} 说明",
                lambda: scoring.set_score(self.store, index, key, code, comment=text),
                from_cell=True,
            )
        if column == "verdict":
            verdict = str(value or "")
            if verdict == (row.get("verdict") or ""):
                return True
            return self.record_change(
                [code],
                f"评定 {code}",
                lambda: scoring.set_score(self.store, index, key, code, verdict=verdict),
                from_cell=True,
            )
        return False

    def _context_menu(self, pos: QPoint) -> None:
        code = self.model.code(self.view.indexAt(pos)) if self.view.indexAt(pos).isValid() else None
        if code is None or self.model.level(self.view.indexAt(pos)) != "item":
            return
        self.select(code)
        menu = QMenu(self)
        if code in self.values.suggestions:
            menu.addAction("采用建议分（自评）", lambda: self.accept_suggestion(code))
        menu.addAction("添加佐证…", lambda: self.add_evidence())
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def set_cell(self, code: str, column: str, text: str) -> bool:
        """Type ``text`` into a cell, as the editor does (used by the shortcuts and tests)."""
        return self.model.setData(self.model.index_of(code, self.model.column_of(column)), text)

    def _clear_current_cell(self) -> None:
        current = self.view.currentIndex()
        column = self.model.keys[current.column()] if current.isValid() else ""
        if self.model.item(current) is not None and column in ("self", "county", "verdict"):
            self.model.setData(current, "")

    def save_comment(self) -> bool:
        """Store the comment typed in the side panel (on leaving the box, Ctrl+Enter, and
        before anything else is shown). False when core refused it; the text stays."""
        text = self.panel.pending_comment()
        code = self.panel.code
        if text is None or code is None or self._shown is None:
            return True
        index = self.programme.index(self._shown[0])
        key = self._shown[1]
        return self.record_change(
            [code],
            f"修改 {code} 说明",
            lambda: scoring.set_score(self.store, index, key, code, comment=text),
            index,
            key,
        )

    # -- undo, printing -----------------------------------------------------------------------

    def _after_undo(self, _changes: Changes) -> None:
        self.reload_scores()
        self.changed.emit()

    def _failed(self, exc: UserError) -> None:
        show_error(self, exc)

    def request_print(self) -> None:
        if self.model.index_def is None or not self._leave():
            return
        self.print_requested.emit(self.index().id, self.period())
