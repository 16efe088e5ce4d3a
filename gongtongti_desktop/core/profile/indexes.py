"""Assessment indexes (考核评估指标, 督导评估 checklists) of a profile: ``indexes/*.toml``.

An index is three levels as the county prints it: groups (一级指标, e.g. "A1管理机制"),
optional subgroups (二级指标, "B1．…（7分）") and items (三级指标, the C items scored). A
``score`` index gives each item points; a ``checklist`` index gives each item a verdict
(符合/基本符合/不符合) and a note.

The notice's own words are kept exactly (``text`` holds its line, points included) even where the
notice contradicts itself: 沂源县源教体发〔2022〕11号 heading names 6/10/21 items but lists 23 C items, and its
base items add to 90 with 20 more as bonus. Totals are computed from the items, never from the
headings, and ``Index.discrepancies`` says in Chinese where the document disagrees with itself,
so the director sees it in the window and on the printout instead of a silent "fix".
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable, read_toml

INDEX_KINDS = ("score", "checklist")
VERDICTS = ("符合", "基本符合", "不符合")
SCORED_PERIODS = ("term", "school_year")


class Group(NamedTuple):
    """一级指标 (or a checklist's section, e.g. "（一）办园条件")."""

    code: str
    name: str
    points: float | None  # as written in the notice; None when it names none


class Subgroup(NamedTuple):
    """二级指标: ``text`` as written (points included)."""

    code: str
    parent: str
    text: str
    points: float | None


class Item(NamedTuple):
    """三级指标 (a scored or checked line)."""

    code: str
    parent: str  # a subgroup's code, or a group's when the index has no subgroups
    text: str
    points: float | None
    rules: tuple[str, ...] = ()  # rules.toml ids whose counts suggest a score

    @property
    def label(self) -> str:
        """How the item is printed: "C1．有适合本共同体…（2分）" / "1、取得办学许可…"."""
        separator = "、" if self.code.isdigit() else "．"
        return f"{self.code}{separator}{self.text}"


class Index(NamedTuple):
    """One assessment index (考核细则) of a programme, as its profile describes it."""

    id: str
    label: str
    title: str
    kind: str  # "score" / "checklist"
    period: str  # what one scoring covers: "term" / "school_year"
    source: str
    headings: tuple[str, ...]  # the column headings as printed ("一级指标（6项）", …)
    declared_counts: tuple[int, ...]  # the item counts the headings name, as written
    bonus: tuple[str, ...]  # group codes scored apart from the base (加分项)
    groups: tuple[Group, ...]
    subgroups: tuple[Subgroup, ...]
    items: tuple[Item, ...]

    # -- structure --------------------------------------------------------------------------

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def group_of(self, item: Item) -> Group:
        code = item.parent
        for sub in self.subgroups:
            if sub.code == code:
                code = sub.parent
                break
        return next(g for g in self.groups if g.code == code)

    def subgroup_of(self, item: Item) -> Subgroup | None:
        return next((s for s in self.subgroups if s.code == item.parent), None)

    def items_of(self, code: str) -> list[Item]:
        """The items under a group or subgroup."""
        return [i for i in self.items if i.parent == code or self.group_of(i).code == code]

    def is_bonus(self, item: Item) -> bool:
        return self.group_of(item).code in self.bonus

    # -- totals computed from the items -----------------------------------------------------

    def max_points(self, code: str) -> float:
        """The most a group or subgroup can score: the sum of its items' points."""
        return sum(i.points or 0 for i in self.items_of(code))

    @property
    def base_points(self) -> float:
        return sum(i.points or 0 for i in self.items if not self.is_bonus(i))

    @property
    def bonus_points(self) -> float:
        return sum(i.points or 0 for i in self.items if self.is_bonus(i))

    def discrepancies(self) -> list[str]:
        """Where the document disagrees with itself (headings vs items, stated vs summed points)."""
        notes = []
        actual = [len(self.groups), len(self.subgroups), len(self.items)]
        if self.kind == "checklist":
            actual = [len(self.groups), len(self.items)]
        for heading, declared, count in zip(
            self.headings, self.declared_counts, actual, strict=False
        ):
            if declared != count:
                notes.append(f"表头“{heading}”写 {declared} 项，实际列出 {count} 项")
        for unit in (*self.groups, *self.subgroups):
            if unit.points is None:
                continue
            summed = self.max_points(unit.code)
            if summed != unit.points:
                notes.append(
                    f"{unit.code} 标注 {fmt_points(unit.points)} 分，"
                    f"所含各项合计 {fmt_points(summed)} 分"
                )
        if self.kind == "score" and self.bonus:
            notes.append(
                f"基础项合计 {fmt_points(self.base_points)} 分，"
                f"加分项（{'、'.join(self.bonus)}）{fmt_points(self.bonus_points)} 分，"
                f"满分合计 {fmt_points(self.base_points + self.bonus_points)} 分"
            )
        return notes


def fmt_points(value: float | None) -> str:
    """12.0 → "12", 3.5 → "3.5", None → ""."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# -- loading ----------------------------------------------------------------------------------


def _points(t: TomlTable, required: bool) -> float | None:
    if "points" not in t.data and not required:
        t.used.add("points")
        return None
    value = t.get("points", float, required=True)
    if value <= 0 or (value * 2) != int(value * 2):
        raise ProfileError(f"{t.where}：points 应为正数（可以是半分），实际为 {value}")
    return value


def load_index(path: Path, rule_ids: frozenset[str] | None = None) -> Index:
    """One index file, checked: codes unique, parents known, points matching the text."""
    t = TomlTable(read_toml(path), str(path))
    index_id = t.get("id", str, required=True)
    if index_id != path.stem:
        raise ProfileError(f"{path}：id = {index_id!r} 应与文件名 {path.stem!r} 相同")
    kind = t.get("kind", str, required=True)
    if kind not in INDEX_KINDS:
        raise ProfileError(f"{path}：kind 只能是 {' / '.join(INDEX_KINDS)}，实际为 {kind!r}")
    period = t.get("period", str, "school_year")
    if period not in SCORED_PERIODS:
        raise ProfileError(f"{path}：period 只能是 {' / '.join(SCORED_PERIODS)}")
    scored = kind == "score"
    groups = []
    for gt in t.tables("groups"):
        groups.append(
            Group(
                code=gt.get("code", str, required=True),
                name=gt.get("name", str, required=True),
                points=_points(gt, False),
            )
        )
        gt.done()
    subgroups = []
    for st in t.tables("subgroups"):
        subgroups.append(
            Subgroup(
                code=st.get("code", str, required=True),
                parent=st.get("parent", str, required=True),
                text=st.get("text", str, required=True),
                points=_points(st, False),
            )
        )
        st.done()
    items = []
    for it in t.tables("items"):
        item = Item(
            code=it.get("code", str, required=True),
            parent=it.get("parent", str, required=True),
            text=it.get("text", str, required=True),
            points=_points(it, scored),
            rules=it.strings("rules", default=()),
        )
        it.done()
        if item.points is not None and f"（{fmt_points(item.points)}分）" not in item.text:
            raise ProfileError(
                f"{it.where}：points = {fmt_points(item.points)} 与文字中的分值不符：{item.text}"
            )
        if rule_ids is not None:
            unknown = [r for r in item.rules if r not in rule_ids]
            if unknown:
                raise ProfileError(f"{it.where}：rules 中的 {unknown[0]} 不在 rules.toml 中")
        items.append(item)
    if not groups or not items:
        raise ProfileError(f"{path}：至少需要一项 [[groups]] 和一项 [[items]]")
    codes = [x.code for x in (*groups, *subgroups, *items)]
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise ProfileError(f"{path}：编号 {duplicate} 重复")
    group_codes = {g.code for g in groups}
    for sub in subgroups:
        if sub.parent not in group_codes:
            raise ProfileError(f"{path}：{sub.code} 的 parent = {sub.parent!r} 不是一级指标")
    item_parents = {s.code for s in subgroups} if subgroups else group_codes
    for item in items:
        if item.parent not in item_parents:
            raise ProfileError(f"{path}：{item.code} 的 parent = {item.parent!r} 不是上一级指标")
    headings = t.strings("headings", default=())
    declared = t.get("declared_counts", list, [])
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in declared):
        raise ProfileError(f"{path}：declared_counts 应为整数列表")
    if declared and len(declared) != len(headings):
        raise ProfileError(f"{path}：declared_counts 应与 headings 一一对应")
    bonus = t.strings("bonus", default=())
    if any(b not in group_codes for b in bonus):
        raise ProfileError(f"{path}：bonus 应为一级指标的编号")
    index = Index(
        id=index_id,
        label=t.get("label", str, ""),
        title=t.get("title", str, required=True),
        kind=kind,
        period=period,
        source=t.get("source", str, ""),
        headings=headings,
        declared_counts=tuple(declared),
        bonus=bonus,
        groups=tuple(groups),
        subgroups=tuple(subgroups),
        items=tuple(items),
    )
    t.done()
    return index


def load_indexes(folder: Path, rule_ids: frozenset[str] | None = None) -> tuple[Index, ...]:
    """Every ``indexes/*.toml`` of a profile folder, in file-name order."""
    return tuple(load_index(p, rule_ids) for p in sorted((folder / "indexes").glob("*.toml")))
