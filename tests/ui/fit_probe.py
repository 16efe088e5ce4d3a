"""Opens the main window and every dialog on the screen the environment gives (an offscreen
screen of a set size, optionally scaled) and prints, as JSON, where each window and its buttons
are. Run in a subprocess by test_screen_fit.py, once per screen: Qt's screen size and scale
are fixed for the life of a process.

Usage: python fit_probe.py DATAFILE [SCREENSHOT_FOLDER]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QScrollArea,
    QWidget,
)


def _inside_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def describe(name: str, window: QWidget) -> dict:
    QApplication.processEvents()
    frame = window.frameGeometry()
    buttons = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or _inside_scroll_area(button, window):
            continue
        if button.metaObject().className() in ("QToolButton", "QCheckBox", "QRadioButton"):
            continue
        top_left = button.mapToGlobal(button.rect().topLeft())
        bottom_right = button.mapToGlobal(button.rect().bottomRight())
        buttons.append(
            {
                "text": button.text(),
                "rect": [top_left.x(), top_left.y(), bottom_right.x(), bottom_right.y()],
            }
        )
    return {
        "name": name,
        "frame": [frame.x(), frame.y(), frame.right(), frame.bottom()],
        "buttons": buttons,
    }


def main() -> None:
    data, shots = Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("gongtongti-fit-probe")
    from gongtongti_desktop.ui.shell.app import install_translations

    install_translations(app)  # the buttons read as the director sees them (确定/取消)
    from gongtongti_desktop.core.profile.periods import term_of
    from gongtongti_desktop.core.records import catalog
    from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file

    store, programme = open_data_file(data)
    window = MainWindow(store, programme)
    window.show()
    screen = window.screen().availableGeometry()
    results = [describe("主窗口", window)]
    if shots is not None:
        window.grab().save(str(shots / "main-window.png"))

    def probe(name: str, dialog: QDialog) -> None:
        dialog.show()
        results.append(describe(name, dialog))
        if shots is not None:
            dialog.grab().save(str(shots / f"{name}.png"))
        dialog.hide()
        dialog.deleteLater()

    from gongtongti_desktop.ui.shell.first_run import FirstRunDialog
    from gongtongti_desktop.ui.shell.record_dialog import RecordDialog

    probe("首次启动", FirstRunDialog(data.with_name("new.gtdb"), window))
    for table, record_type in catalog.registry().items():
        probe(f"新增{record_type.label}", RecordDialog(store, programme, table, None, window))
    from gongtongti_desktop.ui.datafile.backup_dialog import BackupDialog
    from gongtongti_desktop.ui.datafile.recycle_bin import RecycleBinDialog
    from gongtongti_desktop.ui.diary.quick_record import QuickRecordDialog
    from gongtongti_desktop.ui.diary.revised_records_dialog import RevisedRecordsDialog
    from gongtongti_desktop.ui.help.manual import ManualWindow
    from gongtongti_desktop.ui.overview.reminders import RemindersDialog
    from gongtongti_desktop.ui.packages.export_dialog import PackageExportDialog
    from gongtongti_desktop.ui.scoring.evidence_dialog import EvidenceDialog

    probe("记一笔", QuickRecordDialog(store, programme, window))
    probe("备份与恢复", BackupDialog(store, window))
    probe("回收站", RecycleBinDialog(store, window))
    probe("上报后的修改", RevisedRecordsDialog(store, window))
    probe("导出上报包", PackageExportDialog(store, programme, window))
    period = term_of(programme.calendar, store.today())
    from gongtongti_desktop.ui.packages.before_export_dialog import BeforeExportDialog

    probe("上报前检查", BeforeExportDialog(store, programme, period, window, exporting=True))
    probe("上报前检查（菜单）", BeforeExportDialog(store, programme, period, window))
    probe("证据", EvidenceDialog(store, programme, period, "A1", set(), window))
    probe("提醒", RemindersDialog(store, programme, window))
    from PySide6.QtGui import QImage

    from gongtongti_desktop.ui.signed.add_dialog import SignedScansDialog
    from gongtongti_desktop.ui.signed.status_dialog import SignedStatusDialog

    probe("签字件情况", SignedStatusDialog(store, programme, window))
    scans = []
    for n in range(6):  # photos that do not read: each row with its field for the code
        blank = QImage(300, 400, QImage.Format.Format_RGB32)
        blank.fill(0xFFFFFF)
        scans.append(data.with_name(f"签字件照片{n}.png"))
        blank.save(str(scans[-1]))
    probe("添加签字件", SignedScansDialog(store, scans, window))
    preview = window.print_form(programme.forms[0].id)
    if preview is not None:
        preview.hide()
        preview._fitted = False
        probe("打印预览", preview)
    manual = ManualWindow(window)
    manual.show()
    results.append(describe("使用说明", manual))
    if shots is not None:
        manual.grab().save(str(shots / "使用说明.png"))
    print(
        json.dumps(
            {
                "screen": [screen.x(), screen.y(), screen.right(), screen.bottom()],
                "windows": results,
            },
            ensure_ascii=False,
        )
    )
    window.close()


if __name__ == "__main__":
    main()
