"""/sitemap.xml (an index: the landing's sitemap, one per province with published years) and
/robots.txt (keeps crawlers out of every signed-in area, points to the sitemap)."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import get_resolver

from portal.campaigns.models import CampaignUnit
from portal.publication.corrections import result_correct
from portal.publication.services import publication_request
from tests.portal.opendata.conftest import publish_province

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "https://dti.example.vn"


def locations(content: bytes, element: str) -> dict[str, str | None]:
    root = ElementTree.fromstring(content)  # noqa: S314  (the portal's own answer, not untrusted)
    found = {}
    for entry in root.findall(f"s:{element}", NS):
        lastmod = entry.find("s:lastmod", NS)
        found[entry.find("s:loc", NS).text] = lastmod.text if lastmod is not None else None
    return found


@pytest.fixture
def provinces(db, settings):
    settings.DTI_SITE_URL = SITE
    current = publish_province("tinh-mot", 3, year=2023, name="Tỉnh Một")
    publish_province("tinh-mot", 3, year=2024, offset=2)
    publish_province("tinh-mot", 3, year=2025, publish=False)  # not published
    publish_province("tinh-hai", 2, name="Tỉnh Hai")
    publish_province("tinh-chua", 2, name="Tỉnh Chưa", publish=False)
    # 2023 corrected: its version 1 is superseded by version 2
    campaign_unit = CampaignUnit.objects.get(campaign=current.campaign, unit=current.units[0])
    result_correct(
        campaign_unit=campaign_unit, scores={"nhan_thuc_so": "1"}, reason="Sai", user=current.office
    )
    publication_request(campaign=current.campaign, user=current.office, change_note="Đính chính")
    return current


def test_the_index_names_the_landings_sitemap_and_each_published_provinces(provinces):
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    found = locations(response.content, "sitemap")
    assert list(found) == [
        f"{SITE}/sitemap/ket-qua.xml",
        f"{SITE}/sitemap/tinh/tinh-hai.xml",
        f"{SITE}/sitemap/tinh/tinh-mot.xml",
    ]
    day = provinces.version.published_at.date().isoformat()
    assert found[f"{SITE}/sitemap/tinh/tinh-hai.xml"] == day
    landing = locations(Client().get("/sitemap/ket-qua.xml").content, "url")
    assert list(landing) == [f"{SITE}/ket-qua/"]


def test_a_provinces_sitemap_lists_its_current_versions_pages(provinces):
    response = Client().get("/sitemap/tinh/tinh-mot.xml")
    assert response.status_code == 200
    found = locations(response.content, "url")
    expected = [f"{SITE}/ket-qua/tinh-mot/"]
    for year in (2024, 2023):
        base = f"{SITE}/ket-qua/tinh-mot/{year}/"
        expected += [base, f"{base}phuong-phap/", f"{base}so/"]
        # units in ranking order: the unit page of each
        units = [url for url in found if url.startswith(f"{base}so/don-vi/")]
        assert len(units) == 3
        expected += units
    assert list(found) == expected
    assert all(day for url, day in found.items() if "/2023/" in url or "/2024/" in url)
    text = response.content.decode()
    assert "phien-ban" not in text  # a superseded version is not listed, nor numbered
    assert "/2025/" not in text  # not published


@pytest.mark.parametrize("code", ["tinh-chua", "khong-co", "x" * 300])
def test_a_province_without_published_results_has_no_sitemap(provinces, code):
    assert Client().get(f"/sitemap/tinh/{code}.xml").status_code == 404


@pytest.mark.django_db
def test_with_nothing_published_the_index_has_the_landing_only():
    found = locations(Client().get("/sitemap.xml").content, "sitemap")
    assert [url.rsplit("/", 1)[-1] for url in found] == ["ket-qua.xml"]


def test_robots_keeps_crawlers_out_of_every_signed_in_area(settings):
    settings.DTI_SITE_URL = SITE
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert lines[-1] == f"Sitemap: {SITE}/sitemap.xml"
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")}
    for area in ("/tai-khoan/", "/dot-danh-gia/", "/tu-danh-gia/", "/tham-dinh/", "/cong-bo/"):
        assert area in disallowed
    assert {"/quan-tri/", "/nhat-ky/", "/api/"} <= disallowed
    assert "/" not in disallowed and "/ket-qua/" not in disallowed
    # Every top-level area of the URL configuration is listed unless it is public.
    public = {"", "healthz", "ket-qua/", "sitemap.xml", "sitemap/", "robots.txt"}
    for pattern in get_resolver().url_patterns:
        prefix = str(pattern.pattern).split("/")[0]
        route = str(pattern.pattern)
        top = f"{prefix}/" if "/" in route else route
        assert top in public or f"/{top}" in disallowed, top
