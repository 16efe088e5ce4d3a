"""Reading an upload package safely: everything checked before anything is touched.

A ``.gtt`` file comes from another machine — a USB stick, a chat download — so it is hostile
until proven otherwise. ``read_package`` checks, in this order, and refuses the whole package
with one Chinese message at the first problem:

1. the file: present, not over the size limit, a zip at all;
2. the zip's entries: how many, their names (no absolute paths, no "..", no backslashes, no
   drive letters, no duplicates even ignoring case, only the package's own layout), no
   encryption, declared sizes per member and in total, and the compression ratio (a zip bomb
   inflates a thousandfold; Python's ``zipfile`` never inflates past the declared size, so
   the declared sizes bound the work);
3. ``manifest.json``: UTF-8 JSON of the right shape, our format, a version we know (a newer
   one asks to upgrade), and a member list that is exactly the zip's other entries;
4. every member's sha256 and size against the manifest, read as a stream;
5. ``data.json``: UTF-8 JSON (no duplicate keys, no NaN), our data format and version, the
   same kindergarten, programme and period as the manifest, no duplicate UUIDs;
6. ``annexes.xlsx``: the same zip checks again, no DTD/entity declaration in any part (an XML
   "billion laughs" bomb), bounded cells and merged cells, then openpyxl (read-only, through
   defusedxml) must open it.

Only reading happens here — no temporary file, no extraction; the caller decides what to do
with a ``Package`` (import it, or put it in the 汇总 report).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongtongti_desktop.core import reporting
from gongtongti_desktop.core.attachments import DOCUMENT_SUFFIXES, IMAGE_SUFFIXES
from gongtongti_desktop.exchange import package_format as fmt
from gongtongti_desktop.exchange.package_format import DEFAULT_LIMITS, Limits, PackageError

Progress = Callable[[int, int, str], None]
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_PHOTO_SUFFIXES = {".jpg", *IMAGE_SUFFIXES, *DOCUMENT_SUFFIXES}
_UUID = re.compile(r"^[0-9a-fA-F-]{8,64}$")
_PERIOD_KINDS = ("month", "term", "school_year")
_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class Package:
    """A package that passed every check: its manifest, its records and its member list."""

    path: Path
    manifest: dict[str, Any]
    data: dict[str, Any]
    members: dict[str, dict[str, Any]]  # name → {"sha256", "size"} (manifest.json excluded)

    @property
    def kindergarten_uuid(self) -> str:
        return str(self.manifest["kindergarten"]["uuid"])

    @property
    def kindergarten_name(self) -> str:
        return str(self.manifest["kindergarten"]["name"])

    @property
    def programme_id(self) -> str:
        return str(self.manifest["programme"])

    @property
    def period_key(self) -> str:
        return str(self.manifest["period"]["key"])

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.manifest["created_at"])

    def photo_members(self) -> dict[str, str]:
        """Attachment sha256 → the member holding its file (``photos/<sha256><suffix>``)."""
        out = {}
        for name in self.members:
            found = fmt.PHOTO_NAME.match(name)
            if found:
                out[found.group(1)] = name
        return out

    def describe(self) -> str:
        """ "城关实验幼儿园 · 2024—2025学年 · 导出于 2025-07-01 10:00" """
        stamp = self.created_at.strftime("%Y-%m-%d %H:%M")
        return f"{self.kindergarten_name} · {self.manifest['period']['label']} · 导出于 {stamp}"


def refuse(path: Path, why: str) -> PackageError:
    return PackageError(f"数据包“{path.name}”被拒绝：{why}。未做任何改动。")


def read_package(
    path: Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    open_workbook: bool = True,
) -> Package:
    """The checked package at ``path``; PackageError (nothing touched) on any problem.

    ``open_workbook``: also have openpyxl open ``annexes.xlsx`` (step 6's last fence, about
    17 ms). The 汇总 report never opens the workbook and reads hundreds of packages, so it
    passes False; the zip and XML byte checks of the workbook run either way."""
    path = Path(path)
    _check_file(path, limits)
    try:
        with path.open("rb") as fh:
            if fh.read(4) not in _ZIP_MAGIC:
                raise _not_ours(path)
            fh.seek(0)
            try:
                archive = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
                raise _not_ours(path) from exc
            with archive:
                return _read_archive(path, archive, limits, progress, open_workbook)
    except OSError as exc:
        raise refuse(path, f"无法读取文件（{exc.strerror or exc}）") from exc


def open_member(path: Path, name: str) -> tuple[zipfile.ZipFile, zipfile.ZipExtFile]:
    """A member of a package already read, opened for streaming (the caller closes both)."""
    archive = zipfile.ZipFile(path)
    try:
        return archive, archive.open(name)
    except BaseException:
        archive.close()
        raise


# -- the file and the zip ------------------------------------------------------------------


def _not_ours(path: Path) -> PackageError:
    return PackageError(
        f"“{path.name}”不是共同体工作台的数据包（不是 .gtt 压缩包，或文件已损坏）。未做任何改动。"
    )


def _check_file(path: Path, limits: Limits) -> None:
    if not path.exists():
        raise PackageError(f"数据包文件不存在：{path}")
    if not path.is_file():
        raise PackageError(f"“{path}”不是文件（可能是文件夹）。")
    size = path.stat().st_size
    if size > limits.max_package_bytes:
        raise refuse(path, f"文件有 {_mb(size)}，超过 {_mb(limits.max_package_bytes)} 的上限")


def _mb(size: float) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _read_archive(
    path: Path,
    archive: zipfile.ZipFile,
    limits: Limits,
    progress: Progress | None,
    open_workbook: bool,
) -> Package:
    infos = archive.infolist()
    by_name = _check_entries(path, infos, limits)
    if fmt.MANIFEST not in by_name:
        raise _not_ours(path)
    raw = _read_whole(path, archive, by_name[fmt.MANIFEST], limits.max_manifest_bytes)
    manifest = _check_manifest(path, _json(path, fmt.MANIFEST, raw))
    members: dict[str, dict[str, Any]] = manifest["members"]
    _check_listing(path, set(by_name) - {fmt.MANIFEST}, set(members))
    kept: dict[str, bytes] = {}
    total = len(members)
    for n, (name, expected) in enumerate(members.items(), 1):
        keep = limits.max_json_bytes if name == fmt.DATA else 0
        if name == fmt.ANNEXES:
            keep = limits.max_xlsx_bytes
        content = _verify(path, archive, by_name[name], expected, keep)
        if content is not None:
            kept[name] = content
        if progress is not None:
            progress(n, total, f"已核对 {name}")
    data = _check_data(path, manifest, _json(path, fmt.DATA, kept[fmt.DATA]))
    if fmt.ANNEXES in kept:
        from gongtongti_desktop.exchange.workbook_check import check_workbook

        problem = check_workbook(kept[fmt.ANNEXES], limits, open_it=open_workbook)
        if problem:
            raise refuse(path, f"其中的 {fmt.ANNEXES} {problem}")
    return Package(path, manifest, data, members)


def _check_entries(
    path: Path, infos: list[zipfile.ZipInfo], limits: Limits
) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > limits.max_members:
        raise refuse(path, f"包含 {len(infos)} 个文件，超过 {limits.max_members} 个的上限")
    by_name: dict[str, zipfile.ZipInfo] = {}
    folded: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        problem = fmt.member_name_problem(name) or _layout_problem(name)
        if problem:
            raise refuse(path, f"其中的文件“{name}”不允许：{problem}")
        if name.lower() in folded:
            raise refuse(path, f"文件“{name}”重复出现")
        folded.add(name.lower())
        by_name[name] = info
        if info.flag_bits & 0x1:
            raise refuse(path, f"文件“{name}”已加密")
        if info.file_size > limits.max_member_bytes:
            raise refuse(
                path,
                f"其中的文件“{name}”解压后有 {_mb(info.file_size)}，超过 "
                f"{_mb(limits.max_member_bytes)} 的上限",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise refuse(
                path, f"其中的文件“{name}”压缩比异常（{ratio:.0f} 倍），可能是恶意构造的压缩炸弹"
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise refuse(path, f"解压后共有 {_mb(total)}，超过 {_mb(limits.max_total_bytes)} 的上限")
    return by_name


def _check_listing(path: Path, present: set[str], listed: set[str]) -> None:
    """The zip holds exactly what the manifest lists: nothing slipped in, nothing lost."""
    extra = sorted(present - listed)
    if extra:
        raise refuse(path, f"其中的文件“{extra[0]}”不在清单中（数据包可能被改动）")
    missing = sorted(listed - present)
    if missing:
        raise refuse(path, f"缺少清单中列出的文件“{missing[0]}”（数据包不完整）")


def _layout_problem(name: str) -> str:
    """Only the package's own members: manifest, data, workbook, pdf/*.pdf, photos/<sha>.<ext>."""
    if name in (fmt.MANIFEST, fmt.DATA, fmt.ANNEXES):
        return ""
    if name.startswith(fmt.PDF_FOLDER) and name.endswith(".pdf") and name.count("/") == 1:
        return ""
    found = fmt.PHOTO_NAME.match(name)
    if found and found.group(2) in _PHOTO_SUFFIXES:
        return ""
    return "不是数据包应有的文件"


def _read_whole(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise refuse(path, f"其中的 {info.filename} 有 {_mb(info.file_size)}，超过上限")
    try:
        return archive.read(info)
    except Exception as exc:  # truncated, bad CRC, zlib error, unknown method: all "damaged"
        raise refuse(path, f"其中的 {info.filename} 无法解压（文件已损坏）") from exc


def _verify(
    path: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    expected: dict[str, Any],
    keep: int,
) -> bytes | None:
    """Hash a member as a stream against the manifest; its bytes when ``keep`` allows."""
    name = info.filename
    if info.file_size != expected["size"]:
        raise refuse(path, f"其中的 {name} 大小与清单不符（文件可能被改动或损坏）")
    if keep and info.file_size > keep:
        raise refuse(path, f"其中的 {name} 有 {_mb(info.file_size)}，超过上限")
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            for block in iter(lambda: stream.read(_BLOCK), b""):
                digest.update(block)
                size += len(block)
                if keep:
                    chunks.append(block)
    except Exception as exc:
        raise refuse(path, f"其中的 {name} 无法解压（文件已损坏）") from exc
    if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise refuse(path, f"其中的 {name} 校验值与清单不符（文件可能被改动或损坏）")
    return b"".join(chunks) if keep else None


# -- JSON -----------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"重复的键 {key!r}")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"不允许的数值 {name}")


def _json(path: Path, name: str, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(path, f"其中的 {name} 不是 UTF-8 文本") from exc
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise refuse(path, f"其中的 {name} 不是有效的 JSON（{_short(exc)}）") from exc


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 80 else text[:80] + "…"


def _check_manifest(path: Path, manifest: Any) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != fmt.PACKAGE_FORMAT:
        raise _not_ours(path)
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise refuse(path, "清单中的格式版本不对")
    if version > fmt.FORMAT_VERSION:
        raise refuse(
            path,
            f"它由更新版本的共同体工作台写出（数据包格式版本 {version}，本程序只认识到 "
            f"{fmt.FORMAT_VERSION}），请升级本程序后再导入",
        )
    members = manifest.get("members")
    if not isinstance(members, dict) or fmt.DATA not in members:
        raise refuse(path, "清单中没有列出 data.json")
    for name, entry in members.items():
        problem = fmt.member_name_problem(name) or _layout_problem(name)
        if name == fmt.MANIFEST or problem:
            raise refuse(path, f"清单中的文件名“{name}”不允许：{problem or '清单不能列出自己'}")
        size = entry.get("size") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or not fmt.is_sha256(entry.get("sha256"))
            or not isinstance(size, int)
            or isinstance(size, bool)
            or size < 0
        ):
            raise refuse(path, f"清单中“{name}”的校验值或大小格式不对")
    _check_identity(path, "清单", manifest)
    created = manifest.get("created_at")
    try:
        stamp = dt.datetime.fromisoformat(created) if isinstance(created, str) else None
    except ValueError:
        stamp = None
    if stamp is None or stamp.tzinfo is None:
        raise refuse(path, "清单中的导出时间格式不对")
    return manifest


def _check_identity(path: Path, where: str, doc: dict[str, Any]) -> None:
    """kindergarten {uuid, name}, programme and period {kind, key, label, start, end}."""
    kindergarten = doc.get("kindergarten")
    if (
        not isinstance(kindergarten, dict)
        or not isinstance(kindergarten.get("uuid"), str)
        or not _UUID.match(kindergarten["uuid"])
        or not isinstance(kindergarten.get("name"), str)
        or len(kindergarten["name"]) > 200
    ):
        raise refuse(path, f"{where}中的幼儿园信息格式不对")
    if not isinstance(doc.get("programme"), str) or not doc["programme"]:
        raise refuse(path, f"{where}中的方案格式不对")
    period = doc.get("period")
    if not isinstance(period, dict) or period.get("kind") not in _PERIOD_KINDS:
        raise refuse(path, f"{where}中的期间格式不对")
    try:
        start = dt.date.fromisoformat(period["start"])
        end = dt.date.fromisoformat(period["end"])
    except (KeyError, TypeError, ValueError) as exc:
        raise refuse(path, f"{where}中的期间日期格式不对") from exc
    if start > end or not all(isinstance(period.get(k), str) for k in ("key", "label")):
        raise refuse(path, f"{where}中的期间格式不对")


def _check_data(path: Path, manifest: dict[str, Any], data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("format") != reporting.DATA_FORMAT:
        raise refuse(path, "其中的 data.json 不是共同体工作台的数据")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise refuse(path, "data.json 的数据格式版本不对")
    if version > reporting.DATA_VERSION:
        raise refuse(
            path,
            f"其中的数据格式版本为 {version}，本程序只认识到 {reporting.DATA_VERSION}，"
            "请升级本程序后再导入",
        )
    _check_identity(path, "data.json ", data)
    for key in ("kindergarten", "programme", "period"):
        if data[key] != manifest[key]:
            raise refuse(path, f"data.json 与清单中的{_WHAT[key]}不一致")
    records = data.get("records")
    if not isinstance(records, dict):
        raise refuse(path, "data.json 中没有记录表")
    for table, rows in records.items():
        label = reporting.TABLE_LABELS.get(table)
        if label is None:
            raise refuse(path, f"data.json 中有本程序不认识的表“{_short(ValueError(table))}”")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise refuse(path, f"data.json 中的{label}格式不对")
        seen: set[str] = set()
        for row in rows:
            uuid = row.get("id")
            if not isinstance(uuid, str) or not _UUID.match(uuid):
                raise refuse(path, f"data.json 中的{label}记录编号不对")
            if uuid in seen:
                raise refuse(path, f"data.json 中的{label}有重复的编号 {uuid}")
            seen.add(uuid)
    return data


_WHAT = {"kindergarten": "幼儿园", "programme": "方案", "period": "期间"}
