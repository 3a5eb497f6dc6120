from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dti.tables.cells import CellError, ParsedNumber, is_blank, parse_number

GOOD = [
    # (text, value, percent, decimals)
    ("50", "50", False, 0),
    ("0", "0", False, 0),
    ("481,45", "481.45", False, 2),
    ("481.45", "481.45", False, 2),
    ("427,80", "427.80", False, 2),
    ("164,85", "164.85", False, 2),
    ("57.14", "57.14", False, 2),
    ("1.234", "1.234", False, 3),  # one separator once is decimal, whichever it is
    ("1,234", "1.234", False, 3),
    ("99,3%", "99.3", True, 1),
    ("100 %", "100", True, 0),
    ("100\u00a0%", "100", True, 0),
    ("94%", "94", True, 0),
    ("86,4%", "86.4", True, 1),
    ("-5", "-5", False, 0),
    ("−5", "-5", False, 0),
    ("+3", "3", False, 0),
    ("-2,5%", "-2.5", True, 1),
    ("1.234,5", "1234.5", False, 1),
    ("1,234.5", "1234.5", False, 1),
    ("12.345.678,90", "12345678.90", False, 2),
    ("1.234.567", "1234567", False, 0),
    ("1,234,567", "1234567", False, 0),
    ("007", "7", False, 0),
    ("  50  ", "50", False, 0),
    ("\u00a050\u00a0", "50", False, 0),
    ("\u2009164,85\u202f", "164.85", False, 2),
    ("\u200b70\ufeff", "70", False, 0),
    ("\t30\n", "30", False, 0),
    ("0,1", "0.1", False, 1),
]


@pytest.mark.parametrize(("text", "value", "percent", "decimals"), GOOD)
def test_it_reads_printed_numbers(text: str, value: str, percent: bool, decimals: int) -> None:
    parsed = parse_number(text)
    assert parsed == ParsedNumber(value=Decimal(value), percent=percent, decimals=decimals)
    # Exact from the text: the printed digits survive, trailing zeros included.
    assert str(parsed.value) == value


BAD = [
    # (text, words the message must contain)
    ("", "Ô trống"),
    ("   ", "Ô trống"),
    ("\u00a0", "Ô trống"),
    ("abc", "Không đọc được số"),
    ("Tốt", "Không đọc được số"),
    ("12a", "Không đọc được số"),
    ("1 234", "Không đọc được số"),
    ("--5", "hai dấu"),
    ("+-5", "hai dấu"),
    ("−-5", "hai dấu"),
    ("-", "không có số"),
    ("%", "không có số"),
    ("5%%", "Không đọc được số"),
    ("1,2,3", "Nhóm hàng nghìn"),
    ("1.23.456", "Nhóm hàng nghìn"),
    ("1234.567.890", "Nhóm hàng nghìn"),
    ("1,23.5", "Nhóm hàng nghìn"),
    ("12..5", "liền nhau"),
    ("12,.5", "liền nhau"),
    ("1.234,5.6", "xuất hiện nhiều lần"),
    (",5", "giữa hai chữ số"),
    ("5,", "giữa hai chữ số"),
    ("1e5", "lũy thừa"),
    ("1,5E-3", "lũy thừa"),
    ("NaN", "hữu hạn"),
    ("-Infinity", "hữu hạn"),
    ("inf", "hữu hạn"),
    ("1" * 31, "Quá dài"),
    ("٣", "Không đọc được số"),  # Arabic-Indic digit: Decimal would accept it, we do not
    ("５０", "Không đọc được số"),  # full-width digits
    ("1_000", "Không đọc được số"),
    ("0x10", "Không đọc được số"),
]


@pytest.mark.parametrize(("text", "words"), BAD)
def test_it_rejects_what_is_not_a_number(text: str, words: str) -> None:
    with pytest.raises(CellError, match=words):
        parse_number(text)


def test_the_message_quotes_the_text() -> None:
    with pytest.raises(CellError) as caught:
        parse_number(" abc ")
    assert str(caught.value) == "Không đọc được số: “abc”"


def test_a_long_text_is_shortened_in_the_message() -> None:
    with pytest.raises(CellError) as caught:
        parse_number("9" * 1000)
    assert len(str(caught.value)) < 100


def test_a_cell_error_is_a_value_error() -> None:
    assert issubclass(CellError, ValueError)


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("", True),
        ("   ", True),
        ("\u00a0", True),
        ("-", True),
        ("–", True),
        ("—", True),
        (" - ", True),
        ("0", False),
        ("--", False),
        ("TB", False),
        ("-5", False),
    ],
)
def test_is_blank(text: str, blank: bool) -> None:
    assert is_blank(text) is blank


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    st.sampled_from([",", "."]),
    st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_vietnamese_printing_reads_back(value: Decimal, mark: str, percent: bool) -> None:
    printed = f"{value:f}".replace(".", mark) + ("%" if percent else "")
    parsed = parse_number(printed)
    assert (parsed.value, parsed.percent, parsed.decimals) == (value, percent, 2)


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_any_text_gives_a_number_or_a_cell_error(text: str) -> None:
    try:
        parsed = parse_number(text)
    except CellError:
        return
    assert parsed.value.is_finite()
    assert parsed.decimals >= 0


@given(st.text(alphabet="0123456789.,+-−% \u00a0eE", max_size=32))
@settings(max_examples=200, deadline=None)
def test_number_like_text_gives_a_number_or_a_cell_error(text: str) -> None:
    try:
        parsed = parse_number(text)
    except CellError:
        return
    assert parsed.value.is_finite()
