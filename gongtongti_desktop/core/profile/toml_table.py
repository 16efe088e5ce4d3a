"""Strict reading of profile TOML files: every key is checked and unknown keys are refused.

Shared by the programme, index and rules loaders so a typo in any profile file is caught at
load time with the file and key named, not at print time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gongtongti_desktop.core.profile import toml_cache
from gongtongti_desktop.errors import UserError


class ProfileError(UserError):
    """A profile file is malformed; the message names the file and the key."""


class TomlTable:
    """Reads keys out of one TOML table and remembers which were used, to reject the rest."""

    def __init__(self, data: dict[str, Any], where: str) -> None:
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, kind: type, default: Any = ..., *, required: bool = False) -> Any:
        self.used.add(key)
        if key not in self.data:
            if required or default is ...:
                raise ProfileError(f"{self.where}：缺少必填项 {key}")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ProfileError(f"{self.where}：{key} 应为 {kind.__name__}，实际为 {value!r}")
        return value

    def strings(self, key: str, *, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.get(key, list, list(default) if default is not None else ...)
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise ProfileError(f"{self.where}：{key} 应为非空文字的列表")
        if len(set(value)) != len(value):
            raise ProfileError(f"{self.where}：{key} 有重复项")
        return tuple(value)

    def tables(self, key: str) -> list[TomlTable]:
        raw = self.get(key, list, [])
        out = []
        for i, item in enumerate(raw, 1):
            if not isinstance(item, dict):
                raise ProfileError(f"{self.where}：{key} 第 {i} 项应为表")
            out.append(TomlTable(item, f"{self.where} {key}[{i}]"))
        return out

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ProfileError(f"{self.where}：不认识的键 {', '.join(unknown)}")


def read_toml(path: Path) -> dict[str, Any]:
    """The file's table; parsed once per content and user (``toml_cache``)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"无法读取 {path}：{exc}") from exc
    return toml_cache.parsed(raw, lambda data: _parse(path, data))


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    import tomllib  # only when the cache does not have this text

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}：不是 UTF-8 编码的文本：{exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}：TOML 格式错误：{exc}") from exc
