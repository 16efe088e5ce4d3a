"""Writing an upload package (上报数据包): the period's records, the annex forms as Excel and
PDF, and optionally the photos, in one zip with a manifest of hashes.

The package appears whole or not at all: it is written to a temporary file beside the target
and renamed over it at the end. The records are marked reported (``reporting.mark_exchanged``)
in the same step, inside one transaction around the rename — so a data file never says
"reported" for a package that is not there, and a package is never there without the mark.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gongtongti_desktop
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import note_export
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, reporting, stage_reports
from gongtongti_desktop.core.records.reporting import Changes
from gongtongti_desktop.core.upload import before_export
from gongtongti_desktop.core.upload.before_export import OpenItem
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package import format as fmt
from gongtongti_desktop.exchange.package import photo_checks, signed_forms
from gongtongti_desktop.exchange.package.photos import pack_file

if TYPE_CHECKING:
    from gongtongti_desktop.core.forms.form_data import FormData

Progress = Callable[[int, int, str], None]
_NO_COMPRESSION = (".xlsx", ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".docx", ".pptx")


@dataclass
class ExportResult:
    path: Path
    period: Period
    period_key: str
    counts: dict[str, int]  # records per table
    changes: Changes  # since the last export
    warnings: list[str] = field(default_factory=list)
    missing_photos: list[str] = field(default_factory=list)  # original names of absent files
    photos: int = 0  # evidence files put in the package
    scans: int = 0  # signed scans of printed forms put in the package
    size: int = 0  # bytes
    open_items: list[OpenItem] = field(default_factory=list)  # 上报前检查, in the manifest

    def outcome_lines(self) -> list[str]:
        """Chinese lines for the CLI and the window's closing message."""
        total = sum(self.counts.values())
        lines = [f"已导出上报数据包 {self.path}（{self.period.label}，{total} 条记录）"]
        lines += [f"  {reporting.TABLE_LABELS[t]} {n} 条" for t, n in self.counts.items() if n]
        if self.photos:
            lines.append(f"  附件文件 {self.photos} 个")
        if self.scans:
            lines.append(f"  签字件 {self.scans} 份")
        lines += self.changes.outcome_lines() or ["与上次上报相比没有变化"]
        if self.open_items:
            found = before_export.counts(self.open_items)
            shown = "、".join(f"{before_export.kind_label(k)} {n} 项" for k, n in found.items())
            lines.append(f"上报前检查仍未处理 {len(self.open_items)} 项（已记入数据包）：{shown}")
        lines += [f"注意：{w}" for w in self.warnings]
        return lines


def package_period(programme: Programme, period: Period) -> Period:
    """The period as a package names it: a month becomes its plan row (Yiyuan's 7-8月 is one
    month of 附件2), so the key read back gives the same days."""
    return periods.period_from_key(programme.calendar, periods.period_key(period))


def write_package(
    store: Store,
    programme: Programme,
    period: Period,
    out: Path,
    *,
    photos: bool = False,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    open_items: list[OpenItem] | None = None,
) -> ExportResult:
    """Write the package of ``period`` to ``out`` and mark its records reported.

    ``open_items``: the 上报前检查 list the director saw (computed here when not given); the
    manifest carries it so the bureau's 汇总 sees what was still open."""
    out = Path(out)
    _check_target(out)
    period = package_period(programme, period)
    key = periods.period_key(period)
    now = (now or dt.datetime.now()).astimezone()
    records = reporting.collect(store, programme, period)
    changes = reporting.changes_since_last(store, records)
    result = ExportResult(out, period, key, {t: len(rows) for t, rows in records.items()}, changes)
    result.warnings += _draft_warnings(records)
    # Before the temporary file: reading the facts of older photos may take a while. And before
    # 上报前检查, whose photo flags then count every photo.
    checks = photo_checks.manifest_entry(store, programme, period, records)
    if open_items is None:
        open_items = before_export.open_items(store, programme, period)
    result.open_items = list(open_items)
    identity = {
        "programme": programme.id,
        "kindergarten": {
            "uuid": reporting.kindergarten_uuid(store),
            "name": store.kindergarten_name,
        },
        "period": {
            "kind": period.kind,
            "key": key,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
    }
    files = _evidence(store, records) if photos else []
    datas = _form_datas(store, programme, period, result)
    signed, scans = signed_forms.signed_section(store, programme, period)
    steps = _Steps(progress, 3 + len(datas) + len(files))
    steps.tick("记录已收集")
    data_doc = {
        "format": reporting.DATA_FORMAT,
        "version": reporting.DATA_VERSION,
        **identity,
        "records": records,
    }
    tmp = _temp_beside(out)
    try:
        with tmp.open("wb") as fh:
            with zipfile.ZipFile(fh, "w") as archive:
                writer = _Writer(archive, now)
                _write_members(store, writer, data_doc, datas, files, result, steps)
                _add_scans(writer, signed, scans, result)
                manifest = {
                    "format": fmt.PACKAGE_FORMAT,
                    "format_version": fmt.FORMAT_VERSION,
                    "app_version": gongtongti_desktop.__version__,
                    "schema_version": store.schema_version,
                    **identity,
                    "programme_name": programme.name,
                    "created_at": now.isoformat(timespec="seconds"),
                    "counts": result.counts,
                    "changes": changes.as_json(),
                    "members": dict(writer.members),
                    "open_items": [item.as_json() for item in result.open_items],
                    "signed": signed,
                    photo_checks.KEY: checks,
                }
                text = json.dumps(manifest, ensure_ascii=False, indent=1)
                writer.add(fmt.MANIFEST, text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        result.size = tmp.stat().st_size
        os.chmod(tmp, 0o644)
        _publish(store, records, tmp, out, key, changes)
    except OSError as exc:
        raise UserError(
            f"无法保存上报数据包到 {out}：{exc.strerror or exc}。"
            "如果这个文件正在其他程序中打开，请先关闭再试。"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    if result.missing_photos:
        shown = "、".join(result.missing_photos[:5])
        more = f"等 {len(result.missing_photos)} 个" if len(result.missing_photos) > 5 else ""
        result.warnings.append(f"附件文件缺失或已损坏，未放入数据包：{shown}{more}")
    steps.tick("已完成")
    return result


# -- parts -----------------------------------------------------------------------------------


class _Steps:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def tick(self, text: str) -> None:
        self.done = min(self.done + 1, self.total)
        if self.progress is not None:
            self.progress(self.done, self.total, text)


def _check_target(out: Path) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"无法保存上报数据包：文件夹不存在：{folder}")
    if out.is_dir():
        raise UserError(f"无法保存上报数据包：{out} 是一个文件夹，请指定文件名。")


def _temp_beside(out: Path) -> Path:
    folder = out.parent if str(out.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(
            f"无法保存上报数据包：不能在文件夹 {folder} 中写入（{exc.strerror or exc}）。"
        ) from exc
    os.close(fd)
    return Path(name)


def _draft_warnings(records: dict[str, list[dict[str, Any]]]) -> list[str]:
    return [
        f"阶段总结（{row['period']}）仍是系统起草的原文，尚未修改"
        for row in records["stage_summary"]
        if not row.get("deleted_at") and stage_reports.is_unedited_draft(row)
    ]


def _form_datas(
    store: Store, programme: Programme, period: Period, result: ExportResult
) -> list[FormData]:
    """The programme's tables (the annexes) for the period, as ``export --xlsx`` fills them.

    Record forms (one page per activity, e.g. 帮扶活动记录表) are left out: the diary travels
    whole in data.json, and a year of 2 000 activities would add 2 000 pages and ~15 s to every
    export. They print from the program on demand."""
    from gongtongti_desktop.core.forms.form_data import workbook_datas

    datas = [d for d in workbook_datas(store, programme, period) if d.spec.layout == "table"]
    for data in datas:
        result.warnings += [f"{data.display_name}：{w}" for w in data.warnings]
    return datas


def _evidence(store: Store, records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The package's attachment rows with a file to carry, one per content hash."""
    seen: dict[str, dict[str, Any]] = {}
    for row in records["attachment"]:
        if not row.get("deleted_at"):
            seen.setdefault(row["sha256"], row)
    return list(seen.values())


def _pdf_name(form_id: str) -> str:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in form_id)
    return f"{fmt.PDF_FOLDER}{safe.strip('_') or 'form'}.pdf"


class _Writer:
    """Members added to the zip, each hashed as written."""

    def __init__(self, archive: zipfile.ZipFile, now: dt.datetime) -> None:
        self.archive = archive
        self.stamp = now.timetuple()[:6]
        self.members: dict[str, dict[str, Any]] = {}

    def add(self, name: str, content: bytes) -> None:
        problem = fmt.member_name_problem(name)
        if problem or name in self.members:  # a bug here: the reader would refuse it
            raise AssertionError(f"bad member name {name!r}: {problem or 'duplicate'}")
        info = zipfile.ZipInfo(name, date_time=self.stamp)  # type: ignore[arg-type]
        info.compress_type = (
            zipfile.ZIP_STORED if name.endswith(_NO_COMPRESSION) else zipfile.ZIP_DEFLATED
        )
        info.external_attr = 0o644 << 16
        self.archive.writestr(info, content, compresslevel=6)
        self.members[name] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}


def _write_members(
    store: Store,
    writer: _Writer,
    data_doc: dict[str, Any],
    datas: list[FormData],
    files: list[dict[str, Any]],
    result: ExportResult,
    steps: _Steps,
) -> None:
    text = json.dumps(data_doc, ensure_ascii=False, separators=(",", ":"))
    writer.add(fmt.DATA, text.encode("utf-8"))
    writer.add(fmt.ANNEXES, _workbook_bytes(datas))
    steps.tick("已生成 Excel 表格")
    for data in datas:
        _add_pdf(writer, data, result)
        steps.tick(f"已生成 {data.display_name}")
    for row in files:
        _add_file(store, writer, row, result)
        steps.tick(f"附件 {row['original_name']}")


def _workbook_bytes(datas: list[FormData]) -> bytes:
    from gongtongti_desktop.output.xlsx import write_workbook

    with tempfile.TemporaryDirectory(prefix="gongtongti-") as folder:
        path = write_workbook(datas, Path(folder) / fmt.ANNEXES)
        return path.read_bytes()


def _add_pdf(writer: _Writer, data: FormData, result: ExportResult) -> None:
    from gongtongti_desktop.output.pdf import render_pdf

    try:
        content = render_pdf(data)
    except UserError as exc:  # e.g. a cell too long for a page: the data still travels
        result.warnings.append(f"{data.display_name} 的 PDF 未能生成：{exc.message}")
        return
    writer.add(_pdf_name(data.spec.id), content)


def _add_file(store: Store, writer: _Writer, row: dict[str, Any], result: ExportResult) -> None:
    """One attachment's file as ``photos/<sha256><suffix>``; absent or damaged: listed."""
    try:
        content = attachments.stored_path(store, row).read_bytes()
    except OSError:
        result.missing_photos.append(row["original_name"])
        return
    if hashlib.sha256(content).hexdigest() != row["sha256"]:
        result.missing_photos.append(row["original_name"])
        return
    is_image = str(row.get("media_type", "")).startswith("image/")
    packed = pack_file(content, row["suffix"], is_image)
    writer.add(f"{fmt.PHOTO_FOLDER}{row['sha256']}{packed.suffix}", packed.content)
    result.photos += 1


def _add_scans(
    writer: _Writer,
    signed: dict[str, Any],
    scans: list[tuple[str, Path, str]],
    result: ExportResult,
) -> None:
    """The signed scans as ``signed/<sha256><suffix>``, as filed (never recompressed: the
    bureau sees the paper as it was photographed); a missing one is left out and listed."""
    for member, stored, sha in scans:
        content = signed_forms.scan_bytes(stored, sha)
        if content is None:
            signed_forms.drop_scan(signed, member)
            result.missing_photos.append(f"签字件 {stored.name}")
            continue
        writer.add(member, content)
        result.scans += 1


def _publish(
    store: Store,
    records: dict[str, list[dict[str, Any]]],
    tmp: Path,
    out: Path,
    key: str,
    changes: Changes,
) -> None:
    """Rename the finished package into place and mark its records, both or neither."""
    replaced = False
    try:
        with store.atomic():
            reporting.mark_exchanged(
                store, records, direction="export", period_key=key, path=str(out),
                changes=changes,
            )  # fmt: skip
            note_export(store, out.resolve())  # 概览 shows the last export, whatever its kind
            try:
                os.replace(tmp, out)
            except OSError as exc:  # raised as ours: the data file is not what failed
                raise UserError(
                    f"无法保存上报数据包到 {out}：{exc.strerror or exc}。"
                    "如果这个文件正在其他程序中打开，请先关闭再试。"
                ) from exc
            replaced = True
    except BaseException:
        if replaced:  # the commit failed after the rename: take the package back
            with contextlib.suppress(OSError):
                out.unlink()
        raise
