"""Where the programme profiles (``forms/``) and ``resources/`` live, and which profiles exist.

In a wheel they are packed under ``gongtongti_desktop/_data/``; in a source checkout (and an
editable install) they sit at the top of the repository. Both are looked up here only.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    packed = _PACKAGE_DIR / "_data" / name
    if packed.is_dir():
        return packed
    return _PACKAGE_DIR.parent / name


def forms_dir() -> Path:
    """The folder holding one sub-folder per programme profile.

    ``GONGTONGTI_FORMS`` overrides it (used by tests and by counties trying a new profile).
    """
    override = os.environ.get("GONGTONGTI_FORMS")
    return Path(override) if override else _data_dir("forms")


def resources_dir() -> Path:
    return _data_dir("resources")


DEFAULT_PROGRAMME = "yiyuan-2022"


def available_programmes(root: Path | None = None) -> list[str]:
    """The ids of the profiles in ``forms/`` (a folder each, with its programme.toml)."""
    root = root or forms_dir()
    return sorted(p.name for p in root.iterdir() if (p / "programme.toml").is_file())
