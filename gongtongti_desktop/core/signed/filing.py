"""Filing signed scans back: each scan read, checked and only then copied in and recorded.

Why a plan first: a director adds a stack of photos at once; every one is read and checked
(its code, that this data file printed it, that the same file is not filed already) before
anything is written, so the window can show what will happen — and ask for the typed code of
a photo that does not read — and the command can refuse the lot, the data file untouched.
A scan is stored like an activity photo: in ``attachments/`` beside the data file, under its
content hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.records import attachments
from gongtongti_desktop.core.signed import codes, scan
from gongtongti_desktop.core.signed.printed import file_id, find_code
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError

UNREADABLE = "读不出照片上的二维码：请输入纸上“表格编号”后面的编号（形如 GT-7K3Q-9XPA）"


def describe_page(row: dict[str, Any]) -> str:
    """ "附件1 …结对名单（2024年秋季学期）第 1 页 / 共 2 页" for a printed_form row."""
    text = row["title"]
    if row["period_label"]:
        text += f"（{row['period_label']}）"
    if row["blank"]:
        text += "（空白表）"
    if row["pages"] > 1:
        text += f" 第 {row['page']} 页 / 共 {row['pages']} 页"
    elif row["pages"] == 0:
        text += "（Word 文件）"
    return text


@dataclass
class ScanPlan:
    """One scan, read and checked: ``printed`` is the page it will be filed under, or
    ``problem`` says why not (``needs_code``: only the typed code is missing)."""

    path: Path
    code: str = ""
    read_by: str = ""  # "二维码" or "手输编号"
    printed: dict[str, Any] | None = None
    problem: str = ""
    needs_code: bool = False
    already: str = ""  # filed before: where (reported, not filed twice)
    sha256: str = ""
    media_type: str = ""
    suffix: str = ""
    size: int = 0
    extra: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.printed is not None and not self.problem and not self.already

    def outcome(self) -> str:
        """One line for the result dialog and the command's output."""
        name = self.path.name
        if self.problem:
            return f"{name}：未归档 —— {self.problem}"
        if self.already:
            return f"{name}：已归档过（{self.already}），未重复添加"
        assert self.printed is not None
        return f"{name}：{self.code}（{self.read_by}）→ {describe_page(self.printed)}"


def _resolve(store: Store, plan: ScanPlan, code: str) -> None:
    row = find_code(store, code)
    if row is None:
        plan.problem = f"这个数据文件没有打印过编号为 {code} 的表格：请核对编号，或确认打开的是打印它的数据文件"
        return
    plan.code, plan.printed = code, row
    same = store.query(
        """SELECT p.* FROM signed_scan s JOIN printed_form p ON p.code = s.code
           WHERE s.sha256 = ? AND s.deleted_at IS NULL""",
        [plan.sha256],
    )
    if same:
        plan.already = describe_page(same[0])


def plan_scan(store: Store, path: Path, typed: str = "") -> ScanPlan:
    """Read and check one scan; ``typed``: the code typed for it (used when no QR reads)."""
    plan = ScanPlan(Path(path))
    try:
        read = scan.read_scan(plan.path)
        plan.media_type, plan.suffix = read.media_type, read.suffix
        plan.size = plan.path.stat().st_size
        plan.sha256 = attachments.file_hash(plan.path)
    except (UserError, OSError) as exc:
        plan.problem = str(exc)
        return plan
    own_id = file_id(store)
    ours = [code for fid, code in read.found if fid == own_id]
    others = [code for fid, code in read.found if fid != own_id]
    if len(set(ours)) > 1:
        plan.problem = (
            f"一张照片里读到 {len(set(ours))} 个表格编号（{'、'.join(ours)}）：请每页单独拍照或扫描"
        )
        return plan
    if ours:
        plan.read_by = "二维码"
        _resolve(store, plan, ours[0])
        return plan
    if typed.strip():
        try:
            code = codes.normalise(typed)
        except UserError as exc:
            plan.problem = str(exc)
            plan.needs_code = True
            return plan
        plan.read_by = "手输编号"
        _resolve(store, plan, code)
        return plan
    if others:
        plan.problem = (
            f"这页纸是另一个数据文件打印的（编号 {others[0]}），不能归入这个数据文件："
            "请在打印它的数据文件中添加"
        )
        return plan
    plan.problem, plan.needs_code = UNREADABLE, True
    return plan


def plan_scans(
    store: Store, paths: list[Path], typed: dict[Path, str] | None = None
) -> list[ScanPlan]:
    """Every scan read and checked, nothing written. The same file twice in one batch is
    filed once."""
    typed = typed or {}
    plans: list[ScanPlan] = []
    seen: dict[str, Path] = {}
    for path in paths:
        plan = plan_scan(store, Path(path), typed.get(Path(path), ""))
        if plan.ready and plan.sha256 in seen:
            plan.already = f"同一批里的“{seen[plan.sha256].name}”"
        elif plan.ready:
            seen[plan.sha256] = plan.path
        plans.append(plan)
    return plans


def file_scans(store: Store, plans: list[ScanPlan]) -> list[str]:
    """Copy in and record the scans that are ready (the others are left out); returns the
    ids of the signed_scan rows written. Files first, then one transaction: a crash between
    leaves at most an unreferenced copy, never a record without its file."""
    ready = [plan for plan in plans if plan.ready]
    for plan in ready:
        attachments.copy_in(store, plan.path, plan.sha256, plan.suffix)
    ids = []
    now = now_iso()
    with store.atomic():
        for plan in ready:
            row = {
                "id": new_id(),
                "created_at": now,
                "updated_at": now,
                "code": plan.code,
                "sha256": plan.sha256,
                "original_name": plan.path.name[:200],
                "suffix": plan.suffix,
                "media_type": plan.media_type,
                "size": plan.size,
                "read_by": plan.read_by,
            }
            store.db.table("signed_scan").insert(row)
            ids.append(row["id"])
    return ids


def unfile_scans(store: Store, codes: list[str]) -> int:
    """Take back the scans filed under ``codes`` (a scan filed under the wrong form, or a
    signature to be done again): marked deleted, the file kept in ``attachments/`` so filing it
    again costs nothing; the pages are 已打印未签字 again. Returns how many were taken back."""
    if not codes:
        return 0
    marks = ", ".join("?" for _ in codes)
    now = now_iso()
    with store.atomic():
        cursor = store.execute(
            f"""UPDATE signed_scan SET deleted_at = ?, updated_at = ?
                WHERE deleted_at IS NULL AND code IN ({marks})""",
            [now, now, *codes],
        )
    return cursor.rowcount


def scan_path(store: Store, row: dict[str, Any]) -> Path:
    """Where a filed scan is stored."""
    return attachments.folder(store) / row["sha256"][:2] / f"{row['sha256']}{row['suffix']}"
