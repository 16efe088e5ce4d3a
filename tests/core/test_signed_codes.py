"""The short code on every printed page: its check character catches a mistyped character,
and printing records each page under its code with the lines it printed."""

from __future__ import annotations

import json

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import form_data
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.core.signed import codes
from gongtongti_desktop.core.signed.printed import find_code, print_mark, record_print
from gongtongti_desktop.errors import UserError

SAMPLES = [codes.make_code("file", "annex1", "", str(n)) for n in range(40)]


def test_codes_look_as_printed_and_read_back_however_typed() -> None:
    for code in SAMPLES:
        assert len(code) == 12 and code.startswith("GT-") and code[7] == "-"
        assert codes.normalise(code.lower().replace("-", " ")) == code
        assert codes.normalise(code[3:]) == code
    assert len(set(SAMPLES)) == len(SAMPLES)


def test_every_single_wrong_character_is_caught() -> None:
    for code in SAMPLES:
        chars = code.replace("GT-", "").replace("-", "")
        for i in range(len(chars)):
            for other in codes.ALPHABET:
                if other == chars[i]:
                    continue
                typo = chars[:i] + other + chars[i + 1 :]
                with pytest.raises(UserError, match="校验位"):
                    codes.normalise(typo)


def test_every_swap_of_two_neighbours_is_caught() -> None:
    for code in SAMPLES:
        chars = code.replace("GT-", "").replace("-", "")
        for i in range(len(chars) - 1):
            if chars[i] == chars[i + 1]:
                continue
            swapped = chars[:i] + chars[i + 1] + chars[i] + chars[i + 2 :]
            with pytest.raises(UserError):
                codes.normalise(swapped)


@pytest.mark.parametrize(
    ("typed", "says"),
    [("GT-1234-5678", "0、1、I、O"), ("GT-ABC", "形如"), ("", "形如"), ("GT-OOOO-IIII", "不用")],
)
def test_what_is_wrong_with_a_typed_code_is_said(typed: str, says: str) -> None:
    with pytest.raises(UserError, match=says):
        codes.normalise(typed)


def test_qr_text_names_the_data_file_and_the_code() -> None:
    text = codes.qr_text("ABCD2345", SAMPLES[0])
    assert codes.parse_qr(text) == ("ABCD2345", SAMPLES[0])
    assert codes.parse_qr("https://example.com/") is None
    assert codes.parse_qr(text[:-1] + ("2" if text[-1] != "2" else "3")) is None


def test_a_print_is_recorded_under_each_page_and_reprinting_changes_nothing(
    demo_store: Store,
) -> None:
    programme = get_programme(demo_store.programme_id)
    data = form_data(demo_store, programme, "annex1", today=demo_store.today())
    mark = print_mark(demo_store, data)
    drawn = mark.page_codes(2)
    assert [c for c, _ in drawn] == mark.drawn and len(set(mark.drawn)) == 2
    recorded = record_print(demo_store, mark)
    row = find_code(demo_store, recorded[1])
    assert row is not None and row["form_id"] == "annex1" and (row["page"], row["pages"]) == (2, 2)
    assert row["file_id"] == demo_store.setting("file_id")
    assert any("城关实验幼儿园" in line for line in json.loads(row["content"]))
    again = print_mark(demo_store, form_data(demo_store, programme, "annex1"))
    assert again.page_codes(2) == drawn  # the same content: the same codes
    record_print(demo_store, again)
    assert demo_store.query("SELECT count(*) AS n FROM printed_form")[0]["n"] == 2


def test_a_changed_cell_changes_the_fingerprint_and_the_codes(demo_store: Store) -> None:
    programme = get_programme(demo_store.programme_id)
    before = print_mark(demo_store, form_data(demo_store, programme, "annex1"))
    person = roster.get_record(demo_store, "person", roster.list_people(demo_store)[0]["id"])
    values = {**person, "phone": "13900000000"}
    roster.save_record(demo_store, programme, "person", values, person["id"])
    after = print_mark(demo_store, form_data(demo_store, programme, "annex1"))
    assert before.fingerprint != after.fingerprint and before.code(1) != after.code(1)
    assert before.title == after.title


def test_two_data_files_have_different_ids(tmp_path) -> None:
    ids = set()
    for n in range(3):
        with Store.create(
            tmp_path / f"{n}.gtdb", kindergarten="园", programme_id="yiyuan-2022"
        ) as s:
            ids.add(s.setting("file_id"))
    assert len(ids) == 3
