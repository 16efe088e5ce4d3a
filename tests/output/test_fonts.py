"""Finding and registering the Chinese font."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output import fonts
from gongtongti_desktop.output.fonts import (
    CJKFont,
    find_cjk_font,
    is_truetype_outline,
    register_cjk_font,
)


@pytest.fixture
def system_font() -> CJKFont:
    """The font this machine would use (skips when it has none: see test_no_font_...)."""
    try:
        return find_cjk_font()
    except UserError:
        pytest.skip("no Chinese font installed")


@pytest.fixture
def no_system_fonts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Pretend this computer has no fonts but those put under the returned folder."""
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.delenv("WINDIR", raising=False)
    monkeypatch.delenv("SYSTEMROOT", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setattr(fonts.sys, "platform", "linux")
    monkeypatch.setattr(fonts, "MAC_FONTS", ())
    monkeypatch.setattr(fonts, "LINUX_DIRS", (str(tmp_path / "linux"),))
    monkeypatch.setattr(fonts, "_registered", {})
    return tmp_path


def _fake_font(path: Path, tag: bytes, tables: tuple[bytes, ...]) -> Path:
    """A minimal sfnt header with a table directory (enough for the outline check)."""
    head = tag + struct.pack(">HHHH", len(tables), 0, 0, 0)
    directory = b"".join(t + b"\0" * 12 for t in tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + directory)
    return path


def test_finds_a_truetype_cjk_font_here(system_font: CJKFont) -> None:
    assert system_font.path.is_file()
    assert is_truetype_outline(system_font.path, system_font.subfont_index)
    assert system_font.path.suffix.lower() in (".ttf", ".ttc")


def test_register_returns_a_reportlab_font_that_draws_chinese(system_font: CJKFont) -> None:
    name = register_cjk_font()
    assert name == register_cjk_font()  # registered once
    assert name in pdfmetrics.getRegisteredFontNames()
    face = pdfmetrics.getFont(name).face
    assert all(ord(ch) in face.charToGlyph for ch in "沂源县幼儿园结对名单责任人联系方式")


def test_environment_variable_picks_the_font_and_subfont(
    system_font: CJKFont, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fonts.ENV_VAR, f"{system_font.path}#0")
    assert find_cjk_font() == CJKFont(system_font.path, 0, system_font.name)
    if system_font.path.suffix.lower() == ".ttc":
        monkeypatch.setenv(fonts.ENV_VAR, f"{system_font.path}#1")
        chosen = find_cjk_font()
        assert chosen.subfont_index == 1
        assert chosen.name != system_font.name


def test_environment_variable_naming_a_missing_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(fonts.ENV_VAR, str(tmp_path / "nope.ttf"))
    with pytest.raises(UserError, match="GONGTONGTI_FONT") as info:
        find_cjk_font()
    assert "不存在" in info.value.message


def test_environment_variable_naming_a_cff_font_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    otf = _fake_font(tmp_path / "NotoSansCJKsc-Regular.otf", b"OTTO", (b"CFF ", b"cmap"))
    monkeypatch.setenv(fonts.ENV_VAR, str(otf))
    with pytest.raises(UserError, match="不能嵌入"):
        find_cjk_font()


def test_outline_check_reads_ttf_and_ttc_headers(tmp_path: Path) -> None:
    ttf = _fake_font(tmp_path / "a.ttf", b"\0\1\0\0", (b"cmap", b"glyf", b"head"))
    cff = _fake_font(tmp_path / "b.ttf", b"OTTO", (b"CFF ", b"cmap"))
    no_glyf = _fake_font(tmp_path / "c.ttf", b"\0\1\0\0", (b"cmap", b"head"))
    assert is_truetype_outline(ttf)
    assert not is_truetype_outline(cff)
    assert not is_truetype_outline(no_glyf)
    assert not is_truetype_outline(tmp_path / "missing.ttf")
    (tmp_path / "junk.ttf").write_bytes(b"\0\1")
    assert not is_truetype_outline(tmp_path / "junk.ttf")
    # A collection: subfont 0 CFF, subfont 1 TrueType.
    sub0 = cff.read_bytes()
    sub1 = ttf.read_bytes()
    header_len = 12 + 8
    ttc = (
        b"ttcf"
        + struct.pack(">HHI", 1, 0, 2)
        + struct.pack(">II", header_len, header_len + len(sub0))
        + sub0
        + sub1
    )
    (tmp_path / "d.ttc").write_bytes(ttc)
    # Table offsets inside a collection are from the start of the file; the check only reads
    # the directory right after each subfont's offset table.
    assert not is_truetype_outline(tmp_path / "d.ttc", 0)
    assert is_truetype_outline(tmp_path / "d.ttc", 1)
    assert not is_truetype_outline(tmp_path / "d.ttc", 2)


def test_no_font_at_all_says_what_was_looked_for_and_how_to_fix(
    no_system_fonts: Path,
) -> None:
    with pytest.raises(UserError) as info:
        find_cjk_font()
    message = info.value.message
    assert "没有找到可用的中文字体" in message
    for looked_for in ("simsun.ttc", "msyh.ttc", "Songti", "wqy-microhei.ttc", "Noto Sans CJK"):
        assert looked_for in message
    assert "文泉驿微米黑" in message
    assert "GONGTONGTI_FONT" in message
    with pytest.raises(UserError, match="没有找到可用的中文字体"):
        register_cjk_font()


def test_search_order_windows_before_linux(
    system_font: CJKFont, no_system_fonts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = system_font.path
    linux = no_system_fonts / "linux" / "deep" / "wqy-zenhei.ttc"
    linux.parent.mkdir(parents=True)
    linux.symlink_to(real)
    found = find_cjk_font()
    assert found.path == linux
    windows = no_system_fonts / "Windows" / "Fonts"
    windows.mkdir(parents=True)
    (windows / "msyh.ttc").symlink_to(real)
    monkeypatch.setenv("WINDIR", str(no_system_fonts / "Windows"))
    assert find_cjk_font().path == windows / "msyh.ttc"
    (windows / "simsun.ttc").symlink_to(real)
    assert find_cjk_font().path == windows / "simsun.ttc"


def test_linux_search_skips_cff_collections(no_system_fonts: Path) -> None:
    _fake_font(no_system_fonts / "linux" / "NotoSansCJK-Regular.ttc", b"OTTO", (b"CFF ",))
    with pytest.raises(UserError, match="没有找到"):
        find_cjk_font()
