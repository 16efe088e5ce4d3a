"""``gongtongti check``'s lists in the command's words: the photo lines (照片核对, the flags of
core/checks/photo_flags) and ``check --before-export`` (上报前检查, core/upload/before_export).
Apart from cli.py (near its size limit); it imports only core.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from gongtongti_desktop.errors import UserError

if TYPE_CHECKING:
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.periods import Period
    from gongtongti_desktop.core.profile.programme import Programme


def photo_check_lines(
    data: Path, store: Store, programme: Programme, held: list[Path]
) -> list[str]:
    """The photo flags for ``check``: flags, not problems — they leave the exit code alone.
    Photos attached before photo checks existed are read first when the file is not open in a
    window (reading writes their facts: one writer at a time; the lock taken is added to ``held``,
    released when the command ends); otherwise they are counted."""
    import sqlite3

    from gongtongti_desktop.core.checks import photo_flags

    waiting = len(photo_flags.unfilled(store))
    why = "数据文件正在窗口中打开"
    if waiting:
        try:
            from gongtongti_desktop.core.datafile import lock

            lock.acquire(data, "命令 gongtongti check", wait=0)  # never wait here
            held.append(data)
            photo_flags.fill_facts(store)
            waiting = 0
        except UserError:
            pass
        except (sqlite3.Error, OSError):  # a read-only copy (a CD, a shared folder)
            why = "数据文件不能写入"
    flags = photo_flags.photo_flags(store, programme, fill=False)
    if not flags and not waiting:
        return ["", "照片核对：未发现需要说明的照片。"]
    answered = sum(f.answered for f in flags)
    lines = ["", f"照片核对：{len(flags)} 条提示（已说明 {answered} 条）——只是提示，可在活动里说明"]
    for f in flags:
        mark = "✓" if f.answered else ("!" if f.severity == "flag" else "·")
        lines.append(f"  {mark} [{f.label}] {f.line()}")
    if waiting:
        lines.append(f"  另有 {waiting} 张照片尚未读取拍摄时间（{why}，下次检查时读取）")
    return lines


def before_export_lines(
    store: Store, programme: Programme, period: Period | None, day: dt.date | None
) -> list[str]:
    """上报前检查 for ``period`` (default: the term of ``day`` or today): grouped, with counts."""
    from gongtongti_desktop.core.profile import periods
    from gongtongti_desktop.core.upload import before_export

    today = day or store.today()
    period = period or periods.term_of(programme.calendar, today)
    items = before_export.open_items(store, programme, period, today)
    return before_export.report_lines(store, programme, period, items)
