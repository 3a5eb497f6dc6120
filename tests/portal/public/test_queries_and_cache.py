"""A published version's pages run a few queries, the same number for 4 units as for 60
(rows are read once per level, never once per unit), and a second visit is served from the
cache: one query, for the publication generation that keys it. Publishing again changes the
generation, so the page is built anew."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.portal.public.conftest import Published, published_province

from portal.campaigns.models import CampaignUnit
from portal.publication.corrections import result_correct
from portal.publication.services import publication_request

# Built anew, a version's page reads: the publication generation (the cache key), the
# version, its levels, then the level's rows once (a ranking, a comparison) or the class
# counts (the version page); a unit's page its own row, the level's rows for the averages
# (once per level), its lineage, its history and the history's level names; the corrections log every version's rows and levels; a superseded version
# the versions that followed it. Four to seven queries; eight leaves room, never 60.
MAX_QUERIES = 8

PAGES = [
    "",
    "so/",
    "so/nhom-co_dvctt/",
    "so/chi-so-the_che_so/",
    "so/?sap-xep=unit&chieu=giam&xep-loai=Kh%C3%A1&nhom=co_dvctt&ten=thu",
    "so/don-vi/so-002/",
    "so/so-sanh/?don-vi=so-001&don-vi=so-002&nhom=co_dvctt",
    "phuong-phap/",
    "dinh-chinh/",
    "phien-ban-1/so/",
]


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("tail", PAGES)
def test_a_page_of_a_version_runs_as_many_queries_for_60_units_as_for_4(
    tail: str, django_assert_max_num_queries
):
    few = published_province(4)
    many = published_province(60, "tinh-lon", "Tỉnh Lớn")
    client = Client()
    with django_assert_max_num_queries(MAX_QUERIES):
        counted_few = queries(client, few.url(tail))
    with django_assert_max_num_queries(MAX_QUERIES):
        counted_many = queries(client, many.url(tail))
    assert counted_few == counted_many


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/ket-qua/", "/ket-qua/tinh-lon/", "/ket-qua/tim-kiem/?q=thu+nghiem"]
)
def test_the_pages_above_a_version_run_a_bounded_number_of_queries(
    url: str, django_assert_max_num_queries
):
    published_province(4)
    published_province(60, "tinh-lon", "Tỉnh Lớn")
    with django_assert_max_num_queries(MAX_QUERIES):
        queries(Client(), url)


def test_a_second_visit_is_served_from_the_cache(few: Published, django_assert_num_queries):
    client = Client()
    first = client.get(few.url("so/"))
    with django_assert_num_queries(1):  # the generation that keys the cache
        second = client.get(few.url("so/"))
    assert main(second) == main(first)  # the frame differs: a new CSRF token


def test_the_cache_keeps_each_language_apart(few: Published):
    client = Client()
    vietnamese = client.get(few.url("so/")).content.decode()
    english = client.get(few.url("so/"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="vi">' in vietnamese
    assert '<html lang="en">' in english


def test_a_new_publication_rebuilds_the_pages(few: Published):
    client = Client()
    unit = few.units[1]
    assert "Phiên bản 1" in client.get(few.url()).content.decode()
    campaign_unit = CampaignUnit.objects.get(campaign=few.campaign, unit=unit)
    result_correct(
        campaign_unit=campaign_unit,
        scores={"nhan_thuc_so": "1"},
        reason="Khiếu nại được chấp nhận",
        user=few.admin,
    )
    publication_request(campaign=few.campaign, user=few.admin, change_note="Sửa điểm nhận thức")
    assert "Phiên bản 2" in client.get(few.url()).content.decode()


def test_each_visitor_gets_a_fresh_language_form(few: Published):
    """Only the content is cached: the switcher's CSRF token is each visitor's own."""
    first, second = Client(), Client()
    first.get(few.url("so/"))
    response = second.get(few.url("so/"))
    assert "csrftoken" in response.cookies


def test_a_level_s_averages_are_read_once_for_all_its_unit_pages(few: Published):
    client = Client()
    first = queries(client, few.url("so/don-vi/so-001/"))
    second = queries(client, few.url("so/don-vi/so-002/"))
    assert second == first - 1  # the level's rows, averaged for the first page, kept
