"""The campaign's moves ask first and keep their guard rails (portal.appraisals.checks):
closing the self-assessment names the units that have not finished; the appraisal starts
only with rounds and a chair; an unconfirmed post changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.appraisals.models import TeamMember
from portal.assessments.models import Submission
from portal.audit.models import AuditEntry
from portal.campaigns.models import AppraisalRound, CampaignUnit, HistoricResult
from portal.units.models import Unit
from portal.workflow import CampaignState, SubmissionState
from tests.portal.campaigns.conftest import snapshot

C = CampaignState
REASON = "Hết hạn theo kế hoạch của Sở"


def url(cast) -> str:  # type: ignore[no-untyped-def]
    return f"/dot-danh-gia/{cast.campaign.pk}/trang-thai/"


def at(cast, state: str) -> None:  # type: ignore[no-untyped-def]
    cast.campaign.state = state
    cast.campaign.save()


def ready_for_appraisal(cast) -> None:  # type: ignore[no-untyped-def]
    """A round's deadlines and a chair: what the appraisal needs to start."""
    AppraisalRound.objects.create(
        campaign=cast.campaign,
        number=1,
        appraisal_due=cast.campaign.self_assessment_deadline + timedelta(days=10),
    )
    TeamMember.objects.create(campaign=cast.campaign, user=cast.hung, chair=True)


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (C.OPEN, "close_self_assessment"),
        (C.SELF_ASSESSMENT_CLOSED, "reopen_self_assessment"),
        (C.SELF_ASSESSMENT_CLOSED, "start_appraisal"),
        # "publish" asks first on the publication page (tests/portal/publication)
    ],
)
def test_every_move_asks_first_and_an_unconfirmed_post_changes_nothing(cast, state, action):
    at(cast, state)
    for campaign_unit in (cast.noi_vu_campaign_unit, cast.tu_phap_campaign_unit):
        HistoricResult.objects.create(
            campaign_unit=campaign_unit, total=50, applicable_max=100, value=50, source_table="x"
        )
    ready_for_appraisal(cast)
    before = snapshot(cast.campaign), AuditEntry.objects.count()
    response = cast.client(cast.quang).post(url(cast), {"action": action})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="card confirm"' in html and f'value="{action}"' in html
    assert f'href="/dot-danh-gia/{cast.campaign.pk}/">Quay lại</a>' in html
    assert (snapshot(cast.campaign), AuditEntry.objects.count()) == before


def test_closing_names_the_units_that_have_not_finished(cast):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    html = cast.client(cast.quang).post(url(cast), {"action": "close_self_assessment"})
    text = html.content.decode()
    assert "2 đơn vị sẽ không sửa, không gửi được bản tự đánh giá nữa." in text
    assert "1 đơn vị chưa gửi bản tự đánh giá: Sở Tư pháp." in text
    assert "1 đơn vị đã gửi nhưng chưa được phê duyệt: Sở Nội vụ." in text
    assert "Hạn tự đánh giá là" in text and "chưa qua." in text
    assert 'name="override_reason"' in text


def test_closing_with_a_reason_but_no_tick_says_why_nothing_happened(cast):
    before = snapshot(cast.campaign)
    data = {"action": "close_self_assessment", "confirmed": "1", "override_reason": REASON}
    response = cast.client(cast.quang).post(url(cast), data)
    assert response.status_code == 409
    assert "Đánh dấu “Vẫn thực hiện” để làm dù còn các điều dưới đây" in response.content.decode()
    assert snapshot(cast.campaign) == before


def test_closing_over_the_blockers_takes_a_reason_kept_in_the_trail(cast):
    client = cast.client(cast.quang)
    before = snapshot(cast.campaign)
    response = client.post(url(cast), {"action": "close_self_assessment", "confirmed": "1"})
    assert response.status_code == 409
    assert "2 đơn vị chưa gửi bản tự đánh giá: Sở Nội vụ, Sở Tư pháp." in response.content.decode()
    assert snapshot(cast.campaign) == before
    data = {"action": "close_self_assessment", "confirmed": "1", "override": "1"}
    response = client.post(url(cast), data | {"override_reason": REASON}, follow=True)
    assert "Đã thực hiện: Đóng tự đánh giá." in response.content.decode()
    cast.campaign.refresh_from_db()
    assert cast.campaign.state == C.SELF_ASSESSMENT_CLOSED
    entry = AuditEntry.objects.get(entity="campaign", action="close_self_assessment")
    assert entry.reason.startswith(f"Vẫn thực hiện: {REASON} (dù: Hạn tự đánh giá là")
    event = cast.campaign.events.get(action="close_self_assessment")
    assert "Sở Nội vụ, Sở Tư pháp" in event.note


def test_closing_once_everyone_approved_after_the_deadline_needs_no_reason(cast):
    Submission.objects.update(state=SubmissionState.APPROVED)
    cast.campaign.self_assessment_deadline = timezone.now() - timedelta(minutes=1)
    cast.campaign.save()
    client = cast.client(cast.quang)
    html = client.post(url(cast), {"action": "close_self_assessment"}).content.decode()
    assert "Chưa nên thực hiện" not in html and 'name="override"' not in html
    client.post(url(cast), {"action": "close_self_assessment", "confirmed": "1"})
    cast.campaign.refresh_from_db()
    assert cast.campaign.state == C.SELF_ASSESSMENT_CLOSED


def test_the_appraisal_starts_only_with_rounds_and_a_chair(cast):
    at(cast, C.SELF_ASSESSMENT_CLOSED)
    client = cast.client(cast.quang)
    html = client.post(url(cast), {"action": "start_appraisal"}).content.decode()
    assert "Chưa đặt hạn vòng thẩm định nào" in html
    assert "Tổ thẩm định chưa có tổ trưởng" in html
    assert 'name="confirmed"' not in html  # hard: no button
    data = {"action": "start_appraisal", "confirmed": "1", "override": "1"}
    client.post(url(cast), data | {"override_reason": REASON})
    cast.campaign.refresh_from_db()
    assert cast.campaign.state == C.SELF_ASSESSMENT_CLOSED
    ready_for_appraisal(cast)
    client.post(url(cast), {"action": "start_appraisal", "confirmed": "1"})
    cast.campaign.refresh_from_db()
    assert cast.campaign.state == C.IN_APPRAISAL


def test_publishing_needs_every_units_result(cast):
    """The move's button leads to the publication page, which refuses with the reason."""
    at(cast, C.FINALIZED)
    client = cast.client(cast.quang)
    assert client.post(url(cast), {"action": "publish"}).url == f"/cong-bo/{cast.campaign.pk}/"
    html = client.get(f"/cong-bo/{cast.campaign.pk}/").content.decode()
    assert "2 đơn vị chưa có kết quả: Sở Nội vụ, Sở Tư pháp." in html
    assert f'action="/cong-bo/{cast.campaign.pk}/cong-bo/"' not in html
    client.post(f"/cong-bo/{cast.campaign.pk}/cong-bo/", {"confirmed": "1"})
    cast.campaign.refresh_from_db()
    assert cast.campaign.state == C.FINALIZED


def test_an_unknown_move_is_not_found(cast):
    response = cast.client(cast.quang).post(url(cast), {"action": "nothing"})
    assert response.status_code == 404


def test_the_confirmation_reads_in_english(cast):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    response = cast.client(cast.quang).post(
        url(cast), {"action": "close_self_assessment"}, **english
    )
    html = response.content.decode()
    assert "2 units will no longer be able to edit or send their self-assessment." in html
    assert "2 units have not sent their self-assessment: Sở Nội vụ, Sở Tư pháp." in html
    assert "Go on anyway" in html and "Quay lại" not in html


def test_the_page_reads_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for n in range(20):
        unit = Unit.objects.create(
            province=cast.province, code=f"u{n}", name=f"Đơn vị {n:02d}", level="so"
        )
        CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
    client = cast.client(cast.quang)
    with django_assert_max_num_queries(20):
        html = client.post(url(cast), {"action": "close_self_assessment"}).content.decode()
    assert "22 đơn vị chưa gửi bản tự đánh giá: Sở Nội vụ, Sở Tư pháp, Đơn vị 00" in html
    assert "và 17 đơn vị khác" in html


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("Hết hạn\x00 theo kế hoạch", "Có ký tự điều khiển không được phép (U+0000)"),
        ("x" * 1001, "Lý do dài quá: tối đa 1000 ký tự (đã gõ 1001)."),
    ],
    ids=["NUL", "too-long"],
)
def test_a_reason_the_trail_cannot_keep_is_refused_and_nothing_moves(cast, reason, said):
    before = snapshot(cast.campaign)
    entries = AuditEntry.objects.count()
    data = {"action": "close_self_assessment", "confirmed": "1", "override": "1"}
    response = cast.client(cast.quang).post(url(cast), data | {"override_reason": reason})
    assert response.status_code == 400
    assert said in response.content.decode()
    assert snapshot(cast.campaign) == before
    assert AuditEntry.objects.count() == entries


def test_a_replayed_confirmation_moves_nothing_twice(cast):
    client = cast.client(cast.quang)
    data = {"action": "close_self_assessment", "confirmed": "1", "override": "1"}
    client.post(url(cast), data | {"override_reason": REASON})
    moved = AuditEntry.objects.filter(entity="campaign", action="close_self_assessment").count()
    response = client.post(url(cast), data | {"override_reason": REASON}, follow=True)
    assert "Không thể “Đóng tự đánh giá”" in response.content.decode()
    assert (
        AuditEntry.objects.filter(entity="campaign", action="close_self_assessment").count()
        == moved
        == 1
    )
