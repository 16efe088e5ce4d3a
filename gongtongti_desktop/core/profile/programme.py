"""Programme profiles: ``forms/<profile>/programme.toml`` plus ``templates/*.toml``, as checked objects.

A county is a folder of data, not code. The loader turns TOML into immutable records
(NamedTuples) and fails loudly, naming the file and key, on anything it does not understand
(unknown keys, wrong types, unknown sources or bindings), so a typo in a profile is caught at
load time and not at print time.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from string import Formatter
from typing import NamedTuple

from gongtongti_desktop.core.paths import (  # noqa: F401 — DEFAULT_PROGRAMME re-exported
    DEFAULT_PROGRAMME,
    available_programmes,
    forms_dir,
)
from gongtongti_desktop.core.profile.dates import load_dates
from gongtongti_desktop.core.profile.form_sources import (
    ATTACHMENT_FIELDS,
    HEADER_FIELDS,
    INDEX_SOURCES,
    PERIODIC_SOURCES,
    SOURCE_FIELDS,
    SOURCE_OPTIONS,
    TITLE_PLACEHOLDER_HINTS,
)
from gongtongti_desktop.core.profile.indexes import Index, load_indexes
from gongtongti_desktop.core.profile.periods import Calendar
from gongtongti_desktop.core.profile.roster_specs import RosterRule
from gongtongti_desktop.core.profile.rule_specs import Rule, load_rule_file
from gongtongti_desktop.core.profile.targets import Target, load_targets
from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable, read_toml
from gongtongti_desktop.core.profile.wording import StageWording, load_wording
from gongtongti_desktop.errors import UserError

LAYOUTS = ("table", "record")
PERIOD_KINDS = ("month", "term", "school_year")
FIELD_KINDS = ("short", "wide", "long")


class Column(NamedTuple):
    """One column of a printed table form, bound to what fills it."""

    title: str
    bind: str
    width: float = 1.0
    merge: bool = False
    align: str = "left"
    valign: str = "middle"  # top / middle / bottom


class HeaderField(NamedTuple):
    """A line above a printed form (园名, 填表人 …): filled in, or left blank to sign by hand."""

    label: str
    bind: str = ""  # empty: a blank line to fill in by hand (e.g. a signature)


class RecordField(NamedTuple):
    """One entry of a record form (``layout = "record"``).

    ``kind``: ``short`` fields are set two to a row (label, value, label, value), a ``wide``
    one has a row to itself, a ``long`` one is running text that wraps and may continue on
    the next page. ``min_height_mm`` keeps room to write by hand when the value is short.
    """

    label: str
    bind: str  # "": blank, to write in by hand (an agreement's 帮扶目标)
    kind: str = "short"
    min_height_mm: float = 0.0


class FormSpec(NamedTuple):
    """One printable form as the programme's profile lays it out (every notice has its own)."""

    id: str
    label: str
    title: str  # may hold {header field} placeholders, filled in when printing
    source: str
    columns: tuple[Column, ...]  # a record form: one per field, in order (derived)
    header_fields: tuple[HeaderField, ...] = ()
    group_by: str = ""
    orientation: str = "portrait"
    footnote: str = ""
    signature: str = ""
    description: str = ""
    empty_rows: int = 0
    layout: str = "table"  # "table": one ruled table; "record": one block per row
    default_period: str = "term"  # what a periodic form prints when given no period
    calendar_year: str = ""  # "start"/"end": the form covers that calendar year of the period
    min_row_height_mm: float = 0.0  # table: data rows at least this tall (room to write)
    months: tuple[int, ...] = ()  # plan_dated: the months always printed, in order
    rows_per_month: int = 0  # plan_dated: at least this many rows per month
    fields: tuple[RecordField, ...] = ()  # record: the entries, in order
    images: str = ""  # record: the attachments field shown as a grid of photos
    images_label: str = "图片"
    images_per_row: int = 2
    image_height_mm: float = 55.0
    index: str = ""  # index_items / checklist_items: the index printed (indexes/<id>.toml)
    sections: tuple[str, ...] = ()  # summary_rows: the three rows' names, as the form words them

    @property
    def periodic(self) -> bool:
        """True when the form prints a month/term/school year (``form_data`` takes a period)."""
        return self.source in PERIODIC_SOURCES

    @property
    def display_name(self) -> str:
        """Label and title for lists and menus, title placeholders shown as hints ("本园")."""
        title = fill_title(self.title, TITLE_PLACEHOLDER_HINTS)
        return f"{self.label} {title}".strip()


def title_placeholders(title: str) -> list[str]:
    """The ``{name}`` placeholders of a title; ValueError on a malformed one."""
    names = []
    for _text, name, spec, conversion in Formatter().parse(title):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(name)
        names.append(name)
    return names


def fill_title(title: str, values: dict[str, str], blank: str = "") -> str:
    """The title with its placeholders replaced (a missing or empty value by ``blank``)."""
    out = []
    for text, name, _spec, _conversion in Formatter().parse(title):
        out.append(text)
        if name is not None:
            out.append(values.get(name) or blank)
    return "".join(out)


class Roles(NamedTuple):
    """What the programme calls its two sides: each notice words them its own way."""

    lead: str
    partners: tuple[str, ...]


class Programme(NamedTuple):
    """A programme (方案) loaded from its profile folder: its notice, wording, rules, indexes
    and forms — everything that differs between the county notices."""

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
    calendar: Calendar = Calendar()
    rules: tuple[Rule, ...] = ()  # rules.toml: what the engine checks (core/rules.py)
    roster_rules: tuple[RosterRule, ...] = ()  # rules.toml [[roster_rules]] (roster_rules.py)
    indexes: tuple[Index, ...] = ()  # indexes/*.toml: 考核评估指标, checklists
    targets: tuple[Target, ...] = ()  # [[targets]]: yearly participation per county (盘锦)
    wording: StageWording | None = None  # wording.toml: how 从记录起草 words the stage report

    def index(self, index_id: str) -> Index:
        for index in self.indexes:
            if index.id == index_id:
                return index
        known = "、".join(i.id for i in self.indexes) or "（无）"
        raise UserError(f"方案“{self.name}”没有考核指标 {index_id}。可用的：{known}")

    def form(self, form_id: str) -> FormSpec:
        for spec in self.forms:
            if spec.id == form_id:
                return spec
        known = "、".join(f.id for f in self.forms)
        raise UserError(f"方案“{self.name}”没有表格 {form_id}。可用的表格：{known}")

    @property
    def all_roles(self) -> tuple[str, ...]:
        return (self.roles.lead, *self.roles.partners)


def _check_bind(bind: str, source: str, where: str) -> None:
    field = bind.split(":", 1)[0]
    if field not in SOURCE_FIELDS[source]:
        known = ", ".join(sorted(SOURCE_FIELDS[source]))
        raise ProfileError(f"{where}：bind = {bind!r} 不是数据源 {source} 的字段（可用：{known}）")
    if field in ATTACHMENT_FIELDS.get(source, ()):
        raise ProfileError(
            f"{where}：bind = {bind!r} 是附件列表，只能用作记录表的 images（文件名请用 attachment_names）"
        )


# Keys read only by one layout: naming the layout in the message beats "不认识的键".
_TABLE_KEYS = ("columns", "group_by", "empty_rows", "min_row_height_mm", "months", "rows_per_month")
_RECORD_KEYS = ("fields", "images", "images_label", "images_per_row", "image_height_mm")


def _choice(t: TomlTable, key: str, choices: tuple[str, ...], default: str) -> str:
    value = t.get(key, str, default)
    if value not in choices:
        raise ProfileError(f"{t.where}：{key} 只能是 {' / '.join(choices)}，实际为 {value!r}")
    return value


def _positive(t: TomlTable, key: str, default: float, *, zero: bool = True) -> float:
    value = t.get(key, float, default)
    if value < 0 or (not zero and value == 0):
        raise ProfileError(f"{t.where}：{key} 应大于{'或等于 ' if zero else ' '}0")
    return value


_HEADING = re.compile(r"heading[1-9]")


def _check_column_title(title: str, source: str, where: str) -> None:
    """A column title may hold ``{heading1}``… (the index's own headings) in an index form."""
    try:
        names = title_placeholders(title)
    except ValueError as exc:
        raise ProfileError(f"{where}：title 中的占位符 {{{exc}}} 写法不对") from exc
    if not names:
        return
    if source not in INDEX_SOURCES:
        raise ProfileError(
            f"{where}：title 中的占位符只用于考核指标表（数据源 {'、'.join(INDEX_SOURCES)}）"
        )
    wrong = [n for n in names if not _HEADING.fullmatch(n)]
    if wrong:
        raise ProfileError(
            f"{where}：title 中的占位符 {{{wrong[0]}}} 不认识（可用 {{heading1}}、{{heading2}}…，"
            "即指标文件 headings 的第 1、2…项）"
        )


def _load_columns(t: TomlTable, source: str) -> list[Column]:
    columns = []
    for ct in t.tables("columns"):
        column = Column(
            title=ct.get("title", str, required=True),
            bind=ct.get("bind", str, required=True),
            width=ct.get("width", float, 1.0),
            merge=ct.get("merge", bool, False),
            align=ct.get("align", str, "left"),
            valign=ct.get("valign", str, "middle"),
        )
        if column.align not in ("left", "center", "right"):
            raise ProfileError(f"{ct.where}：align 只能是 left / center / right")
        if column.valign not in ("top", "middle", "bottom"):
            raise ProfileError(f"{ct.where}：valign 只能是 top / middle / bottom")
        if column.width <= 0:
            raise ProfileError(f"{ct.where}：width 应大于 0")
        _check_bind(column.bind, source, ct.where)
        _check_column_title(column.title, source, ct.where)
        ct.done()
        columns.append(column)
    if not columns:
        raise ProfileError(f"{t.where}：至少需要一列 [[columns]]")
    return columns


def _load_fields(t: TomlTable, source: str) -> list[RecordField]:
    fields = []
    for ft in t.tables("fields"):
        field = RecordField(
            label=ft.get("label", str, required=True),
            bind=ft.get("bind", str, ""),
            kind=_choice(ft, "kind", FIELD_KINDS, "short"),
            min_height_mm=_positive(ft, "min_height_mm", 0.0),
        )
        if field.bind:  # no bind: a blank entry written by hand
            _check_bind(field.bind, source, ft.where)
        ft.done()
        fields.append(field)
    if not fields:
        raise ProfileError(f'{t.where}：layout = "record" 至少需要一项 [[fields]]')
    return fields


def _load_months(t: TomlTable) -> tuple[int, ...]:
    raw = t.get("months", list, [])
    if not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in raw):
        raise ProfileError(f"{t.where}：months 应为 1–12 的月份列表，例如 [3, 4, 5, 6]")
    if len(set(raw)) != len(raw):
        raise ProfileError(f"{t.where}：months 有重复的月份")
    return tuple(raw)


def load_form(path: Path) -> FormSpec:
    t = TomlTable(read_toml(path), str(path))
    form_id = t.get("id", str, required=True)
    if form_id != path.stem:
        raise ProfileError(f"{path}：id = {form_id!r} 应与文件名 {path.stem!r} 相同")
    source = t.get("source", str, required=True)
    if source not in SOURCE_FIELDS:
        raise ProfileError(
            f"{path}：未知的数据源 source = {source!r}（可用：{', '.join(SOURCE_FIELDS)}）"
        )
    layout = _choice(t, "layout", LAYOUTS, "table")
    wrong = [k for k in (_RECORD_KEYS if layout == "table" else _TABLE_KEYS) if k in t.data]
    if wrong:
        other = "record" if layout == "table" else "table"
        raise ProfileError(f'{path}：{", ".join(wrong)} 只用于 layout = "{other}" 的表格')
    options = [k for k in ("months", "rows_per_month", "index", "sections") if k in t.data]
    unused = [k for k in options if k not in SOURCE_OPTIONS.get(source, ())]
    if unused:
        users = [s for s, keys in SOURCE_OPTIONS.items() if unused[0] in keys]
        raise ProfileError(
            f"{path}：{', '.join(unused)} 只用于数据源 {'、'.join(users)}（本表为 {source}）"
        )
    periodic = source in PERIODIC_SOURCES
    for key in ("default_period", "calendar_year"):
        if key in t.data and not periodic:
            raise ProfileError(f"{path}：{key} 只用于按期间打印的表格（数据源 {source} 不分期间）")
    default_period = _choice(t, "default_period", PERIOD_KINDS, "term")
    calendar_year = _choice(t, "calendar_year", ("", "start", "end"), "")

    title = t.get("title", str, required=True)
    try:
        placeholders = title_placeholders(title)
    except ValueError as exc:
        raise ProfileError(
            f"{path}：title 中的占位符 {{{exc}}} 写法不对（应为 {{kindergarten_name}} 这样的名字）"
        ) from exc
    unknown = [name for name in placeholders if name not in HEADER_FIELDS]
    if unknown:
        raise ProfileError(
            f"{path}：title 中的占位符 {{{unknown[0]}}} 不是表头字段"
            f"（可用：{', '.join(sorted(HEADER_FIELDS))}）"
        )

    fields: list[RecordField] = []
    images = ""
    if layout == "table":
        columns = _load_columns(t, source)
    else:
        fields = _load_fields(t, source)
        columns = [Column(title=f.label, bind=f.bind) for f in fields]
        images = t.get("images", str, "")
        if images and images not in ATTACHMENT_FIELDS.get(source, ()):
            known = ", ".join(sorted(ATTACHMENT_FIELDS.get(source, ()))) or "（无）"
            raise ProfileError(
                f"{path}：images = {images!r} 不是数据源 {source} 的附件字段（可用：{known}）"
            )
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
    empty_rows = t.get("empty_rows", int, 0)
    if empty_rows < 0:
        raise ProfileError(f"{path}：empty_rows 应大于或等于 0")
    rows_per_month = t.get("rows_per_month", int, 0)
    if rows_per_month < 0:
        raise ProfileError(f"{path}：rows_per_month 应大于或等于 0")
    index = t.get("index", str, "")
    if source in INDEX_SOURCES and not index:
        raise ProfileError(
            f'{path}：数据源 {source} 需要 index = "指标编号"（indexes/ 中的文件名）'
        )
    sections = t.strings("sections", default=())
    if sections and len(sections) != 3:
        raise ProfileError(
            f"{path}：sections 应为三项（亮点工作、存在的问题、下一步打算三行各自的名称）"
        )
    images_per_row = t.get("images_per_row", int, 2)
    if not 1 <= images_per_row <= 4:
        raise ProfileError(f"{path}：images_per_row 应为 1–4")
    spec = FormSpec(
        id=form_id,
        label=t.get("label", str, ""),
        title=title,
        source=source,
        columns=tuple(columns),
        header_fields=tuple(header_fields),
        group_by=group_by,
        orientation=orientation,
        footnote=t.get("footnote", str, ""),
        signature=t.get("signature", str, ""),
        description=t.get("description", str, ""),
        empty_rows=empty_rows,
        layout=layout,
        default_period=default_period,
        calendar_year=calendar_year,
        min_row_height_mm=_positive(t, "min_row_height_mm", 0.0),
        months=_load_months(t),
        rows_per_month=rows_per_month,
        fields=tuple(fields),
        images=images,
        images_label=t.get("images_label", str, "图片"),
        images_per_row=images_per_row,
        image_height_mm=_positive(t, "image_height_mm", 55.0, zero=False),
        index=index,
        sections=sections,
    )
    t.done()
    return spec


def bind_indexes(
    forms: tuple[FormSpec, ...], indexes: tuple[Index, ...], template_dir: Path
) -> tuple[FormSpec, ...]:
    """The forms with their ``index`` checked against the programme's indexes (it exists and
    is of the kind the source prints) and ``{headingN}`` column titles filled from it.

    Templates load before the programme knows its indexes, so this runs once both are loaded.
    """
    by_id = {i.id: i for i in indexes}
    out = []
    for spec in forms:
        if not spec.index:
            out.append(spec)
            continue
        where = str(template_dir / f"{spec.id}.toml")
        index = by_id.get(spec.index)
        if index is None:
            known = "、".join(by_id) or "（无）"
            raise ProfileError(f"{where}：index = {spec.index!r} 不在 indexes/ 中（可用：{known}）")
        wanted = INDEX_SOURCES[spec.source]
        if index.kind != wanted:
            raise ProfileError(
                f"{where}：指标 {index.id} 是 kind = {index.kind!r}，数据源 {spec.source} 需要 {wanted!r}"
            )
        headings = {f"heading{n}": h for n, h in enumerate(index.headings, 1)}
        columns = []
        for column in spec.columns:
            missing = [n for n in title_placeholders(column.title) if n not in headings]
            if missing:
                raise ProfileError(
                    f"{where}：列标题 {column.title!r} 中的 {{{missing[0]}}} 超出了指标 {index.id}"
                    f" 的 headings（共 {len(index.headings)} 项）"
                )
            columns.append(column._replace(title=fill_title(column.title, headings)))
        out.append(spec._replace(columns=tuple(columns)))
    return tuple(out)


def load_programme(folder: Path) -> Programme:
    path = folder / "programme.toml"
    t = TomlTable(read_toml(path), str(path))
    programme_id = t.get("id", str, required=True)
    if programme_id != folder.name:
        raise ProfileError(f"{path}：id = {programme_id!r} 应与文件夹名 {folder.name!r} 相同")
    roles_t = TomlTable(t.get("roles", dict, required=True), f"{path} [roles]")
    roles = Roles(
        lead=roles_t.get("lead", str, required=True), partners=roles_t.strings("partners")
    )
    roles_t.done()
    if not roles.partners:
        raise ProfileError(f"{path} [roles]：partners 至少一项")
    vocab = TomlTable(t.get("vocab", dict, required=True), f"{path} [vocab]")
    kinds = vocab.strings("kindergarten_kinds")
    posts = vocab.strings("posts")
    activity_kinds = vocab.strings("activity_kinds")
    vocab.done()
    calendar = _load_calendar(t, path)
    rules, roster_rules = load_rule_file(folder, activity_kinds, posts)
    indexes = load_indexes(folder, frozenset(r.id for r in rules))
    template_dir = folder / "templates"
    forms = bind_indexes(
        tuple(load_form(p) for p in sorted(template_dir.glob("*.toml"))), indexes, template_dir
    )
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
        rules=rules,
        roster_rules=roster_rules,
        indexes=indexes,
        targets=load_targets(t),
        wording=load_wording(folder),
    )
    t.done()
    return programme


def _load_calendar(t: TomlTable, path: Path) -> Calendar:
    dates = load_dates(t.get("dates", dict, None), str(path))
    raw = t.get("calendar", dict, None)
    if raw is None:
        return Calendar(dates=dates)
    ct = TomlTable(raw, f"{path} [calendar]")
    default = Calendar()
    rows_raw = ct.get("plan_rows", list, [list(r) for r in default.plan_rows])
    if not all(isinstance(r, list) and r and all(isinstance(m, int) for m in r) for r in rows_raw):
        raise ProfileError(f"{ct.where}：plan_rows 应为月份列表的列表，例如 [[7, 8], [9]]")
    calendar = Calendar(
        autumn_start=ct.get("autumn_start", int, default.autumn_start),
        plan_rows=tuple(tuple(r) for r in rows_raw),
        monthly_report_day=ct.get("monthly_report_day", int, 0),
        report_next_month=ct.get("report_next_month", bool, False),
        late_counts=ct.get("late_counts", bool, True),
        photo_days=ct.get("photo_days", int, default.photo_days),
        dates=dates,
    )
    ct.done()
    problem = calendar.check()
    if not problem and not 0 <= calendar.monthly_report_day <= 31:
        problem = "monthly_report_day 应为 0–31"
    if not problem and not 0 <= calendar.photo_days <= 366:
        problem = "photo_days 应为 0–366 天"
    if not problem and calendar.report_next_month and not calendar.monthly_report_day:
        problem = "report_next_month 需要 monthly_report_day（次月几日前上报）"
    if problem:
        raise ProfileError(f"{ct.where}：{problem}")
    return calendar


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
