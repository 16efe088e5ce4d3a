"""Choosing photos: Qt's dialog in Chinese with a preview of the photo, at the last folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QPushButton

from gongtongti_desktop.ui.shell import file_choice
from gongtongti_desktop.ui.shell.app import install_translations

pytestmark = pytest.mark.gui


def _photo(path: Path) -> Path:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#82e0aa"))
    assert image.save(str(path))
    return path


def test_the_dialog_previews_photos_in_chinese(qtbot, tmp_path) -> None:
    install_translations(QApplication.instance())  # as the program starts (ui/shell/app)
    photo = _photo(tmp_path / "IMG_0001.png")
    dialog = file_choice.make_dialog(None, "选择活动照片", file_choice.IMAGE_FILTER, "photos")
    qtbot.addWidget(dialog)
    dialog.setDirectory(str(tmp_path))
    dialog.show()
    preview: QLabel = dialog.preview
    dialog.currentChanged.emit(str(photo))
    assert preview.pixmap() is not None and not preview.pixmap().isNull()
    assert max(preview.pixmap().width(), preview.pixmap().height()) == file_choice.PREVIEW
    texts = {b.text().replace("&", "") for b in dialog.findChildren(QPushButton)} | {
        label.text().replace("&", "") for label in dialog.findChildren(QLabel)
    }
    assert "打开" in texts
    assert {"查找范围：", "文件名：", "文件类型："} <= texts
    assert not {"Look in:", "Files of type:", "File name:"} & texts
    assert dialog.fileMode() == QFileDialog.FileMode.ExistingFiles  # several at once


def test_static_file_dialogs_are_chinese_too(qtbot, tmp_path) -> None:
    """Any QFileDialog — as QFileDialog.getOpenFileName & co. make one (patched away for the
    other tests by conftest) — is labelled in Chinese when shown."""
    from PySide6.QtCore import QTimer

    from gongtongti_desktop.ui.shell import fit

    fit.install(QApplication.instance())
    seen: list[set[str]] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        seen.append({label.text().replace("&", "") for label in dialog.findChildren(QLabel)})
        dialog.reject()

    QTimer.singleShot(200, look)
    dialog = QFileDialog(None, "打开", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.exec()
    dialog.deleteLater()
    assert seen and {"查找范围：", "文件名：", "文件类型："} <= seen[0]


def test_the_last_folder_is_remembered(qtbot, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "手机照片"
    folder.mkdir()
    photos = [_photo(folder / f"IMG_{n}.png") for n in range(2)]
    monkeypatch.setattr(QFileDialog, "exec", lambda _self: QFileDialog.DialogCode.Accepted)
    monkeypatch.setattr(QFileDialog, "selectedFiles", lambda _self: [str(p) for p in photos])
    assert file_choice.choose_files(None, "选择活动照片") == photos
    assert file_choice.last_folder("photos") == folder
    dialog = file_choice.make_dialog(None, "选择活动照片", file_choice.IMAGE_FILTER, "photos")
    qtbot.addWidget(dialog)
    assert Path(dialog.directory().absolutePath()) == folder
    QSettings().remove("last_folder/photos")


def test_every_file_dialog_starts_in_the_last_folder(qtbot, tmp_path, file_dialogs) -> None:
    from gongtongti_desktop.ui.shell import common

    folder = tmp_path / "U盘" / "上报"
    folder.mkdir(parents=True)
    file_dialogs.save_name = str(folder / "附件3")
    saved = common.ask_save_path(None, "另存为 PDF", common.documents_folder() / "a.pdf", "")
    assert saved == folder / "附件3.pdf"
    assert common.documents_folder() == folder  # the next dialog starts there
    # a file chosen in any Qt file dialog is remembered the same way
    other = tmp_path / "名单"
    other.mkdir()
    dialog = QFileDialog(None, "导入结对名单", str(other))
    qtbot.addWidget(dialog)
    file_choice.chinese_labels(dialog)
    dialog.filesSelected.emit([str(other / "附件1.xlsx")])
    assert common.documents_folder() == other
    QSettings().remove(common.LAST_FOLDER_KEY)
