"""Unit attributes as typed ('key = value') and as stored (JSON), and back to the core."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.units.attributes import (
    as_core_value,
    format_attributes,
    parse_attributes,
    split_outside_quotes,
)


@pytest.mark.parametrize(("typed", "stored"), [
    ("co = true", {"co": True}),
    ("co = FALSE", {"co": False}),
    ("dan_so = 12500", {"dan_so": 12500}),
    ("ty_le = 3,5", {"ty_le": 3.5}),
    ("ty_le = 3.25", {"ty_le": 3.25}),
    ("vung = miền núi", {"vung": "miền núi"}),
    ('ma_cu = "0123"', {"ma_cu": "0123"}),
    ('ghi_chu = "true"', {"ghi_chu": "true"}),
])  # fmt: skip
def test_it_reads_booleans_numbers_and_text(typed, stored):
    assert parse_attributes([typed]) == stored


@pytest.mark.parametrize("stored", [
    {"co": True, "khong": False}, {"dan_so": 12500, "ty_le": 3.5}, {"vung": "miền núi"},
    {"ma_cu": "0123", "ghi_chu": "true", "chuoi": "a; b"},
])  # fmt: skip
def test_what_it_writes_it_reads_back(stored):
    assert parse_attributes(split_outside_quotes(format_attributes(stored))) == stored


@pytest.mark.parametrize(("typed", "message"), [
    ("co dich vu = true", "tên thuộc tính “co dich vu”"),
    ("Co = true", "tên thuộc tính “Co”"),
    ("co", "“co” phải có dạng tên = giá trị"),
    ("co =", "“co =” phải có dạng tên = giá trị"),
])  # fmt: skip
def test_it_names_the_entry_that_is_wrong(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_attributes([typed])


def test_the_core_gets_exact_decimals_never_floats():
    assert as_core_value(3.3) == Decimal("3.3")
    assert as_core_value(12500) == Decimal(12500)
    assert as_core_value(True) is True and as_core_value("x") == "x"
