"""The two JSON members of a package, checked: ``manifest.json`` and ``data.json``.

Both are parsed strictly — UTF-8 only, no duplicate keys (a second "format" must not hide
the first), no NaN or Infinity, nesting bounded by Python's recursion limit — and then their
shape is checked field by field, so the rest of the program can index them without guards.
Row contents (columns, types, references) are ``core.apply_records.check_document``'s job:
it needs the data file's schema.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from itertools import chain
from operator import methodcaller
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.records import reporting
from gongtongti_desktop.exchange.package import format as fmt

_UUID = re.compile(r"^[0-9a-fA-F-]{8,64}\Z")
_PERIOD_KINDS = ("month", "term", "school_year")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Called for every JSON object (half a million in a 汇总 of 200 packages): the dict is
    built in C and the keys looked at one by one only when one of them repeats."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise ValueError(f"重复的键 {key!r}")
            seen.add(key)
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"不允许的数值 {name}")


def parse(path: Path, name: str, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fmt.refuse(path, f"其中的 {name} 不是 UTF-8 文本") from exc
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise fmt.refuse(path, f"其中的 {name} 不是有效的 JSON（{_short(exc)}）") from exc


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 80 else text[:80] + "…"


# The keys the program writes (exchange/package/write.py). Anything else is refused: a key this
# version does not know is data it would silently ignore (a newer format has a newer version).
MANIFEST_KEYS = frozenset(
    ("format", "format_version", "app_version", "schema_version", "programme", "kindergarten",
     "period", "programme_name", "created_at", "counts", "changes", "members", "open_items",
     "signed", "photo_checks")
)  # fmt: skip
# 上报前检查 (core/upload/before_export.OpenItem.as_json): what was still open at export. Optional:
# packages written before it have none.
OPEN_ITEM_KEYS = frozenset(("kind", "severity", "text", "record_type", "record_id", "period"))
MAX_OPEN_ITEMS = 100_000
MAX_OPEN_TEXT = 2_000
DATA_KEYS = frozenset(("format", "version", "programme", "kindergarten", "period", "records"))
_KINDERGARTEN_KEYS = frozenset(("uuid", "name"))
_PERIOD_KEYS = frozenset(("kind", "key", "label", "start", "end"))
# An export may come from a computer whose clock is a little ahead; a day more is a forgery
# (or a wrong clock) that would pose as the newest package in the 汇总.
FUTURE_SLACK = dt.timedelta(days=1)


def _unknown(path: Path, where: str, doc: dict[str, Any], known: frozenset[str]) -> None:
    extra = sorted(set(doc) - known)
    if extra:
        raise fmt.refuse(path, f"{where}中有本程序不认识的项“{_short(ValueError(extra[0]))}”")


def check_manifest(path: Path, manifest: Any, *, now: dt.datetime | None = None) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != fmt.PACKAGE_FORMAT:
        raise fmt.not_ours(path)
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fmt.refuse(path, "清单中的格式版本不对")
    if version > fmt.FORMAT_VERSION:
        raise fmt.refuse(
            path,
            f"它由更新版本的共同体工作台写出（数据包格式版本 {version}，本程序只认识到 "
            f"{fmt.FORMAT_VERSION}），请升级本程序后再导入",
        )
    members = manifest.get("members")
    if not isinstance(members, dict) or fmt.DATA not in members:
        raise fmt.refuse(path, "清单中没有列出 data.json")
    for name, entry in members.items():
        problem = fmt.member_name_problem(name) or fmt.layout_problem(name)
        if name == fmt.MANIFEST or problem:
            raise fmt.refuse(path, f"清单中的文件名“{name}”不允许：{problem or '清单不能列出自己'}")
        size = entry.get("size") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or not fmt.is_sha256(entry.get("sha256"))
            or not isinstance(size, int)
            or isinstance(size, bool)
            or size < 0
        ):
            raise fmt.refuse(path, f"清单中“{name}”的校验值或大小格式不对")
    _check_identity(path, "清单", manifest)
    created = manifest.get("created_at")
    try:
        stamp = dt.datetime.fromisoformat(created) if isinstance(created, str) else None
    except ValueError:
        stamp = None
    if stamp is None or stamp.tzinfo is None:
        raise fmt.refuse(path, "清单中的导出时间格式不对")
    now = now or dt.datetime.now().astimezone()
    if stamp > now + FUTURE_SLACK:
        raise fmt.refuse(
            path,
            f"清单中的导出时间 {stamp:%Y-%m-%d %H:%M} 晚于现在（本机时间 {now:%Y-%m-%d %H:%M}），"
            "数据包可能被改动，或导出它的电脑时间不对",
        )
    _unknown(path, "清单", manifest, MANIFEST_KEYS)
    _check_open_items(path, manifest.get("open_items", []))
    if "signed" in manifest:  # the signed forms (a package written before them has none)
        from gongtongti_desktop.exchange.package.signed_forms import section_problem

        problem = section_problem(manifest["signed"], members)
        if problem:
            raise fmt.refuse(path, problem)
    if "photo_checks" in manifest:  # absent in packages written before photo checks
        from gongtongti_desktop.exchange.package import photo_checks

        photo_checks.check(path, manifest["photo_checks"])
    return manifest


def _check_open_items(path: Path, items: Any) -> None:
    """A list of short string records of the known keys, each with a kind (a kind this version
    does not know is kept: a newer program may list more kinds)."""
    if not isinstance(items, list) or len(items) > MAX_OPEN_ITEMS:
        raise fmt.refuse(path, "清单中的上报前检查项目格式不对")
    # Asked of all items at once, in C: a school year's manifest lists some 3 000 of them,
    # which item by item took ~2.2 ms of each package a 汇总 reads (now ~1.6 ms). JSON gives
    # exact types (dict, str), so ``type(x) is`` is the ``isinstance`` of the same check.
    if not set(map(type, items)) <= {dict} or not all(map(OPEN_ITEM_KEYS.issuperset, items)):
        raise fmt.refuse(path, "清单中的上报前检查项目格式不对")
    values = list(chain.from_iterable(map(dict.values, items)))
    if (
        not set(map(type, values)) <= {str}
        or max(map(len, values), default=0) > MAX_OPEN_TEXT
        or not all(map(_get_kind, items))
    ):
        raise fmt.refuse(path, "清单中的上报前检查项目格式不对")


def _check_identity(path: Path, where: str, doc: dict[str, Any]) -> None:
    """kindergarten {uuid, name}, programme and period {kind, key, label, start, end}."""
    kindergarten = doc.get("kindergarten")
    if isinstance(kindergarten, dict):
        _unknown(path, f"{where}的幼儿园信息", kindergarten, _KINDERGARTEN_KEYS)
    if isinstance(doc.get("period"), dict):
        _unknown(path, f"{where}的期间", doc["period"], _PERIOD_KEYS)
    if (
        not isinstance(kindergarten, dict)
        or not isinstance(kindergarten.get("uuid"), str)
        or not _UUID.match(kindergarten["uuid"])
        or not isinstance(kindergarten.get("name"), str)
        or len(kindergarten["name"]) > 200
    ):
        raise fmt.refuse(path, f"{where}中的幼儿园信息格式不对")
    if not isinstance(doc.get("programme"), str) or not doc["programme"]:
        raise fmt.refuse(path, f"{where}中的方案格式不对")
    period = doc.get("period")
    if not isinstance(period, dict) or period.get("kind") not in _PERIOD_KINDS:
        raise fmt.refuse(path, f"{where}中的期间格式不对")
    try:
        start = dt.date.fromisoformat(period["start"])
        end = dt.date.fromisoformat(period["end"])
    except (KeyError, TypeError, ValueError) as exc:
        raise fmt.refuse(path, f"{where}中的期间日期格式不对") from exc
    if start > end or not all(isinstance(period.get(k), str) for k in ("key", "label")):
        raise fmt.refuse(path, f"{where}中的期间格式不对")


def check_data(path: Path, manifest: dict[str, Any], data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("format") != reporting.DATA_FORMAT:
        raise fmt.refuse(path, "其中的 data.json 不是共同体工作台的数据")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fmt.refuse(path, "data.json 的数据格式版本不对")
    if version > reporting.DATA_VERSION:
        raise fmt.refuse(
            path,
            f"其中的数据格式版本为 {version}，本程序只认识到 {reporting.DATA_VERSION}，"
            "请升级本程序后再导入",
        )
    _unknown(path, "data.json ", data, DATA_KEYS)
    _check_identity(path, "data.json ", data)
    for key in ("kindergarten", "programme", "period"):
        if data[key] != manifest[key]:
            raise fmt.refuse(path, f"data.json 与清单中的{_WHAT[key]}不一致")
    records = data.get("records")
    if not isinstance(records, dict):
        raise fmt.refuse(path, "data.json 中没有记录表")
    for table, rows in records.items():
        label = reporting.TABLE_LABELS.get(table)
        if label is None:
            raise fmt.refuse(path, f"data.json 中有本程序不认识的表“{_short(ValueError(table))}”")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise fmt.refuse(path, f"data.json 中的{label}格式不对")
        # Every id text, of the pattern, none twice — asked of all rows at once in C; when
        # not, row by row below says which row is the first wrong one.
        ids = list(map(_get_id, rows))
        if (
            set(map(type, ids)) <= {str}
            and all(map(_UUID.match, ids))
            and len(set(ids)) == len(ids)
        ):
            continue
        seen: set[str] = set()
        for row in rows:
            uuid = row.get("id")
            if not isinstance(uuid, str) or not _UUID.match(uuid):
                raise fmt.refuse(path, f"data.json 中的{label}记录编号不对")
            if uuid in seen:
                raise fmt.refuse(path, f"data.json 中的{label}有重复的编号 {uuid}")
            seen.add(uuid)
    return data


_WHAT = {"kindergarten": "幼儿园", "programme": "方案", "period": "期间"}
_get_id = methodcaller("get", "id")
_get_kind = methodcaller("get", "kind")
