"""Programme profiles: ``forms/<profile>/programme.toml`` plus ``templates/*.toml``, as checked objects.

A county is a folder of data, not code. The loader turns TOML into frozen dataclasses and
fails loudly, naming the file and key, on anything it does not understand (unknown keys,
wrong types, unknown sources or bindings), so a typo in a profile is caught at load time and
not at print time.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.form_sources import HEADER_FIELDS, SOURCE_FIELDS
from gongtongti_desktop.core.paths import forms_dir
from gongtongti_desktop.core.periods import Calendar
from gongtongti_desktop.errors import UserError

DEFAULT_PROGRAMME = "yiyuan-2022"


class ProfileError(UserError):
    """A profile file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Column:
    title: str
    bind: str
    width: float = 1.0
    merge: bool = False
    align: str = "left"


@dataclass(frozen=True)
class HeaderField:
    label: str
    bind: str = ""  # empty: a blank line to fill in by hand (e.g. a signature)


@dataclass(frozen=True)
class FormSpec:
    id: str
    label: str
    title: str
    source: str
    columns: tuple[Column, ...]
    header_fields: tuple[HeaderField, ...] = ()
    group_by: str = ""
    orientation: str = "portrait"
    footnote: str = ""
    signature: str = ""
    description: str = ""
    empty_rows: int = 0

    @property
    def display_name(self) -> str:
        return f"{self.label} {self.title}".strip()


@dataclass(frozen=True)
class Roles:
    lead: str
    partners: tuple[str, ...]


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    region: str
    source_document: str
    model: str
    roles: Roles
    kindergarten_kinds: tuple[str, ...]
    posts: tuple[str, ...]
    activity_kinds: tuple[str, ...]
    forms: tuple[FormSpec, ...]
    folder: Path
    calendar: Calendar = field(default_factory=Calendar)

    def form(self, form_id: str) -> FormSpec:
        for spec in self.forms:
            if spec.id == form_id:
                return spec
        known = "、".join(f.id for f in self.forms)
        raise UserError(f"方案“{self.name}”没有表格 {form_id}。可用的表格：{known}")

    @property
    def all_roles(self) -> tuple[str, ...]:
        return (self.roles.lead, *self.roles.partners)


class _Table:
    """Reads keys out of one TOML table and remembers which were used, to reject the rest."""

    def __init__(self, data: dict[str, Any], where: str) -> None:
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, kind: type, default: Any = ..., *, required: bool = False) -> Any:
        self.used.add(key)
        if key not in self.data:
            if required or default is ...:
                raise ProfileError(f"{self.where}：缺少必填项 {key}")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ProfileError(f"{self.where}：{key} 应为 {kind.__name__}，实际为 {value!r}")
        return value

    def strings(self, key: str, *, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.get(key, list, list(default) if default is not None else ...)
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise ProfileError(f"{self.where}：{key} 应为非空文字的列表")
        if len(set(value)) != len(value):
            raise ProfileError(f"{self.where}：{key} 有重复项")
        return tuple(value)

    def tables(self, key: str) -> list[_Table]:
        raw = self.get(key, list, [])
        out = []
        for i, item in enumerate(raw, 1):
            if not isinstance(item, dict):
                raise ProfileError(f"{self.where}：{key} 第 {i} 项应为表")
            out.append(_Table(item, f"{self.where} {key}[{i}]"))
        return out

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ProfileError(f"{self.where}：不认识的键 {', '.join(unknown)}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}：TOML 格式错误：{exc}") from exc
    except OSError as exc:
        raise ProfileError(f"无法读取 {path}：{exc}") from exc


def _check_bind(bind: str, source: str, where: str) -> None:
    field = bind.split(":", 1)[0]
    if field not in SOURCE_FIELDS[source]:
        known = ", ".join(sorted(SOURCE_FIELDS[source]))
        raise ProfileError(f"{where}：bind = {bind!r} 不是数据源 {source} 的字段（可用：{known}）")


def load_form(path: Path) -> FormSpec:
    t = _Table(_read_toml(path), str(path))
    form_id = t.get("id", str, required=True)
    if form_id != path.stem:
        raise ProfileError(f"{path}：id = {form_id!r} 应与文件名 {path.stem!r} 相同")
    source = t.get("source", str, required=True)
    if source not in SOURCE_FIELDS:
        raise ProfileError(
            f"{path}：未知的数据源 source = {source!r}（可用：{', '.join(SOURCE_FIELDS)}）"
        )
    columns = []
    for ct in t.tables("columns"):
        column = Column(
            title=ct.get("title", str, required=True),
            bind=ct.get("bind", str, required=True),
            width=ct.get("width", float, 1.0),
            merge=ct.get("merge", bool, False),
            align=ct.get("align", str, "left"),
        )
        if column.align not in ("left", "center", "right"):
            raise ProfileError(f"{ct.where}：align 只能是 left / center / right")
        if column.width <= 0:
            raise ProfileError(f"{ct.where}：width 应大于 0")
        _check_bind(column.bind, source, ct.where)
        ct.done()
        columns.append(column)
    if not columns:
        raise ProfileError(f"{path}：至少需要一列 [[columns]]")
    header_fields = []
    for ht in t.tables("header_fields"):
        field = HeaderField(label=ht.get("label", str, required=True), bind=ht.get("bind", str, ""))
        if field.bind and field.bind not in HEADER_FIELDS:
            raise ProfileError(
                f"{ht.where}：bind = {field.bind!r} 不是表头字段（可用：{', '.join(sorted(HEADER_FIELDS))}）"
            )
        ht.done()
        header_fields.append(field)
    group_by = t.get("group_by", str, "")
    if group_by:
        _check_bind(group_by, source, f"{path} group_by")
    orientation = t.get("orientation", str, "portrait")
    if orientation not in ("portrait", "landscape"):
        raise ProfileError(f"{path}：orientation 只能是 portrait 或 landscape")
    spec = FormSpec(
        id=form_id,
        label=t.get("label", str, ""),
        title=t.get("title", str, required=True),
        source=source,
        columns=tuple(columns),
        header_fields=tuple(header_fields),
        group_by=group_by,
        orientation=orientation,
        footnote=t.get("footnote", str, ""),
        signature=t.get("signature", str, ""),
        description=t.get("description", str, ""),
        empty_rows=t.get("empty_rows", int, 0),
    )
    t.done()
    return spec


def load_programme(folder: Path) -> Programme:
    path = folder / "programme.toml"
    t = _Table(_read_toml(path), str(path))
    programme_id = t.get("id", str, required=True)
    if programme_id != folder.name:
        raise ProfileError(f"{path}：id = {programme_id!r} 应与文件夹名 {folder.name!r} 相同")
    roles_t = _Table(t.get("roles", dict, required=True), f"{path} [roles]")
    roles = Roles(
        lead=roles_t.get("lead", str, required=True), partners=roles_t.strings("partners")
    )
    roles_t.done()
    if not roles.partners:
        raise ProfileError(f"{path} [roles]：partners 至少一项")
    vocab = _Table(t.get("vocab", dict, required=True), f"{path} [vocab]")
    kinds = vocab.strings("kindergarten_kinds")
    posts = vocab.strings("posts")
    activity_kinds = vocab.strings("activity_kinds")
    vocab.done()
    calendar = _load_calendar(t, path)
    template_dir = folder / "templates"
    forms = tuple(load_form(p) for p in sorted(template_dir.glob("*.toml")))
    programme = Programme(
        id=programme_id,
        name=t.get("name", str, required=True),
        region=t.get("region", str, ""),
        source_document=t.get("source_document", str, ""),
        model=t.get("model", str, ""),
        roles=roles,
        kindergarten_kinds=kinds,
        posts=posts,
        activity_kinds=activity_kinds,
        forms=forms,
        folder=folder,
        calendar=calendar,
    )
    t.done()
    return programme


def _load_calendar(t: _Table, path: Path) -> Calendar:
    raw = t.get("calendar", dict, None)
    if raw is None:
        return Calendar()
    ct = _Table(raw, f"{path} [calendar]")
    default = Calendar()
    rows_raw = ct.get("plan_rows", list, [list(r) for r in default.plan_rows])
    if not all(isinstance(r, list) and r and all(isinstance(m, int) for m in r) for r in rows_raw):
        raise ProfileError(f"{ct.where}：plan_rows 应为月份列表的列表，例如 [[7, 8], [9]]")
    calendar = Calendar(
        autumn_start=ct.get("autumn_start", int, default.autumn_start),
        plan_rows=tuple(tuple(r) for r in rows_raw),
        monthly_report_day=ct.get("monthly_report_day", int, 0),
    )
    ct.done()
    problem = calendar.check()
    if not problem and not 0 <= calendar.monthly_report_day <= 31:
        problem = "monthly_report_day 应为 0–31"
    if problem:
        raise ProfileError(f"{ct.where}：{problem}")
    return calendar


def available_programmes(root: Path | None = None) -> list[str]:
    root = root or forms_dir()
    return sorted(p.name for p in root.iterdir() if (p / "programme.toml").is_file())


@cache
def _load_cached(root: Path, programme_id: str) -> Programme:
    return load_programme(root / programme_id)


def get_programme(programme_id: str, root: Path | None = None) -> Programme:
    """The profile with this id; a clear UserError listing the known ids when absent."""
    root = root or forms_dir()
    if not (root / programme_id / "programme.toml").is_file():
        known = "、".join(available_programmes(root)) or "（无）"
        raise UserError(f"没有名为 {programme_id} 的方案。可用的方案：{known}")
    return _load_cached(root, programme_id)
