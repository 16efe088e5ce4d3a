"""One demo data file exported once per test module (rendering the PDFs is the slow part);
tests that change anything work on copies."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.exchange.package.write import ExportResult, write_package


@dataclass(frozen=True)
class Exported:
    folder: Path
    demo: Path  # the demo data file, its records marked reported by the export
    package: Path  # its school year's package, with photos
    period: Period
    result: ExportResult

    def copy_demo(self, dest: Path) -> Path:
        """The exported demo file and its attachments folder, copied into ``dest``."""
        shutil.copy(self.demo, dest / self.demo.name)
        shutil.copytree(self.folder / "attachments", dest / "attachments")
        return dest / self.demo.name


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    folder = tmp_path_factory.mktemp("exported")
    demo = folder / "demo.gtdb"
    create_demo(demo).close()
    programme = get_programme("yiyuan-2022")
    with Store.open(demo) as store:
        year = periods.period_containing(programme.calendar, "school_year", store.today())
        result = write_package(store, programme, year, folder / "year.gtt", photos=True)
    return Exported(folder, demo, folder / "year.gtt", year, result)


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    """A new data file with nothing in it (it adopts an imported package's kindergarten)."""
    store = Store.create(tmp_path / "empty.gtdb", kindergarten="", programme_id="yiyuan-2022")
    yield store
    store.close()
