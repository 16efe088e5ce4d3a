"""The LibreOffice baseline of the annex rows: an equivalent .docx form and ``soffice`` converting
it to PDF, the way a director's Word template becomes a PDF today.

The .docx is written by hand (a minimal WordprocessingML zip: title, header line, one ruled
table with the same cells as our form) unless python-docx is installed. It is a benchmark
fixture, so it stays small and only needs to be a fair amount of work for LibreOffice: the same
text in the same table shape, A4, no images.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

APT_PACKAGE = "libreoffice-writer"

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="word/document.xml"/>
</Relationships>"""

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FONT = '<w:rFonts w:ascii="SimSun" w:hAnsi="SimSun" w:eastAsia="SimSun"/>'


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def ensure_soffice() -> tuple[str | None, str]:
    """The soffice executable, installing LibreOffice Writer with apt when it is missing.
    Returns (path or None, a note saying what happened)."""
    found = find_soffice()
    if found:
        return found, ""
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return None, "未安装 LibreOffice，且无法自动安装（需要 root 和 apt-get）"
    print(f"未找到 LibreOffice：正在安装 {APT_PACKAGE}（apt-get，不计入基准时间）…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "--no-install-recommends", APT_PACKAGE]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        # The package lists may be missing in a fresh container: refresh them once.
        subprocess.run(["apt-get", "update"], env=env, capture_output=True)
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    found = find_soffice()
    if found:
        print("LibreOffice 已安装。", flush=True)
        return found, f"LibreOffice 由本基准安装（apt-get install {APT_PACKAGE}）"
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["原因不明"]
    return None, f"安装 LibreOffice 失败：{tail[0]}"


def _run(text: str, *, bold: bool = False, size: int = 21) -> str:
    props = _FONT + ("<w:b/>" if bold else "") + f'<w:sz w:val="{size}"/>'
    lines = escape(text).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)
    return f"<w:r><w:rPr>{props}</w:rPr>{body}</w:r>"


def _para(text: str, *, bold: bool = False, size: int = 21, center: bool = False) -> str:
    align = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    return f"<w:p>{align}{_run(text, bold=bold, size=size)}</w:p>"


def _table(
    head: list[str],
    rows: list[list[str]],
    widths: list[float],
    merged: list[list[bool]],
    min_height_mm: float,
) -> str:
    """A ruled table over the A4 text width (about 9 000 twips). ``merged[r][c]``: body cell
    (r, c) continues the one above (a vertical merge, as our PDF merges a group's first
    columns); body rows are at least ``min_height_mm`` tall, as the template asks."""
    total = sum(widths) or 1.0
    twips = [int(9000 * w / total) for w in widths]
    grid = "".join(f'<w:gridCol w:w="{t}"/>' for t in twips)
    border = '<w:{0} w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    borders = "".join(border.format(side) for side in sides)
    height = int(min_height_mm * 56.7)  # twips per mm

    def cell(text: str, width: int, bold: bool, vmerge: str) -> str:
        props = f'<w:tcW w:w="{width}" w:type="dxa"/>{vmerge}'
        return f"<w:tc><w:tcPr>{props}</w:tcPr>{_para(text, bold=bold)}</w:tc>"

    body = "<w:tr>" + "".join(cell(t, w, True, "") for t, w in zip(head, twips, strict=True))
    body += "</w:tr>"
    for r, cells in enumerate(rows):
        out = ""
        for c, (text, width) in enumerate(zip(cells, twips, strict=True)):
            vmerge = ""
            if merged[r][c]:
                vmerge, text = "<w:vMerge/>", ""
            elif r + 1 < len(rows) and merged[r + 1][c]:
                vmerge = '<w:vMerge w:val="restart"/>'
            out += cell(text, width, False, vmerge)
        tall = f'<w:trPr><w:trHeight w:val="{height}" w:hRule="atLeast"/></w:trPr>'
        body += f"<w:tr>{tall if height else ''}{out}</w:tr>"
    props = f'<w:tblPr><w:tblW w:w="9000" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>'
    return f"<w:tbl>{props}<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


def write_docx(
    path: Path,
    title: str,
    header_line: str,
    head: list[str],
    rows: list[list[str]],
    widths: list[float],
    notes: list[str],
    *,
    merged: list[list[bool]] | None = None,
    min_height_mm: float = 0.0,
) -> Path:
    """A one-table A4 Word form: title, header line, the table, notes under it."""
    merged = merged or [[False] * len(head) for _ in rows]
    body = _para(title, bold=True, size=32, center=True)
    body += _para(header_line) + _table(head, rows, widths, merged, min_height_mm)
    body += "".join(_para(n, size=18) for n in notes)
    section = (
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134"'
        ' w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>'
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}"><w:body>{body}{section}</w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return path


def convert_seconds(soffice: str, docx: Path, profile: Path) -> float:
    """One ``soffice --headless --convert-to pdf`` of ``docx``, timed from process start to
    exit (a fresh process each time, as a director's conversion would be)."""
    out = Path(tempfile.mkdtemp(prefix="lo-out-", dir=docx.parent))
    command = [
        soffice,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(docx),
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    pdf = out / (docx.stem + ".pdf")
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"soffice 转换失败：{done.stderr.strip() or done.stdout.strip()}")
    shutil.rmtree(out, ignore_errors=True)
    return seconds


if __name__ == "__main__":  # install only: python tests/bench/libreoffice.py
    path, note = ensure_soffice()
    print(path, note)
    sys.exit(0 if path else 1)
