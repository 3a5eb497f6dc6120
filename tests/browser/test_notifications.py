"""Notifications in headless Chromium, at a phone's width and a laptop's: Lan submits Sở
Nội vụ's self-assessment; Minh, its approver, finds it in his inbox, filters the inbox to
the unread submissions, follows the notification to the page where he approves; then he
chooses the daily digest on the settings page. Every page passes the accessibility check."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.assessments import services
from portal.notifications.models import EmailFrequency, NotificationSettings
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.assessments.conftest import COMPLETE, save_fields
from tests.portal.conftest import Cast

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path: Path) -> Path:
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def minh_notification(cast: Cast) -> int:
    return cast.minh.notifications.get().pk


@pytest.mark.parametrize("width", [390, 1366])
def test_the_approver_is_told_of_a_submission_and_chooses_a_daily_digest(
    page: Page, cast: Cast, width: int
):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    services.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, "minh")
    page.goto("/thong-bao/")
    title = "Sở Nội vụ đã gửi bản tự đánh giá, chờ phê duyệt"
    expect(page.locator("main")).to_contain_text(title)
    assert_accessible(page)

    page.get_by_label("Loại thông báo").select_option(label="Bản tự đánh giá chờ phê duyệt")
    page.get_by_label("Chỉ thông báo chưa đọc").check()
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url("/thong-bao/?loai=submitted&chua-doc=1")
    expect(page.locator("main")).to_contain_text(title)
    assert_accessible(page)

    link = page.get_by_role("link", name=title)
    if width > 390:  # the status page itself is the self-assessment's to fit on a phone
        link.click()
        expect(page).to_have_url(f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/tinh-trang/")
        assert_accessible(page)
    else:
        expect(link).to_have_attribute("href", f"/thong-bao/{minh_notification(cast)}/mo/")

    page.goto("/thong-bao/")
    page.get_by_role("link", name="Cài đặt nhận e-mail").click()
    assert_accessible(page)
    page.get_by_label("Một e-mail tổng hợp mỗi ngày").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("body")).to_contain_text("Đã lưu: Một e-mail tổng hợp mỗi ngày.")
    assert_accessible(page)
    chosen = NotificationSettings.objects.get(user=cast.minh).email_frequency
    assert chosen == EmailFrequency.DAILY
