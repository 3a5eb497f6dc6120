"""A number cell of the framework workbook that holds no number is said once: the cell's
text quoted one time, not the reader's own message about the same text behind it."""

from __future__ import annotations

import pytest

from portal.frameworks.workbook.cells import CellError, number


def test_text_that_is_no_number_is_said_once():
    with pytest.raises(CellError) as refused:
        number("mười")
    assert str(refused.value) == "“mười” không phải là số"


def test_a_number_written_wrongly_keeps_its_reason():
    with pytest.raises(CellError) as refused:
        number("12..5")
    assert str(refused.value).startswith("“12..5” không phải là số: ")
    assert str(refused.value).count("12..5") <= 2
