"""The profiles' parsed TOML cache: the same tables as parsing, never another text's table,
and no harm when the cache is missing, damaged or cannot be written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gongtongti_desktop.core.paths import forms_dir
from gongtongti_desktop.core.profile import toml_cache
from gongtongti_desktop.core.profile.programme import load_programme
from gongtongti_desktop.core.profile.toml_table import ProfileError, read_toml

TEXT = 'name = "沂源"\ncount = 3\nratio = 1.0\non = true\n[[columns]]\ntitle = "月份"\nwidths = [1, 2.5]\n'


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GONGTONGTI_CACHE", str(tmp_path / "cache"))
    toml_cache.forget()
    yield tmp_path / "cache" / "profiles.bin"
    toml_cache.forget()


def _counting() -> tuple[list[bytes], Any]:
    calls: list[bytes] = []

    def parse(raw: bytes) -> dict[str, Any]:
        import tomllib

        calls.append(raw)
        return tomllib.loads(raw.decode())

    return calls, parse


def test_a_text_is_parsed_once_and_read_back_exactly(cache: Path) -> None:
    calls, parse = _counting()
    first = toml_cache.parsed(TEXT.encode(), parse)
    assert cache.is_file()
    toml_cache.forget()  # as a new process would
    second = toml_cache.parsed(TEXT.encode(), parse)
    assert len(calls) == 1
    assert second == first and type(second["ratio"]) is float and type(second["count"]) is int
    assert (
        second is not first and second["columns"] is not first["columns"]
    )  # a fresh copy each time


def test_another_text_is_never_answered_from_the_cache(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(TEXT, encoding="utf-8")
    assert read_toml(path)["count"] == 3
    path.write_text(TEXT.replace("count = 3", "count = 4"), encoding="utf-8")
    assert read_toml(path)["count"] == 4


def test_dates_and_times_come_back_as_parsed(cache: Path) -> None:
    calls, parse = _counting()
    text = (
        b"start = 2024-09-01\nat = 2024-09-01T08:30:00+08:00\nlocal = 2024-09-01T08:30:00\n"
        b"clock = 07:45:00\nterms = [2024-09-01, 2025-02-15]\n[t]\nend = 2025-01-31\n"
    )
    first = toml_cache.parsed(text, parse)
    toml_cache.forget()
    second = toml_cache.parsed(text, parse)
    assert len(calls) == 1
    assert second == first
    assert [type(second[k]).__name__ for k in ("start", "at", "local", "clock")] == [
        "date",
        "datetime",
        "datetime",
        "time",
    ]
    assert second["at"].utcoffset() == first["at"].utcoffset()
    assert second["local"].tzinfo is None and type(second["terms"][1]).__name__ == "date"


def test_a_bad_file_is_refused_with_its_name_and_not_stored(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad\.toml：TOML 格式错误"):
        read_toml(path)
    path.write_bytes('name = "沂源"\n'.encode("gbk"))
    with pytest.raises(ProfileError, match="不是 UTF-8"):
        read_toml(path)
    assert not cache.exists()


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", None])
def test_a_damaged_store_is_parsed_again(cache: Path, damage: bytes | None) -> None:
    calls, parse = _counting()
    toml_cache.parsed(TEXT.encode(), parse)
    data = bytearray(cache.read_bytes())
    if damage is None:
        data[-5] ^= 0x01  # still a whole marshal: only the checksum sees it
    cache.write_bytes(bytes(data) if damage is None else damage)
    toml_cache.forget()
    assert toml_cache.parsed(TEXT.encode(), parse)["name"] == "沂源"
    assert len(calls) == 2


def test_no_cache_folder_or_no_write_access_only_costs_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGTONGTI_CACHE", "")  # caching off: parsed every time
    toml_cache.forget()
    calls, parse = _counting()
    assert toml_cache.parsed(TEXT.encode(), parse)["count"] == 3
    assert toml_cache.parsed(TEXT.encode(), parse)["count"] == 3
    assert len(calls) == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GONGTONGTI_CACHE", str(blocker / "cache"))  # cannot be made
    toml_cache.forget()
    assert toml_cache.parsed(TEXT.encode(), parse)["count"] == 3
    assert list(tmp_path.glob("**/profiles.bin")) == []
    toml_cache.forget()


def test_every_profile_loads_the_same_from_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = forms_dir()
    folders = sorted(p for p in root.iterdir() if (p / "programme.toml").is_file())
    first = [load_programme(f) for f in folders]  # fills the cache
    toml_cache.forget()
    cached = [load_programme(f) for f in folders]
    monkeypatch.setenv("GONGTONGTI_CACHE", "")
    parsed = [load_programme(f) for f in folders]
    assert cached == parsed == first
