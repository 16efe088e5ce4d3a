"""How a programme words its stage report draft (从记录起草): ``wording.toml`` in its profile.

Each county writes its 阶段工作总结 differently — 沂源 speaks of 核心幼儿园 and 受援学区, 高台 of
帮扶园 and 被帮扶园 — so the sentences are the profile's, not the program's: each key is one
sentence pattern with named blanks ({period}, {count}, …) that the draft fills from the records.
The loader is strict like the rest of the profile: a missing key, an unknown key or a blank the
draft cannot fill is refused with a Chinese message naming the file and the key.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import NamedTuple

from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable, read_toml

FILE_NAME = "wording.toml"

# Every sentence pattern and the blanks the draft fills in it.
BLANKS: dict[str, tuple[str, ...]] = {
    # 亮点工作
    "opening": ("period", "count", "offline", "online", "people", "kinds", "lead", "partner"),
    "people": ("headcount",),  # {people} of the opening; left out when nobody counted heads
    "no_activities": ("period",),
    "kind_paragraph": ("kind", "count", "dates", "titles"),
    "partner_paragraph": ("partners", "count"),
    "partner_item": ("partner", "count", "dates"),
    "activity_record": ("date", "title", "record"),
    "activity_summary": ("date", "title", "summary"),
    "rules_met": ("rules",),
    "rule_met_item": ("rule", "period", "count", "unit"),
    # 存在的问题
    "rule_missed": ("rule", "period", "count", "unit", "requirement"),
    "rule_missed_many": ("rule", "periods", "counts", "unit", "requirement"),
    "rule_too_many": ("rule", "period", "count", "unit", "requirement"),
    "plan_unfinished": ("task", "month", "status"),
    "status_planned": (),  # {status} of an item still 计划 when the period is over
    "status_postponed": (),  # … and of one 顺延
    "plans_unfinished_more": ("count",),
    "no_problems": ("period",),
    # 下一步打算
    "next_plan": ("period", "tasks"),
    "rule_due": ("rule", "period", "count", "unit", "requirement", "deadline"),
    "rule_catch_up": ("rule", "per", "requirement", "unit"),
    "no_next": ("period",),
}
LIST_KEYS = ("list_separator", "last_separator")  # "、" and "和": joining names in a sentence


class StageWording(NamedTuple):
    """The sentence patterns (``patterns[key]``) and the separators of lists."""

    patterns: dict[str, str]
    list_separator: str = "、"
    last_separator: str = "、"

    def say(self, key: str, **values: object) -> str:
        return self.patterns[key].format(**values)

    def join(self, items: list[str]) -> str:
        """ "甲、乙和丙": the profile's separators."""
        if len(items) <= 1:
            return "".join(items)
        return self.list_separator.join(items[:-1]) + self.last_separator + items[-1]


def _blanks(pattern: str, where: str, key: str) -> set[str]:
    try:
        return {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}
    except ValueError as exc:
        raise ProfileError(
            f"{where}：{key} 的花括号不成对（{exc}）；要写花括号本身请写成 {{{{ 和 }}}}"
        ) from exc


def load_wording(folder: Path) -> StageWording | None:
    """``wording.toml`` of the profile in ``folder``; ``ProfileError`` (Chinese) when wrong.

    ``None`` without the file: a profile may leave stage reports out (从记录起草 then says the
    wording is missing instead of writing in someone else's words)."""
    path = folder / FILE_NAME
    if not path.is_file():
        return None
    t = TomlTable(read_toml(path), str(path))
    section = TomlTable(t.get("stage_report", dict, required=True), f"{path} [stage_report]")
    patterns = {}
    for key, allowed in BLANKS.items():
        pattern = section.get(key, str, required=True)
        unknown = sorted(_blanks(pattern, section.where, key) - set(allowed))
        if unknown:
            names = "、".join(f"{{{n}}}" for n in unknown)
            usable = "、".join(f"{{{n}}}" for n in allowed)
            raise ProfileError(f"{section.where}：{key} 中的 {names} 无法填写；可用：{usable}")
        if not pattern.strip():
            raise ProfileError(f"{section.where}：{key} 不能为空")
        patterns[key] = pattern
    separators = [section.get(key, str, "、") for key in LIST_KEYS]
    section.done()
    t.done()
    return StageWording(patterns, *separators)
