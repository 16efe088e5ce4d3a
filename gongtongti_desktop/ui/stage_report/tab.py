"""The 阶段总结 tab: the stage summary (附件3) of a term, school year or month — 亮点工作,
存在的问题, 下一步打算, each with a 备注, and the 填报人.

What is typed is saved by core a second after typing stops, and at once when the period
changes, the tab is hidden or the window closes: there is no 保存 button to forget. 从记录起草
writes a starting text from the period's records; until the director changes it a yellow banner
says so and 打印… asks first (core does not count an unedited draft as a written summary).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.checks import stage_report_draft
from gongtongti_desktop.core.checks.overview import char_count
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import stage_reports
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import (
    ask_yes_no,
    error_text,
    muted,
    show_error,
    wait_cursor,
)
from gongtongti_desktop.ui.shell.period_picker import PeriodPicker

AUTOSAVE_MS = 1000
PRINT_FORM = "annex3"  # Yiyuan's 附件3 阶段工作总结上报表
PRINT_SOURCE = "summary_rows"  # any profile's form that prints a stage summary
DRAFT_BANNER = "以下内容由系统根据记录起草，尚未修改，请核对、改写后再上报。"
PRINT_DRAFT_QUESTION = "草稿尚未修改，仍要打印吗？"
REPLACE_QUESTION = (
    "本期总结中已有内容。要用根据记录起草的草稿替换“亮点工作”“存在的问题”“下一步打算”三栏吗？\n\n"
    "替换后，可在各栏中按 Ctrl+Z 找回原来的文字。"
)
BANNER_STYLE = (
    "background: #fff3bf; color: #5c4400; border: 1px solid #e0c560;"
    " border-radius: 3px; padding: 6px;"
)
ERROR_STYLE = "color: #c0392b;"
PLACEHOLDERS = {
    "highlights": "本阶段做得好的工作、取得的成效……（可点击“从记录起草”生成初稿）",
    "problems": "工作中存在的问题与不足……",
    "next_steps": "下一步的工作打算与改进措施……",
}


def print_form_of(programme: Programme) -> str:
    """The id of the programme's stage-summary form ("annex3" in Yiyuan), or "" if it has none
    (Gaotai's notice has no such table: the button is disabled rather than failing)."""
    for spec in programme.forms:
        if spec.source == PRINT_SOURCE:
            return spec.id
    return next((spec.id for spec in programme.forms if spec.id == PRINT_FORM), "")


class PlanRowPicker(PeriodPicker):
    """The period picker, but "按月" steps through the rows of the plan table: Yiyuan's 7-8月
    and 12-次年1月 are one month each, as the C2 rule counts monthly summaries."""

    def period(self) -> Period | None:
        period = super().period()
        if period is not None and self.kind() == "month":
            return periods.period_containing(self.programme.calendar, "month", period.start)
        return period

    def _update(self) -> None:
        super()._update()
        period = self.period()
        if period is not None:
            current = periods.period_containing(self.programme.calendar, period.kind, self.today)
            self.current_button.setEnabled(current != period)


class Section(QWidget):
    """One row of 附件3: its title with the 字数, the text, and the one-line 备注."""

    edited = Signal()

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        heading = QLabel(title)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        heading.setFont(font)
        self.count_label = QLabel()
        muted(self.count_label)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(PLACEHOLDERS.get(name, ""))
        self.edit.setTabChangesFocus(True)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("备注（可不填）")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.count_label)
        note = QHBoxLayout()
        note.addWidget(QLabel("备注："))
        note.addWidget(self.note_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.edit, 1)
        layout.addLayout(note)
        self.edit.textChanged.connect(self._text_changed)
        self.note_edit.textChanged.connect(self.edited)
        self._text_changed()

    def _text_changed(self) -> None:
        self.count_label.setText(f"{char_count(self.edit.toPlainText())} 字")
        self.edited.emit()

    def text(self) -> str:
        return self.edit.toPlainText()

    def replace_text(self, text: str) -> None:
        """Replace as one edit, so Ctrl+Z in the box brings the previous text back."""
        cursor = self.edit.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()
        self.edit.moveCursor(QTextCursor.MoveOperation.Start)


class SummaryTab(QWidget):
    """``print_requested(form id, period)``: print 附件3 for the period shown (the window opens
    the preview); ``changed``: a summary was saved (rule results that count summaries change)."""

    print_requested = Signal(str, object)
    changed = Signal()

    def __init__(self, store: Store, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self._key: str | None = None  # the period whose summary the boxes hold
        self._period: Period | None = None
        self._row: dict[str, Any] | None = None  # as last read from / written to core
        self._loading = False
        self._stale = False
        self._last_error = ""
        self._watched: QWidget | None = None

        top = self._build_top_bar()

        self.banner = QLabel(DRAFT_BANNER)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        muted(self.hint)

        self.sections = {name: Section(name, title) for name, title in stage_reports.SECTIONS}
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.hint)
        for section in self.sections.values():
            layout.addWidget(section, 1)
            section.edited.connect(self._edited)
        self.filler_edit.textChanged.connect(self._edited)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save_now)
        self.load()

    def _build_top_bar(self) -> QHBoxLayout:
        """Period, 填报人, whether it is saved, 从记录起草, 打印…."""
        self.picker = PlanRowPicker(
            self.programme, ("term", "school_year", "month"), "term", today=self.store.today()
        )
        self.picker.changed.connect(self._period_changed)
        self.filler_edit = QLineEdit()
        self.filler_edit.setPlaceholderText("填报人姓名")
        self.filler_edit.setMaximumWidth(140)
        self.draft_button = QPushButton("从记录起草")
        self.draft_button.setToolTip(
            "根据本期的帮扶日志、月计划和规则达成情况写出初稿（活动次数、日期、未达成的要求），"
            "供修改后上报"
        )
        self.draft_button.clicked.connect(lambda: self.draft())
        self.print_button = QPushButton("打印…")
        self.print_form = print_form_of(self.programme)
        if self.print_form:
            self.print_button.setToolTip("打印本期的阶段工作总结上报表")
        else:
            self.print_button.setEnabled(False)
            self.print_button.setToolTip(f"方案“{self.programme.name}”没有阶段工作总结上报表可打印")
        self.print_button.clicked.connect(lambda: self.print_summary())
        self.status_label = QLabel()
        muted(self.status_label)
        top = QHBoxLayout()
        top.addWidget(QLabel("期间："))
        top.addWidget(self.picker)
        top.addSpacing(16)
        top.addWidget(QLabel("填报人："))
        top.addWidget(self.filler_edit)
        top.addStretch(1)
        top.addWidget(self.status_label)
        top.addSpacing(8)
        top.addWidget(self.draft_button)
        top.addWidget(self.print_button)
        return top

    # -- the period ---------------------------------------------------------------------------

    def period(self) -> Period:
        period = self.picker.period()
        assert period is not None
        return period

    def key(self) -> str:
        return periods.period_key(self.period())

    def _period_changed(self) -> None:
        """Save the period left first; if that fails, stay on it (the text stays too)."""
        if not self.save_now(quiet=False):
            assert self._period is not None
            self.picker.blockSignals(True)
            self.picker.set_period(self._period.kind, self._period.start)
            self.picker.blockSignals(False)
            return
        self.load()

    def load(self) -> None:
        """Show the stored summary of the period chosen."""
        self.timer.stop()
        self._stale = False
        period = self.period()
        self._period, self._key = period, periods.period_key(period)
        self._row = stage_reports.get_summary(self.store, self._key)
        row = self._row or {}
        self._loading = True
        try:
            for name, section in self.sections.items():
                section.edit.setPlainText(row.get(name, ""))
                section.note_edit.setText(row.get(f"{name}_note", ""))
            self.filler_edit.setText(row.get("filler", ""))
        finally:
            self._loading = False
        self._last_error = ""
        self._show_saved_at(row.get("updated_at", ""), loaded=True)
        self.hint.setText(self._hint_text(period))
        self._update_banner()

    def _hint_text(self, period: Period) -> str:
        what = {"month": "月工作总结", "term": "学期阶段总结", "school_year": "学年工作总结"}
        return (
            f"{what[period.kind]}：{period.label}（{period.start.isoformat()} 至 "
            f"{period.end.isoformat()}）。输入的内容会自动保存。"
        )

    # -- saving -------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """What the boxes hold, as core's fields."""
        out = {}
        for name, section in self.sections.items():
            out[name] = section.text()
            out[f"{name}_note"] = section.note_edit.text()
        out["filler"] = self.filler_edit.text()
        return out

    def is_saved(self) -> bool:
        """True when core holds what the boxes show (an empty period needs no row)."""
        stored = self._row or {}
        return all(stored.get(field, "") == value for field, value in self.values().items())

    def _edited(self) -> None:
        if self._loading:
            return
        self._update_banner()
        self.timer.start()  # restarted on every keystroke: saves once typing pauses

    def save_now(self, quiet: bool = True) -> bool:
        """Write the boxes to core if they changed. False when that failed (the text stays in
        the boxes; the message is shown — when ``quiet``, as while typing, only the first time
        in a row, the status line keeps saying so)."""
        self.timer.stop()
        if self._key is None or self.is_saved():
            return True
        try:
            self._row = stage_reports.save_summary(self.store, self._key, self.values())
        except (UserError, sqlite3.Error, OSError) as exc:
            message = error_text(exc)
            self.status_label.setText(f"未保存：{message}")
            self.status_label.setStyleSheet(ERROR_STYLE)
            if not quiet or not self._last_error:  # while typing: once, not every pause
                show_error(self, exc, "阶段总结未保存")
            self._last_error = message
            return False
        self._last_error = ""
        self._show_saved_at(self._row["updated_at"])
        self._update_banner()
        self.changed.emit()
        return True

    def _show_saved_at(self, iso: str, loaded: bool = False) -> None:
        """ "已保存 14:03:21" just after a save; "上次保存 …" for a summary opened from the file."""
        self.status_label.setStyleSheet("")
        try:
            at = dt.datetime.fromisoformat(iso) if iso else None
        except ValueError:
            at = None
        if at is None:
            self.status_label.setText("")
            return
        if at.tzinfo is not None:
            at = at.astimezone()  # local time, as the director's clock shows it
        if not loaded:
            self.status_label.setText(f"已保存 {at:%H:%M:%S}")
        elif at.date() == dt.date.today():
            self.status_label.setText(f"上次保存 今天 {at:%H:%M}")
        else:
            self.status_label.setText(f"上次保存 {at:%Y-%m-%d %H:%M}")

    # -- the draft ----------------------------------------------------------------------------

    def is_unedited_draft(self) -> bool:
        """The boxes hold exactly the last draft written (core decides what that means)."""
        if not self._row:
            return False
        return stage_reports.is_unedited_draft({**self._row, **self.values()})

    def _update_banner(self) -> None:
        self.banner.setVisible(self.is_unedited_draft())

    def draft(self) -> bool:
        """从记录起草: fill the three sections from the period's records (asking before text
        already there is replaced) and save them marked as a draft."""
        has_text = any(s.text().strip() for s in self.sections.values())
        if has_text and not ask_yes_no(self, REPLACE_QUESTION):
            return False
        assert self._key is not None
        try:
            with wait_cursor():
                draft = stage_report_draft.draft_from_records(
                    self.store, self.programme, self.period(), self.store.today()
                )
        except (UserError, sqlite3.Error) as exc:
            show_error(self, exc)
            return False
        self.timer.stop()
        self._loading = True
        try:
            for name, text in draft.as_values().items():
                self.sections[name].replace_text(text)
        finally:
            self._loading = False
        try:
            self._row = stage_reports.save_summary(self.store, self._key, self.values(), draft=True)
        except (UserError, sqlite3.Error, OSError) as exc:
            show_error(self, exc, "阶段总结未保存")
            self.timer.start()
            return False
        self._show_saved_at(self._row["updated_at"])
        self._update_banner()
        self.changed.emit()
        return True

    # -- printing -----------------------------------------------------------------------------

    def print_summary(self) -> bool:
        """Ask the window to print 附件3 for this period (after saving; an unedited draft only
        when the director confirms)."""
        if not self.print_form or not self.save_now(quiet=False):
            return False
        if self.is_unedited_draft() and not ask_yes_no(self, PRINT_DRAFT_QUESTION):
            return False
        self.print_requested.emit(self.print_form, self.period())
        return True

    # -- when to save and reload --------------------------------------------------------------

    def mark_stale(self) -> None:
        """Data changed elsewhere (e.g. a summary restored from the 回收站): reload now if shown,
        else when next shown — after saving what is typed here."""
        if not self.save_now():
            return  # keep the unsaved text on screen rather than reload over it
        self._stale = True
        if self.isVisible():
            self.load()

    def showEvent(self, event: QShowEvent) -> None:
        self._watch_window()
        if self._stale:
            self.load()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_now()
        super().hideEvent(event)

    def _watch_window(self) -> None:
        """Save when the window closes: its Close event reaches this filter before the window's
        own closeEvent, which closes the data file."""
        window = self.window()
        if window is self._watched:
            return
        if self._watched is not None:
            self._watched.removeEventFilter(self)
        window.installEventFilter(self)
        self._watched = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Close:
            self.save_now()
        return super().eventFilter(watched, event)
