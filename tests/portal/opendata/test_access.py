"""Open access (portal.public.middleware): any web site may read the open data and the
public API from a browser, without credentials; each client address may make
DTI_PUBLIC_RATE requests a minute, then gets 429 with Retry-After. The signed-in portal is
untouched by both."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from portal.public.middleware import WINDOW_SECONDS, counted_as, seconds_to_wait
from tests.portal.opendata.conftest import publish_province

CSV = "/ket-qua/tinh-mo/2023/so/tong-the.csv"
OPEN = [
    CSV,
    "/ket-qua/tinh-mo/2023/datapackage.json",
    "/ket-qua/tinh-mo/2023/bao-cao.xlsx",
    "/api/cong-khai/provinces",
    "/api/cong-khai/provinces/tinh-mo/years/2023/levels/so/tables/tong-the",
]


@pytest.fixture
def published(db):
    return publish_province("tinh-mo", 3)


@pytest.mark.parametrize("address", OPEN)
def test_any_site_may_read_open_data_and_the_public_api_without_credentials(published, address):
    response = Client().get(address, HTTP_ORIGIN="https://bao.example.vn")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Content-Disposition" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("address", OPEN)
def test_a_browsers_preflight_is_answered_before_anything_is_read(
    published, address, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = Client().options(
            address,
            HTTP_ORIGIN="https://bao.example.vn",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept",
        )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Accept" in response["Access-Control-Allow-Headers"]
    assert int(response["Access-Control-Max-Age"]) > 0


@pytest.mark.django_db
def test_errors_carry_the_header_too_so_a_page_can_read_why():
    missing = Client().get("/ket-qua/khong-co/2023/so/tong-the.csv")
    api_missing = Client().get("/api/cong-khai/provinces/khong-co/versions")
    assert missing.status_code == api_missing.status_code == 404
    assert missing["Access-Control-Allow-Origin"] == api_missing["Access-Control-Allow-Origin"]


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/api/campaigns", "/ket-qua/", "/tai-khoan/dang-nhap/"])
def test_the_rest_of_the_portal_is_not_opened_to_other_sites(address):
    response = Client().get(address, HTTP_ORIGIN="https://bao.example.vn")
    assert "Access-Control-Allow-Origin" not in response
    preflight = Client().options(address, HTTP_ORIGIN="https://bao.example.vn")
    assert "Access-Control-Allow-Origin" not in preflight


def test_past_the_rate_an_address_waits_for_the_next_minute(published, settings):
    settings.DTI_PUBLIC_RATE = 3
    client = Client()
    for _ in range(3):
        assert client.get(CSV).status_code == 200
    refused = client.get("/api/cong-khai/provinces")  # one count for files and API alike
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= WINDOW_SECONDS
    assert refused["Access-Control-Allow-Origin"] == "*"
    detail = json.loads(refused.content)["detail"]
    assert "3 yêu cầu một phút" in detail and refused["Retry-After"] in detail
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(CSV).status_code == 200  # another address has its own count


def test_the_rate_does_not_count_the_signed_in_portal_nor_preflights(published, settings):
    settings.DTI_PUBLIC_RATE = 2
    client = Client()
    for _ in range(5):
        client.get("/ket-qua/")
        client.options(CSV)
    assert client.get(CSV).status_code == 200
    assert client.get(CSV).status_code == 200
    assert client.get(CSV).status_code == 429


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(published, settings):
    settings.DTI_PUBLIC_RATE = 1
    settings.DTI_PROXY_COUNT = 1
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert first.get(CSV).status_code == 200
    assert second.get(CSV).status_code == 200  # the same proxy, two clients
    assert first.get(CSV).status_code == 429
    # A client writing the header itself stands left of what the proxy appended.
    forged = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    assert forged.get(CSV).status_code == 429


def test_zero_turns_the_limit_off(published, settings):
    settings.DTI_PUBLIC_RATE = 0
    client = Client()
    assert all(client.get("/api/cong-khai/provinces").status_code == 200 for _ in range(30))


def test_a_new_minute_starts_a_new_count():
    start = 1_000_000 * WINDOW_SECONDS + 50.5  # ten seconds before a minute ends
    assert seconds_to_wait("203.0.113.7", 2, now=start) == 0
    assert seconds_to_wait("203.0.113.7", 2, now=start + 1) == 0
    assert seconds_to_wait("203.0.113.7", 2, now=start + 2) == 8  # 57.5 s: wait until 60
    assert seconds_to_wait("203.0.113.7", 2, now=start + 10) == 0  # the next minute
    assert seconds_to_wait(None, 1, now=start) == 0  # no address: counted as one unknown
    assert seconds_to_wait(None, 1, now=start) > 0


def test_without_a_proxy_a_forged_forwarded_header_changes_nothing(published, settings):
    settings.DTI_PUBLIC_RATE = 1
    settings.DTI_PROXY_COUNT = 0
    assert Client(HTTP_X_FORWARDED_FOR="203.0.113.1").get(CSV).status_code == 200
    assert Client(HTTP_X_FORWARDED_FOR="203.0.113.2").get(CSV).status_code == 429


def test_an_ipv6_client_is_counted_by_its_network(published, settings):
    """Any address of a /64 is the same subscriber's: changing it is no way around."""
    settings.DTI_PUBLIC_RATE = 1
    assert Client(REMOTE_ADDR="2001:db8:1:2::1").get(CSV).status_code == 200
    assert Client(REMOTE_ADDR="2001:db8:1:2:ffff::9").get(CSV).status_code == 429
    assert Client(REMOTE_ADDR="2001:db8:1:3::1").get(CSV).status_code == 200


def test_what_an_address_is_counted_as():
    assert counted_as("2001:DB8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert counted_as("::ffff:203.0.113.5") == "203.0.113.5"
    assert counted_as("203.0.113.5") == "203.0.113.5"
    assert counted_as(None) == "-"
    assert counted_as("not-an-address") == "not-an-address"
