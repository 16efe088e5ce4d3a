"""The Documents folder without Qt (core.datafile.location.documents_dir): the XDG user
directory on Linux, from the environment or ~/.config/user-dirs.dirs, else ~/Documents."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile.location import default_data_file, documents_dir

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows asks its known folder")


def test_the_environment_names_the_folder(tmp_path: Path) -> None:
    env = {"XDG_DOCUMENTS_DIR": str(tmp_path / "我的文档")}
    assert documents_dir(tmp_path, env) == tmp_path / "我的文档"


def test_user_dirs_dirs_names_it_relative_to_home(tmp_path: Path) -> None:
    config = tmp_path / ".config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text(
        '# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR="$HOME/桌面"\nXDG_DOCUMENTS_DIR="$HOME/文档"\n',
        encoding="utf-8",
    )
    assert documents_dir(tmp_path, {}) == tmp_path / "文档"
    assert default_data_file(documents_dir(tmp_path, {})) == (
        tmp_path / "文档" / "共同体工作台" / "gongtongti.gtdb"
    )


def test_without_either_it_is_documents_in_home(tmp_path: Path) -> None:
    assert documents_dir(tmp_path, {}) == tmp_path / "Documents"
    # a documents dir set to home itself (xdg's way of saying "disabled") is not used
    assert documents_dir(tmp_path, {"XDG_DOCUMENTS_DIR": "$HOME"}) == tmp_path / "Documents"
