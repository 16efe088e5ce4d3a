"""The 考核评分 tab's side-panel actions: 采用建议分 (one item or all, after a question naming
what is replaced) and 佐证 (records of the period linked to an item, removed, opened in the
帮扶日志).

A part of ``ScoringTab`` (which inherits it), kept apart from the tree and its cell edits;
every write goes through core and lands on the tab's undo stack as one step, through the
tab's ``record_change`` (scores) or an evidence command here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QUndoStack

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.indexes import Index, fmt_points
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import scoring
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.scoring.evidence_dialog import EvidenceDialog, Target
from gongtongti_desktop.ui.scoring.model import Values
from gongtongti_desktop.ui.scoring.panel import ScoringPanel
from gongtongti_desktop.ui.shell.common import ask_yes_no, show_error, show_info
from gongtongti_desktop.ui.shell.undo import CallCommand, UndoContext


class PanelActions:
    """Suggestions accepted and evidence linked for the index and period the tab shows."""

    store: Store
    programme: Programme
    undo_stack: QUndoStack
    ctx: UndoContext
    values: Values
    panel: ScoringPanel
    evidence_dialog: EvidenceDialog | None
    changed: SignalInstance
    open_activity: SignalInstance
    index: Callable[[], Index]
    period: Callable[[], Period]
    key: Callable[[], str]
    selected_code: Callable[[], str | None]
    reload_scores: Callable[[], None]
    record_change: Callable[..., bool]

    # -- suggestions --------------------------------------------------------------------------

    def accept_suggestion(self, code: str | None = None) -> bool:
        """采用建议分（自评）for one item (the selected one)."""
        code = code or self.selected_code()
        found = self.values.suggestions.get(code or "")
        if code is None or found is None:
            return False
        index, key = self.index(), self.key()
        return self.record_change(
            [code],
            f"采用 {code} 建议分",
            lambda: scoring.accept_suggestion(self.store, index, key, found, "self"),
        )

    def accept_all(self) -> bool:
        """采用建议分 for every suggested item, after a question naming what is replaced."""
        index, key = self.index(), self.key()
        suggestions = self.values.suggestions
        todo = []
        replaced = []
        for code, found in suggestions.items():
            row = self.values.scores.get(code) or {}
            current = row.get("self_score")
            if current == found.score and row.get("self_suggested"):
                continue
            todo.append(found)
            if current is not None and current != found.score:
                replaced.append(f"{code}（{fmt_points(current)} → {fmt_points(found.score)}）")
        if not todo:
            show_info(self, "各项建议分都已采用。")
            return False
        question = f"把 {len(todo)} 项的建议分填入自评分？"
        if replaced:
            question += f"\n\n其中 {len(replaced)} 项已有不同的自评分，将被替换：" + "、".join(
                replaced
            )
        question += "\n\n可以用“编辑 → 撤销”（Ctrl+Z）恢复。"
        if not ask_yes_no(self, question):
            return False

        def accept() -> None:
            with self.store.atomic():
                for found in todo:
                    scoring.accept_suggestion(self.store, index, key, found, "self")

        return self.record_change([s.item for s in todo], "全部采用建议分", accept)

    # -- evidence -----------------------------------------------------------------------------

    def add_evidence(self) -> EvidenceDialog | None:
        """The dialog choosing records of the period; adding happens when it is accepted."""
        code = self.selected_code()
        if code is None:
            return None
        index, key = self.index(), self.key()
        linked = {
            (e["table"], e["id"]) for e in scoring.list_evidence(self.store, index, key, code)
        }
        dialog = EvidenceDialog(
            self.store, self.programme, self.period(), index.item(code).label, linked, self
        )
        dialog.accepted.connect(lambda: self.link_evidence(code, dialog.chosen()))
        dialog.finished.connect(dialog.deleteLater)
        self.evidence_dialog = dialog
        dialog.open()
        return dialog

    def link_evidence(self, code: str, targets: list[Target]) -> bool:
        return self._evidence_command(code, targets, add=True)

    def remove_evidence(self, targets: list[Target] | None = None) -> bool:
        code = self.panel.code
        targets = targets if targets is not None else self.panel.selected_evidence()
        if code is None or not targets:
            return False
        return self._evidence_command(code, targets, add=False)

    def _evidence_command(self, code: str, targets: list[Target], add: bool) -> bool:
        if not targets:
            return False
        index, key = self.index(), self.key()

        def link() -> None:
            with self.store.atomic():
                for table, target in targets:
                    scoring.add_evidence(self.store, index, key, code, table, target)

        def unlink() -> None:
            with self.store.atomic():
                for table, target in targets:
                    scoring.remove_evidence(self.store, index, key, code, table, target)

        do, undo = (link, unlink) if add else (unlink, link)
        try:
            do()
        except UserError as exc:
            show_error(self, exc)
            return False
        verb = "添加" if add else "移除"
        self.undo_stack.push(CallCommand(self.ctx, f"{verb} {code} 佐证", do, undo))
        self.reload_scores()
        self.changed.emit()
        return True

    def open_evidence(self, table: str, target: str) -> None:
        activity_id = target
        if table == "attachment":
            row = records.get_record(self.store, "attachment", target, missing_ok=True)
            activity_id = row["activity_id"] if row else ""
        elif table != "activity":
            return
        if (
            not activity_id
            or records.get_record(self.store, "activity", activity_id, missing_ok=True) is None
        ):
            show_info(self, "这条帮扶活动已删除，可在“回收站”中恢复后查看。")
            return
        self.open_activity.emit(activity_id)
