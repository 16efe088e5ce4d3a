"""A double-clicked .gtt: the window opens on the usual data file and shows that package's
import preview (``gongtongti FILE.gtt`` → ``run_gui(None, package)``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.exchange.package.write import write_package
from gongtongti_desktop.ui.packages.import_dialog import PackageImportDialog
from gongtongti_desktop.ui.shell import app


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("package")
    programme = get_programme("yiyuan-2022")
    with create_demo(folder / "demo.gtdb") as store:
        year = periods.period_containing(programme.calendar, "school_year", store.today())
        write_package(store, programme, year, folder / "甲园.gtt")
    return folder / "甲园.gtt"


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    path = tmp_path / "本园.gtdb"
    Store.create(path, kindergarten="本园", programme_id="yiyuan-2022").close()
    return path


def test_the_window_opens_with_the_packages_preview(qtbot, empty, package, boxes) -> None:
    window = app.start_window(empty, package)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.findChild(PackageImportDialog) is not None, timeout=5000)
    preview = window.findChild(PackageImportDialog)
    assert window.store is not None and window.store.path == empty
    assert preview.isVisible() and not preview.plan.is_empty
    assert preview.outcome_text() == "\n".join(preview.plan.outcome_lines())

    qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    assert preview.outcome is not None and preview.outcome.applied
    assert boxes.texts("information")[-1].startswith(f"已导入 {package.name}")
    assert window.overview.counts()["pairing"] > 0


def test_a_refused_package_leaves_the_window_on_its_data_file(
    qtbot, empty, tmp_path, boxes
) -> None:
    bad = tmp_path / "坏的.gtt"
    bad.write_bytes(b"not a zip")
    window = app.start_window(empty, bad)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(boxes.calls), timeout=5000)
    assert window.store is not None and window.store.path == empty
    assert window.findChild(PackageImportDialog) is None
    [(kind, text)] = boxes.calls
    assert kind in ("warning", "critical") and "Traceback" not in text
