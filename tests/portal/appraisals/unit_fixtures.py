"""The appraisal state the unit's side is tested on, built directly with the ORM (engineer
B2's; the team's side has its own conftest). Import with
`from tests.portal.appraisals.unit_fixtures import *`.

The cast's 2025 campaign is in appraisal. Both units submitted and had it approved.
- Round 1 is returned, supplements due 20/05/2099 17:00. The team lowered four criteria of
  Sở Nội vụ, with remarks, and asked it to supplement cqs_ky_so (by the round's deadline)
  and cqs_so_hoa (by its own later deadline, 27/05/2099); it judged Sở Nội vụ's evidence
  for cqs_ky_so insufficient. It lowered Sở Tư pháp's cqs_ky_so with a remark of its own.
- Round 2 is being scored: Sở Nội vụ's cqs_ky_so already has a value and a remark the unit
  must not see. Round 3, the final round, is planned.
- The team: Trần Văn Chính chairs (no assignment); Hùng appraises all of Sở Nội vụ; Ngô Thị
  Thẩm appraises the main index xa_hoi_so of every unit. Đinh Văn Ngoại is an appraiser of
  the province who is not on this campaign's team (he reads, as on the team's pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.accounts.models import Membership, User
from portal.appraisals.models import Appraisal, Assignment, EvidenceVerdict, TeamMember, Verdict
from portal.assessments.models import Answer, Evidence, Submission
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.roles import Role
from portal.workflow import CampaignState, RoundState, SubmissionState
from tests.portal.assessments.conftest import FormFields
from tests.portal.conftest import Cast, make_user

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
APPRAISAL_DUE = datetime(2099, 5, 10, 17, 0, tzinfo=HCM)
SUPPLEMENT_DUE = datetime(2099, 5, 20, 17, 0, tzinfo=HCM)
OWN_DUE = datetime(2099, 5, 27, 17, 0, tzinfo=HCM)  # the team's later deadline for cqs_so_hoa
ANSWERS = {
    "nts_ke_hoach": True,
    "nts_tuyen_truyen": "4",
    "tcs_quy_che": "day_du",
    "cqs_ky_so": "87.5",
    "cqs_so_hoa": "75",
    "xhs_danh_gia": "20",
}
NOI_VU_REMARKS = {
    "nts_tuyen_truyen": ("2", "Chỉ 2 đợt tuyên truyền có minh chứng."),
    "cqs_ky_so": ("60", "Tỷ lệ văn bản ký số thực tế chỉ 60%."),
    "cqs_so_hoa": ("55", "Hồ sơ số hoá chưa đạt 70%."),
    "xhs_danh_gia": ("15", "Tổ chấm 15 điểm theo khảo sát."),
}
TU_PHAP_REMARK = "Sở Tư pháp: chữ ký số mới đạt 40%."
SECRET_REMARK = "Vòng 2 đang chấm, chưa trả đơn vị."


@dataclass
class Appraised:
    cast: Cast
    rounds: dict[int, AppraisalRound]
    chinh: User
    tham: User
    ngoai: User
    evidence: Evidence  # Sở Nội vụ's self-assessment evidence for cqs_ky_so

    @property
    def campaign_unit(self) -> CampaignUnit:
        return self.cast.noi_vu_campaign_unit

    def person(self, who: str) -> User | None:
        """A member of the cast or of the team by first name; "anon" for nobody."""
        if who == "anon":
            return None
        return getattr(self, who, None) or getattr(self.cast, who)


def _approve(campaign_unit: CampaignUnit, by: User) -> Submission:
    submission = Submission.objects.get(campaign_unit=campaign_unit)
    submission.state = SubmissionState.APPROVED
    submission.save()
    for code, value in ANSWERS.items():
        Answer.objects.create(submission=submission, criterion=code, value=value, updated_by=by)
    return submission


def _person(cast: Cast, username: str, name: str) -> User:
    user = make_user(username, name)
    Membership.objects.create(user=user, province=cast.province, role=Role.APPRAISER)
    return user


def _team(cast: Cast) -> tuple[User, User]:
    chinh = _person(cast, "chinh", "Trần Văn Chính")
    tham = _person(cast, "tham", "Ngô Thị Thẩm")
    TeamMember.objects.create(campaign=cast.campaign, user=chinh, chair=True)
    hung = TeamMember.objects.create(campaign=cast.campaign, user=cast.hung)
    Assignment.objects.create(member=hung, unit=cast.noi_vu)
    member = TeamMember.objects.create(campaign=cast.campaign, user=tham)
    Assignment.objects.create(member=member, index="xa_hoi_so")
    return chinh, tham


def _rounds(cast: Cast) -> dict[int, AppraisalRound]:
    states = {1: RoundState.RETURNED, 2: RoundState.SCORING, 3: RoundState.PLANNED}
    rounds = {}
    for number, state in states.items():
        rounds[number] = AppraisalRound.objects.create(
            campaign=cast.campaign,
            number=number,
            appraisal_due=APPRAISAL_DUE,
            supplement_due=SUPPLEMENT_DUE if number < 3 else None,
            state=state,
            final=number == 3,
        )
    return rounds


def appraise(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    code: str,
    value: object,
    remark: str,
    by: User,
    **request: object,
) -> Appraisal:
    return Appraisal.objects.create(
        campaign_unit=campaign_unit,
        round=round,
        criterion=code,
        value=value,
        remark=remark,
        updated_by=by,
        **request,
    )


@pytest.fixture
def appraised(cast: Cast) -> Appraised:
    cast.campaign.state = CampaignState.IN_APPRAISAL
    cast.campaign.save()
    noi_vu = _approve(cast.noi_vu_campaign_unit, cast.lan)
    _approve(cast.tu_phap_campaign_unit, cast.thao)
    chinh, tham = _team(cast)
    ngoai = _person(cast, "ngoai", "Đinh Văn Ngoại")
    rounds = _rounds(cast)
    for code, (value, remark) in NOI_VU_REMARKS.items():
        request = {}
        if code == "cqs_ky_so":
            request = {"supplement_requested": True, "supplement_request": "Gửi danh sách."}
        if code == "cqs_so_hoa":
            request = {
                "supplement_requested": True, "supplement_request": "Gửi biên bản số hoá.",
                "supplement_due": OWN_DUE,
            }  # fmt: skip
        appraise(cast.noi_vu_campaign_unit, rounds[1], code, value, remark, cast.hung, **request)
    appraise(
        cast.tu_phap_campaign_unit,
        rounds[1],
        "cqs_ky_so",
        "40",
        TU_PHAP_REMARK,
        chinh,
        supplement_requested=True,
        supplement_request="Sở Tư pháp gửi thêm.",
    )
    appraise(cast.noi_vu_campaign_unit, rounds[2], "cqs_ky_so", "70", SECRET_REMARK, cast.hung)
    evidence = Evidence.objects.create(
        submission=noi_vu,
        criterion="cqs_ky_so",
        url="https://vb.example.vn/ky-so",
        original_name="Danh sách văn bản ký số",
        uploaded_by=cast.lan,
    )
    EvidenceVerdict.objects.create(
        evidence=evidence,
        round=rounds[1],
        verdict=Verdict.INSUFFICIENT,
        note="Thiếu văn bản quý IV.",
        updated_by=cast.hung,
    )
    return Appraised(cast, rounds, chinh, tham, ngoai, evidence)


@pytest.fixture
def huong(appraised: Appraised) -> User:
    """A second reporter of Sở Nội vụ, to collide with Lan."""
    cast = appraised.cast
    user = make_user("huong", "Đỗ Thu Hương")
    Membership.objects.create(
        user=user, province=cast.province, role=Role.REPORTER, unit=cast.noi_vu
    )
    return user


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def response_fields(html: str, code: str) -> dict[str, str]:
    """What pressing "Lưu tất cả" posts: the page's one form, with `code`'s reply in it."""
    assert f'id="response-{code}"' in html, f"no reply fields for {code}"
    parser = FormFields("responses")
    parser.feed(html)
    return parser.fields


def results_url(campaign_unit: CampaignUnit) -> str:
    return f"/tham-dinh/don-vi/{campaign_unit.pk}/ket-qua/"


def respond_url(campaign_unit: CampaignUnit, number: int = 1) -> str:
    return f"/tham-dinh/don-vi/{campaign_unit.pk}/vong/{number}/phan-hoi/"


__all__ = ["appraised", "evidence_root", "huong"]
