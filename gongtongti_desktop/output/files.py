"""Writing an output file so that a failure never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from gongtongti_desktop.errors import UserError


def atomic_write(out: Path, content: bytes, what: str) -> Path:
    """Write ``content`` to a temporary file beside ``out``, then rename it over ``out``.

    ``what`` names the file for messages (e.g. "PDF"). A missing or read-only folder, a full
    disk or a file locked by another program becomes a ``UserError`` and ``out`` is untouched.
    """
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"无法保存{what}：文件夹不存在：{folder}")
    if out.is_dir():
        raise UserError(f"无法保存{what}：{out} 是一个文件夹，请指定文件名。")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(
            f"无法保存{what}：不能在文件夹 {folder} 中写入（{exc.strerror}）。"
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); give it the mode an ordinary save would.
        try:
            mode = out.stat().st_mode & 0o777
        except OSError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise UserError(
            f"无法保存{what}到 {out}：{exc.strerror or exc}。"
            "如果这个文件正在其他程序（如 WPS、Excel、PDF 阅读器）中打开，请先关闭再试。"
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return out
