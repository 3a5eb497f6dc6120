"""A correction publishes a new version: the year's pages show it, the old one stays reachable
under /phien-ban-<n>/ with a notice naming the version that replaced it and why, and the
corrections log lists each figure that changed, old and new."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.portal.public.conftest import Published, published_province
from tests.portal.public.reading import get, rows, text

from portal.campaigns.models import CampaignUnit
from portal.publication.corrections import result_correct
from portal.publication.services import publication_request

NOTE = "Khiếu nại về nhận thức số được chấp nhận"


@pytest.fixture
def corrected(db: None) -> Published:
    published = published_province(4)
    campaign_unit = CampaignUnit.objects.get(campaign=published.campaign, unit=published.units[1])
    result_correct(
        campaign_unit=campaign_unit,
        scores={"nhan_thuc_so": "12,5"},
        reason=NOTE,
        user=published.admin,
    )
    publication_request(campaign=published.campaign, user=published.admin, change_note=NOTE)
    return published


def test_the_years_page_shows_the_current_version_without_a_notice(corrected: Published):
    words = text(get(Client(), corrected.url()))
    assert "Phiên bản 2" in words
    assert "Đã được thay thế" not in words


@pytest.mark.parametrize(
    "tail", ["", "so/", "so/chi-so-nhan_thuc_so/", "so/don-vi/so-002/", "phuong-phap/"]
)
def test_every_page_of_the_old_version_says_it_was_replaced(corrected: Published, tail: str):
    html = get(Client(), corrected.url(f"phien-ban-1/{tail}"))
    words = text(html)
    assert "Đã được thay thế bởi phiên bản 2" in words
    assert NOTE in words
    assert 'href="/ket-qua/tinh-thu/2024/"' in html  # the current version


def test_the_old_version_keeps_its_own_figures(corrected: Published):
    client = Client()
    old = {
        r["Chỉ số chính"]: r
        for r in rows(get(client, corrected.url("phien-ban-1/so/don-vi/so-002/")))
    }
    new = {r["Chỉ số chính"]: r for r in rows(get(client, corrected.url("so/don-vi/so-002/")))}
    assert new["Nhận thức số"]["Điểm"] == "12,5"
    assert old["Nhận thức số"]["Điểm"] != "12,5"


def test_links_of_an_old_version_stay_in_it(corrected: Published):
    html = get(Client(), corrected.url("phien-ban-1/so/"))
    assert "/ket-qua/tinh-thu/2024/phien-ban-1/so/don-vi/so-002/" in html
    assert "/ket-qua/tinh-thu/2024/phien-ban-1/so/tong-the.csv" in html


def test_the_current_version_by_its_number_has_no_notice(corrected: Published):
    assert "Đã được thay thế" not in text(get(Client(), corrected.url("phien-ban-2/")))


def test_the_corrections_log_lists_each_change(corrected: Published):
    html = get(Client(), corrected.url("dinh-chinh/"))
    words = text(html)
    assert "Phiên bản 2 thay phiên bản 1" in words and NOTE in words
    changes = rows(html)
    score = next(c for c in changes if c["Số liệu"] == "Điểm: Nhận thức số")
    assert score["Đơn vị"] == "So Thử nghiệm 002"
    assert score["Khối"] == "Sở, ban, ngành"
    assert score["Sau"] == "12,5"
    assert score["Trước"] not in ("", "12,5") and "." not in score["Trước"]
    assert "/ket-qua/tinh-thu/2024/phien-ban-2/" in html


def test_the_province_page_keeps_the_old_version_reachable(corrected: Published):
    html = get(Client(), "/ket-qua/tinh-thu/")
    assert "/ket-qua/tinh-thu/2024/phien-ban-1/" in html
    assert rows(html)[0]["Phiên bản"].startswith("2")


def test_search_and_history_read_only_the_current_version(corrected: Published):
    client = Client()
    found = rows(get(client, "/ket-qua/tim-kiem/?q=thu+nghiem+002"))
    assert len(found) == 1
    assert found[0]["_unit"] == "so-002"
    years = rows(get(client, corrected.url("phien-ban-1/so/don-vi/so-002/")), 1)
    assert [y["Năm"] for y in years] == ["2024"]


def test_a_number_no_version_has_is_not_found(corrected: Published):
    client = Client()
    for number in ("3", "0", "99999999999"):
        get(client, corrected.url(f"phien-ban-{number}/"), 404)
