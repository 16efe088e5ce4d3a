"""First-run setup: a blank or a demo data file, the name required (core's rule)."""

from __future__ import annotations

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import available_programmes, get_programme
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.ui.shell.first_run import FirstRunDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def first_run(qtbot, tmp_path):
    dialog = FirstRunDialog(tmp_path / "new.gtdb")
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    if dialog.store is not None:
        dialog.store.close()


def test_offers_every_programme_with_yiyuan_first_choice(first_run) -> None:
    combo = first_run.programme_combo
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names == [get_programme(p).name for p in available_programmes()]
    assert "高台县 2020 结对帮扶" in names
    assert combo.currentText() == "沂源县 2022 城乡教育共同体"
    assert first_run.blank_radio.isChecked()


def test_creates_a_blank_file(first_run, tmp_path) -> None:
    first_run.name_edit.setText("  东岭镇中心幼儿园 ")
    first_run.programme_combo.setCurrentIndex(first_run.programme_combo.findData("gaotai-2020"))
    first_run.accept()
    assert not first_run.isVisible()
    store = first_run.store
    assert store is not None and first_run.programme is not None
    assert store.kindergarten_name == "东岭镇中心幼儿园"
    assert store.programme_id == "gaotai-2020" and first_run.programme.id == "gaotai-2020"
    assert store.setting("demo") == ""
    assert (tmp_path / "new.gtdb").exists()


def test_name_is_required(first_run, tmp_path) -> None:
    first_run.name_edit.setText("   ")
    first_run.accept()
    assert first_run.isVisible()
    assert first_run.name_error.isVisible()
    assert first_run.name_error.text() == "幼儿园名称不能为空"
    assert not (tmp_path / "new.gtdb").exists()


def test_creates_a_demo_file(first_run, tmp_path) -> None:
    first_run.demo_radio.setChecked(True)
    assert not first_run.name_edit.isEnabled()
    first_run.accept()
    store = first_run.store
    assert store is not None and store.setting("demo") == "1"
    assert roster.list_pairings(store)


def test_an_existing_file_is_never_overwritten(qtbot, tmp_path, boxes) -> None:
    path = tmp_path / "taken.gtdb"
    Store.create(path, kindergarten="原来的园", programme_id="yiyuan-2022").close()
    before = path.read_bytes()
    dialog = FirstRunDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("新园")
    dialog.accept()
    assert dialog.isVisible() and dialog.store is None
    assert "已存在" in boxes.texts("warning")[0]
    assert path.read_bytes() == before
