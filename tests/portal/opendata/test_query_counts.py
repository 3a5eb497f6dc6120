"""Every open-data answer runs a bounded number of queries, the same for a level of 3 units
as for one of 40: rows are read in one query per level, never one per unit. Each bound is
the count the code runs today; a test fails when one grows."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.portal.opendata.conftest import publish_province

BASE = "/ket-qua/tinh-dem/2023"
API = "/api/cong-khai/provinces/tinh-dem"

# (address, queries at most): the comment lists them.
FIRST = [
    # generation, the version, its level, the level's rows
    (f"{BASE}/so/tong-the.csv", 4),
    (f"{BASE}/so/chi-so-nhan_thuc_so.xlsx", 4),
    # ... and the province's publication settings (license, citation), for the cache key too
    (f"{BASE}/so/tong-the.json", 6),
    # generation, the publication settings, the version, its levels, the settings again
    (f"{BASE}/datapackage.json", 5),
    # generation, the shown versions; then their levels and their rows
    ("/sitemap.xml", 2),
    ("/sitemap/tinh/tinh-dem.xml", 4),
    # the shown versions
    ("/api/cong-khai/provinces", 1),
    # the province's published versions
    (f"{API}/versions", 1),
    # the version, its levels
    (f"{API}/years/2023/levels", 2),
    # the version, its level, the level's rows
    (f"{API}/years/2023/levels/so/tables/tong-the?limit=500", 3),
    # the unit's latest row, its lineage (none), its rows of every year
    (f"{API}/units/tinh-dem-don-vi-1/history", 3),
]


@pytest.mark.django_db
@pytest.mark.parametrize("units", [3, 40])
@pytest.mark.parametrize(("address", "most"), FIRST)
def test_each_answer_runs_the_same_few_queries_whatever_the_number_of_units(
    units, address, most, django_assert_max_num_queries
):
    publish_province("tinh-dem", units)
    client = Client()
    with django_assert_max_num_queries(most):
        response = client.get(address)
    assert response.status_code == 200, address


@pytest.mark.django_db
@pytest.mark.parametrize("units", [3, 40])
def test_a_cached_file_costs_only_the_reads_that_tell_whether_it_changed(
    units, django_assert_num_queries
):
    publish_province("tinh-dem", units)
    client = Client()
    for address in (f"{BASE}/so/tong-the.csv", "/sitemap.xml"):
        first = client.get(address)
        with django_assert_num_queries(1):  # generation: has a version been published since?
            again = client.get(address)
        assert again.content == first.content
    for address in (f"{BASE}/so/tong-the.json", f"{BASE}/datapackage.json"):
        first = client.get(address)
        with django_assert_num_queries(2):  # ... and has the province changed its license?
            again = client.get(address)
        assert again.content == first.content


@pytest.mark.django_db
@pytest.mark.parametrize("units", [3, 40])
def test_the_report_is_made_with_queries_per_level_not_per_unit(
    units, django_assert_max_num_queries
):
    publish_province("tinh-dem", units)
    client = Client()
    # the kept file (none), the version's levels, the level's rows, last year's version,
    # a savepoint, the insert, its release
    with django_assert_max_num_queries(8):
        made = client.get(f"{BASE}/bao-cao.xlsx")
    assert made.status_code == 200
    with django_assert_max_num_queries(2):  # the version, the kept file
        kept = client.get(f"{BASE}/bao-cao.xlsx")
    assert kept.content == made.content
