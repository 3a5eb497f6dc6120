"""A visitor, signed in nowhere, finds an agency by typing its name without accents, opens its
page, compares it with another, opens the level's ranking and finds the table's CSV file: on a
laptop and on a phone, with axe-core on every page (tests/browser/accessibility.py). The file
itself is the open data's to test; here, the link to it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.campaigns.models import CampaignUnit
from portal.publication.corrections import result_correct
from portal.publication.services import publication_request
from tests.browser.accessibility import assert_accessible
from tests.portal.public.conftest import (
    Published,
    make_named_units,
    make_province,
    publish_year,
)

pytestmark = pytest.mark.browser

NAMES = ["Sở Nội vụ", "Sở Tư pháp", "Sở Y tế", "Văn phòng UBND tỉnh", "Sở Tài chính"]


@pytest.fixture
def published(transactional_db: None) -> Published:
    province, admin = make_province("tinh-thu", "Tỉnh Thử")
    units = make_named_units(province, NAMES)
    return Published(province, admin, units, publish_year(province, admin, units, 2024))


@pytest.mark.parametrize("width", [1366, 360])
def test_a_visitor_finds_a_unit_compares_it_and_reaches_the_table_s_file(
    page: Page, published: Published, width: int
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/ket-qua/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả đánh giá chuyển đổi số")
    assert_accessible(page)

    page.get_by_label("Tìm đơn vị theo tên (gõ có dấu hoặc không dấu)").fill("so noi vu")
    page.get_by_role("button", name="Tìm").click()
    expect(page).to_have_url(re.compile(r"/ket-qua/tim-kiem/\?q=so\+noi\+vu$"))
    assert_accessible(page)
    page.get_by_role("link", name="Sở Nội vụ").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sở Nội vụ")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="So sánh với đơn vị khác").click()

    expect(page.get_by_label(re.compile("Chọn từ 2 đến 4 đơn vị"))).to_be_visible()
    page.get_by_label(re.compile("Chọn từ 2 đến 4 đơn vị")).select_option(
        ["so-noi-vu", "so-tu-phap"]
    )
    page.get_by_role("button", name="So sánh").click()
    table = page.locator("table.comparison")
    expect(table.get_by_role("columnheader", name="Sở Nội vụ")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Sở Tư pháp")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Trung bình khối")).to_be_visible()
    assert_accessible(page)

    table.get_by_role("link", name="Sở Tư pháp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sở Tư pháp")
    page.get_by_role("link", name="Bảng xếp hạng của khối").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xếp hạng chung")
    assert_accessible(page)
    csv = page.get_by_role("link", name="CSV", exact=True)
    expect(csv).to_have_attribute("href", "/ket-qua/tinh-thu/2024/so/tong-the.csv")

    page.get_by_role("link", name="Phương pháp đánh giá").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phương pháp đánh giá")
    assert_accessible(page)


PAGES = [
    "/ket-qua/",
    "/ket-qua/tinh-thu/",
    "/ket-qua/tinh-thu/2024/",
    "/ket-qua/tinh-thu/2024/so/nhom-co_dvctt/",
    "/ket-qua/tinh-thu/2024/so/chi-so-the_che_so/?sap-xep=value&chieu=giam",
    "/ket-qua/tinh-thu/2024/so/?xep-loai=Gi%E1%BB%8Fi",  # refused: the 400 page
    "/ket-qua/tinh-thu/2024/dinh-chinh/",
    "/ket-qua/tinh-thu/2024/phien-ban-1/",  # superseded: the notice
    "/ket-qua/tinh-thu/2024/phien-ban-1/so/don-vi/so-noi-vu/",
    "/ket-qua/tinh-thu/2024/so/so-sanh/",
]


def test_every_kind_of_public_page_is_accessible_on_a_laptop_and_a_phone(
    page: Page, published: Published
):
    """A correction was published: version 1 carries the superseded notice."""
    campaign_unit = CampaignUnit.objects.get(campaign=published.campaign, unit__code="so-noi-vu")
    result_correct(
        campaign_unit=campaign_unit,
        scores={"the_che_so": "35"},
        reason="Sửa lỗi in",
        user=published.admin,
    )
    publication_request(campaign=published.campaign, user=published.admin, change_note="Sửa lỗi in")
    for width in (1366, 360):
        page.set_viewport_size({"width": width, "height": 900})
        for url in PAGES:
            page.goto(url)
            assert_accessible(page)


def test_a_unit_s_profile_prints_on_one_page(page: Page, published: Published):
    page.goto("/ket-qua/tinh-thu/2024/so/don-vi/so-noi-vu/")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)  # the print stylesheet's @page
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
