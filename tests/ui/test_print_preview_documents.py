"""打印预览 for documents the bureau takes: 另存为 saves a Word file (.docx) with the same table,
and characters no installed font has are named in a warning, never printed as a silent gap."""

from __future__ import annotations

import pytest
from docx import Document

from gongtongti_desktop.ui.printing.print_preview import open_print_preview

pytestmark = pytest.mark.gui

NO_FONT = "\U00030000"  # CJK Extension G: no font on this machine has it


def test_save_as_word_from_the_same_dialog(
    qtbot, demo_store, programme, tmp_path, file_dialogs, boxes
) -> None:
    dialog = open_print_preview(None, demo_store, programme, "annex1")
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert boxes.texts("warning") == []  # every character prints: no warning
    file_dialogs.save_name = str(tmp_path / "结对名单.docx")
    saved = dialog.save_as()
    assert saved == tmp_path / "结对名单.docx"
    doc = Document(str(saved))
    assert any("结对名单" in p.text for p in doc.paragraphs)
    assert [c.text for c in doc.tables[0].rows[0].cells][:3] == ["核心幼儿园", "责任人", "联系方式"]
    assert boxes.texts("information") == [f"已保存：{saved}"]


def test_unprintable_characters_are_named_in_a_dialog(qtbot, demo_store, programme, boxes) -> None:
    (person,) = demo_store.conn.execute("SELECT id FROM person ORDER BY rowid LIMIT 1").fetchone()
    demo_store.conn.execute("UPDATE person SET name = ? WHERE id = ?", ("张" + NO_FONT, person))
    dialog = open_print_preview(None, demo_store, programme, "annex1")
    assert dialog is not None
    qtbot.addWidget(dialog)
    [warning] = boxes.texts("warning")
    assert NO_FONT in warning and "责任人" in warning and "空白" in warning
