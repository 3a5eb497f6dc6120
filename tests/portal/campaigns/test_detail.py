"""The campaign's page: who may read it, what each person sees on it, and the office's
dashboard of self-assessment progress with late units."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal.assessments.models import Answer, Submission, SubmissionEvent
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.units.models import Unit
from portal.workflow import CampaignState, SubmissionState
from tests.portal.campaigns.conftest import person
from tests.portal.conftest import Cast

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2025, 3, 31, 17, 0, tzinfo=HCM)


def page(cast: Cast, who: str | None) -> str:
    response = cast.client(person(cast, who)).get(f"/dot-danh-gia/{cast.campaign.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lan", 200), ("minh", 200), ("thao", 200), ("hung", 200), ("hoa", 200), ("quang", 200),
        ("khoa", 404), (None, 404),
    ],
)  # fmt: skip
def test_it_is_read_by_every_member_of_the_province_only(cast, who, status):
    response = cast.client(person(cast, who)).get(f"/dot-danh-gia/{cast.campaign.pk}/")
    assert response.status_code == status


@pytest.mark.parametrize("who", ["khoa", None])
def test_a_campaign_page_is_for_its_province_only_even_published(cast, who):
    """The public reads published versions (portal.public), never the live page: without a
    version there is nothing to send an outsider to."""
    cast.campaign.state = CampaignState.PUBLISHED
    cast.campaign.save()
    response = cast.client(person(cast, who)).get(f"/dot-danh-gia/{cast.campaign.pk}/")
    assert response.status_code == 404


def test_a_missing_campaign_is_404(cast):
    assert cast.client(cast.quang).get("/dot-danh-gia/9999/").status_code == 404


def test_it_shows_the_state_levels_framework_deadlines_and_units(cast):
    cast.campaign.self_assessment_deadline = DEADLINE
    cast.campaign.save()
    AppraisalRound.objects.create(
        campaign=cast.campaign,
        number=1,
        appraisal_due=datetime(2025, 4, 15, 17, 0, tzinfo=HCM),
        supplement_due=datetime(2025, 4, 25, 17, 0, tzinfo=HCM),
    )
    text = page(cast, "hoa")
    assert "Đang tự đánh giá" in text
    assert "Sở, ban, ngành" in text
    assert f'href="/bo-chi-so/{cast.framework.pk}/"' in text
    assert "(so)" not in text  # the level by its name, never its code
    assert "31/03/2025 17:00" in text
    assert "Thẩm định vòng 1</td><td>15/04/2025 17:00" in text
    assert "Bổ sung, giải trình vòng 1</td><td>25/04/2025 17:00" in text
    assert "Sở Nội vụ" in text and "Sở Tư pháp" in text


def set_state(campaign_unit: CampaignUnit, state: SubmissionState) -> Submission:
    submission = campaign_unit.submission
    submission.state = state
    submission.save()
    return submission


def test_a_reporter_sees_the_progress_of_their_own_unit_only(cast):
    set_state(cast.noi_vu_campaign_unit, SubmissionState.SUBMITTED)
    thao = page(cast, "thao")
    assert "Chưa bắt đầu" in thao  # Sở Tư pháp's own state
    assert "Đã gửi, chờ phê duyệt" not in thao
    assert "Tiến độ tự đánh giá" not in thao
    lan = page(cast, "lan")
    assert "Đã gửi, chờ phê duyệt" in lan and "Tiến độ tự đánh giá" not in lan


@pytest.mark.parametrize("who", ["quang", "hung", "hoa"])
def test_the_office_appraisers_and_leadership_see_the_dashboard(cast, who):
    assert "Tiến độ tự đánh giá" in page(cast, who)


def count(text: str, key: str) -> int:
    marker = f'id="count-{key}">'
    start = text.index(marker) + len(marker)
    return int(text[start : text.index("<", start)])


def group(text: str, key: str) -> str:
    marker = f'id="group-{key}"'
    if marker not in text:
        return ""
    start = text.index(marker)
    return re.sub(r"</?a\b[^>]*>", "", text[start : text.index("</div>", start)])  # names only


def test_the_dashboard_counts_each_state_and_the_late_units(cast):
    cast.campaign.self_assessment_deadline = DEADLINE
    cast.campaign.save()
    extra = Unit.objects.create(province=cast.province, code="so-y-te", name="Sở Y tế", level="so")
    CampaignUnit.objects.create(campaign=cast.campaign, unit=extra, level="so")  # no submission
    with time_machine.travel(datetime(2025, 3, 30, 9, 15, tzinfo=HCM), tick=False):
        submission = set_state(cast.noi_vu_campaign_unit, SubmissionState.DRAFT)
        Answer.objects.create(submission=submission, criterion="c1", value=1, updated_by=cast.lan)
    cast.tu_phap_campaign_unit.extension_until = datetime(2025, 4, 5, 17, 0, tzinfo=HCM)
    cast.tu_phap_campaign_unit.save()
    with time_machine.travel(datetime(2025, 4, 1, 8, 0, tzinfo=HCM), tick=False):
        text = page(cast, "quang")
    assert [count(text, k) for k in ("not_started", "draft", "submitted", "approved", "late")] == [
        2,
        1,
        0,
        0,
        2,
    ]
    late = group(text, "late")
    assert "Sở Nội vụ — hạn 31/03/2025 17:00, đang nhập" in late
    assert "(thay đổi lúc 30/03/2025 09:15)" in late
    assert "Sở Y tế" in late
    status = f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/tinh-trang/"
    assert f'<li><a href="{status}">Sở Nội vụ</a>' in text  # the office opens the unit's work
    assert "Sở Tư pháp" not in late  # extended to 05/04/2025
    assert "Sở Tư pháp" in group(text, "not_started")


def test_submitted_and_approved_units_are_never_late(cast):
    cast.campaign.self_assessment_deadline = DEADLINE
    cast.campaign.save()
    with time_machine.travel(datetime(2025, 3, 31, 16, 0, tzinfo=HCM), tick=False):
        submission = set_state(cast.noi_vu_campaign_unit, SubmissionState.SUBMITTED)
        submission.submitted_by, submission.submitted_at = cast.lan, datetime.now(tz=HCM)
        submission.save()
    with time_machine.travel(datetime(2025, 3, 31, 16, 30, tzinfo=HCM), tick=False):
        SubmissionEvent.objects.create(submission=submission, action="approve", actor=cast.minh)
        set_state(cast.tu_phap_campaign_unit, SubmissionState.APPROVED)
    with time_machine.travel(datetime(2025, 6, 1, tzinfo=HCM), tick=False):
        text = page(cast, "hoa")
    assert count(text, "late") == 0
    assert 'Sở Nội vụ <span class="muted">(thay đổi lúc 31/03/2025 16:30)' in group(
        text, "submitted"
    )


def test_nothing_is_late_while_the_campaign_is_being_prepared(cast):
    cast.campaign.self_assessment_deadline = DEADLINE
    cast.campaign.state = CampaignState.DRAFT
    cast.campaign.save()
    with time_machine.travel(datetime(2025, 6, 1, tzinfo=HCM), tick=False):
        assert count(page(cast, "quang"), "late") == 0


def test_the_page_reads_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for n in range(30):
        unit = Unit.objects.create(
            province=cast.province, code=f"u{n}", name=f"Đơn vị {n}", level="so"
        )
        campaign_unit = CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
        submission = Submission.objects.create(
            campaign_unit=campaign_unit, state=SubmissionState.DRAFT
        )
        Answer.objects.create(submission=submission, criterion="c1", value=1, updated_by=cast.lan)
    client = cast.client(cast.quang)
    # 13, whatever the number of units: session, user, campaign, the viewer's memberships
    # (permission, page, navigation), levels with frameworks, units with submission, result
    # and last change, last year's lineage and results, rounds, the log of changes, and
    # the unread notifications of the header.
    with django_assert_max_num_queries(13):
        assert client.get(f"/dot-danh-gia/{cast.campaign.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("who", "linked"),
    [("quang", True), ("hoa", True), ("hung", True), ("lan", False), ("minh", False)],
)
def test_the_province_wide_roles_are_linked_to_the_systems_values(cast, who, linked):
    page = cast.client(getattr(cast, who)).get(f"/dot-danh-gia/{cast.campaign.pk}/")
    assert (f'href="/chi-so-he-thong/dot/{cast.campaign.pk}/"' in page.content.decode()) is linked
