"""Every step a person waits on is announced once, to the right people, in the portal and by
e-mail after the commit: the submission's moves, the self-assessment opened, closed and
reopened, publication (portal.notifications.events). The person who moved is never told;
a deactivated account is never told; a move refused tells nobody."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from portal.accounts.models import Membership, User
from portal.assessments import services
from portal.campaigns.models import Campaign, CampaignUnit
from portal.notifications import events
from portal.notifications.models import Kind, Notification
from portal.roles import Role
from portal.units.models import Unit
from portal.workflow import CampaignState
from tests.portal.assessments.conftest import COMPLETE, save_fields
from tests.portal.conftest import Cast, make_user
from tests.portal.jobs import run_jobs

EVERYONE = ("lan", "minh", "thao", "hung", "hoa", "quang", "khoa")


@pytest.fixture
def addressed(cast: Cast) -> Cast:
    """Everyone of the cast has an e-mail address."""
    for username in EVERYONE:
        user = getattr(cast, username)
        user.email = f"{username}@tinhmau.gov.vn"
        user.save()
    return cast


def told(kind: str) -> list[str]:
    """Who got a notification of this kind, by username, once per row."""
    rows = Notification.objects.filter(kind=kind).select_related("user")
    return sorted(row.user.username for row in rows)


def mailed() -> list[str]:
    return sorted(address.split("@")[0] for email in mail.outbox for address in email.to)


def draft(cast: Cast) -> CampaignUnit:
    """Sở Nội vụ's draft, every criterion answered, ready to submit."""
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    return cast.noi_vu_campaign_unit


def submit(cast: Cast) -> None:
    services.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)


def approve(cast: Cast) -> None:
    services.submission_approve(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.minh)


# ---- the submission's moves --------------------------------------------------------------


def test_a_submission_tells_the_units_approvers_once_and_mails_after_the_commit(
    addressed: Cast, django_capture_on_commit_callbacks: Callable[..., Any]
):
    cast = addressed
    draft(cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(cast)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()  # queues the e-mail; the worker sends it
    run_jobs()
    assert told(Kind.SUBMITTED) == ["minh"]
    assert mailed() == ["minh"]
    row = Notification.objects.get(kind=Kind.SUBMITTED)
    assert row.title == "Sở Nội vụ đã gửi bản tự đánh giá, chờ phê duyệt"
    assert "Nguyễn Thị Lan đã gửi bản tự đánh giá của Sở Nội vụ" in row.body
    assert "Đánh giá chuyển đổi số năm 2025" in row.body
    assert row.url == f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/tinh-trang/"
    assert row.campaign == cast.campaign
    # a second submission is refused by the workflow and tells nobody
    with pytest.raises(ValidationError):
        submit(cast)
    assert told(Kind.SUBMITTED) == ["minh"]


def test_an_approval_tells_the_units_reporters_and_the_provinces_office(
    addressed: Cast, django_capture_on_commit_callbacks: Callable[..., Any]
):
    cast = addressed
    draft(cast)
    submit(cast)
    with django_capture_on_commit_callbacks(execute=True):
        approve(cast)
    run_jobs()  # the worker sends what was queued
    # not Minh who approved, not Thảo of another unit, not Khoa of another province
    assert told(Kind.APPROVED) == ["lan", "quang"]
    assert mailed() == ["lan", "quang"]
    row = Notification.objects.get(kind=Kind.APPROVED, user=cast.lan)
    assert row.title == "Bản tự đánh giá của Sở Nội vụ đã được phê duyệt"
    # its link opens the status page: the text says what is there, not "nothing to do"
    assert row.url == f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/tinh-trang/"
    assert "Bản đã ký xem ở trang tình trạng" in row.body
    assert "Không cần làm gì" not in row.body
    with pytest.raises(ValidationError):
        approve(cast)
    assert told(Kind.APPROVED) == ["lan", "quang"]


def test_a_return_tells_the_units_reporters_with_the_approvers_reason(cast: Cast):
    draft(cast)
    submit(cast)
    services.submission_return(
        campaign_unit=cast.noi_vu_campaign_unit, actor=cast.minh, note="Thiếu minh chứng 1.1"
    )
    assert told(Kind.RETURNED) == ["lan"]
    row = Notification.objects.get(kind=Kind.RETURNED)
    assert row.title == "Bản tự đánh giá của Sở Nội vụ bị trả lại để sửa"
    assert row.body.endswith("Lý do: Thiếu minh chứng 1.1")
    assert row.url == f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/"


def test_a_reopening_by_the_office_tells_the_units_reporters_and_approvers(cast: Cast):
    draft(cast)
    submit(cast)
    approve(cast)
    services.submission_reopen(
        campaign_unit=cast.noi_vu_campaign_unit, actor=cast.quang, note="Sửa số liệu 2.1"
    )
    assert told(Kind.REOPENED) == ["lan", "minh"]
    assert (
        "Lý do: Sửa số liệu 2.1"
        in Notification.objects.get(kind=Kind.REOPENED, user=cast.minh).body
    )
    with pytest.raises(ValidationError):  # already a draft: refused, nobody told again
        services.submission_reopen(
            campaign_unit=cast.noi_vu_campaign_unit, actor=cast.quang, note="lần nữa"
        )
    assert told(Kind.REOPENED) == ["lan", "minh"]


def test_a_move_refused_to_the_wrong_person_tells_nobody(cast: Cast):
    draft(cast)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.thao)
    assert Notification.objects.count() == 0


def test_a_deactivated_account_is_never_told_and_the_actor_never_tells_himself(cast: Cast):
    second = make_user("binh", "Hồ Văn Bình")  # a second approver, who left
    Membership.objects.create(
        user=second, province=cast.province, role=Role.APPROVER, unit=cast.noi_vu
    )
    second.is_active = False
    second.save()
    # Lan also approves for her unit: she submits, and is not told of her own submission
    Membership.objects.create(
        user=cast.lan, province=cast.province, role=Role.APPROVER, unit=cast.noi_vu
    )
    draft(cast)
    submit(cast)
    assert told(Kind.SUBMITTED) == ["minh"]


# ---- the campaign's moves ----------------------------------------------------------------


def move(cast: Cast, action: str, user: User | None = None) -> Campaign:
    return events.campaign_transition(
        campaign=cast.campaign, action=action, user=user or cast.quang
    )


def test_closing_and_reopening_the_self_assessment_tells_every_units_people(cast: Cast):
    move(cast, "close_self_assessment")
    assert told(Kind.SELF_ASSESSMENT_CLOSED) == ["lan", "minh", "thao"]
    row = Notification.objects.get(kind=Kind.SELF_ASSESSMENT_CLOSED, user=cast.thao)
    assert row.title == "Đã đóng tự đánh giá: Đánh giá chuyển đổi số năm 2025"
    assert "Sở Tư pháp" in row.body
    assert row.url == f"/tu-danh-gia/{cast.tu_phap_campaign_unit.pk}/"
    with pytest.raises(ValidationError):  # already closed
        move(cast, "close_self_assessment")
    assert told(Kind.SELF_ASSESSMENT_CLOSED) == ["lan", "minh", "thao"]
    move(cast, "reopen_self_assessment")
    assert told(Kind.SELF_ASSESSMENT_OPENED) == ["lan", "minh", "thao"]
    move(cast, "close_self_assessment")  # closed a second time: a second notice
    assert told(Kind.SELF_ASSESSMENT_CLOSED) == ["lan", "lan", "minh", "minh", "thao", "thao"]


def test_opening_the_campaign_tells_every_unit_its_deadline(cast: Cast):
    Campaign.objects.filter(pk=cast.campaign.pk).update(state=CampaignState.DRAFT)
    cast.campaign.refresh_from_db()
    move(cast, "open")
    assert told(Kind.SELF_ASSESSMENT_OPENED) == ["lan", "minh", "thao"]
    row = Notification.objects.get(user=cast.lan)
    assert "Sở Nội vụ nhập số liệu, minh chứng rồi gửi phê duyệt trước" in row.body
    assert row.key == f"self_assessment_opened:{cast.campaign.pk}:{cast.noi_vu_campaign_unit.pk}"


def test_publication_tells_the_units_people_and_the_leadership_once(cast: Cast):
    Campaign.objects.filter(pk=cast.campaign.pk).update(state=CampaignState.FINALIZED)
    cast.campaign.refresh_from_db()
    move(cast, "publish")
    assert told(Kind.PUBLISHED) == ["hoa", "lan", "minh", "thao"]
    assert Notification.objects.get(user=cast.hoa).url == f"/dot-danh-gia/{cast.campaign.pk}/"
    assert Notification.objects.get(user=cast.lan).url == (
        f"/tham-dinh/don-vi/{cast.noi_vu_campaign_unit.pk}/ket-qua/"
    )
    # announced again (a retry of the announcement): the keys keep it to once each
    events.campaign_moved(campaign=cast.campaign, action="publish", actor=cast.quang)
    assert told(Kind.PUBLISHED) == ["hoa", "lan", "minh", "thao"]


def test_a_move_nobody_waits_on_tells_nobody(cast: Cast):
    move(cast, "close_self_assessment")
    Notification.objects.all().delete()
    move(cast, "start_appraisal")
    assert Notification.objects.count() == 0


def test_the_campaigns_page_announces_its_moves(cast: Cast):
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{cast.campaign.pk}/trang-thai/",
        {
            "action": "close_self_assessment",
            "confirmed": "1",  # asked first; the units not yet sent need a reason to go on
            "override": "1",
            "override_reason": "Hết hạn theo kế hoạch",
        },
    )
    assert response.status_code == 302
    assert told(Kind.SELF_ASSESSMENT_CLOSED) == ["lan", "minh", "thao"]


def test_a_campaign_move_for_forty_units_writes_its_notifications_in_a_few_queries(
    cast: Cast, django_assert_max_num_queries: Callable[..., Any]
):
    for number in range(38):
        unit = Unit.objects.create(
            province=cast.province, code=f"so-{number}", name=f"Sở số {number}", level="so"
        )
        CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
        reporter = make_user(f"cb{number}", f"Cán bộ {number}")
        Membership.objects.create(
            user=reporter, province=cast.province, role=Role.REPORTER, unit=unit
        )
    # the move itself (lock, checks, event, audit entry) takes 16; telling forty-one people
    # 8 more: the units, their people, one insert, the e-mail choices, the savepoints. The
    # cap leaves room for caches another test in the process emptied (content types): a
    # query per unit or per person would take more than 60.
    with django_assert_max_num_queries(36):
        move(cast, "close_self_assessment")
    assert Notification.objects.filter(kind=Kind.SELF_ASSESSMENT_CLOSED).count() == 41
