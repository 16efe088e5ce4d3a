"""The short code a person can type (``GT-7K3Q-9XPA``) and the text of the QR code beside it.

Why a check character: a director types the code from a smudged phone photo; a mistyped
character must be caught before it files the scan under the wrong form. Luhn mod N over a
32-character alphabet without I and O (read as 1 and 0) and without 0 and 1 catches every single
wrong character and every swap of two neighbours.

Why the code is a hash and not a counter: printing the same content of the same form, period
and page again gives the same code, so a reprint does not orphan a page already signed, and two
copies of a data file never hand out the same code for different pages.
"""

from __future__ import annotations

import hashlib
import re

from gongtongti_desktop.errors import UserError

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PREFIX = "GT"
DATA_CHARS = 7  # 35 bits: collisions within one data file's prints are out of reach
QR_PREFIX = "GT1"  # the QR text: GT1, the data file id, the short code without its dashes
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_TYPO = str.maketrans({"-": "", " ": "", "—": "", "－": "", "_": ""})


def check_char(data: str) -> str:
    """Luhn mod N check character of ``data`` (characters of ``ALPHABET``)."""
    n = len(ALPHABET)
    factor, total = 2, 0
    for char in reversed(data):
        addend = factor * _INDEX[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def _valid(chars: str) -> bool:
    n = len(ALPHABET)
    factor, total = 1, 0
    for char in reversed(chars):
        addend = factor * _INDEX[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return total % n == 0


def _format(chars: str) -> str:
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"


def make_code(*parts: str) -> str:
    """The short code naming ``parts`` (data file id, form, period, page, fingerprint)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    number = int.from_bytes(digest[:8], "big")
    data = ""
    for _ in range(DATA_CHARS):
        number, rest = divmod(number, len(ALPHABET))
        data += ALPHABET[rest]
    return _format(data + check_char(data))


def new_file_id() -> str:
    """A data file's id as printed in its QR codes: 8 characters of the alphabet (40 bits)."""
    import secrets

    return "".join(secrets.choice(ALPHABET) for _ in range(8))


def normalise(typed: str) -> str:
    """A code as typed or read ("gt 7k3q 9xpa", "GT-7K3Q-9XPA") in its printed form, or a
    UserError in Chinese saying what is wrong with it."""
    text = typed.strip().upper().translate(_TYPO)
    if text.startswith(PREFIX) and len(text) == len(PREFIX) + DATA_CHARS + 1:
        text = text[len(PREFIX) :]
    if len(text) != DATA_CHARS + 1:
        raise UserError(
            f"“{typed.strip()}”不是表格上的编号：编号形如 GT-7K3Q-9XPA（GT 后 8 个字母或数字）"
        )
    wrong = sorted({c for c in text if c not in _INDEX})
    if wrong:
        shown = "、".join(wrong)
        raise UserError(
            f"编号“{typed.strip()}”里有表格编号不用的字符：{shown}（编号不用 0、1、I、O，请对照纸面重输）"
        )
    if not _valid(text):
        raise UserError(f"编号“{typed.strip()}”的校验位不对：有一个字符输错了，请对照纸面重输")
    return _format(text)


def qr_text(file_id: str, code: str) -> str:
    """What the QR code holds: "GT1", the data file's id and the code's 8 characters — 19
    upper case letters and digits, QR's compact alphanumeric mode, so the symbol is the
    smallest there is (version 1, 21×21 modules, error correction M) and its modules as large
    as the margin allows: it still reads from a scan of about 100 dpi."""
    return f"{QR_PREFIX}{file_id}{code.replace('-', '')[len(PREFIX) :]}"


_QR = re.compile(r"^GT1([0-9A-Z]{8})([0-9A-Z]{8})$")


def parse_qr(text: str) -> tuple[str, str] | None:
    """(data file id, short code) from a QR code's text, or None when it is not ours."""
    match = _QR.match(text.strip())
    if match is None:
        return None
    try:
        return match.group(1), normalise(match.group(2))
    except UserError:
        return None
