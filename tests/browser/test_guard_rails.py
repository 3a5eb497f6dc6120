"""The guard rails and the confirmations in headless Chromium: the chair tries to close
round 1 before the units' supplement deadline and to agree the final round with units
unscored; each time the page lists what blocks the move and nothing moves. Every
irreversible button of the appraisal dashboard and of the campaign page asks first, and
"Quay lại" leaves everything as it was."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.appraisals.posted import PostedAppraisal
from portal.appraisals.services import appraisal_save
from portal.campaigns.models import AppraisalRound, Campaign
from portal.workflow import CampaignState, RoundState
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.appraisals.conftest import Team, team  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser
REASON = "Tổ đã thống nhất với đơn vị qua công văn"


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path: Path) -> Path:
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def confirm(page: Page, reason: str = "") -> None:
    """On the confirmation page: check it, give the reason to go on over the blockers when
    there are any (`reason`), and press the red button."""
    expect(page.locator(".confirm")).to_be_visible()
    assert_accessible(page)
    if reason and page.locator("#override").count():
        page.get_by_label("Vẫn thực hiện", exact=True).check()
        page.get_by_label("Lý do (bắt buộc, lưu vào nhật ký thay đổi)").fill(reason)
    page.locator(".confirm button.danger").click()


def states(campaign: Campaign) -> tuple[str, list[str]]:
    campaign.refresh_from_db()
    rounds = AppraisalRound.objects.filter(campaign=campaign).order_by("number")
    return campaign.state, list(rounds.values_list("state", flat=True))


def ask_and_go_back(page: Page, url: str, scope: str, button: str, campaign: Campaign) -> None:
    """Press `button` in `scope` of the page at `url`: the confirmation page appears, and
    "Quay lại" leads back with nothing changed."""
    before = states(campaign)
    page.goto(url)
    page.locator(scope).get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".confirm")).to_be_visible()
    assert_accessible(page)
    page.locator(".confirm").get_by_role("link", name="Quay lại").click()
    page.wait_for_url(f"**{url}")
    assert states(campaign) == before, button


def test_premature_round_moves_are_refused_with_their_blockers(page: Page, team: Team):  # noqa: F811
    campaign = team.campaign
    dashboard = f"/tham-dinh/dot/{campaign.pk}/"
    team.move(1, "open_round")
    appraisal_save(
        campaign_unit=team.campaign_unit,
        round=team.round(1),
        actor=team.cast.hung,
        posted={
            "nts_tuyen_truyen": PostedAppraisal(
                "2", "Thiếu minh chứng.", supplement_requested=True, supplement_request="Gửi bài."
            )
        },
    )
    team.move(1, "return_results")
    log_in(page, "chinh")

    # Closing round 1 before the units' supplement deadline, with a request unanswered.
    page.goto(dashboard)
    assert_accessible(page)
    page.locator("#round-1").get_by_role("button", name="Kết thúc vòng").click()
    blockers = page.locator("#blockers")
    expect(blockers).to_contain_text("Hạn bổ sung vòng 1 là")
    expect(blockers).to_contain_text("1 yêu cầu bổ sung chưa được trả lời: Sở Nội vụ (1 tiêu chí).")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the page still fits
    assert_accessible(page)
    page.set_viewport_size({"width": 1366, "height": 800})
    page.locator(".confirm button.danger").click()  # confirmed, without saying why
    expect(page.locator("#blockers")).to_contain_text("chưa được trả lời")
    assert team.round(1).state == RoundState.RETURNED
    page.get_by_label("Vẫn thực hiện", exact=True).check()
    page.locator(".confirm button.danger").click()  # ticked, still no reason
    expect(page.locator(".field-error")).to_contain_text("Ghi lý do vẫn thực hiện")
    assert_accessible(page)
    assert team.round(1).state == RoundState.RETURNED

    # Agreeing the final round with units unscored.
    team.move(1, "close_round")
    team.move(2, "open_round", "return_results", "close_round")
    team.move(3, "open_round")
    page.goto(dashboard)
    page.locator("#round-3").get_by_role("button", name="Thống nhất điểm vòng cuối").click()
    expect(page.locator("#blockers")).to_contain_text(
        "2 đơn vị còn tiêu chí tổ chưa chấm (giữ giá trị đơn vị tự khai): "
        "Sở Nội vụ (6 tiêu chí), Sở Tư pháp (6 tiêu chí)."
    )
    assert_accessible(page)
    page.locator(".confirm").get_by_role("link", name="Quay lại").click()
    page.wait_for_url(f"**{dashboard}")
    assert team.round(3).state == RoundState.SCORING


def test_every_irreversible_button_asks_first(page: Page, team: Team):  # noqa: F811
    campaign = team.campaign
    dashboard = f"/tham-dinh/dot/{campaign.pk}/"
    log_in(page, "chinh")
    ask_and_go_back(page, dashboard, "#round-1", "Bắt đầu vòng thẩm định", campaign)
    team.move(1, "open_round")
    ask_and_go_back(page, dashboard, "#round-1", "Trả kết quả cho đơn vị", campaign)
    team.move(1, "return_results")
    ask_and_go_back(page, dashboard, "#round-1", "Kết thúc vòng", campaign)
    team.move(1, "close_round")
    team.move(2, "open_round", "return_results", "close_round")
    team.move(3, "open_round")
    ask_and_go_back(page, dashboard, "#round-3", "Thống nhất điểm vòng cuối", campaign)
    team.move(3, "agree")
    ask_and_go_back(page, dashboard, "#round-3", "Mở lại vòng cuối", campaign)
    ask_and_go_back(page, dashboard, "#finalize", "Chốt kết quả", campaign)
    # The chair goes on: the confirmation, with the reason, finalizes.
    page.goto(dashboard)
    page.locator("#finalize").get_by_role("button", name="Chốt kết quả").click()
    confirm(page, REASON)
    expect(page.locator(".messages")).to_contain_text("Đang chốt kết quả")  # the job's page
    call_command("worker", "--batch", stdout=io.StringIO())  # the worker beside the server
    expect(page.locator("#job-status")).to_contain_text("Đã chốt kết quả", timeout=10_000)
    assert states(campaign)[0] == CampaignState.FINALIZED


def test_every_move_of_the_campaign_page_asks_first(page: Page, team: Team):  # noqa: F811
    campaign = team.campaign
    detail = f"/dot-danh-gia/{campaign.pk}/"
    log_in(page, "quang")
    for state, button in [
        (CampaignState.OPEN, "Đóng tự đánh giá"),
        (CampaignState.SELF_ASSESSMENT_CLOSED, "Mở lại tự đánh giá"),
        (CampaignState.SELF_ASSESSMENT_CLOSED, "Bắt đầu thẩm định"),
    ]:
        Campaign.objects.filter(pk=campaign.pk).update(state=state)
        ask_and_go_back(page, detail, "main", button, campaign)
    # Publishing writes a published version: the move leads to the publication page, which
    # says why it cannot publish yet (no unit has a result) and offers no button.
    Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.FINALIZED)
    before = states(campaign)
    page.goto(detail)
    page.locator("main").get_by_role("link", name="Công bố", exact=True).click()
    page.wait_for_url(f"**/cong-bo/{campaign.pk}/")
    expect(page.locator("#cong-bo")).to_contain_text("chưa có kết quả")
    expect(page.locator("#cong-bo").get_by_role("button")).to_have_count(0)
    assert_accessible(page)
    assert states(campaign) == before
    # Closing the self-assessment for real: the units that have not finished are named.
    Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.OPEN)
    page.goto(detail)
    page.get_by_role("button", name="Đóng tự đánh giá", exact=True).click()
    expect(page.locator("#blockers")).to_contain_text("Hạn tự đánh giá là")
    confirm(page, REASON)
    expect(page.locator(".messages")).to_contain_text("Đã thực hiện: Đóng tự đánh giá.")
    assert_accessible(page)
    assert states(campaign)[0] == CampaignState.SELF_ASSESSMENT_CLOSED
