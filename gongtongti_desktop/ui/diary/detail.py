"""The right-hand pane of the 帮扶日志 tab: the selected activity's title, its facts (time,
kind, kindergartens, people, plan item, whether and when it was reported), its 方案、措施、
记录、总结 and the strip of its evidence.

It only shows what core returns for one activity; adding, captioning and deleting evidence
are the tab's (they go onto its undo stack), so the strip's signals are connected there.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import attachments, catalog, diary, reporting
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.diary.attachment_strip import AttachmentStrip
from gongtongti_desktop.ui.diary.photo_marks import FlagsLabel, PhotoMarks

NOTHING_SELECTED = "选中一条活动，这里显示它的方案、措施、记录、总结和附件。"


def _para(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def meta_html(store: Store, rec: dict, activity_id: str) -> str:
    """The facts of one activity as rich text; a reported activity that was changed since
    gets a 查看修改记录 link (``revisions``)."""
    meta = [
        f"<b>时间：</b>{html.escape(rec['day'])} {html.escape(rec['time'])}",
        f"<b>类型：</b>{html.escape(rec['kind'])}　<b>形式：</b>{html.escape(rec['mode'])}"
        + (f"（{html.escape(rec['place'])}）" if rec.get("place") else "")
        + (f"　<b>领域：</b>{html.escape(rec['domain'])}" if rec.get("domain") else ""),
        f"<b>主办园：</b>{html.escape(rec['host_name'] or '—')}"
        f"　<b>参与园：</b>{html.escape('、'.join(n for n in rec['receiver_names'] if n) or '—')}",
    ]
    people = "、".join(n for n in rec["participant_names"] if n)
    count = f"（共 {rec['headcount']} 人）" if rec.get("headcount") else ""
    if people or count:
        meta.append(f"<b>参加人员：</b>{html.escape(people or '—')}{count}")
    plan = rec.get("plan_task") or ""
    meta.append(
        f"<b>对应计划：</b>{html.escape(' '.join(plan.split()))}"
        if plan
        else "<b>对应计划：</b>（无，计划外活动）"
    )
    status = reporting.report_status(store, "activity", activity_id)
    if status.reported_at:
        when = status.reported_at[:10]
        verb = "上报" if status.direction == "export" else "导入"
        changed = (
            f"，此后修改 {status.revisions} 次 <a href='revisions'>查看修改记录</a>"
            if status.revisions
            else "，此后未修改"
        )
        meta.append(f"<b>上报：</b>已于 {when} {verb}{changed}")
    return "<br>".join(meta)


def texts_html(rec: dict) -> str:
    """方案、措施、记录、总结, each under its label (（未填写） in grey when empty)."""
    parts = []
    for key in ("plan_text", "measures", "record", "summary"):
        label = catalog.record_type("activity").field(key).label
        text = (rec.get(key) or "").strip()
        body = _para(text) if text else '<span style="color:#888">（未填写）</span>'
        parts.append(f"<p><b>{html.escape(label)}</b><br>{body}</p>")
    return "".join(parts)


class ActivityDetail(QWidget):
    """``revisions_requested``: the 查看修改记录 link was clicked."""

    revisions_requested = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.RichText)
        self.meta.linkActivated.connect(lambda _link: self.revisions_requested.emit())
        self.flags = FlagsLabel()  # 照片核对: shown when a photo of the activity is flagged
        self.marks: PhotoMarks | None = None  # set by the tab
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.strip = AttachmentStrip()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(self.flags)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.text)
        split.addWidget(self.strip)
        split.setSizes([300, 260])
        layout.addWidget(split, 1)

    def show_activity(self, activity_id: str | None) -> str | None:
        """Show one activity (None: the hint to select one). Returns the id shown: None
        too when the activity is gone."""
        if activity_id is None:
            self.title.setText("")
            self.meta.setText(NOTHING_SELECTED)
            self.text.clear()
            self.flags.set_flags([])
            self.strip.set_attachments(None)
            return None
        try:
            rec = diary.full_record(self.store, activity_id)
        except UserError:
            return self.show_activity(None)
        self.title.setText(rec["title"])
        self.meta.setText(meta_html(self.store, rec, activity_id))
        self.text.setHtml(texts_html(rec))
        self.flags.set_flags(self.marks.of(activity_id) if self.marks is not None else [])
        self.strip.set_attachments(attachments.list_attachments(self.store, activity_id))
        return activity_id
