"""The reporter's journey in headless Chromium: the live score follows the typing (numbers
the Vietnamese way; htmx posts the page and puts the server's answer in place), garbage is
flagged next to its field, unsaved changes are said, "Lưu nháp" saves, also without
JavaScript; the approver's page is read-only. Uses tests/browser's Chromium and page
fixtures."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.assessments.models import Answer
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.assessments.conftest import url
from tests.portal.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_live_score_follows_the_typing_and_the_draft_saves(page: Page, cast: Cast):
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text)
        if "Content Security Policy" in message.text or "htmx" in message.text
        else None,
    )
    log_in(page, "lan")
    page.goto(url("form", cast.noi_vu_campaign_unit))
    expect(page.locator("#dirty-note")).to_be_hidden()
    page.locator('[name="value:cqs_ky_so"]').fill("87,5")
    expect(page.locator("#dirty-note")).to_be_visible()
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
    expect(page.locator('[name="value:xhs_danh_gia"]')).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.locator('[name="value:xhs_danh_gia"]').fill("20")
    expect(page.locator('[data-error-for="value:xhs_danh_gia"]')).to_have_text("")
    expect(page.locator('[name="value:xhs_danh_gia"]')).not_to_have_attribute(
        "aria-invalid", "true"
    )
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp (3 tiêu chí thay đổi).")
    assert dict(Answer.objects.values_list("criterion", "value")) == {
        "cqs_ky_so": "87.5",
        "nts_ke_hoach": True,
        "xhs_danh_gia": "20",
    }
    assert console == []  # no refusal of the content policy, no htmx error (oob, swap)


def test_without_javascript_the_form_saves_and_shows_the_saved_score(page: Page, cast: Cast):
    page.route("**/*.js", lambda route: route.abort())  # neither htmx nor form.js
    log_in(page, "lan")
    page.goto(url("form", cast.noi_vu_campaign_unit))
    page.locator('[name="value:cqs_ky_so"]').fill("87,5")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp (1 tiêu chí thay đổi).")
    expect(page.locator('[data-score="cqs_ky_so"]')).to_have_text("13,13")
    assert dict(Answer.objects.values_list("criterion", "value")) == {"cqs_ky_so": "87.5"}


def test_the_approver_reads_without_inputs_to_change(page: Page, cast: Cast):
    log_in(page, "minh")
    page.goto(url("form", cast.noi_vu_campaign_unit))
    expect(page.get_by_text("Bạn chỉ có quyền xem bản này.")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)
    expect(page.locator('[name="value:cqs_ky_so"]')).to_have_attribute("readonly", "")
