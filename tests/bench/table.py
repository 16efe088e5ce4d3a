"""The one results table: each figure beside its baseline from the same run, the ratio, the
target and whether it was met — as aligned text for the terminal and as Markdown for README.

Chinese characters take two terminal columns, so the text table pads by display width.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

HEAD = ("项目", "中位数", "基线（同一次运行）", "基线中位数", "倍数", "目标", "结果")


@dataclass
class Row:
    name: str
    value: float | None  # in ``unit``; None: not measured (see ``note``)
    baseline: str
    base_value: float | None
    unit: str = "ms"  # "ms", "s" or "MB"
    target: str = ""  # e.g. "≤ 50 ms"
    met: bool | None = None  # None: no target
    note: str = ""  # shown instead of the figures when ``value`` is None

    def cells(self) -> tuple[str, ...]:
        if self.value is None:
            return (self.name, self.note, self.baseline, "", "", self.target, "未测")
        ratio = ""
        if self.base_value:
            times = self.value / self.base_value
            ratio = f"{times:.3f}×" if times < 0.1 else f"{times:.2f}×"
        verdict = "" if self.met is None else ("达标" if self.met else "未达标")
        base = "" if self.base_value is None else _fmt(self.base_value, self.unit)
        return (
            self.name,
            _fmt(self.value, self.unit),
            self.baseline,
            base,
            ratio,
            self.target,
            verdict,
        )


def _fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.0f} {unit}"


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(size - width(text), 0)
    return gap + text if right else text + gap


def text_table(rows: list[Row]) -> str:
    body = [HEAD, *(r.cells() for r in rows)]
    sizes = [max(width(line[i]) for line in body) for i in range(len(HEAD))]
    numeric = {1, 3, 4}
    lines = []
    for n, line in enumerate(body):
        lines.append(
            "  ".join(_pad(c, sizes[i], i in numeric) for i, c in enumerate(line)).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * s for s in sizes))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    align = "|" + "|".join("---:" if i in (1, 3, 4) else "---" for i in range(len(HEAD))) + "|"
    return "\n".join([line(HEAD), align, *(line(r.cells()) for r in rows)])
