"""Chinese line breaking (标点禁则) for reportlab paragraphs, as a county office expects.

reportlab's CJK wrapping breaks after any character once the line is full, keeping only some
closing marks off the start of a line. A form printed that way ends lines with an opening
bracket or quote ("…（" / "2分）" on the next line), and cuts a score such as "（2分）" or a
number such as "2024" in two. ``cjk_frag_split`` is reportlab's ``cjkFragSplit`` with three more
rules: no opening bracket or quote ends a line, no break inside a number or a Latin word, and
no break inside a short bracketed group (up to ``SHORT_GROUP`` characters, e.g. "（2分）").
When keeping a group whole would leave a line empty, the break stays where it was.

``install()`` puts it in place of reportlab's; the PDF writer calls it once.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import textsplit
from reportlab.platypus import paragraph

CANNOT_END = "（(［[｛{〔【〖《〈「『“‘"
CLOSING = {
    "（": "）",
    "(": ")",
    "［": "］",
    "[": "]",
    "【": "】",
    "〔": "〕",
    "《": "》",
    "〈": "〉",
}
CANNOT_START = "，；：？！）》」』】〕…、。”’"
SHORT_GROUP = 8  # characters of a bracketed group kept on one line, brackets included


def _joined(a: str, b: str) -> bool:
    """True when a line must not break between ``a`` and ``b`` (a number, a Latin word)."""
    keep = "0123456789.%/-:×～~"
    return ((a.isascii() and a.isalnum()) or a in keep) and (
        (b.isascii() and b.isalnum()) or b in keep
    )


def no_break_before(text: str) -> list[bool]:
    """``out[k]``: a line may not start at ``text[k]`` (k ≥ 1)."""
    out = [False] * (len(text) + 1)
    for k in range(1, len(text)):
        out[k] = _joined(text[k - 1], text[k]) or text[k - 1] in CANNOT_END
    for start, ch in enumerate(text):
        close = CLOSING.get(ch)
        if close is None:
            continue
        end = text.find(close, start + 1, start + SHORT_GROUP)
        if end > start:
            for k in range(start + 1, end + 1):
                out[k] = True
    return out


def cjk_frag_split(
    frags: list[Any], maxWidths: list[float], calcBounds: Any, encoding: str = "utf8"
) -> Any:
    """reportlab's ``cjkFragSplit`` (platypus/paragraph.py) with the rules above."""
    units = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            units.extend([paragraph.cjkU(t, f, encoding) for t in text])
        else:
            units.append(paragraph.cjkU(text, f, encoding))
    chars = "".join(str(u) or "\ufffc" for u in units)  # an empty fragment: one placeholder
    blocked = no_break_before(chars)
    lines = []
    i = width_used = line_start = 0
    max_width = maxWidths[0]
    count = len(units)

    def width_of(u: Any) -> float:
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return w

    while i < count:
        u = units[i]
        i += 1
        width_used += width_of(u)
        line_break = hasattr(u.frag, "lineBreak")
        if not ((width_used > max_width + paragraph._FUZZ and width_used > 0) or line_break):
            continue
        if not line_break:
            i = _break_at(chars, blocked, line_start, i)
        used = sum(width_of(x) for x in units[line_start:i])
        lines.append(
            paragraph.makeCJKParaLine(
                units[line_start:i], max_width, used, max_width - used, line_break, calcBounds
            )
        )
        try:
            max_width = maxWidths[len(lines)]
        except IndexError:
            max_width = maxWidths[-1]
        line_start = i
        width_used = sum(width_of(x) for x in units[line_start:i])
    if line_start < count:
        used = sum(width_of(x) for x in units[line_start:])
        lines.append(
            paragraph.makeCJKParaLine(
                units[line_start:], max_width, used, max_width - used, False, calcBounds
            )
        )
    return paragraph.ParaLines(kind=1, lines=lines)


def _break_at(text: str, blocked: list[bool], start: int, i: int) -> int:
    """Where the line begun at ``start`` ends when ``text[i - 1]`` overflowed it.

    Before the overflowing character, unless it may not start a line (then it hangs in the
    margin, as reportlab does); then back until the next line starts well — not with a
    closing mark, not inside a number or a short group, not after an opening mark. When no
    such place is left on the line, the first choice stands (the line is never emptied).
    """
    first = i if text[i - 1] in CANNOT_START or i <= start + 1 else i - 1

    def good(k: int) -> bool:
        return k >= len(text) or (not blocked[k] and text[k] not in CANNOT_START)

    k = first
    while k > start + 1 and not good(k):
        k -= 1
    return k if good(k) else first


def dumb_split(word: str, widths: list[float], maxWidths: list[float]) -> list[list[Any]]:
    """reportlab's ``textsplit.dumbSplit`` (a paragraph in one font) with the rules above:
    ``[[extra space, line text], …]``."""
    blocked = no_break_before(word)
    lines: list[list[Any]] = []
    i = start = 0
    used = 0.0
    max_width = maxWidths[0]
    while i < len(word):
        used += widths[i]
        i += 1
        if used <= max_width + paragraph._FUZZ:
            continue
        i = _break_at(word, blocked, start, i)
        lines.append([max_width - sum(widths[start:i]), word[start:i].strip()])
        try:
            max_width = maxWidths[len(lines)]
        except IndexError:
            max_width = maxWidths[-1]
        start = i
        used = 0.0
    if start < len(word):
        lines.append([max_width - sum(widths[start:]), word[start:]])
    return lines


def install() -> None:
    """Use these rules for every CJK paragraph from now on (idempotent)."""
    paragraph.cjkFragSplit = cjk_frag_split
    textsplit.dumbSplit = dumb_split
    for module in (paragraph, textsplit):
        module.ALL_CANNOT_START += "".join(
            ch for ch in CANNOT_START if ch not in module.ALL_CANNOT_START
        )
