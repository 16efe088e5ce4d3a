"""One writer per data file: the lock every writing command and the window take (core, no Qt).

A second writer waits a bounded time and is refused with a message naming the holder; a
crashed holder's lock is taken over; the lock file is Qt's QLockFile format."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile import lock
from gongtongti_desktop.errors import UserError

HOLD = """
import sys, time
from gongtongti_desktop.core.datafile import lock
lock.acquire(sys.argv[1], "命令 gongtongti import", wait=0)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
lock.release(sys.argv[1])
print("released", flush=True)
"""


def _holder(data_file: Path, seconds: float = 60) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_file), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def test_a_second_writer_waits_a_bounded_time_then_is_told_who_holds_the_file(
    tmp_path: Path,
) -> None:
    data_file = tmp_path / "d.gtdb"
    child = _holder(data_file)
    try:
        started = time.monotonic()
        with pytest.raises(UserError) as caught:
            lock.acquire(data_file, "命令 gongtongti restore", wait=0.6)
        waited = time.monotonic() - started
        assert 0.5 <= waited < 3
        message = caught.value.message
        assert "命令 gongtongti import" in message
        assert f"进程 {child.pid}" in message and socket.gethostname() in message
        assert "未做任何改动" in message
        assert not lock.holds(data_file)
    finally:
        child.kill()
        child.communicate()


def test_a_writer_that_finishes_within_the_wait_lets_the_next_one_in(tmp_path: Path) -> None:
    data_file = tmp_path / "d.gtdb"
    child = _holder(data_file, seconds=0.5)
    try:
        with lock.writing(data_file, "命令 gongtongti restore", wait=10):
            assert lock.holds(data_file)
            assert lock.read_holder(data_file).pid == os.getpid()  # type: ignore[union-attr]
        assert not lock.lock_path(data_file).exists()
    finally:
        child.kill()
        child.communicate()


def test_a_crashed_holders_lock_is_taken_over(tmp_path: Path) -> None:
    data_file = tmp_path / "d.gtdb"
    child = _holder(data_file)
    child.kill()  # killed while holding: its lock file stays behind
    child.communicate()
    assert lock.lock_path(data_file).exists()
    with lock.writing(data_file, "窗口", wait=0):
        assert lock.read_holder(data_file).pid == os.getpid()  # type: ignore[union-attr]


def test_a_lock_of_another_computer_or_a_live_unrelated_name_is_judged_right(
    tmp_path: Path,
) -> None:
    data_file = tmp_path / "d.gtdb"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        path = lock.lock_path(data_file)
        path.write_text(f"{sleeper.pid}\n\nanother-computer\n", encoding="utf-8")
        with pytest.raises(UserError, match="电脑 another-computer"):
            lock.acquire(data_file, "窗口", wait=0.1)
        # A live process whose name is not the one recorded: the pid was reused after a crash.
        path.write_text(f"{sleeper.pid}\nnot-this-program\n{socket.gethostname()}\n")
        with lock.writing(data_file, "窗口", wait=0):
            pass
        # Qt's QLockFile text of a live window (its own process name): respected.
        name = Path(os.readlink(f"/proc/{sleeper.pid}/exe")).name
        path.write_text(f"{sleeper.pid}\n{name}\n{socket.gethostname()}\n")
        with pytest.raises(UserError, match="共同体工作台窗口"):
            lock.acquire(data_file, "命令 gongtongti import", wait=0.1)
        assert lock.lock_holder(data_file) == sleeper.pid
    finally:
        sleeper.kill()
        sleeper.wait()
    assert lock.lock_holder(data_file) is None  # gone: stale


def test_the_lock_is_re_entrant_within_one_process(tmp_path: Path) -> None:
    data_file = tmp_path / "d.gtdb"
    with lock.writing(data_file, "窗口"):
        with lock.writing(data_file, "恢复备份"):  # the window's own restore
            pass
        assert lock.holds(data_file) and lock.lock_path(data_file).exists()
    assert not lock.holds(data_file) and not lock.lock_path(data_file).exists()


def test_a_read_only_folder_is_said_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> int:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(lock.os, "open", refuse)  # root writes into a chmod 555 folder
    with pytest.raises(UserError, match="只读"):
        lock.acquire(tmp_path / "d.gtdb", "窗口", wait=0)
    assert not lock.holds(tmp_path / "d.gtdb")


def test_the_lock_names_this_computer_as_socket_does() -> None:
    """The lock reads the host name without importing socket (start-up); it must be the name
    other copies of the program (and Qt's QLockFile) write."""
    assert lock._hostname() == socket.gethostname()
