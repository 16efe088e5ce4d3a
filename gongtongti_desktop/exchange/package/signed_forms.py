"""The signed forms a package carries: the state of every form (with its codes and what
changed since signing) in the manifest's ``signed`` section, and the signed scans themselves
as ``signed/<sha256><suffix>`` members — hashed, listed and size-checked like every member.

Why in the manifest: the 汇总 reads hundreds of packages and must stay quick; the states are
a few hundred bytes per kindergarten, already parsed with the manifest, so the 汇总 shows
which forms are signed, signed but changed since, and missing without opening anything else.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.exchange.package import format as fmt

SIGNED_FOLDER = fmt.SIGNED_FOLDER
SIGNED_NAME = fmt.SIGNED_NAME
_CODE = re.compile(r"^GT-[0-9A-Z]{4}-[0-9A-Z]{4}\Z")
_FILE_ID = re.compile(r"^[0-9A-Z]{8}\Z")
MAX_FORMS = 2_000
MAX_TEXT = 400
_FORM_KEYS = frozenset(
    ("form", "title", "period", "state", "pages", "signed_pages", "codes", "changes", "scans")
)
_SCAN_KEYS = frozenset(("code", "member", "name", "read_by"))


def signed_section(
    store: Store, programme: Programme, period: Period
) -> tuple[dict[str, Any], list[tuple[str, Path, str]]]:
    """The manifest's ``signed`` section for ``period`` and the scans to carry:
    (member name, stored file, sha256) each."""
    from gongtongti_desktop.core.signed.filing import scan_path
    from gongtongti_desktop.core.signed.printed import file_id
    from gongtongti_desktop.core.signed.status import signed_forms_status

    forms = []
    files: dict[str, tuple[str, Path, str]] = {}
    for status in signed_forms_status(store, programme, period=period):
        scans = []
        if status.codes:
            marks = ", ".join("?" for _ in status.codes)
            rows = store.query(
                f"""SELECT * FROM signed_scan WHERE deleted_at IS NULL AND code IN ({marks})
                    ORDER BY created_at""",
                list(status.codes),
            )
            for row in rows:
                member = f"{SIGNED_FOLDER}{row['sha256']}{row['suffix']}"
                files.setdefault(member, (member, scan_path(store, row), row["sha256"]))
                scans.append(
                    {
                        "code": row["code"],
                        "member": member,
                        "name": row["original_name"][:200],
                        "read_by": row["read_by"],
                    }
                )
        forms.append(
            {
                "form": status.form_id,
                "title": status.title[:MAX_TEXT],
                "period": status.period_label,
                "state": status.state,
                "pages": status.pages,
                "signed_pages": status.signed_pages,
                "codes": list(status.codes),
                "changes": [c[:MAX_TEXT] for c in status.changes],
                "scans": scans,
            }
        )
    return {"file_id": file_id(store), "forms": forms}, list(files.values())


def drop_scan(section: dict[str, Any], member: str) -> None:
    """Leave a scan whose file is missing out of the section (the form keeps its state)."""
    for form in section["forms"]:
        form["scans"] = [scan for scan in form["scans"] if scan["member"] != member]


def scan_bytes(stored: Path, sha256: str) -> bytes | None:
    """A filed scan's bytes, or None when the file is missing or no longer what was filed."""
    try:
        content = stored.read_bytes()
    except OSError:
        return None
    return content if hashlib.sha256(content).hexdigest() == sha256 else None


def _is_text(value: object, most: int = MAX_TEXT) -> bool:
    return isinstance(value, str) and len(value) <= most


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000


def section_problem(section: object, members: dict[str, Any]) -> str:
    """Why a manifest's ``signed`` section is refused ('' when it is fine): its shape, its
    states and codes, and every scan it names being a listed ``signed/`` member."""
    from gongtongti_desktop.core.signed.status import STATES

    if not isinstance(section, dict) or set(section) != {"file_id", "forms"}:
        return "签字件清单的格式不对"
    if not isinstance(section["file_id"], str) or not _FILE_ID.match(section["file_id"]):
        return "签字件清单中的数据文件编号不对"
    forms = section["forms"]
    if not isinstance(forms, list) or len(forms) > MAX_FORMS:
        return "签字件清单中的表格列表不对"
    named: set[str] = set()
    for form in forms:
        if not isinstance(form, dict) or set(form) != _FORM_KEYS:
            return "签字件清单中有一项格式不对"
        texts = (form["form"], form["title"], form["period"])
        if not all(_is_text(t) for t in texts) or form["state"] not in STATES:
            return "签字件清单中有一项的表格或状态不对"
        if not _is_count(form["pages"]) or not _is_count(form["signed_pages"]):
            return "签字件清单中有一项的页数不对"
        codes, changes, scans = form["codes"], form["changes"], form["scans"]
        if not isinstance(codes, list) or not all(_is_text(c) and _CODE.match(c) for c in codes):
            return "签字件清单中有表格编号格式不对"
        if not isinstance(changes, list) or len(changes) > 20 or not all(map(_is_text, changes)):
            return "签字件清单中“修改内容”的格式不对"
        if not isinstance(scans, list) or len(scans) > 1_000:
            return "签字件清单中扫描件的列表不对"
        for scan in scans:
            if not isinstance(scan, dict) or set(scan) != _SCAN_KEYS:
                return "签字件清单中有扫描件的格式不对"
            if not all(_is_text(scan[k]) for k in _SCAN_KEYS) or scan["code"] not in codes:
                return "签字件清单中有扫描件的编号或名称不对"
            if not SIGNED_NAME.match(scan["member"]) or scan["member"] not in members:
                return f"签字件清单列出的扫描件“{scan['member']}”不在数据包中"
            named.add(scan["member"])
    stray = sorted(m for m in members if m.startswith(SIGNED_FOLDER) and m not in named)
    if stray:
        return f"数据包中的扫描件“{stray[0]}”不属于任何表格"
    return ""


@dataclass
class SignedSummary:
    """Per kindergarten in the 汇总: which forms are signed, signed but changed since, and
    missing (未打印 or not signed back); each a line "表格（期间）"."""

    signed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # "表格（期间）：what changed"
    missing: list[str] = field(default_factory=list)  # "表格（期间）：未打印 / 已打印未签字"
    scans: int = 0

    def cell(self) -> str:
        """The 汇总 table's one cell: "已签 3 · 改 1 · 缺 2"."""
        return f"已签 {len(self.signed)} · 改 {len(self.changed)} · 缺 {len(self.missing)}"

    def lines(self) -> list[str]:
        out = [f"已签字：{line}" for line in self.signed]
        out += [f"签字后数据已修改：{line}" for line in self.changed]
        out += [f"缺：{line}" for line in self.missing]
        return out


def summary(manifest: dict[str, Any]) -> SignedSummary | None:
    """What the 汇总 shows of a package's signed forms (None: written before signed forms)."""
    from gongtongti_desktop.core.signed.status import CHANGED, SIGNED

    section = manifest.get("signed")
    if not isinstance(section, dict):
        return None
    out = SignedSummary()
    for form in section["forms"]:
        name = form["title"] + (f"（{form['period']}）" if form["period"] else "")
        out.scans += len(form["scans"])
        if form["state"] == SIGNED:
            out.signed.append(name)
        elif form["state"] == CHANGED:
            out.changed.append(f"{name}：{'；'.join(form['changes'][:3])}")
        else:
            pages = form["pages"]
            part = f"（已签 {form['signed_pages']} / {pages} 页）" if form["signed_pages"] else ""
            out.missing.append(f"{name}：{form['state']}{part}")
    return out
