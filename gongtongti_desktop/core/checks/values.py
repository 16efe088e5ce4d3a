"""What a record's values may be: checked in a package before anything is written, and by
``check`` in a data file already written.

The shape check (``apply_records.check_document``) makes sure every value has the column's
type; a type says too little. A headcount of 2**70 is an int, and used to pass every check
and then crash the import midway, after a backup and the evidence files were already
written. Here every value is held against what SQLite can store (64-bit integers, finite
numbers) and against common sense and the programme: a headcount of 0–10 000, a score within
its item's points, real calendar dates and times, kinds from the programme's vocabularies,
names without control characters, references that look like ids.

Checked a column at a time over the distinct values (a 汇总 of 200 packages holds 400 000
rows, most of their dates and kinds repeating), so the 汇总 keeps its pace.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from operator import methodcaller
from typing import Any

from gongtongti_desktop.core.profile.indexes import VERDICTS
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import catalog, reporting
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError

INT64 = (-(2**63), 2**63 - 1)
MAX_HEADCOUNT = 10_000
MAX_SORT_ORDER = 10**9
MAX_FILE_BYTES = 2**40
MAX_NAME = 200
FIRST_YEAR, LAST_YEAR = 1900, 2999
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_MONTH = re.compile(r"\d{4}-\d{2}\Z")
_TIME = re.compile(r"\d{2}:\d{2}\Z")
_ID = re.compile(r"[0-9a-fA-F-]{8,64}\Z")
_MEDIA = re.compile(r"[a-z]+/[a-z0-9.+-]{1,80}\Z")

Check = Callable[[Any], str]  # '' when the value is fine, else why not


class ValueProblem(ValueError):
    """One bad value: its table's label, its column and why."""


def _date(value: Any) -> str:
    if not isinstance(value, str) or not _DATE.match(value):
        return "应为 YYYY-MM-DD 格式的日期"
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return "不是真实存在的日期"
    return "" if FIRST_YEAR <= day.year <= LAST_YEAR else "年份不合常理"


def _month(value: Any) -> str:
    if not isinstance(value, str) or not _MONTH.match(value):
        return "应为 YYYY-MM 格式的月份"
    year, month = int(value[:4]), int(value[5:])
    if not 1 <= month <= 12:
        return "不是真实存在的月份"
    return "" if FIRST_YEAR <= year <= LAST_YEAR else "年份不合常理"


def _time(value: Any) -> str:
    if not isinstance(value, str) or not _TIME.match(value):
        return "应为 HH:MM 格式的时间"
    return "" if int(value[:2]) < 24 and int(value[3:]) < 60 else "不是真实存在的时间"


def _stamp(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 40:
        return "应为日期时间"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return "不是真实存在的日期时间"
    return "" if FIRST_YEAR <= moment.year <= LAST_YEAR else "年份不合常理"


def _between(low: float, high: float) -> Check:
    def check(value: Any) -> str:
        if type(value) not in (int, float):
            return "应为数字"
        return "" if low <= value <= high else f"应在 {low:g} 到 {high:g} 之间"

    return check


def _one_of(allowed: Iterable[str]) -> Check:
    allowed = frozenset(allowed)

    def check(value: Any) -> str:
        return "" if value in allowed else "不在本方案的可选范围内"

    return check


def _id(value: Any) -> str:
    return "" if isinstance(value, str) and _ID.match(value) else "不是有效的记录编号"


def _name(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_NAME:
        return f"应为不超过 {MAX_NAME} 字的名称"
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return "含有控制字符（如换行）"
    return ""


def _media(value: Any) -> str:
    return "" if isinstance(value, str) and _MEDIA.match(value) else "不是有效的文件类型"


_FIELD_CHECKS: dict[str, Check] = {
    "date": _date,
    "month": _month,
    "time": _time,
    "int": _between(0, MAX_HEADCOUNT),  # the only count a director types: 参加人数
    "bool": _one_of((0, 1)),  # type: ignore[arg-type]
    "name": _name,
    "kindergarten": _id,
    "person": _id,
    "plan_item": _id,
}
_COLUMN_CHECKS: dict[str, Check] = {
    "created_at": _stamp,
    "updated_at": _stamp,
    "deleted_at": _stamp,
    "deleted_batch": _name,  # "activity/<id>/<batch>"
    "sort_order": _between(-MAX_SORT_ORDER, MAX_SORT_ORDER),
    "size": _between(0, MAX_FILE_BYTES),
    "media_type": _media,
    "self_suggested": _one_of((0, 1)),  # type: ignore[arg-type]
    "county_suggested": _one_of((0, 1)),  # type: ignore[arg-type]
    "verdict": _one_of(("", *VERDICTS)),
}


_cache: dict[tuple[str, str], dict[str, Check]] = {}


def _checks(programme: Programme, table: str) -> dict[str, Check]:
    """column → its check, for one table under one programme (worked out once)."""
    key = (programme.id, table)
    if key not in _cache:
        _cache[key] = _make_checks(programme, table)
    return _cache[key]


def _make_checks(programme: Programme, table: str) -> dict[str, Check]:
    out = dict(_COLUMN_CHECKS)
    try:
        rtype = catalog.record_type(table)
    except UserError:  # a table without a record type (score, stage_summary)
        return out
    for f in rtype.fields:
        if f.kind == "choice":
            out[f.name] = _one_of(records.choices(programme, f))
        elif f.kind in _FIELD_CHECKS:
            out[f.name] = _FIELD_CHECKS[f.kind]
    return out


def _blank(value: Any) -> bool:
    return value is None or value == ""


# One column's values over a table's rows, None where a row leaves the column out.
Column = Callable[[str], Sequence[Any]]


def check_values(
    programme: Programme,
    tables: dict[str, list[dict[str, Any]]],
    numeric: dict[str, frozenset[str]] | None = None,
    columns: dict[str, Column] | None = None,
) -> None:
    """ValueProblem naming the first value that no data file of this program could hold."""
    for problem in value_problems(programme, tables, numeric, columns):
        raise ValueProblem(problem)


def value_problems(
    programme: Programme,
    tables: dict[str, list[dict[str, Any]]],
    numeric: dict[str, frozenset[str]] | None = None,
    columns: dict[str, Column] | None = None,
) -> Iterator[str]:
    """Every distinct impossible value, as "<table>记录的 <column>（<value>）<why>".

    ``numeric``: the columns of each table that can hold a number at all (a package's rows
    were type-checked against the schema), so text columns without a rule — ids, long
    records — are not looked at; None: every column (a data file's own rows).
    ``columns`` (with ``numeric``): per table, a getter of a column's values the caller has
    already gathered (``apply_records`` does, for its type checks) — the rows are then not
    turned into columns a second time; a column no row has gives only None and passes."""
    for table, rows in tables.items():
        if not rows:
            continue
        label = reporting.TABLE_LABELS.get(table, table)
        checks = _checks(programme, table)
        given = columns.get(table) if columns is not None and numeric is not None else None
        if given is not None:
            present = set(checks) | numeric.get(table, frozenset())  # type: ignore[union-attr]
            column_of = given
        else:
            present, column_of = _gather(rows, checks, numeric, table)
        distinct = {}
        for column in present:
            try:
                distinct[column] = set(column_of(column))
            except TypeError:  # a list of links: its ids are checked as references
                continue
        for column, values in distinct.items():
            check = checks.get(column)
            if check is None and not set(map(type, values)) & {int, float}:
                continue  # text without a rule (ids, long texts): the shape check's length
            for value in values:
                if value is None or value == "":
                    continue
                why = _number_problem(value) if type(value) in (int, float) else ""
                if not why and check is not None:
                    why = check(value)
                if why:
                    yield f"{label}记录的 {column}（{_show(value)}）{why}"
        if table == "score":
            yield from _score_problems(programme, rows)


def _gather(
    rows: list[dict[str, Any]],
    checks: dict[str, Check],
    numeric: dict[str, frozenset[str]] | None,
    table: str,
) -> tuple[set[str], Column]:
    """The columns present to look at and a getter of their values, gathered in C
    (map/methodcaller): a 汇总 checks 400 000 rows, whose days, kinds and timestamps
    mostly repeat."""
    present = set(chain.from_iterable(rows))
    if numeric is not None:
        present &= set(checks) | numeric.get(table, frozenset())
    keys = tuple(rows[0])
    same = set(map(type, rows)) <= {dict} and all(map(keys.__eq__, map(tuple, rows)))
    if same:  # every row with the same keys (as a package's): all columns at once
        by_name = dict(zip(keys, zip(*map(dict.values, rows), strict=True), strict=True))
    else:
        by_name = {c: list(map(methodcaller("get", c), rows)) for c in present}
    return present, by_name.__getitem__


def _number_problem(value: Any) -> str:
    if type(value) is int and not INT64[0] <= value <= INT64[1]:
        return "超出数据文件能保存的整数范围"
    if type(value) is float and not math.isfinite(value):
        return "不是有限的数"
    return ""


def _score_problems(programme: Programme, rows: list[dict[str, Any]]) -> Iterator[str]:
    """A score belongs to one of the programme's indexes and item, within the item's points
    in whole or half points."""
    indexes = {index.id: index for index in programme.indexes}
    for row in rows:
        index = indexes.get(row.get("index_id"))  # type: ignore[arg-type]
        if index is None:
            yield f"考核评分记录的指标“{_show(row.get('index_id'))}”不属于本方案"
            continue
        try:
            item = index.item(str(row.get("item")))
        except KeyError:
            yield f"考核评分记录的指标项“{_show(row.get('item'))}”不在指标 {index.id} 中"
            continue
        for side in ("self_score", "county_score"):
            value = row.get(side)
            if _blank(value) or type(value) not in (int, float):
                continue
            most = item.points or 0
            if not 0 <= value <= most or value * 2 != int(value * 2):
                yield (
                    f"考核评分记录 {item.code} 的 {side}（{_show(value)}）应在 0 到 {most:g} 分之间，"
                    "整分或半分"
                )


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:40] + "…"
