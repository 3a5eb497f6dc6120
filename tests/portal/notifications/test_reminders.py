"""`manage.py send_reminders`: the deadlines within the next hours (self-assessment,
appraisal, supplement), reminded once per person and deadline, to the people who still have
something to do before it. Time is travelled, never slept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.appraisals.models import Appraisal, Response, TeamMember
from portal.appraisals.reminders import due_reminders
from portal.assessments.models import Submission
from portal.campaigns.models import AppraisalRound
from portal.notifications.models import Notification
from portal.workflow import CampaignState, RoundState, SubmissionState
from tests.portal.conftest import Cast
from tests.portal.jobs import run_jobs

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2025, 6, 30, 17, 0, tzinfo=HANOI)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def run(*args: str, at: datetime) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def reminded(kind: str) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(kind=kind).order_by("user__username", "pk")
    return list(rows.values_list("user__username", "key"))


# ---- the self-assessment deadline ------------------------------------------------------


@pytest.fixture
def self_assessment(cast: Cast) -> Cast:
    """The campaign is due on DEADLINE; Sở Tư pháp has submitted, Sở Nội vụ has not."""
    cast.campaign.self_assessment_deadline = DEADLINE
    cast.campaign.save()
    Submission.objects.filter(campaign_unit=cast.tu_phap_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    return cast


def test_it_reminds_the_reporters_and_approvers_of_units_that_have_not_submitted(
    self_assessment: Cast,
):
    cast = self_assessment
    output = run(at=DEADLINE - timedelta(hours=20))
    key = f"deadline:self:{cast.noi_vu_campaign_unit.pk}:{utc(DEADLINE)}"
    assert reminded("deadline_self_assessment") == [("lan", key), ("minh", key)]
    row = Notification.objects.get(user=cast.lan)
    assert row.title == "Sắp hết hạn tự đánh giá: Sở Nội vụ, hạn 30/06/2025 17:00"
    assert "Đánh giá chuyển đổi số năm 2025" in row.body
    assert row.url == f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/"
    assert row.campaign == cast.campaign
    assert "Nhắc hạn tự đánh giá: đã gửi 2 thông báo" in output


def test_it_reminds_once_per_person_and_deadline(self_assessment: Cast):
    run(at=DEADLINE - timedelta(hours=40))
    output = run(at=DEADLINE - timedelta(hours=39))
    assert "Nhắc hạn tự đánh giá: đã gửi 0 thông báo" in output
    assert Notification.objects.count() == 2


def test_an_extension_is_a_new_deadline_reminded_again(self_assessment: Cast):
    cast = self_assessment
    run(at=DEADLINE - timedelta(hours=20))
    cast.noi_vu_campaign_unit.extension_until = DEADLINE + timedelta(days=3)
    cast.noi_vu_campaign_unit.save()
    assert "đã gửi 0" in run(at=DEADLINE - timedelta(hours=19))  # 3 days away: not yet
    run(at=DEADLINE + timedelta(days=2))
    extended = f"deadline:self:{cast.noi_vu_campaign_unit.pk}:{utc(DEADLINE + timedelta(days=3))}"
    assert [key for user, key in reminded("deadline_self_assessment") if user == "lan"] == [
        f"deadline:self:{cast.noi_vu_campaign_unit.pk}:{utc(DEADLINE)}",
        extended,
    ]


def test_an_extension_earlier_than_the_campaign_deadline_changes_nothing(self_assessment: Cast):
    cast = self_assessment
    cast.noi_vu_campaign_unit.extension_until = DEADLINE - timedelta(days=5)
    cast.noi_vu_campaign_unit.save()
    run(at=DEADLINE - timedelta(hours=20))
    assert {key for _, key in reminded("deadline_self_assessment")} == {
        f"deadline:self:{cast.noi_vu_campaign_unit.pk}:{utc(DEADLINE)}"
    }


def test_it_reminds_a_unit_whose_campaign_deadline_passed_of_its_extension(
    self_assessment: Cast,
):
    cast = self_assessment
    cast.noi_vu_campaign_unit.extension_until = DEADLINE + timedelta(hours=30)
    cast.noi_vu_campaign_unit.save()
    run(at=DEADLINE + timedelta(hours=1))
    assert len(reminded("deadline_self_assessment")) == 2


def test_the_hours_option_widens_the_window(self_assessment: Cast):
    assert "đã gửi 0" in run(at=DEADLINE - timedelta(hours=60))
    assert "Nhắc hạn tự đánh giá: đã gửi 2" in run(
        "--hours", "72", at=DEADLINE - timedelta(hours=60)
    )


@pytest.mark.parametrize(
    ("change", "hours_before"),
    [
        pytest.param(None, 49, id="too-early"),
        pytest.param(None, -1, id="already-passed"),
        pytest.param("closed", 20, id="campaign-closed"),
        pytest.param("approved", 20, id="approved"),
        pytest.param("submitted", 20, id="submitted"),
        pytest.param("no-deadline", 20, id="no-deadline"),
    ],
)
def test_it_does_not_remind(self_assessment: Cast, change: str | None, hours_before: int):
    cast = self_assessment
    if change == "closed":
        cast.campaign.state = CampaignState.SELF_ASSESSMENT_CLOSED
        cast.campaign.save()
    elif change in ("approved", "submitted"):
        Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(state=change)
    elif change == "no-deadline":
        cast.campaign.self_assessment_deadline = None
        cast.campaign.save()
    run(at=DEADLINE - timedelta(hours=hours_before))
    assert Notification.objects.count() == 0


def test_a_unit_that_has_not_started_is_reminded_too(self_assessment: Cast):
    Submission.objects.filter(campaign_unit=self_assessment.noi_vu_campaign_unit).delete()
    run(at=DEADLINE - timedelta(hours=20))
    assert len(reminded("deadline_self_assessment")) == 2


def test_a_reminder_is_emailed_with_its_link(
    self_assessment: Cast, django_capture_on_commit_callbacks
):
    cast = self_assessment
    cast.lan.email = "lan@tinhmau.gov.vn"
    cast.lan.save()
    with django_capture_on_commit_callbacks(execute=True):
        run(at=DEADLINE - timedelta(hours=20))
    run_jobs()  # the worker sends what was queued
    [email] = mail.outbox
    assert email.to == ["lan@tinhmau.gov.vn"]
    assert f"https://dti.tinhmau.gov.vn/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/" in email.body


def test_a_dry_run_says_what_it_would_send_and_sends_nothing(
    self_assessment: Cast, django_capture_on_commit_callbacks
):
    self_assessment.lan.email = "lan@tinhmau.gov.vn"
    self_assessment.lan.save()
    with django_capture_on_commit_callbacks(execute=True):
        output = run("--dry-run", "-v", "2", at=DEADLINE - timedelta(hours=20))
    run_jobs()  # the worker sends what was queued
    assert "Nhắc hạn tự đánh giá: sẽ gửi 2 thông báo" in output
    assert "Sắp hết hạn tự đánh giá: Sở Nội vụ" in output
    assert "Chạy thử: không gửi gì." in output
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_dry_run_counts_only_who_has_not_been_reminded(self_assessment: Cast):
    run(at=DEADLINE - timedelta(hours=20))
    assert "sẽ gửi 0" in run("--dry-run", at=DEADLINE - timedelta(hours=19))


@pytest.mark.parametrize("hours", ["0", "-3", "hai"])
def test_it_refuses_hours_that_are_not_a_positive_number(self_assessment: Cast, hours: str):
    with pytest.raises(CommandError, match="số giờ phải là số nguyên dương"):
        run("--hours", hours, at=DEADLINE)
    assert Notification.objects.count() == 0


# ---- appraisal rounds ------------------------------------------------------------------


@pytest.fixture
def appraisal(cast: Cast) -> AppraisalRound:
    """The campaign in appraisal; Hùng chairs the team, Quang sits on it; round 1 is due
    on DEADLINE and units supplement until a week later."""
    cast.campaign.state = CampaignState.IN_APPRAISAL
    cast.campaign.save()
    TeamMember.objects.create(campaign=cast.campaign, user=cast.hung, chair=True)
    TeamMember.objects.create(campaign=cast.campaign, user=cast.quang)
    return AppraisalRound.objects.create(
        campaign=cast.campaign,
        number=1,
        appraisal_due=DEADLINE,
        supplement_due=DEADLINE + timedelta(days=7),
        state=RoundState.SCORING,
    )


def test_it_reminds_the_team_of_the_appraisal_deadline(cast: Cast, appraisal: AppraisalRound):
    output = run(at=DEADLINE - timedelta(hours=30))
    key = f"deadline:appraisal:{appraisal.pk}:{utc(DEADLINE)}"
    assert reminded("deadline_appraisal") == [("hung", key), ("quang", key)]
    row = Notification.objects.get(user=cast.hung)
    assert row.title == "Sắp hết hạn thẩm định vòng 1, hạn 30/06/2025 17:00"
    assert row.url == "/tham-dinh/"
    assert "Nhắc hạn thẩm định: đã gửi 2 thông báo" in output
    assert "đã gửi 0" in run(at=DEADLINE - timedelta(hours=29))  # once


@pytest.mark.parametrize("state", [RoundState.PLANNED, RoundState.RETURNED, RoundState.AGREED])
def test_it_reminds_no_team_of_a_round_it_is_not_scoring(
    appraisal: AppraisalRound, state: RoundState
):
    appraisal.state = state
    appraisal.save()
    run(at=DEADLINE - timedelta(hours=30))
    assert reminded("deadline_appraisal") == []


def test_a_new_appraisal_deadline_is_reminded_again(appraisal: AppraisalRound):
    run(at=DEADLINE - timedelta(hours=30))
    appraisal.appraisal_due = DEADLINE + timedelta(days=2)
    appraisal.save()
    run(at=DEADLINE + timedelta(days=1))
    assert len(reminded("deadline_appraisal")) == 4


# ---- supplements -----------------------------------------------------------------------


@pytest.fixture
def returned(cast: Cast, appraisal: AppraisalRound) -> AppraisalRound:
    """Round 1 returned: the team asked Sở Nội vụ to supplement cqs_ky_so and cqs_so_hoa
    (answered), scored nts_ke_hoach without a request, and asked Sở Tư pháp to supplement
    cqs_ky_so (answered)."""
    appraisal.state = RoundState.RETURNED
    appraisal.save()
    rows = [
        (cast.noi_vu_campaign_unit, "cqs_ky_so", True),
        (cast.noi_vu_campaign_unit, "cqs_so_hoa", True),
        (cast.noi_vu_campaign_unit, "nts_ke_hoach", False),
        (cast.tu_phap_campaign_unit, "cqs_ky_so", True),
    ]
    for campaign_unit, criterion, requested in rows:
        Appraisal.objects.create(
            campaign_unit=campaign_unit,
            round=appraisal,
            criterion=criterion,
            value=1,
            supplement_requested=requested,
            updated_by=cast.hung,
        )
    for campaign_unit, criterion in (
        (cast.noi_vu_campaign_unit, "cqs_so_hoa"),
        (cast.tu_phap_campaign_unit, "cqs_ky_so"),
    ):
        Response.objects.create(
            campaign_unit=campaign_unit,
            round=appraisal,
            criterion=criterion,
            kind="supplement",
            updated_by=cast.lan,
        )
    return appraisal


SUPPLEMENT_DUE = DEADLINE + timedelta(days=7)


def test_it_reminds_the_reporters_of_units_that_have_not_answered(
    cast: Cast, returned: AppraisalRound
):
    output = run(at=SUPPLEMENT_DUE - timedelta(hours=24))
    key = f"deadline:supplement:{returned.pk}:{cast.noi_vu_campaign_unit.pk}:{utc(SUPPLEMENT_DUE)}"
    assert reminded("deadline_supplement") == [("lan", key)]  # not Minh, not Thảo
    row = Notification.objects.get(user=cast.lan)
    assert row.title == "Sắp hết hạn bổ sung vòng 1: Sở Nội vụ, hạn 07/07/2025 17:00"
    assert row.url == f"/tham-dinh/don-vi/{cast.noi_vu_campaign_unit.pk}/ket-qua/?vong=1"
    assert "cqs_ky_so" in row.body
    assert "cqs_so_hoa" not in row.body and "nts_ke_hoach" not in row.body
    assert "Nhắc hạn bổ sung: đã gửi 1 thông báo" in output
    assert "đã gửi 0" in run(at=SUPPLEMENT_DUE - timedelta(hours=23))  # once


def test_a_unit_that_has_answered_everything_is_not_reminded(cast: Cast, returned: AppraisalRound):
    Response.objects.create(
        campaign_unit=cast.noi_vu_campaign_unit,
        round=returned,
        criterion="cqs_ky_so",
        kind="confirm",
        updated_by=cast.lan,
    )
    run(at=SUPPLEMENT_DUE - timedelta(hours=24))
    assert reminded("deadline_supplement") == []


def test_an_appraisals_own_supplement_deadline_wins_over_the_rounds(
    cast: Cast, returned: AppraisalRound
):
    own = DEADLINE + timedelta(days=3)
    Appraisal.objects.filter(campaign_unit=cast.noi_vu_campaign_unit, criterion="cqs_ky_so").update(
        supplement_due=own
    )
    assert "đã gửi 0" in run(at=SUPPLEMENT_DUE - timedelta(hours=24))  # the round's: not this one
    run(at=own - timedelta(hours=24))
    key = f"deadline:supplement:{returned.pk}:{cast.noi_vu_campaign_unit.pk}:{utc(own)}"
    assert reminded("deadline_supplement") == [("lan", key)]


@pytest.mark.parametrize("state", [RoundState.SCORING, RoundState.CLOSED])
def test_no_supplement_is_reminded_outside_a_returned_round(
    returned: AppraisalRound, state: RoundState
):
    returned.state = state
    returned.save()
    run(at=SUPPLEMENT_DUE - timedelta(hours=24))
    assert reminded("deadline_supplement") == []


def test_a_round_without_a_supplement_deadline_reminds_nobody(returned: AppraisalRound):
    returned.supplement_due = None
    returned.save()
    run(at=SUPPLEMENT_DUE - timedelta(hours=24))
    assert Notification.objects.count() == 0


def test_it_counts_each_kind_on_its_own_line(cast: Cast, returned: AppraisalRound):
    output = run(at=SUPPLEMENT_DUE - timedelta(hours=24))
    assert output.splitlines()[:3] == [
        "Nhắc hạn tự đánh giá: đã gửi 0 thông báo",
        "Nhắc hạn thẩm định: đã gửi 0 thông báo",
        "Nhắc hạn bổ sung: đã gửi 1 thông báo",
    ]


def test_a_deactivated_account_is_not_reminded(cast: Cast, appraisal: AppraisalRound):
    cast.quang.is_active = False
    cast.quang.save()
    run(at=DEADLINE - timedelta(hours=30))
    assert [user for user, _ in reminded("deadline_appraisal")] == ["hung"]


def test_it_finds_the_reminders_in_a_fixed_number_of_queries(
    cast: Cast, returned: AppraisalRound, django_assert_max_num_queries
):
    AppraisalRound.objects.create(
        campaign=cast.campaign, number=2, appraisal_due=SUPPLEMENT_DUE, state=RoundState.SCORING
    )
    cast.campaign.self_assessment_deadline = SUPPLEMENT_DUE
    cast.campaign.state = CampaignState.OPEN  # not a real moment: every kind at once
    cast.campaign.save()
    # per kind: what is due, then the people to remind
    with django_assert_max_num_queries(6):
        found = due_reminders(now=SUPPLEMENT_DUE - timedelta(hours=24), within=timedelta(hours=48))
    assert sorted(reminder.kind for reminder in found) == [
        "deadline_appraisal",
        "deadline_self_assessment",
        "deadline_self_assessment",
        "deadline_supplement",
    ]
