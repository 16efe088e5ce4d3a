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


def user_cache_dir() -> Path | None:
    """This user's cache folder for figures worth keeping between runs (the print font's
    metrics); nothing in it is needed, so a missing or read-only folder only costs time.

    ``GONGTONGTI_CACHE`` overrides it (tests point it into their temporary folder); set to
    an empty value it turns caching off. Otherwise the platform's usual place: Windows'
    ``%LOCALAPPDATA%``, macOS ``~/Library/Caches``, else ``$XDG_CACHE_HOME`` or ``~/.cache``.
    """
    import sys

    if "GONGTONGTI_CACHE" in os.environ:
        override = os.environ["GONGTONGTI_CACHE"].strip()
        return Path(override) if override else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "gongtongti" / "cache" if base else None
    try:
        home = Path.home()
    except RuntimeError:  # no home folder known: no cache
        return None
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "gongtongti"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache") / "gongtongti"


def write_cache_file(path: Path, blob: bytes) -> None:
    """Write a file of ``user_cache_dir`` whole or not at all (beside itself, then renamed); a
    read-only or missing folder is no error: a cache only saves time."""
    import contextlib
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
