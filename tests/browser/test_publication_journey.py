"""The office corrects a published result and publishes the correction, on a phone: the
publication page, the correction form, the confirmation, the superseded version's notice on
the public site, each checked with axe at 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.conftest import PASSWORD
from tests.portal.public.conftest import (
    Published,
    make_named_units,
    make_province,
    publish_year,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def published(transactional_db: None) -> Published:
    province, admin = make_province("tinh-thu", "Tỉnh Thử")
    admin.set_password(PASSWORD)
    admin.save()
    units = make_named_units(province, ["Sở Nội vụ", "Sở Tư pháp", "Sở Y tế"])
    return Published(province, admin, units, publish_year(province, admin, units, 2024))


def test_the_office_corrects_a_result_and_publishes_the_correction(
    page: Page, published: Published
):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, published.admin.username)
    page.goto(f"/cong-bo/{published.campaign.pk}/")
    expect(page.locator("#hien-trang")).to_contain_text("Phiên bản 1")
    assert_accessible(page)

    page.get_by_label("Đơn vị cần sửa kết quả").select_option(label="Sở Nội vụ")
    page.get_by_role("button", name="Mở").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa kết quả: Sở Nội vụ")
    assert_accessible(page)
    page.locator("input[name^='diem_']").first.fill("0")
    page.get_by_label(re.compile("Lý do sửa")).fill("Khiếu nại được chấp nhận")
    page.get_by_role("button", name="Lưu và xếp hạng lại").click()
    expect(page.locator(".messages")).to_contain_text("Đã sửa kết quả của Sở Nội vụ")

    page.get_by_label(re.compile("Lý do đính chính")).fill("Sửa điểm Sở Nội vụ")
    page.locator("#cong-bo").get_by_role("button").click()
    expect(page.locator(".confirm")).to_be_visible()  # asked first
    assert_accessible(page)
    page.locator(".confirm").get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("Đã công bố.")
    expect(page.locator("#phien-ban")).to_contain_text("Đã thay thế")

    page.goto("/ket-qua/tinh-thu/2024/phien-ban-1/")
    expect(page.locator("main")).to_contain_text("thay thế")
    assert_accessible(page)
