"""Where the director's data file lives when none is named: ``AppDataLocation/gongtongti.gtdb``.

Apart from ``ui.app`` because the command line needs the path before the window's libraries
are imported: its damage check starts while they load (``core.early_check``). QtCore only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths

ORGANIZATION = "gongtongti"
APPLICATION = "gongtongti-desktop"
DEFAULT_FILE_NAME = "gongtongti.gtdb"


def set_names() -> None:
    """The names Qt puts in the user's folders (data location, settings)."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)


def default_data_path() -> Path:
    """``AppDataLocation/gongtongti.gtdb`` (the folder is created when missing)."""
    set_names()
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DEFAULT_FILE_NAME
