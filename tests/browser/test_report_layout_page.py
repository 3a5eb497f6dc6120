"""The office's report-texts page on a phone (360 px), in headless Chromium: Quang chooses
the appendices' detail, lists the agencies by former district and writes why the districts
were not assessed; the saved choices come back on the page and reach the report; axe on
each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from dti.reports.texts import Grouping
from portal.campaigns.models import Campaign, CampaignLevel
from portal.campaigns.report import campaign_report_model, report_texts
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.campaigns.conftest import binhdinh  # noqa: F401  (the fixture)
from tests.portal.campaigns.test_report_download import published  # noqa: F401
from tests.portal.conftest import Cast

pytestmark = pytest.mark.browser

REASON = "Khối huyện được đánh giá theo kế hoạch riêng, công bố sau."


def test_the_office_lays_out_its_report_on_a_phone(
    page: Page,
    live_server,
    cast: Cast,
    published: Campaign,  # noqa: F811
):
    agencies = CampaignLevel.objects.get(campaign=published, level="so")
    CampaignLevel.objects.create(
        campaign=published, level="huyen", name="UBND cấp huyện", framework=agencies.framework
    )
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "quang")
    page.goto(f"/dot-danh-gia/{published.pk}/van-ban-bao-cao/")
    assert_accessible(page)

    page.locator('select[name="grouping__so"]').select_option("parent")
    page.locator('textarea[name="not_assessed__huyen"]').fill(REASON)
    page.get_by_role("button", name="Lưu").first.click()
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)
    expect(page.locator('select[name="grouping__so"]')).to_have_value("parent")
    expect(page.locator('textarea[name="not_assessed__huyen"]')).to_have_value(REASON)

    texts = report_texts(published)
    assert texts.grouping_of("so") is Grouping.PARENT
    report = campaign_report_model(published, compare=False)
    assert [(level.code, level.reason) for level in report.unassessed] == [("huyen", REASON)]
