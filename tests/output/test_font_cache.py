"""The print font's metrics cache: the same figures and glyph subsets as reportlab's own parse,
and never used once it no longer describes the font file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from gongtongti_desktop.core.paths import user_cache_dir
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output import font_cache
from gongtongti_desktop.output.font_cache import CachedFace, CachedTTFont, cache_file
from gongtongti_desktop.output.fonts import CJKFont, find_cjk_font

TEXT = "沂源县幼儿园城乡教育共同体结对名单（东校区）①：2024年9月 ABC abc 123 䶮𠀾"


@pytest.fixture
def font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CJKFont:
    """A copy of this machine's Chinese font (so the tests may change it), its own cache."""
    try:
        system = find_cjk_font()
    except UserError:
        pytest.skip("no Chinese font installed")
    monkeypatch.setenv("GONGTONGTI_CACHE", str(tmp_path / "cache"))
    copy = tmp_path / system.path.name
    shutil.copyfile(system.path, copy)
    return CJKFont(copy, system.subfont_index, system.name)


def _face(font: CJKFont) -> CachedFace:
    path = str(font.path)
    return CachedFace(path, font.subfont_index, cache_file(font.path, font.subfont_index))


def _from_cache(face: CachedFace) -> bool:
    """Whether the large tables come from the cache (not set by reportlab's parse)."""
    return "charWidths" not in face.__dict__ and bool(face._columns)


def _same_as_reportlab(face: TTFontFace, font: CJKFont) -> None:
    plain = TTFontFace(str(font.path), subfontIndex=font.subfont_index)
    for attr in ("name", "familyName", "styleName", "fullName", "uniqueFontID"):
        assert getattr(face, attr) == getattr(plain, attr)
        assert getattr(face, attr).ustr == getattr(plain, attr).ustr
    for attr in ("ascent", "descent", "capHeight", "bbox", "flags", "stemV", "italicAngle"):
        assert getattr(face, attr) == getattr(plain, attr), attr
    assert (face.unitsPerEm, face.numGlyphs, face.defaultWidth) == (
        plain.unitsPerEm,
        plain.numGlyphs,
        plain.defaultWidth,
    )
    assert face._pdfScale(1234) == plain._pdfScale(1234)
    assert face.charWidths == plain.charWidths
    assert face.charToGlyph == plain.charToGlyph
    assert face.glyphToChar == plain.glyphToChar
    assert list(face.hmetrics) == plain.hmetrics
    assert list(face.glyphPos) == plain.glyphPos
    subset = [0, *sorted({ord(c) for c in TEXT})][:200]
    assert face.makeSubset(subset) == plain.makeSubset(subset)


def test_first_run_parses_and_stores_next_run_reads_the_same_figures(font: CJKFont) -> None:
    first = _face(font)
    assert not _from_cache(first)
    assert cache_file(font.path, font.subfont_index).is_file()
    second = _face(font)
    assert _from_cache(second)
    _same_as_reportlab(first, font)
    _same_as_reportlab(second, font)


def test_cached_font_measures_text_as_reportlabs(font: CJKFont) -> None:
    _face(font)  # fill the cache
    cached = CachedTTFont("GTCacheTest", str(font.path), font.subfont_index)
    assert _from_cache(cached.face)
    plain = TTFont("GTPlainTest", str(font.path), subfontIndex=font.subfont_index)
    assert cached.stringWidth(TEXT, 10.5) == plain.stringWidth(TEXT, 10.5)
    assert set(vars(cached)) == set(vars(plain))
    assert (cached._asciiReadable, cached.shapable) == (plain._asciiReadable, plain.shapable)


def test_a_changed_font_file_is_parsed_again(font: CJKFont) -> None:
    _face(font)
    stored = cache_file(font.path, font.subfont_index)
    before = stored.read_bytes()
    stat = font.path.stat()
    os.utime(font.path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = _face(font)
    assert not _from_cache(again)  # same bytes, other modification time: not trusted
    assert stored.read_bytes() != before  # rewritten for the file as it is now
    assert _from_cache(_face(font))


def test_a_cache_for_other_tables_is_not_used(font: CJKFont) -> None:
    """Same path, size and time but another table directory (a font replaced in place)."""
    _face(font)
    stored = cache_file(font.path, font.subfont_index)
    face = CachedFace.__new__(CachedFace)
    face.__dict__.update(_face(font).__dict__)
    face.tables = [dict(t, checksum=t["checksum"] ^ 1) for t in face.tables]
    stat = font.path.stat()
    key = font_cache._directory(face, stat.st_size, stat.st_mtime_ns, font.subfont_index)
    assert not face._load(key)
    assert stored.is_file()


@pytest.mark.parametrize("damage", ["empty", "garbage", "half", "one byte"])
def test_a_damaged_cache_falls_back_to_parsing(font: CJKFont, damage: str) -> None:
    _face(font)
    stored = cache_file(font.path, font.subfont_index)
    data = bytearray(stored.read_bytes())
    if damage == "one byte":  # still reads as a whole marshal, so only the checksum sees it
        data[-100] ^= 0x01
    changed = {"empty": b"", "garbage": b"\x00garbage", "half": data[: len(data) // 2]}
    stored.write_bytes(bytes(changed.get(damage, data)))
    face = _face(font)
    assert not _from_cache(face)
    _same_as_reportlab(face, font)


def test_no_writable_cache_folder_only_costs_time(font: CJKFont, tmp_path: Path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GONGTONGTI_CACHE", str(blocker / "cache"))
    face = _face(font)
    assert not _from_cache(face)
    assert face.charWidths
    assert list(blocker.parent.glob("**/font-*.bin")) == []
    monkeypatch.setenv("GONGTONGTI_CACHE", "")  # caching turned off
    assert user_cache_dir() is None and cache_file(font.path, 0) is None
    assert not _from_cache(_face(font))


def test_default_cache_folder_per_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("GONGTONGTI_CACHE", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert user_cache_dir() == tmp_path / ".cache" / "gongtongti"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "gongtongti"
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert user_cache_dir() == tmp_path / "local" / "gongtongti" / "cache"
