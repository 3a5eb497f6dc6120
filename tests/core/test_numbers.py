"""dti.numbers.read_number: the one reader every path uses. Finite, |x| ≤ 10^12, at most
four decimals; everything else a NumberError (or CellError for text that is no number),
never an OverflowError, an InvalidOperation or a 500 further on."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dti.numbers import MAX_MAGNITUDE, NumberError, checked_number, read_number
from dti.tables.cells import CellError, parse_number

REFUSED = [
    pytest.param(Decimal("1E+309"), id="1e309"),
    pytest.param(Decimal("-1E+309"), id="minus-1e309"),
    pytest.param(Decimal("1E+999999999"), id="1E+999999999"),
    pytest.param(Decimal("NaN"), id="nan"),
    pytest.param(Decimal("sNaN"), id="snan"),
    pytest.param(Decimal("Infinity"), id="infinity"),
    pytest.param(float("inf"), id="float-inf"),
    pytest.param(float("nan"), id="float-nan"),
    pytest.param(10**100_000, id="100000-digit-int"),
    pytest.param(Decimal("9" * 100_000), id="100000-digit-decimal"),
    pytest.param(Decimal("1000000000000.0001"), id="just-above-10^12"),
    pytest.param(Decimal("1.00000000000000000000000000000001"), id="32-decimals"),
    pytest.param(Decimal("1E-999999999"), id="tiny"),
    pytest.param(True, id="bool"),
    pytest.param([1], id="list"),
]


@pytest.mark.parametrize("raw", REFUSED)
def test_a_hostile_number_is_a_number_error(raw):
    with pytest.raises(NumberError):
        read_number(raw)


@pytest.mark.parametrize("text", ["1e309", "NaN", "Infinity", "1E+999999999", "9" * 100_000])
def test_hostile_text_is_a_cell_error_with_a_vietnamese_message(text):
    with pytest.raises(CellError, match=r"số|Số"):
        read_number(text)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("87,5", Decimal("87.5")),
        ("1.234,5", Decimal("1234.5")),
        (Decimal("1E+3"), Decimal("1000")),  # stored without an exponent
        (1.5, Decimal("1.5")),
        (10**12, MAX_MAGNITUDE),
        (Decimal("-1000000000000"), -MAX_MAGNITUDE),
        (Decimal("1.50000"), Decimal("1.50000")),  # trailing zeros are not decimals that matter
    ],
)
def test_ordinary_numbers_are_read_exactly(raw, value):
    assert read_number(raw).value == value
    assert "E" not in str(read_number(raw).value)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.decimals(), st.floats(), st.integers(), st.text(max_size=60)))
def test_anything_is_a_bounded_exact_number_or_a_value_error(raw):
    try:
        value = read_number(raw).value
    except ValueError:
        return
    assert value.is_finite() and abs(value) <= MAX_MAGNITUDE
    assert value == value.quantize(Decimal("0.0001"))


def _read_step_by_step(text: str) -> tuple[Decimal, bool, int]:
    """What read_number does with any text: the printed number's reading, then its bounds."""
    parsed = parse_number(text)
    return checked_number(parsed.value), parsed.percent, parsed.decimals


def _read_as_step_by_step(text: str) -> None:
    try:
        expected = _read_step_by_step(text)
    except ValueError as error:
        with pytest.raises(type(error), match=re.escape(str(error))):
            read_number(text)
        return
    read = read_number(text)
    assert (read.value, read.percent, read.decimals) == expected
    assert str(read.value) == str(expected[0])  # the same digits, no exponent either way


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789", min_size=1, max_size=14),
        st.text(alphabet="0123456789٣５ ,.%+-", min_size=1, max_size=14),
    )
)
def test_a_whole_number_read_the_short_way_is_read_as_step_by_step(text):
    _read_as_step_by_step(text)


# the short way's edges: the bound (12 digits and 13), leading zeros, digits that are not
# ASCII (str.isdigit says yes), space around
@pytest.mark.parametrize(
    "text", ["0", "007", "999999999999", "1000000000000", "9999999999999", "٣", "５", " 12"]
)
def test_whole_numbers_at_the_edges_of_the_short_way(text):
    _read_as_step_by_step(text)


def test_a_published_table_with_a_huge_score_is_refused_by_row_and_column(tmp_path):
    from click.testing import CliRunner

    from dti.cli import main
    from tests.core.seeds import BINHDINH
    from tests.core.test_audit_seeds import _mutated

    path = _mutated(
        tmp_path, "binhdinh-2023", "bang-1-tong-the-cap-so.tsv", 2, 7, "1.000.000.000.000.000"
    )
    result = CliRunner().invoke(main, ["score", str(BINHDINH), str(path)])
    assert result.exit_code == 2
    assert "dòng 2, cột “Hoạt động chính quyền số”: Số quá lớn" in result.output
