"""Finding a Chinese font on this computer and registering it with reportlab.

reportlab embeds only TrueType outlines (``glyf``), so CFF-outlined OpenType fonts (.otf, most
Noto Sans CJK files) are skipped. Order: the ``GONGTONGTI_FONT`` environment variable, then the
usual Windows, macOS and Linux fonts.
"""

from __future__ import annotations

import os
import struct
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gongtongti_desktop.errors import UserError

ENV_VAR = "GONGTONGTI_FONT"

WINDOWS_FONTS = ("simsun.ttc", "simhei.ttf", "msyh.ttc", "simfang.ttf", "simkai.ttf")
MAC_FONTS = (
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/Library/Fonts/Songti.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
)
LINUX_FONTS = (
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.ttf",
    "NotoSansSC-Regular.ttf",
)
LINUX_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)

NOT_FOUND = (
    "没有找到可用的中文字体，无法生成 PDF。\n"
    "已查找：环境变量 GONGTONGTI_FONT；Windows 字体文件夹中的宋体（simsun.ttc）、黑体（simhei.ttf）、"
    "微软雅黑（msyh.ttc）、仿宋（simfang.ttf）、楷体（simkai.ttf）；macOS 的宋体（Songti.ttc）、"
    "华文黑体（STHeiti）；Linux 的文泉驿微米黑（wqy-microhei.ttc）、文泉驿正黑（wqy-zenhei.ttc）、"
    "Droid Sans Fallback、TrueType 版的 Noto Sans CJK（.otf 字体无法嵌入，已跳过）。\n"
    "解决办法：安装文泉驿微米黑（Debian/Ubuntu：sudo apt install fonts-wqy-microhei），"
    "或把环境变量 GONGTONGTI_FONT 设为一个 .ttf / .ttc 中文字体文件的完整路径"
    "（.ttc 可在路径后加 #序号 选择其中的字体，例如 simsun.ttc#0）。"
)


@dataclass(frozen=True)
class CJKFont:
    path: Path
    subfont_index: int = 0
    name: str = ""


def _font_name(path: Path, index: int) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in path.stem)
    return f"GTT-{stem}-{index}"


def _make(path: Path, index: int = 0) -> CJKFont:
    return CJKFont(path, index, _font_name(path, index))


def is_truetype_outline(path: Path, index: int = 0) -> bool:
    """True when the (sub)font at ``path`` has TrueType (``glyf``) outlines reportlab can embed."""
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
            offset = 0
            if head[:4] == b"ttcf":
                count = struct.unpack(">I", head[8:12])[0]
                if not 0 <= index < count:
                    return False
                fh.seek(12 + 4 * index)
                offset = struct.unpack(">I", fh.read(4))[0]
                fh.seek(offset)
                head = fh.read(12)
            if head[:4] not in (b"\x00\x01\x00\x00", b"true"):
                return False  # 'OTTO' is CFF
            num_tables = struct.unpack(">H", head[4:6])[0]
            fh.seek(offset + 12)
            directory = fh.read(16 * num_tables)
    except (OSError, struct.error):
        return False
    tags = {directory[i : i + 4] for i in range(0, len(directory), 16)}
    return b"glyf" in tags and b"cmap" in tags


def _from_env(value: str) -> CJKFont:
    path_text, index = value.strip(), 0
    head, sep, tail = path_text.rpartition("#")
    if sep and tail.strip().isdigit():
        path_text, index = head, int(tail)
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise UserError(
            f"环境变量 {ENV_VAR} 指定的字体文件不存在：{path}\n"
            "请改为一个 .ttf / .ttc 中文字体文件的完整路径，或删除这个环境变量以自动查找字体。"
        )
    if not is_truetype_outline(path, index):
        raise UserError(
            f"环境变量 {ENV_VAR} 指定的字体不能嵌入 PDF：{path}（序号 {index}）。\n"
            "只支持 TrueType 轮廓的 .ttf / .ttc 字体（.otf 等 CFF 字体不行），"
            "例如宋体 simsun.ttc 或文泉驿微米黑 wqy-microhei.ttc。"
        )
    return _make(path, index)


def _windows_dirs() -> list[Path]:
    dirs = []
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    elif sys.platform == "win32":
        dirs.append(Path("C:/Windows/Fonts"))
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def _find_in_tree(roots: list[Path], names: tuple[str, ...]) -> dict[str, Path]:
    wanted = {n.lower(): n for n in names}
    found: dict[str, Path] = {}
    for root in roots:
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for filename in sorted(filenames):
                key = wanted.get(filename.lower())
                if key and key not in found:
                    found[key] = Path(dirpath) / filename
    return found


def candidates() -> Iterator[CJKFont]:
    """Every usable system font, best first (not the environment variable)."""
    for folder in _windows_dirs():
        for name in WINDOWS_FONTS:
            path = folder / name
            if path.is_file() and is_truetype_outline(path):
                yield _make(path)
    for text in MAC_FONTS:
        path = Path(text)
        if path.is_file() and is_truetype_outline(path):
            yield _make(path)
    roots = [Path(d).expanduser() for d in LINUX_DIRS]
    found = _find_in_tree(roots, LINUX_FONTS)
    for name in LINUX_FONTS:
        path = found.get(name)
        if path and is_truetype_outline(path):
            yield _make(path)


def find_cjk_font() -> CJKFont:
    """The font to print with; ``UserError`` saying what was looked for when there is none."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return _from_env(env)
    for font in candidates():
        return font
    raise UserError(NOT_FOUND)


_lock = threading.Lock()
_registered: dict[str, str] = {}  # GONGTONGTI_FONT value ("" = system search) -> font name


def register_cjk_font() -> str:
    """Register the Chinese font with reportlab (once) and return its reportlab name.

    Without ``GONGTONGTI_FONT`` a system font that reportlab cannot read is skipped in favour
    of the next one; a font named in the variable is used or refused, never replaced.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError

    from gongtongti_desktop.output.font_cache import CachedTTFont

    env = os.environ.get(ENV_VAR, "").strip()
    with _lock:
        if env in _registered:
            return _registered[env]
        fonts = [_from_env(env)] if env else list(candidates())
        if not fonts:
            raise UserError(NOT_FOUND)
        problems = []
        for font in fonts:
            if font.name in pdfmetrics.getRegisteredFontNames():
                _registered[env] = font.name
                return font.name
            try:
                pdfmetrics.registerFont(CachedTTFont(font.name, str(font.path), font.subfont_index))
            except (TTFError, OSError, ValueError, struct.error) as exc:
                problems.append(f"{font.path}：{exc}")
                continue
            _registered[env] = font.name
            return font.name
        raise UserError(
            "找到的中文字体都无法用于生成 PDF：\n"
            + "\n".join(problems)
            + f"\n请安装文泉驿微米黑（sudo apt install fonts-wqy-microhei），"
            f"或用环境变量 {ENV_VAR} 指定另一个 .ttf / .ttc 中文字体文件。"
        )
