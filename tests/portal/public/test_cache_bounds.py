"""A visitor cannot fill the cache: a page is kept under what it shows (its view, its path
parts as values and the query parameters it reads), so parameters no page reads, a year
written "02024" or a parameter repeated all reach the one cached copy; and a page a visitor's
free choice makes (a name typed, units compared, a sort no link makes) is built for each
request and never kept. The open-data files are kept under their address as the site
writes it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.portal.public.conftest import Published

CACHED = 1  # a cached page reads only the publication generation that keys it


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def entries() -> int:
    """How many entries the (local memory) cache of the tests holds."""
    return len(cache._cache)  # type: ignore[attr-defined]  # LocMemCache's own dict


@pytest.mark.parametrize(
    ("first", "same"),
    [
        ("so/", "so/?utm_source=bao&x=%00"),
        ("so/?sap-xep=total", "so/?sap-xep=rank&sap-xep=total&sap-xep=total"),
        ("so/?sap-xep=unit&chieu=giam", "so/?chieu=giam&sap-xep=unit&utm_source=bao-chi"),
        ("", "?a=1"),
        ("so/don-vi/so-002/", "so/don-vi/so-002/?b=2"),
        ("so/so-sanh/?don-vi=so-001", "so/so-sanh/?don-vi=so-001&don-vi=so-001&c=3"),
    ],
)
def test_what_a_page_does_not_read_reaches_the_same_cached_copy(
    few: Published, first: str, same: str
):
    client = Client()
    queries(client, few.url(first))
    assert queries(client, few.url(same)) == CACHED


def test_a_year_written_with_leading_zeros_is_the_same_page(few: Published):
    client = Client()
    queries(client, few.url("so/"))
    assert queries(client, f"/ket-qua/{few.province.code}/0002024/so/") == CACHED
    assert queries(client, f"/ket-qua/{few.province.code}/2024/phien-ban-1/so/") > CACHED
    assert queries(client, f"/ket-qua/{few.province.code}/2024/phien-ban-001/so/") == CACHED


@pytest.mark.parametrize(
    "tail",
    [
        "so/?ten=thu",
        "so/?sap-xep=khong-co",
        "so/?chieu=ngang",
        "so/so-sanh/?don-vi=so-001&don-vi=so-002",
    ],
)
def test_a_page_of_a_visitor_s_free_choice_is_never_kept(few: Published, tail: str):
    client = Client()
    queries(client, few.url())  # the generation's own cache entry, and the version page
    kept = entries()
    assert queries(client, few.url(tail)) > CACHED
    assert queries(client, few.url(tail)) > CACHED
    assert entries() == kept


def test_a_search_is_not_kept_but_the_search_page_is(few: Published):
    client = Client()
    queries(client, "/ket-qua/tim-kiem/")
    assert queries(client, "/ket-qua/tim-kiem/?x=1") == CACHED
    kept = entries()
    for number in range(5):
        assert queries(client, f"/ket-qua/tim-kiem/?q=thu+{number}") > CACHED
    assert entries() == kept


def test_endless_query_strings_keep_the_cache_the_same_size(few: Published):
    client = Client()
    queries(client, few.url("so/"))
    kept = entries()
    for number in range(30):
        client.get(few.url(f"so/?v={number}&sap-xep=x{number}&ten=%20"))
    assert entries() == kept


def test_a_file_is_kept_once_whatever_way_its_address_is_written(few: Published):
    client = Client()
    tail = "so/tong-the.csv"
    first = client.get(few.url(tail)).content
    kept = entries()
    again = client.get(f"/ket-qua/{few.province.code}/02024/{tail}")
    assert again.content == first
    assert entries() == kept  # no second copy
