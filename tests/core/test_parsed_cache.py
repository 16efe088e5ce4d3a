"""Parsed profile files cached between runs (core/profile/parsed_cache.py): the same programme
with and without the cache, an edit always seen, and a bad cache never trusted."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import tomllib
from pathlib import Path

import pytest

from gongtongti_desktop.core.paths import forms_dir
from gongtongti_desktop.core.profile import parsed_cache
from gongtongti_desktop.core.profile.programme import load_programme
from gongtongti_desktop.core.profile.toml_table import ProfileError, read_toml


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test starts as a new run with an empty cache folder of its own."""
    monkeypatch.setenv("GONGTONGTI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(parsed_cache, "_entries", None)
    monkeypatch.setattr(parsed_cache, "_changed", False)
    return tmp_path / "cache"


def new_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Forget what this process read (as a new start would); the files tomllib parses."""
    parsed: list[str] = []
    loads = tomllib.loads
    monkeypatch.setattr(parsed_cache, "_entries", None)
    monkeypatch.setattr(tomllib, "loads", lambda text: parsed.append(text) or loads(text))
    return parsed


@pytest.mark.parametrize("profile", ["yiyuan-2022", "panjin-2024", "gaotai-2020"])
def test_a_programme_read_from_the_cache_is_the_one_parsed(profile, monkeypatch) -> None:
    parsed = new_run(monkeypatch)
    cold = load_programme(forms_dir() / profile)
    assert len(parsed) >= 5 and parsed_cache.cache_file().is_file()
    parsed = new_run(monkeypatch)
    warm = load_programme(forms_dir() / profile)
    assert parsed == []  # nothing parsed on the second start
    assert warm == cold


def test_an_edited_file_is_parsed_again_even_with_the_same_size_and_time(
    tmp_path, monkeypatch
) -> None:
    path = tmp_path / "a.toml"
    path.write_text('name = "甲园"\n', encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    assert read_toml(path) == {"name": "甲园"}
    parsed_cache.save()
    path.write_text('name = "乙园"\n', encoding="utf-8")  # same length
    os.utime(path, ns=(stamp, stamp))
    new_run(monkeypatch)
    assert read_toml(path) == {"name": "乙园"}


def test_dates_and_times_come_back_as_they_were(tmp_path, monkeypatch) -> None:
    path = tmp_path / "d.toml"
    path.write_text(
        "day = 2022-07-01\nat = 09:30:00\nwhen = 2024-10-15T08:00:00+08:00\n"
        "local = 2024-10-15T08:00:00\n[t]\nlist = [2022-07-01, 1.5, true]\n",
        encoding="utf-8",
    )
    first = read_toml(path)
    parsed_cache.save()
    parsed = new_run(monkeypatch)
    again = read_toml(path)
    assert parsed == [] and again == first
    assert again["day"] == dt.date(2022, 7, 1) and type(again["day"]) is dt.date
    assert again["when"].utcoffset() == dt.timedelta(hours=8)
    assert again["t"]["list"] == [dt.date(2022, 7, 1), 1.5, True]


def test_each_read_gets_its_own_copy(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("items = [1, 2]\n", encoding="utf-8")
    read_toml(path)["items"].append(3)
    assert read_toml(path) == {"items": [1, 2]}


@pytest.mark.parametrize(
    "content",
    [b"not marshal at all", marshal.dumps([1, 2]), b""],
    ids=["garbage", "another shape", "empty"],
)
def test_an_unusable_cache_file_is_ignored_and_replaced(content, fresh_cache, monkeypatch):
    fresh_cache.mkdir()
    parsed_cache.cache_file().write_bytes(content)
    parsed = new_run(monkeypatch)
    assert load_programme(forms_dir() / "yiyuan-2022").id == "yiyuan-2022"
    assert parsed  # parsed, not taken from the bad file
    assert isinstance(marshal.loads(parsed_cache.cache_file().read_bytes()), dict)


def test_an_entry_holding_something_toml_never_makes_is_parsed_again(tmp_path, monkeypatch):
    path = tmp_path / "e.toml"
    path.write_text("n = 1\n", encoding="utf-8")
    key = parsed_cache._key(path.read_bytes())
    parsed = new_run(monkeypatch)
    parsed_cache._entries = {key: marshal.dumps({"n": frozenset({1})})}
    assert read_toml(path) == {"n": 1} and len(parsed) == 1


def test_a_bad_profile_is_still_refused_with_its_file_named(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad\.toml：TOML 格式错误"):
        read_toml(path)
    with pytest.raises(ProfileError, match="无法读取"):
        read_toml(tmp_path / "missing.toml")


def test_a_folder_that_cannot_be_written_only_loses_the_cache(fresh_cache, monkeypatch):
    fresh_cache.parent.mkdir(exist_ok=True)
    fresh_cache.write_text("a file where the folder should be", encoding="utf-8")
    assert load_programme(forms_dir() / "yiyuan-2022").id == "yiyuan-2022"
    assert not any(p.suffix == ".tmp" for p in fresh_cache.parent.iterdir())
