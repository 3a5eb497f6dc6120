"""The appraisal team the team's side is tested on (engineer B1's; the unit's side builds
its own state in unit_fixtures.py).

The cast's 2025 campaign is in appraisal; both units submitted and had it approved, with an
answer for every criterion that applies to them (cqs_dvctt, system-sourced, stands for the
value imported from the source system). Rounds 1 and 2 are planned with both deadlines;
round 3, planned, is the final round.

The team: Trần Văn Chính chairs (no assignment of his own); Hùng appraises the main index
nhan_thuc_so of every unit; Ngô Thị Mai appraises hoat_dong_chinh_quyen_so of every unit.
Both are appraisers of the province."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.accounts.models import Membership, User
from portal.appraisals import rounds as round_services
from portal.appraisals.models import Assignment, TeamMember
from portal.appraisals.posted import PostedAppraisal
from portal.appraisals.services import appraisal_save
from portal.assessments.models import Answer, Submission
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.roles import Role
from portal.workflow import CampaignState, SubmissionState
from tests.portal.conftest import Cast, make_user

NOI_VU_ANSWERS = {
    "nts_ke_hoach": True,  # 5
    "nts_tuyen_truyen": "4",  # 2
    "tcs_quy_che": "day_du",  # 10
    "cqs_ky_so": "87.5",  # 13,13
    "cqs_so_hoa": "75",  # 10
    "cqs_dvctt": {"online": "600", "total": "1000"},  # 15 (imported, system-sourced)
    "xhs_danh_gia": "20",  # 20
}
TU_PHAP_ANSWERS = {  # no online public services: cqs_dvctt does not apply
    "nts_ke_hoach": False,
    "nts_tuyen_truyen": "10",
    "tcs_quy_che": "mot_phan",
    "cqs_ky_so": "50",
    "cqs_so_hoa": "95",
    "xhs_danh_gia": "15",
}


# The chair's reason to move over the guard rails in tests about something else.
OVERRIDE = "Tổ chỉ chấm các tiêu chí của ví dụ"


@dataclass
class Team:
    cast: Cast
    chair: User
    mai: User
    members: dict[str, TeamMember]  # "chair", "hung", "mai"
    rounds: dict[int, AppraisalRound]

    @property
    def campaign(self):  # type: ignore[no-untyped-def]
        return self.cast.campaign

    @property
    def campaign_unit(self) -> CampaignUnit:
        return self.cast.noi_vu_campaign_unit

    @property
    def other(self) -> CampaignUnit:
        return self.cast.tu_phap_campaign_unit

    def person(self, who: str | None) -> User | None:
        """A member of the cast or of the team by first name; None for nobody."""
        if who is None:
            return None
        return {"chair": self.chair, "mai": self.mai}.get(who) or getattr(self.cast, who)

    def round(self, number: int) -> AppraisalRound:
        self.rounds[number].refresh_from_db()
        return self.rounds[number]

    def move(self, number: int, *actions: str, override: str = OVERRIDE) -> None:
        """The chair moves round `number` through `actions`, over the guard rails that may
        be overridden (criteria unscored, a supplement deadline to come) with `override`;
        "" to meet them."""
        for action in actions:
            round_services.MOVES[action](
                campaign=self.campaign, number=number, actor=self.chair, override_reason=override
            )

    def score(
        self,
        who: User,
        number: int,
        values: Mapping[str, object],
        remark: str = "ghi chú",
        campaign_unit: CampaignUnit | None = None,
    ) -> int:
        """`who` saves these values in round `number` (each with the same remark)."""
        posted = {code: PostedAppraisal(value, remark) for code, value in values.items()}  # type: ignore[arg-type]
        return appraisal_save(
            campaign_unit=campaign_unit or self.campaign_unit,
            round=self.round(number),
            actor=who,
            posted=posted,
        )


def approve(campaign_unit: CampaignUnit, answers: Mapping[str, object], by: User) -> Submission:
    submission = Submission.objects.get(campaign_unit=campaign_unit)
    submission.state = SubmissionState.APPROVED
    submission.save()
    for code, value in answers.items():
        Answer.objects.create(submission=submission, criterion=code, value=value, updated_by=by)
    return submission


def appraiser(cast: Cast, username: str, name: str) -> User:
    """A new person holding the appraiser role in the cast's province."""
    user = make_user(username, name)
    Membership.objects.create(user=user, province=cast.province, role=Role.APPRAISER)
    return user


@pytest.fixture
def team(cast: Cast) -> Team:
    cast.campaign.state = CampaignState.IN_APPRAISAL
    cast.campaign.save()
    approve(cast.noi_vu_campaign_unit, NOI_VU_ANSWERS, cast.lan)
    approve(cast.tu_phap_campaign_unit, TU_PHAP_ANSWERS, cast.thao)
    chair, mai = appraiser(cast, "chinh", "Trần Văn Chính"), appraiser(cast, "mai", "Ngô Thị Mai")
    members = {
        "chair": TeamMember.objects.create(campaign=cast.campaign, user=chair, chair=True),
        "hung": TeamMember.objects.create(campaign=cast.campaign, user=cast.hung),
        "mai": TeamMember.objects.create(campaign=cast.campaign, user=mai),
    }
    Assignment.objects.create(member=members["hung"], index="nhan_thuc_so")
    Assignment.objects.create(member=members["mai"], index="hoat_dong_chinh_quyen_so")
    start = timezone.now() + timedelta(days=20)
    rounds = {
        number: AppraisalRound.objects.create(
            campaign=cast.campaign,
            number=number,
            final=number == 3,
            appraisal_due=start + timedelta(days=10 * number),
            supplement_due=None if number == 3 else start + timedelta(days=10 * number + 5),
        )
        for number in (1, 2, 3)
    }
    return Team(cast, chair, mai, members, rounds)


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT
