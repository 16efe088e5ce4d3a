"""Photo flags in the 帮扶日志 tab: the mark on an activity in the list, the explanations in its
detail, the director's answer (说明…) as one undoable step, and the background reading of
photos attached before photo checks existed.

Why a part of its own: the flags come from core (``core/checks/photo_flags``) for the whole
file at once — a duplicate is only seen against every other photo — so the tab keeps them per
activity and hands the list and the detail what each row needs. Reading older photos (a few ms
each, 6 000 in a busy file) runs a batch per timer tick, so the window stays responsive; each
batch commits, so closing the window halfway loses nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QWidget

from gongtongti_desktop.core.checks import photo_flags
from gongtongti_desktop.core.checks.photo_flags import PhotoFlag
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme

FILL_PER_TICK = 25  # photos read per timer tick while older photos are being read
UNANSWERED = "⚠"
ANSWERED = "✓"


class PhotoMarks(QObject):
    """The flags of the data file by activity. ``updated``: they were recomputed."""

    updated = Signal()

    def __init__(self, store: Store, programme: Programme, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.programme = store, programme
        self.by_activity: dict[str, list[PhotoFlag]] = {}
        self.filler = QTimer(self)
        self.filler.setInterval(0)
        self.filler.timeout.connect(self._fill_some)

    def reload(self) -> None:
        """Recompute from the stored facts (no photo is decoded here)."""
        flags = photo_flags.photo_flags(self.store, self.programme, fill=False)
        self.by_activity = photo_flags.flags_by_activity(flags)
        if photo_flags.unfilled(self.store) and not self.filler.isActive():
            self.filler.start()
        self.updated.emit()

    def _fill_some(self) -> None:
        try:
            done = photo_flags.fill_facts(self.store, limit=FILL_PER_TICK)
        except Exception:  # a read-only or vanished file: the marks stay as they are
            done = 0
        if done < FILL_PER_TICK:
            self.filler.stop()
            self.reload()

    def of(self, activity_id: str) -> list[PhotoFlag]:
        return self.by_activity.get(activity_id, [])

    def mark(self, activity_id: str) -> str:
        """ "⚠" when a flag is unanswered, "✓" when all are answered, "" otherwise (notes
        such as a missing capture time do not mark the list: they are milder)."""
        strong = [f for f in self.of(activity_id) if f.severity == "flag"]
        if not strong:
            return ""
        return ANSWERED if all(f.answered for f in strong) else UNANSWERED

    def tooltip(self, activity_id: str) -> str:
        flags = self.of(activity_id)
        if not flags:
            return ""
        answered = sum(f.answered for f in flags)
        return f"照片提示 {len(flags)} 条（已说明 {answered} 条），详见右侧"


def flags_html(flags: list[PhotoFlag]) -> str:
    """The detail's 照片核对 block: each flag, its answer, and a 说明… link per photo."""
    lines = ["<b>照片核对：</b>（只是提示，不影响上报；可逐张说明原因）"]
    linked: set[str] = set()
    for f in flags:
        colour = "#2e7d32" if f.answered else ("#b45309" if f.severity == "flag" else "#666")
        mark = ANSWERED if f.answered else (UNANSWERED if f.severity == "flag" else "·")
        text = (
            f"<span style='color:{colour}'>{mark} <b>{html.escape(f.label)}</b></span>"
            f"　{html.escape(f.photo)}：{html.escape(f.explanation)}"
        )
        if f.attachment_id not in linked:
            verb = "修改说明…" if f.answered else "说明…"
            text += f"　<a href='answer:{f.attachment_id}'>{verb}</a>"
            linked.add(f.attachment_id)
        if f.answered:
            text += f"<br>　　已说明：{html.escape(f.answer.strip())}"
        lines.append(text)
    return "<br>".join(lines)


class FlagsLabel(QLabel):
    """The 照片核对 block of the detail; ``answer_requested(attachment_id)`` on 说明…."""

    answer_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setOpenExternalLinks(False)
        self.linkActivated.connect(self._link)
        self.setStyleSheet(
            "QLabel { background: #fff8e6; border: 1px solid #f0d9a8; padding: 4px; }"
        )
        self.hide()

    def set_flags(self, flags: list[PhotoFlag]) -> None:
        self.setText(flags_html(flags) if flags else "")
        self.setVisible(bool(flags))

    def _link(self, link: str) -> None:
        if link.startswith("answer:"):
            self.answer_requested.emit(link.removeprefix("answer:"))


AskNote = Callable[[QWidget, str, str], "str | None"]


def ask_note(parent: QWidget, explanation: str, current: str) -> str | None:
    """The answer dialog: the flags of the photo above, the note to edit below (None: 取消)."""
    text, ok = QInputDialog.getMultiLineText(
        parent,
        "说明照片提示",
        f"{explanation}\n\n请说明原因（例如“相机日期未设置，实为当天拍摄”；清空则撤回说明）：",
        current,
    )
    return text.strip() if ok else None
