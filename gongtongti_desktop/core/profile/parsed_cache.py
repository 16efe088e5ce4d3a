"""Profile files as parsed last time, kept between runs and looked up by their content.

Why: the window reads its programme's profile (about ten TOML files) at every start, and
Python's TOML parser is pure Python: importing and running it is ~10 ms of the way to the
first screen. What a file parses to depends on its bytes alone, so the cache is keyed by the
bytes just read — their length and two checksums (CRC-32 and Adler-32) — and an edited profile,
however quickly and whatever its modification time says, is a different key and is parsed
again. Only parsing is skipped: every loader still checks every key and value it gets.

The cache is a convenience, never required: a missing, unreadable, damaged or foreign cache
file is ignored (and replaced). It is written with ``marshal`` (built in and fast; pickle and
hashlib would each cost as much to import as they save) and holds only TOML's own kinds of
value: dates and times are kept as tagged ISO text and anything else is refused on reading.
``GONGTONGTI_CACHE`` names another folder (tests).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import Any

VERSION = 1
MAX_ENTRIES = 256  # older entries (earlier versions of files) are dropped beyond this
_TAGS: dict[str, Any] = {
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    "datetime": dt.datetime.fromisoformat,
}
_PLAIN = (str, bool, int, float)

_entries: dict[tuple[int, int, int], bytes] | None = None  # key → marshalled parse
_changed = False


def _encode(value: Any) -> Any:
    """``value`` with dates and times as ("datetime" / "date" / "time", ISO text) tuples —
    TOML itself never makes a tuple."""
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    for tag in ("datetime", "date", "time"):  # datetime first: it is also a date
        if isinstance(value, getattr(dt, tag)):
            return (tag, value.isoformat())
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items() if isinstance(k, str)}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, tuple) and len(value) == 2 and value[0] in _TAGS:
        return _TAGS[value[0]](value[1])
    if isinstance(value, _PLAIN):
        return value
    raise ValueError(f"not a TOML value: {type(value).__name__}")


def cache_file() -> Path:
    """Where the cache lives: the user's cache folder (not the program's, which may be
    read-only), one file per Python version (marshal's format may change between them)."""
    override = os.environ.get("GONGTONGTI_CACHE")
    if override:
        folder = Path(override)
    elif sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        folder = Path(local) / "gongtongti-desktop" / "cache"
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = folder / "gongtongti-desktop"
    version = f"{sys.version_info[0]}{sys.version_info[1]}"
    return folder / f"profiles-v{VERSION}-py{version}.marshal"


def _load() -> dict[tuple[int, int, int], bytes]:
    global _entries
    if _entries is None:
        _entries = {}
        try:
            found = marshal.loads(cache_file().read_bytes())
        except Exception:  # any unusable cache is ignored and replaced
            return _entries
        if isinstance(found, dict):
            _entries = {
                k: v
                for k, v in found.items()
                if isinstance(k, tuple) and len(k) == 3 and isinstance(v, bytes)
            }
    return _entries


def _key(raw: bytes) -> tuple[int, int, int]:
    return len(raw), zlib.crc32(raw), zlib.adler32(raw)


def parse(raw: bytes, parse_toml: Any) -> dict[str, Any]:
    """What ``parse_toml(raw)`` returns, from the cache when these bytes were parsed before.
    Each call gets its own copy (the loaders may change what they are given)."""
    global _changed
    entries = _load()
    key = _key(raw)
    blob = entries.get(key)
    if blob is not None:
        try:
            data = _decode(marshal.loads(blob))
        except Exception:  # parsed again below
            data = None
        if isinstance(data, dict):
            return data
    data = parse_toml(raw)
    entries.pop(key, None)
    entries[key] = marshal.dumps(_encode(data))  # newest last
    _changed = True
    return data


def save() -> None:
    """Write the cache when this run parsed something new; silently not at all when the folder
    cannot be written. Written whole to a temporary file and moved into place, so a reader
    never sees half a file."""
    global _changed
    if not _changed or _entries is None:
        return
    _changed = False
    path = cache_file()
    kept = dict(list(_entries.items())[-MAX_ENTRIES:])
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(marshal.dumps(kept))
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
