"""Every profile's demo shape loads from its ``demo.toml``; a bad one is refused in Chinese,
naming the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gongtongti_desktop.core.demo.shape import load_demo
from gongtongti_desktop.core.paths import forms_dir
from gongtongti_desktop.core.profile.programme import available_programmes, get_programme
from gongtongti_desktop.core.profile.toml_table import ProfileError


@pytest.mark.parametrize("programme_id", available_programmes())
def test_every_profile_has_a_demo_shape_in_its_roles(programme_id: str) -> None:
    programme = get_programme(programme_id)
    setup = load_demo(programme.folder, programme.roles.partners)
    assert setup is not None and setup.shape
    assert setup.pairing[0] <= setup.today
    names = [lead for lead, _ in setup.shape] + [p for _, ps in setup.shape for p, _ in ps]
    assert len(names) == len(set(names)), "every invented kindergarten once"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "panjin-2024"
    shutil.copytree(forms_dir() / "panjin-2024", copy)
    return copy


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('"跨区域被帮扶园" =', '"跨区域园" =', "“跨区域园”不是本方案的结对角色"),
        ("today = 2025-01-15", 'today = "2025-01-15"', "today 应为日期"),
        (
            "pairing = [2024-09-20, 2026-12-31]",
            "pairing = [2026-12-31, 2024-09-20]",
            "结束不早于开始",
        ),
        ("samples_from", "sample_from", "不认识的键 sample_from"),
    ],
)
def test_a_bad_demo_is_refused(folder: Path, old: str, new: str, words: str) -> None:
    path = folder / "demo.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    programme = get_programme("panjin-2024")
    with pytest.raises(ProfileError, match=words):
        load_demo(folder, programme.roles.partners)
