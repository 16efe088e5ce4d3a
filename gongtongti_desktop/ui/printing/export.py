"""文件 → 导出表格（Excel）: every form of the programme into one workbook."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.printing.print_preview import safe_file_name
from gongtongti_desktop.ui.shell.common import (
    ask_save_path,
    documents_folder,
    show_error,
    show_info,
    wait_cursor,
)


def write_workbook(store: Store, programme: Programme, path: Path) -> list[str]:
    """Write the workbook and remember it (概览 shows the last export); returns the names of
    the sheets' forms."""
    from gongtongti_desktop.core.forms.form_data import note_export, workbook_datas
    from gongtongti_desktop.output.xlsx import write_workbook as write

    datas = workbook_datas(store, programme)
    write(datas, path)
    note_export(store, Path(path).resolve())
    return [d.spec.display_name for d in datas]


def run_export(parent: QWidget | None, store: Store, programme: Programme) -> Path | None:
    suggested = (
        documents_folder() / f"{safe_file_name(store.kindergarten_name or '共同体')}-表格.xlsx"
    )
    path = ask_save_path(parent, "导出表格（Excel）", suggested, "Excel 工作簿 (*.xlsx)")
    if path is None:
        return None
    try:
        with wait_cursor():
            forms = write_workbook(store, programme, path)
    except (UserError, OSError) as exc:
        show_error(parent, exc, "导出表格")
        return None
    show_info(parent, f"已导出 {path}\n包含：{'、'.join(forms)}", "导出表格")
    return path
