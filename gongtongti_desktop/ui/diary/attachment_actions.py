"""The 帮扶日志 tab's handling of evidence: files added (by 添加附件… or dropped on the
strip), captions edited, attachments deleted — each through core and as one step on the tab's
undo stack, each refusal said in Chinese.

A part of ``DiaryTab`` (which inherits it), kept apart so the tab's file shows the list and
its filters; it uses the tab's store, undo stack and the activity shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QUndoStack

from gongtongti_desktop.core.checks import photo_flags
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, catalog
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.diary.attachment_strip import AttachmentStrip
from gongtongti_desktop.ui.diary.photo_marks import PhotoMarks, ask_note
from gongtongti_desktop.ui.shell.common import ask_yes_no, show_error
from gongtongti_desktop.ui.shell.undo import UndoContext, perform


class AttachmentActions:
    """Adding, captioning and deleting the shown activity's attachments (the strip's
    signals are connected to these by the tab)."""

    store: Store
    programme: Programme
    undo_stack: QUndoStack
    ctx: UndoContext
    strip: AttachmentStrip
    shown_id: str | None
    show_detail: Callable[[str | None], None]
    marks: PhotoMarks
    ask_note = staticmethod(ask_note)  # replaced in tests

    def answer_photo(self, attachment_id: str) -> bool:
        """说明… on a flagged photo: the director's note, saved as one undoable step
        (an empty note takes the answer back). Returns whether anything was saved."""
        flags = [f for f in self.marks.of(self.shown_id or "") if f.attachment_id == attachment_id]
        if not flags:
            return False
        explanation = "\n".join(f"{f.photo}：{f.explanation}" for f in flags)
        note = self.ask_note(self, explanation, flags[0].answer)  # type: ignore[arg-type]
        if note is None or note == flags[0].answer.strip():
            return False
        try:
            perform(
                self.undo_stack,
                self.ctx,
                "说明照片提示" if note else "撤回照片提示的说明",
                lambda: photo_flags.answer_flag(self.store, self.programme, attachment_id, note),
            )
        except UserError as exc:
            show_error(self, exc)
            return False
        return True

    def add_attachments(self, paths: list[Path]) -> list[str]:
        """Copy the files in through core, as one undo step; each refusal (not an image, over
        30 MB, gone, an unsupported type) is listed in one message. Returns the new ids."""
        activity_id = self.shown_id
        if activity_id is None or not paths:
            return []
        refused: list[str] = []

        def add_all() -> list[str]:
            added = []
            for path in paths:
                try:
                    added.append(attachments.add_attachment(self.store, activity_id, Path(path)))
                except UserError as exc:
                    refused.append(exc.message)
                except OSError as exc:
                    refused.append(f"无法读取“{Path(path).name}”：{exc.strerror or exc}")
            return added

        text = f"添加 {len(paths)} 个附件" if len(paths) > 1 else f"添加附件“{Path(paths[0]).name}”"
        added = perform(
            self.undo_stack,
            self.ctx,
            text,
            add_all,
        )
        if refused:
            head = "以下文件没有添加：\n" if added or len(refused) > 1 else ""
            show_error(self, UserError(head + "\n".join(refused)))
        if added:
            self.strip.select(added[-1])
        return added

    def set_caption(self, attachment_id: str, caption: str) -> None:
        try:
            perform(
                self.undo_stack,
                self.ctx,
                "修改附件说明",
                lambda: records.save_record(
                    self.store,
                    self.programme,
                    "attachment",
                    {
                        **records.state_of(self.store, "attachment", attachment_id),
                        "caption": caption,
                    },
                    attachment_id,
                ),
            )
        except UserError as exc:
            show_error(self, exc)
            self.show_detail(self.shown_id)

    def delete_attachment(self, attachment_id: str) -> bool:
        try:
            name = catalog.describe(self.store, "attachment", attachment_id)
            if not ask_yes_no(self, f"确定删除{name}吗？\n\n可以在回收站恢复，或按 Ctrl+Z 撤销。"):
                return False
            perform(
                self.undo_stack,
                self.ctx,
                f"删除{name}",
                lambda: records.delete_record(self.store, "attachment", attachment_id),
            )
        except UserError as exc:
            show_error(self, exc)
            return False
        return True
