"""The default data file in 文档/共同体工作台, and a data file at the old default location
(AppDataLocation): offered to move with its attachments and backups, or used where it is —
never two copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from gongtongti_desktop.core.datafile import location
from gongtongti_desktop.core.datafile.store import BACKUP_DIR_NAME, Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.records.attachments import FOLDER_NAME
from gongtongti_desktop.ui.shell.data_location import KEPT_KEY, choose_default_data_file
from tests.conftest import dump


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("old-default")
    create_demo(folder / "gongtongti.gtdb").close()  # the demo has photos in attachments/
    with Store.open(folder / "gongtongti.gtdb") as store:
        store.backup()
    return folder


@pytest.fixture
def old(tmp_path: Path, demo_source: Path) -> Path:
    folder = tmp_path / "AppData" / "gongtongti" / "gongtongti-desktop"
    shutil.copytree(demo_source, folder)
    return folder / "gongtongti.gtdb"


def test_the_folder_names_match_the_stores(tmp_path: Path) -> None:
    assert location.ATTACHMENTS_DIR_NAME == FOLDER_NAME
    assert location.BACKUP_DIR_NAME == BACKUP_DIR_NAME
    assert location.default_data_file(tmp_path) == tmp_path / "共同体工作台" / "gongtongti.gtdb"


def test_without_an_old_file_the_default_is_in_documents(tmp_path, settings, boxes) -> None:
    docs = tmp_path / "Documents"
    path = choose_default_data_file(settings, docs, tmp_path / "AppData" / "gongtongti.gtdb")
    assert path == docs / "共同体工作台" / "gongtongti.gtdb"
    assert path.parent.is_dir() and not path.exists()  # the first-run setup creates the file
    assert boxes.calls == []


def test_an_old_file_is_moved_with_attachments_and_backups(tmp_path, old, settings, boxes) -> None:
    before = dump(old)
    photos = sorted(p.relative_to(old.parent) for p in (old.parent / FOLDER_NAME).rglob("*"))
    backups = sorted(p.name for p in (old.parent / BACKUP_DIR_NAME).iterdir())
    assert photos and backups
    docs = tmp_path / "Documents"

    path = choose_default_data_file(settings, docs, old)

    [question] = boxes.texts("question")
    assert str(old) in question and str(docs / "共同体工作台") in question
    assert path == docs / "共同体工作台" / "gongtongti.gtdb"
    assert not old.exists() and not (old.parent / FOLDER_NAME).exists()
    assert not (old.parent / BACKUP_DIR_NAME).exists()
    assert dump(path) == before
    moved = sorted(p.relative_to(path.parent) for p in (path.parent / FOLDER_NAME).rglob("*"))
    assert moved == photos
    assert sorted(p.name for p in (path.parent / BACKUP_DIR_NAME).iterdir()) == backups
    with Store.open(path) as store:  # opens at its new place, its photos found beside it
        from gongtongti_desktop.core.records import attachments

        rows = store.query("SELECT * FROM attachment WHERE deleted_at IS NULL")
        assert rows and attachments.missing_files(store) == []


def test_declining_keeps_using_the_old_file_and_asks_once(tmp_path, old, settings, boxes) -> None:
    before = dump(old)
    docs = tmp_path / "Documents"
    boxes.answer = QMessageBox.StandardButton.No
    assert choose_default_data_file(settings, docs, old) == old
    assert settings.value(KEPT_KEY) == str(old)
    assert choose_default_data_file(settings, docs, old) == old
    assert len(boxes.texts("question")) == 1  # not asked again
    assert dump(old) == before
    assert not (docs / "共同体工作台" / "gongtongti.gtdb").exists()  # no second copy


def test_a_move_that_cannot_be_done_leaves_everything_in_place(
    tmp_path, old, settings, boxes
) -> None:
    docs = tmp_path / "Documents"
    taken = docs / "共同体工作台" / FOLDER_NAME
    taken.mkdir(parents=True)
    before = dump(old)
    assert choose_default_data_file(settings, docs, old) == old
    [warning] = boxes.texts("warning")
    assert warning.startswith("数据文件没有移动，继续在原位置使用。") and str(taken) in warning
    assert dump(old) == before and (old.parent / FOLDER_NAME).is_dir()
    assert not (docs / "共同体工作台" / "gongtongti.gtdb").exists()


def test_a_file_at_both_places_is_not_touched(tmp_path, old, settings, boxes) -> None:
    docs = tmp_path / "Documents"
    new = location.default_data_file(docs)
    new.parent.mkdir(parents=True)
    shutil.copy(old, new)
    assert choose_default_data_file(settings, docs, old) == new
    assert boxes.calls == [] and old.exists()


def test_a_copy_that_fails_half_way_removes_the_copies(tmp_path, old, monkeypatch) -> None:
    new = location.default_data_file(tmp_path / "Documents")
    real = shutil.copytree

    def copytree(src, dst, *args, **kwargs):
        if Path(src).name == BACKUP_DIR_NAME:
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(location.shutil, "copytree", copytree)
    before = dump(old)
    with pytest.raises(OSError):
        location.move_data_file(old, new)
    assert dump(old) == before and (old.parent / FOLDER_NAME).is_dir()
    assert list(new.parent.iterdir()) == []


def test_a_file_open_elsewhere_is_not_moved(tmp_path, old, settings, boxes) -> None:
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path\n"
            "from gongtongti_desktop.core.datafile.lock import acquire\n"
            "acquire(Path(sys.argv[1]), '窗口'); print('held', flush=True); time.sleep(60)",
            str(old),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = dump(old)
        docs = tmp_path / "Documents"
        assert choose_default_data_file(settings, docs, old) == old
        [warning] = boxes.texts("warning")
        assert warning.startswith("数据文件没有移动") and "正由" in warning
        assert dump(old) == before
        assert not (docs / "共同体工作台" / "gongtongti.gtdb").exists()
    finally:
        holder.kill()
        holder.communicate()  # reaped, its pipe closed
