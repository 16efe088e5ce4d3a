"""Fixtures for the window tests: run offscreen, widgets built alone on fresh data files."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.profile.programme import Programme, get_programme


@pytest.fixture
def gaotai() -> Programme:
    return get_programme("gaotai-2020")


@pytest.fixture
def gaotai_store(tmp_path: Path) -> Iterator[Store]:
    s = create_demo(tmp_path / "gaotai.gtdb", "gaotai-2020")
    yield s
    s.close()


class MessageBoxes:
    """Records the static QMessageBox calls instead of showing (blocking) boxes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, text in self.calls if kind is None or k == kind]

    def make(self, kind: str) -> Callable[..., Any]:
        def box(_parent: Any, _title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            self.calls.append((kind, text))
            if kind == "question":
                return self.answer
            return QMessageBox.StandardButton.Ok

        return box


@pytest.fixture(autouse=True)
def boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    """Every test: no message box can block; what would have been shown is recorded.

    Questions are answered 是 unless a test sets ``boxes.answer``.
    """
    recorder = MessageBoxes()
    for kind in ("question", "warning", "information", "critical", "about"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder.make(kind)))
    return recorder


class FileDialogs:
    """Answers for the static QFileDialog calls (default: the director cancels)."""

    def __init__(self) -> None:
        self.open_name = ""
        self.save_name = ""
        self.calls: list[tuple[str, str]] = []

    def get_open(self, _parent: Any, caption: str, *args: Any, **kwargs: Any) -> tuple[str, str]:
        self.calls.append(("open", caption))
        return self.open_name, ""

    def get_save(self, _parent: Any, caption: str, *args: Any, **kwargs: Any) -> tuple[str, str]:
        self.calls.append(("save", caption))
        return self.save_name, ""


@pytest.fixture(autouse=True)
def file_dialogs(monkeypatch: pytest.MonkeyPatch) -> FileDialogs:
    answers = FileDialogs()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(answers.get_open))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answers.get_save))
    return answers


# The offscreen platform warns about a feature it lacks whenever a window is shown; that is
# not a problem of ours. Everything else Qt warns about still fails the test.
_OFFSCREEN_NOISE = r"^This plugin does not support propagateSizeHints\(\)$"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.qt_log_ignore(_OFFSCREEN_NOISE))


@pytest.fixture(autouse=True, scope="session")
def _own_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """QSettings (window place, last folders, reminders) go to a throw-away folder, never the
    tester's own configuration."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("settings")),
    )


class BeforeExportAnswers:
    """Answers 上报前检查's modal list before an export (default: 仍然导出) without a nested
    event loop; ``respond`` may act on the dialog (open a line) and return its answer."""

    def __init__(self) -> None:
        self.shown: list[Any] = []
        self.respond: Callable[[Any], int] | None = None

    def exec(self, dialog: Any) -> int:
        from PySide6.QtWidgets import QDialog

        self.shown.append([item.text for item in dialog.items])
        if self.respond is not None:
            return self.respond(dialog)
        return QDialog.DialogCode.Accepted.value


@pytest.fixture(autouse=True)
def before_export_answers(monkeypatch: pytest.MonkeyPatch) -> BeforeExportAnswers:
    from gongtongti_desktop.ui.packages.before_export_dialog import BeforeExportDialog

    answers = BeforeExportAnswers()
    monkeypatch.setattr(BeforeExportDialog, "exec", lambda dialog: answers.exec(dialog))
    return answers
