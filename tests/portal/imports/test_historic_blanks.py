"""The historic import refuses a published table with a blank score, naming the row and the
column, and stores nothing: a blank stored as zero would rank the unit last for good."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.portal.campaigns.conftest import BINHDINH_TABLES, BinhDinh, load_binhdinh
from tests.portal.campaigns.test_historic_import import SO_TABLE, counts, run_import


@pytest.fixture
def binhdinh(db: None) -> BinhDinh:
    return load_binhdinh()


def test_a_blank_component_refuses_the_table_and_nothing_is_stored(binhdinh):
    text = (BINHDINH_TABLES / SO_TABLE).read_text(encoding="utf-8")
    text = text.replace("\t164,85\t", "\t\t", 1)  # Sở Thông tin và Truyền thông, ranked 1
    before = counts()
    with pytest.raises(ValidationError) as error:
        run_import(binhdinh, data=text.encode())
    [message] = error.value.messages
    assert message.startswith(f"{SO_TABLE}, dòng 2: đơn vị “Sở Thông tin và Truyền thông”")
    assert "cột “Hoạt động chính quyền số”: ô điểm để trống" in message
    assert counts() == before
