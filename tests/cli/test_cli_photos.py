"""``gongtongti check`` lists the photo flags (in Chinese, answered ones with their note) and
leaves the exit code to the real problems: a flag is never a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from _photo_samples import save, scene

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.checks import photo_flags
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import attachments, diary, engine, roster


def _file_with_photos(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "园.gtdb"
    programme = get_programme("yiyuan-2022")
    with Store.create(path, kindergarten="实验幼儿园", programme_id="yiyuan-2022") as store:
        core = roster.save_record(store, programme, "kindergarten", {"name": "实验幼儿园", "kind": "公办园"})  # fmt: skip
        partner = roster.save_record(store, programme, "kindergarten", {"name": "西里镇学区", "kind": "学区"})  # fmt: skip
        assert diary.ACTIVITY
        ids = {}
        for day, title in (("2024-10-15", "十月送教"), ("2024-11-20", "十一月送教")):
            ids[day] = engine.save_record(store, programme, "activity", {
                "day": day, "kind": "送教下乡", "title": title, "mode": "线下",
                "host_id": core, "receiver_ids": [partner], "headcount": "20",
            })  # fmt: skip
        base = scene(3)
        photos = {
            "good": attachments.add_attachment(
                store, ids["2024-10-15"], save(tmp_path, "a.jpg", base, "2024-10-15")
            ),
            "reused": attachments.add_attachment(
                store,
                ids["2024-11-20"],
                save(tmp_path, "b.jpg", base.resize((800, 600)), "2024-10-15"),
            ),
        }
        photo_flags.answer_flag(store, programme, photos["good"], "十月的照片，十一月误用")
        with store.atomic():
            store.execute("DELETE FROM photo_facts")  # as a file from before photo checks
    return path, photos


def test_check_lists_photo_flags_without_failing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    path, _photos = _file_with_photos(tmp_path)
    code = main(["check", "--data", str(path), "--date", "2024-11-25"])
    out = capsys.readouterr().out
    section = out[out.index("照片核对") :]
    assert "照片核对：3 条提示（已说明 1 条）" in section
    assert "[拍摄日期与活动日期不符] 2024-11-20 十一月送教：照片“b.jpg”" in section
    assert "相差 36 天" in section
    assert "✓ [同一张照片用在多个活动] 2024-10-15 十月送教" in section
    assert "（已说明：十月的照片，十一月误用）" in section
    assert "尚未读取" not in section  # the facts were filled by check itself
    with Store.open(path) as store, store.atomic():
        assert photo_flags.unfilled(store) == []
        store.execute("UPDATE attachment SET deleted_at = '2024-11-25T00:00:00'")
    code_without_photos = main(["check", "--data", str(path), "--date", "2024-11-25"])
    assert "照片核对：未发现需要说明的照片" in capsys.readouterr().out
    assert code == code_without_photos  # photo flags do not change the exit code


HOLD = """
import sys, time
from gongtongti_desktop.core.datafile import lock
lock.acquire(sys.argv[1], "窗口", wait=0)
print("locked", flush=True)
time.sleep(60)
"""


def test_check_while_a_window_holds_the_file_counts_unread_photos(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess
    import sys
    import time

    path, _photos = _file_with_photos(tmp_path)
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        started = time.monotonic()
        main(["check", "--data", str(path), "--date", "2024-11-25"])
        assert time.monotonic() - started < 30
        out = capsys.readouterr().out
        assert "另有 2 张照片尚未读取拍摄时间（数据文件正在窗口中打开，下次检查时读取）" in out
        assert "照片核对：0 条提示" in out  # the answered flag needs facts not read yet
    finally:
        child.kill()
        child.communicate()
    with Store.open(path) as store:
        assert len(photo_flags.unfilled(store)) == 2  # nothing written while the window held it
