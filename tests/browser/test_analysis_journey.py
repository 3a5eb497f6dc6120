"""Leadership and the office analyse Bình Định 2023's results on a phone (360 px), in
headless Chromium: how sure each rank is, then a what-if with more weight on digital human
resources and one index dropped, then back to the published ranking; axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.campaigns.models import Campaign
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.campaigns.conftest import binhdinh  # noqa: F401  (the fixture)
from tests.portal.campaigns.test_report_download import published  # noqa: F401
from tests.portal.conftest import Cast

pytestmark = pytest.mark.browser


DRAWN = "key => Boolean(window.Chart && Chart.getChart(document.querySelector(`canvas[data-chart=${key}]`)))"


def chart_drawn(page: Page, key: str, seconds: float = 10) -> bool:
    """Whether the charting library has drawn into the canvas within `seconds`, asked from
    outside the page: a predicate Playwright polls inside it (wait_for_function) is compiled
    there with eval, which the page's Content-Security-Policy refuses whenever the chart is
    not drawn at the first look."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(DRAWN, key):
            return True
        page.wait_for_timeout(100)
    return False


def test_leadership_reads_how_sure_each_rank_is_on_a_phone(
    page: Page,
    live_server,
    cast: Cast,
    published: Campaign,  # noqa: F811
):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "hoa")
    page.goto(f"/dot-danh-gia/{published.pk}/")
    page.get_by_role("link", name="thứ hạng chắc chắn đến đâu").click()
    table = page.locator("#robustness-table")
    expect(table).to_be_visible()
    assert_accessible(page)
    expect(table.locator("tbody tr")).to_have_count(21)
    expect(table.locator("tbody tr").first).to_contain_text("Sở Thông tin và Truyền thông")

    page.get_by_label("Trọng số mỗi chỉ số chính thay đổi trong khoảng ± (%)").fill("0")
    page.get_by_role("button", name="Tính lại").click()
    expect(page.locator("#robustness-summary")).to_contain_text("21 trong 21 đơn vị")
    expect(table.locator("tbody tr").first).to_contain_text("chắc chắn")

    page.get_by_label("Số lần thử").fill("5")
    page.get_by_role("button", name="Tính lại").click()
    expect(page.get_by_text("Nhập một số từ 100 đến 2000.")).to_be_visible()
    expect(page.locator("#robustness-table")).to_have_count(0)
    assert_accessible(page)


def test_the_office_tries_other_weights_and_comes_back_to_the_published_ranking(
    page: Page,
    live_server,
    cast: Cast,
    published: Campaign,  # noqa: F811
):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "quang")
    page.goto(f"/phan-tich/dot/{published.pk}/gia-dinh/")
    summary = page.locator("#what-if-summary")
    expect(summary).to_contain_text("0 trong 21 đơn vị đổi hạng")
    assert_accessible(page)

    page.get_by_label("Nhân lực số").fill("300")
    page.get_by_label("Hoạt động xã hội số").fill("0")
    page.get_by_role("button", name="Xem kết quả").click()
    expect(summary).not_to_contain_text("0 trong 21 đơn vị đổi hạng")
    rows = page.locator("#what-if-table tbody tr")
    expect(rows.filter(has_text="lên ").first).to_be_visible()
    expect(rows.filter(has_text="xuống ").first).to_be_visible()
    expect(page.get_by_label("Nhân lực số")).to_have_value("300")
    assert_accessible(page)

    page.get_by_role("link", name="Về cách tính đã công bố").click()
    expect(summary).to_contain_text("0 trong 21 đơn vị đổi hạng")

    page.get_by_role("link", name="Năm trước theo đơn vị hiện nay").click()
    expect(page.get_by_text("Chưa có kết quả năm trước của khối này.")).to_be_visible()
    assert_accessible(page)


def test_the_office_opens_a_unit_s_path_up_from_the_ranking(
    page: Page,
    live_server,
    cast: Cast,
    published: Campaign,  # noqa: F811
):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "quang")
    page.goto(f"/phan-tich/dot/{published.pk}/do-tin-cay/?so_lan=100")
    page.get_by_role("link", name="Sở Nội vụ").click()
    expect(page.get_by_role("heading", name="Sở Nội vụ", level=1)).to_be_visible()
    expect(page.locator("#plan-losses tbody tr")).to_have_count(7)
    page.get_by_label("Số hạng muốn tăng").fill("3")
    page.get_by_role("button", name="Lập lộ trình").click()
    expect(page.locator("#plan-result")).to_contain_text("đơn vị cần thêm")
    expect(page.locator("#plan-steps li").first).to_be_visible()
    assert_accessible(page)


def test_leadership_reads_the_overview_with_its_charts_on_a_phone(
    page: Page,
    live_server,
    cast: Cast,
    published: Campaign,  # noqa: F811
):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "hoa")
    page.goto(f"/dot-danh-gia/{published.pk}/")
    page.get_by_role("link", name="tổng quan, bản đồ nhiệt, thay đổi so với năm trước").click()
    expect(page.locator("#heat-table tbody tr")).to_have_count(21)
    # the charting library drew each chart into its canvas (a Chart instance on it)
    for key in ("bins", "averages"):
        canvas = page.locator(f'canvas[data-chart="{key}"]')
        expect(canvas).to_be_visible()
        assert chart_drawn(page, key)
        assert canvas.bounding_box()["width"] > 200
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bảng đang xem (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
