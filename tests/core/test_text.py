"""Control characters and spreadsheet formulas in ordinary strings (dti.text)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dti.text import clean_text, control_characters, spreadsheet_text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Sở Nội vụ", None),
        ("dòng 1\ndòng 2\tcột\r", None),
        ("ghi\x00chú", "U+0000"),
        ("ghi\x0bchú", "U+000B"),
        ("\x7f", "U+007F"),
        ("\x9b", "U+009B"),
        ("\ud800", "U+D800"),
        ("\uffff", "U+FFFF"),
    ],
)
def test_control_characters_names_the_first(text: str, found: str | None) -> None:
    assert control_characters(text) == found


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+84 271", "'+84 271"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Sở = Nội vụ", "Sở = Nội vụ"),
        ("\x00=1", "'=1"),
        ("", ""),
    ],
)
def test_spreadsheet_text_makes_formulas_inert(text: str, shown: str) -> None:
    assert spreadsheet_text(text) == shown


@given(st.text())
def test_clean_text_leaves_nothing_to_find(text: str) -> None:
    cleaned = clean_text(text)
    assert control_characters(cleaned) is None
    assert clean_text(cleaned) == cleaned
