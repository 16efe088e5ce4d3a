"""Every character printed: glyphs the main Chinese font lacks come from a fallback font.

Names with rare characters (生僻字: 王𠀀, 李䶮, 欧阳㛃, 赵鿏) are in CJK Extension A/B or the newest
URO block, which the everyday fonts (宋体, 微软雅黑, 文泉驿微米黑) do not cover; reportlab would
silently draw nothing. So text is cut into runs, each set in the first font that has its
glyphs: the main font, else a fallback found on this computer (Windows: SimSun-ExtB,
MingLiU-ExtB, 微软雅黑…; macOS: 宋体, Arial Unicode; Linux: fontconfig asked for the character,
then the usual HanaMin / Noto / 文泉驿正黑 files). Fallbacks are looked for only when a character
is missing, so a form without rare characters costs nothing extra.

The copied text keeps the characters: reportlab's ToUnicode map writes codes above U+FFFF as
bare hex, which PDF readers reject, so it is replaced by one that writes UTF-16 (surrogate
pairs). Characters no installed font has are listed by ``unprintable`` so the caller can say
which and where instead of printing a gap without a word.
"""

from __future__ import annotations

import os
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError
from reportlab.pdfgen.canvas import Canvas

from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.output.font_cache import CachedTTFont
from gongtongti_desktop.output.fonts import (
    LINUX_DIRS,
    MAC_FONTS,
    _find_in_tree,
    _windows_dirs,
    is_truetype_outline,
)
from gongtongti_desktop.output.layout import (
    PairRow,
    build_grid,
    clean_text,
    header_items,
    notes_lines,
    record_blocks,
)

ENV_VAR = "GONGTONGTI_FALLBACK_FONTS"  # extra fallback font files, separated by os.pathsep

# Windows: the Ext-B fonts that ship with every Chinese Windows, then the big CJK fonts.
WINDOWS_FALLBACKS = (
    "simsunb.ttf",
    "mingliub.ttc",
    "msyh.ttc",
    "msjh.ttc",
    "simsun.ttc",
    "simhei.ttf",
    "mingliu.ttc",
    "yugothm.ttc",
    "malgun.ttf",
)
MAC_FALLBACKS = (*MAC_FONTS, "/Library/Fonts/Arial Unicode.ttf")
LINUX_FALLBACKS = (
    "HanaMinA.ttf",
    "HanaMinB.ttf",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
    "NotoSansCJK-Regular.ttc",
    "NotoSerifCJK-Regular.ttc",
    "ukai.ttc",
    "uming.ttc",
)
FC_TIMEOUT = 5.0


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, but with UTF-16 targets (surrogate pairs above U+FFFF)."""

    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # used by every TrueType subset reportlab writes


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities, for paragraph markup (not xml.sax.saxutils: it
    imports urllib.request and http.client, a fifth of a print command's own start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fontconfig(ch: str) -> list[tuple[Path, int]]:
    """The font files fontconfig says have ``ch`` ([] without fontconfig)."""
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        out = subprocess.run(
            [fc_list, "--format", "%{file}\t%{index}\n", f":charset={ord(ch):x}"],
            capture_output=True,
            text=True,
            timeout=FC_TIMEOUT,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in out.splitlines():
        path, _, index = line.partition("\t")
        if path:
            found.append((Path(path), int(index) if index.strip().isdigit() else 0))
    # Known good fallbacks first, then the rest in a fixed order (same output on every run).
    rank = {name.lower(): n for n, name in enumerate(LINUX_FALLBACKS)}
    return sorted(found, key=lambda f: (rank.get(f[0].name.lower(), len(rank)), str(f[0]), f[1]))


def _static_candidates() -> Iterator[tuple[Path, int]]:
    env = os.environ.get(ENV_VAR, "")
    for text in env.split(os.pathsep):
        if text.strip():
            yield Path(text.strip()).expanduser(), 0
    for folder in _windows_dirs():
        for name in WINDOWS_FALLBACKS:
            path = folder / name
            if path.is_file():
                yield path, 0
    for text in MAC_FALLBACKS:
        yield Path(text), 0
    found = _find_in_tree([Path(d).expanduser() for d in LINUX_DIRS], LINUX_FALLBACKS)
    for name in LINUX_FALLBACKS:
        if name in found:
            yield found[name], 0


def _font_name(path: Path, index: int) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in path.stem)
    return f"GTT-fallback-{stem}-{index}"


class FontSet:
    """The main font and the fallbacks registered so far; finds a font for each character."""

    def __init__(self, main: str) -> None:
        self.main = main
        self._main_cmap = _cmap(main)
        self._lock = threading.Lock()
        self._fallbacks: list[tuple[str, dict[int, int]]] = []
        self._tried: set[Path] = set()
        self._static_done = False
        self._font_of: dict[str, str | None] = {}

    def _register(self, path: Path, index: int) -> bool:
        try:
            key = path.resolve()
        except OSError:
            return False
        if key in self._tried:
            return False
        self._tried.add(key)
        if not path.is_file() or not is_truetype_outline(path, index):
            return False
        name = _font_name(key, index)
        try:
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(CachedTTFont(name, str(key), index))
        except (TTFError, OSError, ValueError, struct.error, KeyError, IndexError):
            return False
        self._fallbacks.append((name, _cmap(name)))
        return True

    def _lookup(self, ch: str) -> str | None:
        code = ord(ch)
        for name, cmap in self._fallbacks:
            if code in cmap:
                return name
        for path, index in _fontconfig(ch):
            if self._register(path, index) and code in self._fallbacks[-1][1]:
                return self._fallbacks[-1][0]
        if not self._static_done:
            self._static_done = True
            for path, index in _static_candidates():
                self._register(path, index)
            for name, cmap in self._fallbacks:
                if code in cmap:
                    return name
        return None

    def font_for(self, ch: str) -> str | None:
        """The font to draw ``ch`` with; ``None`` when no font here has it."""
        if ord(ch) in self._main_cmap or not _needs_glyph(ch):
            return self.main
        with self._lock:
            if ch not in self._font_of:
                self._font_of[ch] = self._lookup(ch)
            return self._font_of[ch]

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (font, piece) runs; a character no font has stays in the main font."""
        out: list[tuple[str, str]] = []
        for ch in text:
            font = self.font_for(ch) or self.main
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    def markup(self, text: str) -> str:
        """Plain text as paragraph markup: escaped, fallback runs in ``<font name=…>``."""
        parts = []
        for font, run in self.runs(text):
            piece = escape(run)
            parts.append(piece if font == self.main else f'<font name="{font}">{piece}</font>')
        return "".join(parts)

    def width(self, text: str, size: float) -> float:
        """The printed width of ``text`` with the fallbacks it will be drawn in."""
        return sum(pdfmetrics.stringWidth(run, font, size) for font, run in self.runs(text))

    def draw(self, canv: Canvas, x: float, y: float, text: str, size: float) -> None:
        """Draw ``text`` like ``canv.drawString``, switching font for the fallback runs.

        One text object for the whole string, so copying it out gives one line, not a line per
        font change.
        """
        obj = canv.beginText(x, y)
        for font, run in self.runs(text):
            obj.setFont(font, size)
            obj.textOut(run)
        canv.drawText(obj)
        canv.setFont(self.main, size)

    def unprintable(self, text: str) -> str:
        """The distinct characters of ``text`` that no installed font can draw, in order."""
        seen: dict[str, None] = {}
        for ch in text:
            if ch not in seen and self.font_for(ch) is None:
                seen[ch] = None
        return "".join(seen)


def _needs_glyph(ch: str) -> bool:
    """False for line breaks and other characters that are never drawn."""
    return ch not in "\n\r\t" and not 0xFE00 <= ord(ch) <= 0xFE0F


def _cmap(name: str) -> dict[int, int]:
    return pdfmetrics.getFont(name).face.charToGlyph


_sets: dict[str, FontSet] = {}
_sets_lock = threading.Lock()


def font_set(main: str) -> FontSet:
    """The one ``FontSet`` for the registered main font ``main`` (fallbacks shared per run)."""
    with _sets_lock:
        if main not in _sets:
            _sets[main] = FontSet(main)
        return _sets[main]


def unprintable_places(data: FormData, fonts: FontSet) -> list[str]:
    """Where the form holds characters no installed font has, one line each (Chinese).

    E.g. "第 2 行“姓名”：𰀀"; empty when everything prints. Read from the same grid and record
    blocks the writers print, so what is named is exactly what would be a gap on paper.
    """
    places: list[str] = []

    def check(where: str, text: str) -> None:
        missing = fonts.unprintable(text)
        if missing:
            places.append(f"{where}：{missing}")

    check("标题", clean_text(data.title))
    for item in header_items(data):
        check(item.label.rstrip("：:"), item.value or "")
    if data.spec.layout == "record":
        for n, block in enumerate(record_blocks(data), 1):
            prefix = f"第 {n} 条记录" if len(data.rows) > 1 else "记录"
            for row in block.rows:
                pairs = row.cells if isinstance(row, PairRow) else ((row.label, row.text),)
                for label, value in pairs:
                    check(f"{prefix}“{label.strip()}”", value)
            for photo in block.photos:
                check(f"{prefix}的图片说明", photo.caption)
    else:
        grid = build_grid(data)
        rows_of: dict[tuple[str, str], list[int]] = {}  # (column, characters) -> rows
        for n, row in enumerate(grid.rows[: grid.data_rows], 1):
            for header, value in zip(grid.headers, row, strict=False):
                missing = fonts.unprintable(value)
                if missing:
                    rows_of.setdefault((header.replace("\n", ""), missing), []).append(n)
        for (header, missing), rows in rows_of.items():
            places.append(f"第 {'、'.join(str(r) for r in rows)} 行“{header}”：{missing}")
    for note in notes_lines(data):
        check("注", note)
    return places


def unprintable_message(data: FormData, fonts: FontSet) -> str:
    """The warning to show (stderr or a dialog), or "" when every character prints."""
    places = unprintable_places(data, fonts)
    if not places:
        return ""
    return (
        f"“{data.display_name}”中有以下字符本机没有字体可以显示，打印出来会是空白：\n"
        + "\n".join(f"  {p}" for p in places)
        + "\n请安装含这些字的字体（Windows：SimSun-ExtB、MingLiU-ExtB；"
        "Linux：sudo apt install fonts-hanazono），"
        f"或把字体文件的路径写入环境变量 {ENV_VAR}，然后重新打印；也可以在纸上手写补上。"
    )
