"""The text the one- and two-character diary index holds: each character a token.

Why a function of the program, not SQL: migration 0005 spaced the text with a recursive SQL
query, which takes time growing with the square of the text (``substr`` walks the UTF-8 text
from its start at every character, and every step re-reads the whole value): a 40 000-
character field took ~11 s, a 150 000-character one minutes. This function is one pass. Every
connection the program opens registers it (``Store``); a connection that does not (the sqlite3
shell) cannot change diary text at all — it gets "no such function" — rather than leave the
index silently out of step.
"""

from __future__ import annotations

import sqlite3

FUNCTION = "gt_spaced"

# What a character becomes: itself when it is not ASCII or is an ASCII letter or digit (the
# ascii tokenizer folds ASCII case, as LIKE does); any other ASCII character becomes "xx", a
# token no phrase of single characters can match, so "a-b" never matches "ab".
_ASCII = {
    i: (chr(i) if chr(i).isalnum() else "xx") for i in range(128)
}  # fmt: skip


def spaced(value: object) -> str | None:
    """``value`` with one space between its characters; None when empty (as 0005's view)."""
    if value is None:
        return None
    text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
    if not text:
        return None
    ascii_map = _ASCII
    return " ".join([ascii_map[o] if (o := ord(c)) < 128 else c for c in text])


def register(conn: sqlite3.Connection) -> None:
    conn.create_function(FUNCTION, 1, spaced, deterministic=True)
