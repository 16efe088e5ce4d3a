"""The profiles' parsed TOML kept per user, so a command does not parse ten files (and import
the TOML parser) on every run.

Each entry is keyed on the SHA-256 of the file's bytes, so an edited profile is simply a new
entry: a cached result can never belong to other text. Values are stored with marshal
(format 2: the same types back, an int stays an int; TOML dates and times as tagged ISO text),
only when they read back exactly as parsed. The store is one file in
``core.paths.user_cache_dir``; a missing, damaged, read-only or absent cache folder only
costs the parse. About 5–7 ms of CPU per command (~3 % of ``gongtongti print``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.paths import user_cache_dir, write_cache_file

# CPython's own SHA-256, the same digest: hashlib would load OpenSSL, ~5 ms of every start-up
# before 概览 shows. Python 3.12 renamed the module _sha2 (the Windows build's 3.13 has that).
try:
    from _sha256 import sha256
except ImportError:
    try:
        from _sha2 import sha256  # type: ignore[import-not-found, no-redef]
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

FORMAT = 2
MAX_ENTRIES = 256  # a few profiles' files and their recent edits
_lock = threading.Lock()
_loaded: tuple[Path, dict[str, bytes]] | None = None  # the store read: its path, its entries


def cache_path() -> Path | None:
    folder = user_cache_dir()
    return None if folder is None else folder / "profiles.bin"


def parsed(raw: bytes, parse: Callable[[bytes], dict[str, Any]]) -> dict[str, Any]:
    """``parse(raw)``, or the same table read back from the cache (a fresh copy each call)."""
    path = cache_path()
    if path is None:
        return parse(raw)
    digest = sha256(raw).hexdigest()
    with _lock:
        blob = _load(path).get(digest)
    if blob is not None:
        with contextlib.suppress(ValueError, EOFError, TypeError, KeyError):
            tagged, stored = marshal.loads(blob)
            value = _decode(stored) if tagged else stored
            if isinstance(value, dict):
                return value
    value = parse(raw)  # raises ProfileError on a bad file: nothing is stored
    encoded, tagged = _encode(value)
    try:
        blob = marshal.dumps((tagged, encoded), 2)
    except ValueError:  # a value of a kind TOML does not make: not kept
        return value
    again = marshal.loads(blob)[1]
    decoded = _decode(again) if tagged else again
    if decoded != value or marshal.dumps(_encode(decoded)[0], 2) != marshal.dumps(encoded, 2):
        return value  # not exactly the same back (types included): not kept
    with _lock:
        entries = _load(path)
        entries.pop(digest, None)
        entries[digest] = blob
        while len(entries) > MAX_ENTRIES:
            del entries[next(iter(entries))]
        _store(path, entries)
    return value


_TIMES: dict[str, Any] = {
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
}


def _encode(value: Any) -> tuple[Any, bool]:
    """``value`` with its dates and times as ("date", iso) tuples (TOML makes no tuples),
    and whether it had any."""
    if isinstance(value, dict):
        items = [(k, _encode(v)) for k, v in value.items()]
        return {k: e for k, (e, _t) in items}, any(t for _k, (_e, t) in items)
    if isinstance(value, list):
        parts = [_encode(v) for v in value]
        return [e for e, _t in parts], any(t for _e, t in parts)
    for kind, cls in (("datetime", dt.datetime), ("date", dt.date), ("time", dt.time)):
        if isinstance(value, cls):
            return (kind, value.isoformat()), True
    return value, False


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, tuple):
        kind, text = value
        return _TIMES[kind](text)
    return value


def _load(path: Path) -> dict[str, bytes]:
    """The store's entries (content digest -> marshalled table), read once per process and
    store; {} when there is none or it is damaged."""
    global _loaded
    if _loaded is None or _loaded[0] != path:
        entries: dict[str, bytes] = {}
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            outer = marshal.loads(path.read_bytes())
            if isinstance(outer, tuple) and len(outer) == 3 and outer[0] == FORMAT:
                _format, checksum, body = outer
                if isinstance(body, bytes) and zlib.adler32(body) == checksum:
                    stored = marshal.loads(body)
                    if isinstance(stored, dict):
                        entries = {
                            k: v
                            for k, v in stored.items()
                            if isinstance(k, str) and isinstance(v, bytes)
                        }
        _loaded = (path, entries)
    return _loaded[1]


def _store(path: Path, entries: dict[str, bytes]) -> None:
    """Write the whole store beside itself and rename it into place; failures are ignored."""
    body = marshal.dumps(entries, 2)
    write_cache_file(path, marshal.dumps((FORMAT, zlib.adler32(body), body), 2))


def forget() -> None:
    """Drop what this process read of the store (tests that damage it)."""
    global _loaded
    with _lock:
        _loaded = None
