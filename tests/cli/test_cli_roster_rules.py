"""``check`` on the issue's cases: 沂源 after its end asks nothing of spring 2025 and says the
programme has ended; a file whose agreements are blanked and exchanges deleted no longer passes
with "未发现问题"."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli_rules import run

from gongtongti_desktop.core.demo.builder import create_demo


def test_check_after_the_end_does_not_ask_for_spring_2025(
    capsys: pytest.CaptureFixture[str], demo_path: Path
) -> None:
    _code, out, err = run(capsys, "check", "--data", str(demo_path), "--date", "2025-04-10")
    assert "本方案已于2024年12月31日结束" in out, out + err
    assert "2025年春季学期" not in out and "2025年3月" not in out
    assert "2024年秋季学期" in out  # its last term is still shown


def test_check_names_the_current_stage(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "pj.gtdb"
    create_demo(path, "panjin-2024").close()
    _code, out, err = run(capsys, "check", "--data", str(path))
    assert "当前阶段：帮扶实施阶段" in out, out + err
    assert "（截止 2025年2月20日）" in out  # January's 月报表: by 20 February


def test_blank_agreements_and_no_exchanges_fail_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for programme_id, words in (
        ("panjin-2024", ["帮扶协议未签订", "前备案并上报（尚未备案）"]),
        ("yiyuan-2022", ["派出交流 0 人", "对方派来交流 0 人"]),
        ("qingtongxia-group", ["派出交流 0 人"]),
        ("dongguan-group", ["帮扶协议未签订", "派出交流 0 人"]),
    ):
        path = tmp_path / f"{programme_id}.gtdb"
        store = create_demo(path, programme_id)
        code, out, _ = run(capsys, "check", "--data", str(path))
        assert "未发现问题" in out, (programme_id, out)  # the demo keeps its roster duties
        with store.atomic():
            store.conn.execute("UPDATE pairing SET agreement_signed = '', agreement_filed = 0")
            store.conn.execute("UPDATE staff_exchange SET deleted_at = '2025-01-01T00:00:00'")
        store.close()
        code, out, err = run(capsys, "check", "--data", str(path))
        assert code == 1 and "未发现问题" not in out, (programme_id, out + err)
        for word in words:
            assert word in out, (programme_id, word)
