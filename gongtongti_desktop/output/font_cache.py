"""A per-user cache of what reportlab reads out of the Chinese font, so ``print`` does not
parse 35 000 characters' metrics on every run.

reportlab's ``TTFont`` walks the whole ``cmap`` and ``hmtx`` of a CJK font each time it is
made (~70–100 ms for 文泉驿微米黑, the largest single cost of ``gongtongti print``). What it
extracts depends only on the font file and reportlab, so it is stored once per user (see
``core.paths.user_cache_dir``) and read back as a few packed arrays. The font file itself is
still read on every run — the PDF embeds a subset of its glyphs — and the cache is used only
while it still describes that file: same path, size, modification time, subfont and table
directory (every table's checksum, offset and length), same reportlab and cache format.
Anything else (no cache folder, no write access, a damaged or stale cache file) falls back to
reportlab's own parsing; the cache is then rewritten if it can be, never required.

The large tables are rebuilt lazily: character widths and the character→glyph map when the
first text is measured, glyph positions and metrics only for the glyphs a PDF embeds, the
glyph→characters map only when text shaping asks for it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import zlib
from array import array
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from reportlab import Version as REPORTLAB_VERSION
from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from gongtongti_desktop.core.paths import user_cache_dir, write_cache_file

CACHE_FORMAT = 2
# What extractInfo computes that is not kept: a closure rebuilt from unitsPerEm, a read pointer.
_REBUILT = ("_pdfScale", "_pos")
_MAPS = ("charToGlyph", "charWidths")  # int -> number
_LARGE = (*_MAPS, "glyphToChar", "hmetrics", "glyphPos")

# A stored table: ("h" / "i" / "q", packed ints), ("d", packed doubles), ("m", a marshalled
# list) or ("dict", a marshalled character map).
Column = tuple[str, bytes]


def _column(values: Sequence[Any]) -> Column:
    """Numbers packed as the smallest array that gives them back exactly (same values, same
    types: marshal format 2 tells an int from a float), else marshalled as a list (a few
    metrics mix ints and floats)."""
    values = list(values)
    exact = marshal.dumps(values, 2)
    for code in ("h", "i", "q", "d"):
        try:
            packed = array(code, values)
        except (TypeError, OverflowError):
            continue
        if marshal.dumps(packed.tolist(), 2) == exact:
            return code, packed.tobytes()
    return "m", marshal.dumps(values)


def _values(column: Column) -> Sequence[Any]:
    kind, data = column
    if kind == "m":
        values = marshal.loads(data)
        if not isinstance(values, list):
            raise ValueError("bad column")
        return values
    values = array(kind)
    values.frombytes(data)
    return values


def _as_list(values: Sequence[Any]) -> list[Any]:
    return values.tolist() if isinstance(values, array) else list(values)


class _Pairs(Sequence[tuple[Any, Any]]):
    """``hmetrics`` as reportlab indexes it — ``(advance, left side bearing)`` by glyph —
    without building 50 000 tuples when a PDF embeds a few hundred glyphs."""

    def __init__(self, first: Sequence[Any], second: Sequence[Any]) -> None:
        self._first, self._second = first, second

    def __len__(self) -> int:
        return len(self._first)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return list(zip(self._first[index], self._second[index], strict=True))
        return self._first[index], self._second[index]

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return zip(self._first, self._second, strict=True)


def _directory(face: TTFontFace, size: int, mtime_ns: int, index: int) -> tuple[Any, ...]:
    """What the cached figures were read from; compared in full before they are used."""
    tables = tuple(
        (t["tag"], t["checksum"], t["offset"], t["length"]) for t in getattr(face, "tables", ())
    )
    return (
        CACHE_FORMAT,
        REPORTLAB_VERSION,
        sys.version_info[:2],
        str(face.filename),
        size,
        mtime_ns,
        index,
        tuple(getattr(face, "subfontOffsets", ())),
        tables,
    )


def cache_file(font_path: Path, index: int) -> Path | None:
    """Where the figures of this font (and subfont) are kept, or None without a cache folder."""
    folder = user_cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(f"{os.path.abspath(font_path)}\0{index}".encode()).hexdigest()[:20]
    return folder / "fonts" / f"font-{key}.bin"


class CachedFace(TTFontFace):
    """reportlab's font face, its ``extractInfo`` answered from the cache when it can be."""

    def __init__(self, filename: str, subfont_index: int, cache: Path | None) -> None:
        self._cache = cache
        self._subfont = subfont_index
        self._columns: dict[str, Column] = {}
        super().__init__(filename, validate=0, subfontIndex=subfont_index)

    def extractInfo(self, charInfo: int = 1) -> None:
        try:
            stat = os.stat(self.filename)
        except OSError:
            stat = None
        key = None
        if stat is not None and stat.st_size == len(self._ttf_data):
            key = _directory(self, stat.st_size, stat.st_mtime_ns, self._subfont)
        if key is not None and charInfo and self._cache is not None and self._load(key):
            return
        before = dict(self.__dict__)
        super().extractInfo(charInfo)
        if key is not None and charInfo and self._cache is not None:
            found = {
                k: v for k, v in self.__dict__.items() if k not in before or before[k] is not v
            }
            self._save(key, found)

    # The large tables, made from the cache's columns when first used (a fresh parse sets
    # them as plain attributes, which take precedence over these).
    @cached_property
    def charToGlyph(self) -> dict[int, int]:
        return self._map("charToGlyph")

    @cached_property
    def charWidths(self) -> dict[int, Any]:
        return self._map("charWidths")

    @cached_property
    def glyphPos(self) -> Sequence[int]:
        return _values(self._columns["glyphPos"])

    @cached_property
    def hmetrics(self) -> Sequence[tuple[Any, Any]]:
        return _Pairs(_values(self._columns["hmetrics.0"]), _values(self._columns["hmetrics.1"]))

    @cached_property
    def glyphToChar(self) -> dict[int, list[int]]:
        glyphs = _values(self._columns["glyphToChar.glyphs"])
        counts = _values(self._columns["glyphToChar.counts"])
        chars = _as_list(_values(self._columns["glyphToChar.chars"]))
        out: dict[int, list[int]] = {}
        at = 0
        for glyph, count in zip(glyphs, counts, strict=True):
            out[glyph] = chars[at : at + count]
            at += count
        return out

    def _map(self, name: str) -> dict[int, Any]:
        """A character map, marshalled whole: marshal rebuilds a dict of numbers faster
        (~3 ms for 35 000 characters) than zipping two arrays."""
        kind, data = self._columns[name]
        mapping = marshal.loads(data) if kind == "dict" else None
        if not isinstance(mapping, dict):
            raise ValueError("bad map")
        return mapping

    def _load(self, key: tuple[Any, ...]) -> bool:
        try:
            stored = _unpack(self._cache.read_bytes(), key)  # type: ignore[union-attr]
            if stored is None:
                return False
            scalars, names, columns = stored["scalars"], stored["names"], stored["columns"]
            if not all(
                isinstance(columns.get(c), tuple) and len(columns[c]) == 2 for c in _columns_of()
            ):
                return False
        except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError):
            return False
        self.__dict__.update(scalars)
        for attr, raw in names.items():
            setattr(self, attr, TTFNameBytes(raw))
        self._columns = columns
        self._rebuild_scale()
        return True

    def _rebuild_scale(self) -> None:
        units = self.unitsPerEm
        if units == 1000:
            self._pdfScale = lambda x: x
        else:
            factor = 1000 / units
            self._pdfScale = lambda x: x * factor

    def _save(self, key: tuple[Any, ...], found: dict[str, Any]) -> None:
        """Store the parse, if every figure survives the round trip exactly; else keep none."""
        if any(found.get(name) is None for name in _LARGE):
            return
        scalars, names = {}, {}
        for attr, value in found.items():
            if attr in _REBUILT or attr in _LARGE:
                continue
            if isinstance(value, TTFNameBytes):
                names[attr] = bytes(value)
            else:
                scalars[attr] = value
        g2c = found["glyphToChar"]
        columns = {
            "glyphPos": _column(found["glyphPos"]),
            "hmetrics.0": _column([m[0] for m in found["hmetrics"]]),
            "hmetrics.1": _column([m[1] for m in found["hmetrics"]]),
            "glyphToChar.glyphs": _column(list(g2c)),
            "glyphToChar.counts": _column([len(v) for v in g2c.values()]),
            "glyphToChar.chars": _column([c for v in g2c.values() for c in v]),
        }
        for name in _MAPS:
            columns[name] = ("dict", marshal.dumps(found[name]))
        try:
            body = marshal.dumps({"scalars": scalars, "names": names, "columns": columns})
        except ValueError:  # a figure of a type marshal does not know: no cache
            return
        if not _round_trips(body, found):
            return
        blob = marshal.dumps((key, zlib.adler32(body), body))
        write_cache_file(self._cache, blob)  # type: ignore[arg-type]


def _unpack(data: bytes, key: tuple[Any, ...]) -> dict[str, Any] | None:
    """The stored figures, or None when they were stored for another file or are damaged
    (the Adler-32 checksum covers every byte of them)."""
    outer = marshal.loads(data)
    if not isinstance(outer, tuple) or len(outer) != 3 or outer[0] != key:
        return None
    _key, checksum, body = outer
    if not isinstance(body, bytes) or zlib.adler32(body) != checksum:
        return None
    stored = marshal.loads(body)
    return stored if isinstance(stored, dict) else None


def _columns_of() -> tuple[str, ...]:
    return (
        "glyphPos",
        "hmetrics.0",
        "hmetrics.1",
        "glyphToChar.glyphs",
        "glyphToChar.counts",
        "glyphToChar.chars",
        *_MAPS,
    )


def _round_trips(body: bytes, found: dict[str, Any]) -> bool:
    """The stored figures read back equal, and of the same types, as reportlab's own.

    Compared as marshal format 2 (no back-references), whose bytes are the same exactly when
    the values, their order and their types (an int is not a float) are."""
    stored = marshal.loads(body)
    probe = CachedFace.__new__(CachedFace)
    probe._columns = stored["columns"]
    for attr, value in stored["scalars"].items():
        if not _same(value, found[attr]):  # e.g. the bounding box's floats stay floats
            return False
    for attr, raw in stored["names"].items():
        if TTFNameBytes(raw).ustr != found[attr].ustr or TTFNameBytes(raw) != found[attr]:
            return False
    rebuilt = {
        **{name: probe._map(name) for name in _MAPS},
        "hmetrics": list(probe.hmetrics),
        "glyphPos": _as_list(probe.glyphPos),
        "glyphToChar": probe.glyphToChar,
    }
    return all(_same(rebuilt[name], found[name]) for name in _LARGE)


def _same(a: Any, b: Any) -> bool:
    return marshal.dumps(a, 2) == marshal.dumps(b, 2)


class CachedTTFont(TTFont):
    """``TTFont`` with a ``CachedFace``; the rest exactly as ``TTFont.__init__`` sets it up
    (tests/output/test_font_cache.py checks the attributes against reportlab's)."""

    def __init__(self, name: str, filename: str, subfont_index: int = 0) -> None:
        from fnmatch import fnmatch
        from weakref import WeakKeyDictionary

        self.fontName = name
        self.face = CachedFace(filename, subfont_index, cache_file(Path(filename), subfont_index))
        self.encoding = TTEncoding()
        self.state = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)
