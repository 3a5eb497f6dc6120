"""Each role's start page leads to its next task, in headless Chromium: a person signs in,
the start page ("Việc cần làm") shows what his role has to do, and following it lands on the
page where it is done. Every page visited passes the accessibility check."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.assessments.models import Submission
from portal.workflow import SubmissionState
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import Appraised
from tests.portal.conftest import Cast

pytestmark = pytest.mark.browser


def follow_first_task(page: Page, role: str, title: str) -> None:
    """On the start page, the role's section names the task; its link is followed."""
    page.goto("/")
    assert_accessible(page)
    section = page.locator(f"#viec-{role}")
    task = section.get_by_role("link", name=re.compile(re.escape(title)))
    expect(task.first).to_be_visible()
    task.first.click()
    page.wait_for_load_state()


def test_the_self_assessment_roles_start_pages_lead_to_their_next_task(page: Page, cast: Cast):
    cast.campaign.self_assessment_deadline = timezone.now() + timedelta(days=3)
    cast.campaign.save()
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    # the reporter of Sở Tư pháp: his unit's self-assessment, on its form
    log_in(page, "thao")
    page.set_viewport_size({"width": 390, "height": 844})  # the start page on a phone
    page.goto("/")
    assert_accessible(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    follow_first_task(page, "reporter", "Tự đánh giá: Sở Tư pháp")
    expect(page.locator("h1")).to_contain_text("Tự đánh giá: Sở Tư pháp")
    expect(page.get_by_role("button", name="Lưu nháp")).to_be_visible()
    assert_accessible(page)

    # the approver of Sở Nội vụ: the submission waiting, on its status page with the buttons
    page.context.clear_cookies()
    log_in(page, "minh")
    follow_first_task(page, "approver", "Phê duyệt: Sở Nội vụ")
    expect(page.locator("h1")).to_contain_text("Tình trạng tự đánh giá: Sở Nội vụ")
    expect(page.get_by_role("button", name="Phê duyệt và ký")).to_be_visible()
    assert_accessible(page)

    # the office admin: the campaign, then a unit's page from the progress table
    page.context.clear_cookies()
    log_in(page, "quang")
    follow_first_task(page, "office", cast.campaign.title)
    expect(page.locator("h1")).to_contain_text(cast.campaign.title)
    expect(page.locator("#bulk")).to_be_visible()
    assert_accessible(page)
    page.locator("#tien-do").get_by_role("link", name="Sở Nội vụ").click()
    expect(page.locator("nav.tabs [aria-current=page]")).to_have_text("Tình trạng")
    assert_accessible(page)

    # on a phone, the campaign page and its progress table do not scroll sideways
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/dot-danh-gia/{cast.campaign.pk}/?tre_han=1&chon=tat-ca")
    assert_accessible(page)
    page.set_viewport_size({"width": 1366, "height": 900})

    # leadership: the campaign's progress
    page.context.clear_cookies()
    log_in(page, "hoa")
    follow_first_task(page, "leadership", cast.campaign.title)
    expect(page.locator("h1")).to_contain_text(cast.campaign.title)
    assert_accessible(page)


def test_the_appraisal_roles_start_pages_lead_to_their_next_task(page: Page, appraised: Appraised):
    cast = appraised.cast
    # the reporter: the team's requests of the returned round
    log_in(page, "lan")
    follow_first_task(page, "reporter", "Bổ sung, giải trình vòng 1: Sở Nội vụ")
    expect(page.locator("h1")).to_contain_text("Kết quả thẩm định: Sở Nội vụ")
    assert_accessible(page)

    # the appraiser: the scoring sheet of the round being scored
    page.context.clear_cookies()
    log_in(page, "hung")
    follow_first_task(page, "appraiser", "Chấm vòng 2: Sở Nội vụ")
    assert f"/tham-dinh/don-vi/{cast.noi_vu_campaign_unit.pk}/vong/2/" in page.url
    assert_accessible(page)

    # the chair: the appraisal's page, where the rounds are moved
    page.context.clear_cookies()
    log_in(page, "chinh")
    follow_first_task(page, "chair", "Điều hành thẩm định")
    assert page.url.endswith(f"/tham-dinh/dot/{cast.campaign.pk}/")
    assert_accessible(page)
