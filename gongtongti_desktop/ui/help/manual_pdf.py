"""使用说明 as a printable PDF: the same manual text and pictures, laid out by Qt's text
engine on A4 pages with the Chinese font the system has (Qt embeds it).

Why Qt and not the forms' reportlab renderer: the manual is Markdown with pictures, which
QTextDocument lays out already (as the 使用说明 window shows it); the forms need exact cells.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QWidget

from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.help.manual import manual_path
from gongtongti_desktop.ui.shell.common import (
    ask_save_path,
    documents_folder,
    show_error,
    show_info,
)

PAGE_WIDTH_PX = 700  # the text width the pictures are scaled to


def write_manual_pdf(target: Path) -> Path:
    """Write the manual to ``target`` (a .pdf); the file is written whole or not at all."""
    source = manual_path()
    if not source.is_file():
        raise UserError(f"找不到使用说明文件 {source}")
    document = QTextDocument()
    document.setBaseUrl(QUrl.fromLocalFile(str(source.parent) + "/"))
    document.setMarkdown(source.read_text(encoding="utf-8"))
    partial = target.with_name(target.name + ".part")
    writer = QPdfWriter(str(partial))
    writer.setTitle("共同体工作台 使用说明")
    writer.setCreator("共同体工作台")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 18, 18, 18),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setResolution(96)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.print_(writer)
    del writer  # finishes the file
    if not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise UserError(f"无法写入 {target}")
    partial.replace(target)
    return target


def save_manual_pdf(parent: QWidget) -> Path | None:
    path = ask_save_path(
        parent,
        "保存使用说明（PDF）",
        documents_folder() / "共同体工作台使用说明.pdf",
        "PDF 文件 (*.pdf)",
    )
    if path is None:
        return None
    try:
        write_manual_pdf(path)
    except (UserError, OSError) as exc:
        show_error(parent, exc, "使用说明")
        return None
    show_info(parent, f"已保存使用说明：{path}\n可以用 PDF 阅读器打开并打印。", "使用说明")
    return path
