"""The search reads the current versions of every province, ignores accents and case, links
each unit to its page, and refuses what no person types."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.portal.public.conftest import make_named_units, make_province, publish_year
from tests.portal.public.reading import get, rows, text


@pytest.fixture
def two_provinces(db: None) -> None:
    for code, name in (("tinh-a", "Tỉnh A"), ("tinh-b", "Tỉnh B")):
        province, admin = make_province(code, name)
        units = make_named_units(province, ["Sở Nội vụ", "Sở Tư pháp", "Sở Y tế"])
        publish_year(province, admin, units, 2024)


def test_it_finds_a_unit_in_every_province(two_provinces: None):
    found = rows(get(Client(), "/ket-qua/tim-kiem/?q=SO+NOI+VU"))
    assert sorted((row["Đơn vị"], row["Tỉnh"]) for row in found) == [
        ("Sở Nội vụ", "Tỉnh A"),
        ("Sở Nội vụ", "Tỉnh B"),
    ]
    assert {row["_unit"] for row in found} == {"so-noi-vu"}
    assert all(row["Khối"] == "Sở, ban, ngành" for row in found)


def test_the_results_link_to_each_unit_s_page(two_provinces: None):
    html = get(Client(), "/ket-qua/tim-kiem/?q=tu+phap")
    assert 'href="/ket-qua/tinh-a/2024/so/don-vi/so-tu-phap/"' in html
    assert 'href="/ket-qua/tinh-b/2024/so/don-vi/so-tu-phap/"' in html
    assert '<input type="search" id="tim-don-vi" name="q" value="tu phap"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [("a" * 101, "dài quá: tối đa 100 ký tự."), ("so%0Bnoi", "Có ký tự điều khiển")],
)
def test_it_refuses_what_no_person_types(two_provinces: None, query: str, message: str):
    assert message in text(get(Client(), f"/ket-qua/tim-kiem/?q={query}", 400))


def test_blank_words_search_nothing(two_provinces: None):
    assert "kết quả cho" not in text(get(Client(), "/ket-qua/tim-kiem/?q=+++"))
