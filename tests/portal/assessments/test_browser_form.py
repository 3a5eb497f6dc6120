"""The reporter's journey in headless Chromium: the live score follows the typing (numbers
the Vietnamese way), garbage is flagged next to its field, "Lưu nháp" saves; the approver's
page is read-only. Uses tests/browser's Chromium and page fixtures."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.assessments.models import Answer
from tests.browser.fixtures import log_in
from tests.portal.assessments.conftest import url
from tests.portal.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_live_score_follows_the_typing_and_the_draft_saves(page: Page, cast: Cast):
    log_in(page, "lan")
    page.goto(url("form", cast.noi_vu_campaign_unit))
    page.locator('[name="value:cqs_ky_so"]').fill("87,5")
    expect(page.locator('[data-score="cqs_ky_so"]')).to_have_text("13,13")
    expect(page.locator('[data-summary="total"]')).to_have_text("13,13")
    expect(page.locator('[data-summary="ratio"]')).to_have_text("13,1%")
    page.locator("#tc-nts_ke_hoach").get_by_label("Có").check()
    expect(page.locator('[data-summary="total"]')).to_have_text("18,13")
    expect(page.locator("aside #missing")).not_to_contain_text("Ban hành kế hoạch")
    page.locator('[name="value:xhs_danh_gia"]').fill("ba mươi")
    expect(page.locator('[data-error-for="value:xhs_danh_gia"]')).to_contain_text(
        "“ba mươi” không phải là số: gõ số, ví dụ 87,5."
    )
    page.locator('[name="value:xhs_danh_gia"]').fill("20")
    expect(page.locator('[data-error-for="value:xhs_danh_gia"]')).to_have_text("")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp (3 tiêu chí thay đổi).")
    assert dict(Answer.objects.values_list("criterion", "value")) == {
        "cqs_ky_so": "87.5",
        "nts_ke_hoach": True,
        "xhs_danh_gia": "20",
    }


def test_the_approver_reads_without_inputs_to_change(page: Page, cast: Cast):
    log_in(page, "minh")
    page.goto(url("form", cast.noi_vu_campaign_unit))
    expect(page.get_by_text("Bạn chỉ có quyền xem bản này.")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)
    expect(page.locator('[name="value:cqs_ky_so"]')).to_have_attribute("readonly", "")
