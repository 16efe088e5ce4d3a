"""Errors that carry a message meant for the director, in Chinese.

Every failure a user can cause (a bad file, a bad value, a missing data file) is raised as a
``UserError``; the CLI prints ``message`` to stderr and exits 2, the window shows it in a dialog.
Anything else is a bug and may show a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the user gave us; ``message`` is shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DataFileError(UserError):
    """The data file cannot be used (missing, damaged, foreign, or from a newer version)."""


class DamagedFileError(DataFileError):
    """The data file fails SQLite's checks; it is left exactly as it is (a backup may help)."""


class ValidationError(UserError):
    """One or more fields of a record are invalid; ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("；".join(errors.values()))


class ImportRefused(UserError):
    """An import file was refused whole; ``problems`` lists every finding with its place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        head = "导入被拒绝，数据文件未做任何改动。"
        shown = problems[:20]
        more = f"\n……另有 {len(problems) - 20} 处问题" if len(problems) > 20 else ""
        super().__init__(head + "\n" + "\n".join(shown) + more)


class StorageError(UserError):
    """Saving failed below us (disk full, read-only folder, I/O error); nothing was written."""
