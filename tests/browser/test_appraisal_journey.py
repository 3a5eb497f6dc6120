"""The appraisal round trip in headless Chromium, through the pages only (the database is
read to check the outcome): Sở Nội vụ's approved self-assessment is appraised in round 1
with a lowered score and a request for a supplement; Lan sees it, supplements a new value,
a reply and a file; round 2 re-scores it; the final round is agreed and the chair
finalizes, which locks the scores and computes the results with the core.

And the permissions around it: Hùng, who appraises "Nhận thức số", cannot score an index
he is not assigned; Thảo of Sở Tư pháp never sees Sở Nội vụ's remarks."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, Route, expect

from portal.appraisals.models import Appraisal, Response
from portal.assessments.models import Evidence
from portal.audit.models import AuditEntry
from portal.campaigns.models import HistoricResult
from portal.workflow import CampaignState
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.browser.test_guard_rails import confirm
from tests.browser.test_journey import TWO_TAPS, assert_two_taps_sent_one_save
from tests.portal.appraisals.conftest import OVERRIDE, Team, team  # noqa: F401  (the fixture)
from tests.portal.assessments.conftest import PDF

pytestmark = pytest.mark.browser
LOWERED = "Chỉ 60% văn bản đi có chữ ký số theo thống kê của hệ thống quản lý văn bản"
REQUEST = "Gửi thống kê ký số quý IV từ hệ thống quản lý văn bản"
REPLY = "Bổ sung thống kê cả năm: 80% văn bản đi được ký số"


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path: Path) -> Path:
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def as_person(page: Page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def move_round(page: Page, campaign_pk: int, number: int, button: str) -> None:
    """The chair presses a round's button on the appraisal dashboard."""
    page.goto(f"/tham-dinh/dot/{campaign_pk}/")
    page.locator(f"#round-{number}").get_by_role("button", name=button).click()
    confirm(page, OVERRIDE)  # the journey scores only its examples
    expect(page.locator(".messages, [role=status], .success").first).to_be_visible()


def score(page: Page, campaign_unit_pk: int, number: int, value: str, remark: str = "") -> None:
    """Mai scores "Tỷ lệ văn bản đi được ký số" of Sở Nội vụ in round `number`."""
    page.goto(f"/tham-dinh/don-vi/{campaign_unit_pk}/vong/{number}/")
    criterion = page.locator("#tc-cqs_ky_so")
    criterion.locator("input[name='value:cqs_ky_so']").fill(value)
    criterion.locator("textarea[name='note:cqs_ky_so']").fill(remark)


def test_a_full_round_trip_from_round_one_to_locked_results(page: Page, team: Team):  # noqa: F811
    campaign_unit, campaign = team.campaign_unit, team.campaign.pk

    # Round 1: the chair opens it; Mai lowers the score and asks for a supplement.
    as_person(page, "chinh")
    move_round(page, campaign, 1, "Bắt đầu vòng thẩm định")
    as_person(page, "mai")
    score(page, campaign_unit.pk, 1, "60", LOWERED)
    criterion = page.locator("#tc-cqs_ky_so")
    criterion.locator("input[name='supplement:cqs_ky_so']").check()
    criterion.locator("input[name='request:cqs_ky_so']").fill(REQUEST)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#tc-cqs_ky_so [data-score='cqs_ky_so']")).to_have_text("9")
    assert_accessible(page)
    lowered = Appraisal.objects.get(round__number=1, criterion="cqs_ky_so")
    assert (lowered.value, lowered.remark, lowered.supplement_requested) == ("60", LOWERED, True)

    # Hùng appraises "Nhận thức số" only: the same criterion is read-only for him.
    as_person(page, "hung")
    page.goto(f"/tham-dinh/don-vi/{campaign_unit.pk}/vong/1/")
    expect(page.locator("#tc-cqs_ky_so input[name='value:cqs_ky_so']")).to_have_attribute(
        "readonly", ""
    )
    expect(
        page.locator("#tc-nts_tuyen_truyen input[name='value:nts_tuyen_truyen']")
    ).to_be_editable()

    # Before the results are returned, Lan sees nothing of round 1.
    as_person(page, "lan")
    page.goto(f"/tham-dinh/don-vi/{campaign_unit.pk}/ket-qua/")
    expect(page.locator("body")).not_to_contain_text(LOWERED)
    assert page.goto(f"/tham-dinh/don-vi/{campaign_unit.pk}/ket-qua/?vong=1").status == 404  # type: ignore[union-attr]
    as_person(page, "chinh")
    move_round(page, campaign, 1, "Trả kết quả cho đơn vị")

    # Lan: the to-do list names the request; the results page shows self vs appraised.
    as_person(page, "lan")
    page.goto("/tham-dinh/")
    expect(page.get_by_text(REQUEST).first).to_be_visible()
    assert_accessible(page)
    page.goto(f"/tham-dinh/don-vi/{campaign_unit.pk}/ket-qua/")
    row = page.locator("#tc-cqs_ky_so")
    expect(row).to_contain_text(LOWERED)
    expect(row).to_contain_text("13,13")  # self: 87,5 % of 15 points
    expect(row).to_contain_text("9")  # appraised: 60 %
    # She supplements: a new value, a reply and the statistics file.
    row.locator("input[name='kind:cqs_ky_so'][value='supplement']").check()
    row.locator(".response-form input[type=text]").fill("80")
    row.locator("textarea[name='reply:cqs_ky_so']").fill(REPLY)
    page.get_by_role("button", name="Lưu tất cả").click()
    expect(page.locator("#tc-cqs_ky_so .response")).to_contain_text(REPLY)
    assert_accessible(page)
    page.locator("#tc-cqs_ky_so input[type=file]").set_input_files(
        {"name": "thong-ke-ky-so-2025.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("#tc-cqs_ky_so").get_by_role("button", name="Tải lên").click()
    expect(page.locator("#tc-cqs_ky_so")).to_contain_text("thong-ke-ky-so-2025.pdf")
    response = Response.objects.get(round__number=1, criterion="cqs_ky_so")
    assert (response.kind, response.value, response.reply) == ("supplement", "80", REPLY)
    assert Evidence.objects.get(round__number=1).original_name == "thong-ke-ky-so-2025.pdf"

    # Thảo of Sở Tư pháp: no way into Sở Nội vụ's results, and no trace of its remarks.
    as_person(page, "thao")
    assert page.goto(f"/tham-dinh/don-vi/{campaign_unit.pk}/ket-qua/").status == 404  # type: ignore[union-attr]
    page.goto(f"/tham-dinh/don-vi/{team.other.pk}/ket-qua/")
    expect(page.locator("body")).not_to_contain_text(LOWERED)

    # Round 2: closed, opened; Mai sees the supplement and accepts the new value.
    as_person(page, "chinh")
    move_round(page, campaign, 1, "Kết thúc vòng")
    move_round(page, campaign, 2, "Bắt đầu vòng thẩm định")
    as_person(page, "mai")
    page.goto(f"/tham-dinh/don-vi/{campaign_unit.pk}/vong/2/")
    expect(page.locator("#tc-cqs_ky_so")).to_contain_text(REPLY)
    expect(page.locator("#tc-cqs_ky_so")).to_contain_text("thong-ke-ky-so-2025.pdf")
    score(page, campaign_unit.pk, 2, "80", "Chấp nhận số liệu bổ sung")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#tc-cqs_ky_so [data-score='cqs_ky_so']")).to_have_text("12")
    as_person(page, "chinh")
    move_round(page, campaign, 2, "Trả kết quả cho đơn vị")
    move_round(page, campaign, 2, "Kết thúc vòng")

    # The final round: opened, agreed, and the chair finalizes.
    move_round(page, campaign, 3, "Bắt đầu vòng thẩm định")
    move_round(page, campaign, 3, "Thống nhất điểm vòng cuối")
    page.goto(f"/tham-dinh/dot/{team.campaign.pk}/")
    page.get_by_role("button", name="Chốt kết quả").click()
    confirm(page, OVERRIDE)
    expect(page.locator(".messages")).to_contain_text("Đang chốt kết quả")  # the job's page
    call_command("worker", "--batch", stdout=io.StringIO())  # the worker beside the server
    expect(page.locator("#job-status")).to_contain_text("Đã chốt kết quả", timeout=10_000)
    team.campaign.refresh_from_db()
    assert team.campaign.state == CampaignState.FINALIZED
    result = HistoricResult.objects.get(campaign_unit=campaign_unit)
    # 12 (80 % of documents signed) + 10 (bands) + 15 (online services)
    assert Decimal(result.index_scores["hoat_dong_chinh_quyen_so"]) == 37

    # Locked: Mai's sheet is read-only and a save changes nothing.
    as_person(page, "mai")
    page.goto(f"/tham-dinh/don-vi/{campaign_unit.pk}/vong/3/")
    expect(page.locator("#tc-cqs_ky_so input[name='value:cqs_ky_so']")).to_have_attribute(
        "readonly", ""
    )
    expect(page.get_by_role("button", name="Lưu", exact=True)).to_have_count(0)

    # The side-by-side view: self, round 1, round 2, final.
    as_person(page, "lan")
    page.goto(f"/tham-dinh/don-vi/{campaign_unit.pk}/doi-chieu/")
    points = page.locator("#compare #tc-cqs_ky_so td.num strong")
    expect(points).to_have_text(["13,13", "9", "12", "12"])  # self, round 1, round 2, final
    assert AuditEntry.objects.filter(entity="appraisal", criterion="cqs_ky_so").count() == 2


def test_a_sheet_save_under_way_says_so_and_a_second_tap_sends_nothing(page: Page, team: Team):  # noqa: F811
    """The scoring sheet saves as the self-assessment form does: "Đang lưu…", the inputs
    waiting, and no second save sent by a second tap or Enter meanwhile, whose answer would
    replace the one saying what was saved."""
    team.move(1, "open_round")
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)  # the save waits until released below

    page.route(f"**/tham-dinh/don-vi/{team.campaign_unit.pk}/vong/1/luu/", hold)
    as_person(page, "mai")
    score(page, team.campaign_unit.pk, 1, "60", LOWERED)
    page.evaluate(TWO_TAPS, "value:cqs_ky_so")  # tests/browser/test_journey.py
    page.wait_for_timeout(1000)  # the save is held meanwhile; the second taps come at once
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator(".messages")).to_contain_text("Đã lưu: 1 tiêu chí")
    assert len(held) == 1
    assert Appraisal.objects.get(round__number=1, criterion="cqs_ky_so").value == "60"
    assert_two_taps_sent_one_save(page)
    expect(page.get_by_role("button", name="Lưu", exact=True)).to_be_visible()  # as served
