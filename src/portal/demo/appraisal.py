"""The demo's campaign in appraisal: Bình Phước 2025, every agency submitted and approved,
round 1 scored by the team and returned to the units, so each person has something to do:
Thắm (Sở Nội vụ) answers a lowered score and a request for a supplement, Mai and Chính
re-score, Chính moves the rounds and finalizes. Through the portal's own services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from portal.accounts.models import User
from portal.appraisals.posted import PostedAppraisal
from portal.appraisals.rounds import round_final_set, round_open, round_return_results
from portal.appraisals.services import appraisal_save
from portal.appraisals.team import assignment_add, team_chair_set, team_member_add
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit
from portal.campaigns.schedule import round_deadline_set
from portal.campaigns.services import campaign_transition, campaign_update

Say = Callable[[str], None]
# One function of load.py per step it shares with the open campaign (answer, submit, approve).
Fill = Callable[[CampaignUnit, int], None]
LOWERED = "Số liệu ký số chưa khớp thống kê của hệ thống quản lý văn bản (chỉ tính văn bản đi)."
REQUEST = "Gửi thống kê văn bản đi có chữ ký số cả năm, trích từ hệ thống quản lý văn bản."


def appraisal_campaign(
    *, campaign: Campaign, office: User, team: dict[str, User], fill: Fill, say: Say
) -> Campaign:
    """`campaign` is open, with its level and units; `fill` answers, submits and approves one
    unit. `team`: "chair" and "member" (both appraisers of the province)."""
    campaign_units = list(
        CampaignUnit.objects.filter(campaign=campaign)
        .select_related("campaign", "unit")
        .order_by("unit__name")
    )
    for position, campaign_unit in enumerate(campaign_units):
        fill(campaign_unit, spread(position))
    campaign.refresh_from_db()
    start = timezone.now()
    campaign_update(
        campaign=campaign,
        title=campaign.title,
        self_assessment_deadline=start,
        user=office,
        reason="Mọi đơn vị đã gửi và được phê duyệt: kết thúc tự đánh giá sớm",
    )
    campaign_transition(campaign=campaign, action="close_self_assessment", user=office)
    campaign_transition(campaign=campaign, action="start_appraisal", user=office)
    for number in (1, 2, 3):
        round_deadline_set(
            campaign=campaign,
            number=number,
            user=office,
            appraisal_due=start + timedelta(days=14 * number),
            supplement_due=None if number == 3 else start + timedelta(days=14 * number + 7),
        )
    round_final_set(campaign=campaign, number=3, final=True, actor=office)
    chair = team_member_add(campaign=campaign, user=team["chair"], actor=office)
    team_chair_set(member=chair, actor=office)
    member = team_member_add(campaign=campaign, user=team["member"], actor=office)
    for index in ("nhan_thuc_so", "the_che_so", "xa_hoi_so"):
        assignment_add(member=chair, actor=office, index=index)
    assignment_add(member=member, actor=office, index="hoat_dong_chinh_quyen_so")
    round_open(campaign=campaign, number=1, actor=team["chair"])
    _round_one(campaign, campaign_units, team)
    round_return_results(
        campaign=campaign,
        number=1,
        actor=team["chair"],
        override_reason="Vòng 1 của bản minh hoạ chỉ chấm một số tiêu chí",
    )
    say(f"  {campaign}: {len(campaign_units)} đơn vị đã phê duyệt; vòng 1 đã chấm và trả kết quả")
    return campaign


def spread(position: int) -> int:
    """Units answer in seven patterns (load._answer keeps every value within its max)."""
    return position % 7


def _round_one(
    campaign: Campaign, campaign_units: list[CampaignUnit], team: dict[str, User]
) -> None:
    """Mai lowers the share of signed documents of a third of the agencies and asks Sở Nội
    vụ for the statistics; Chính scores every agency's website (the appraisers' call)."""
    round = AppraisalRound.objects.get(campaign=campaign, number=1)
    for position, campaign_unit in enumerate(campaign_units):
        if position % 3 == 0 or campaign_unit.unit.code == "so-noi-vu":
            declared = Decimal("72.5") + 4 * spread(position)  # as load._answer declares
            lowered = {
                "cqs_ky_so": PostedAppraisal(
                    str(declared - 10),
                    LOWERED,
                    campaign_unit.unit.code == "so-noi-vu",
                    REQUEST if campaign_unit.unit.code == "so-noi-vu" else "",
                )
            }
            appraisal_save(
                campaign_unit=campaign_unit, round=round, actor=team["member"], posted=lowered
            )
        website = {"xhs_danh_gia": PostedAppraisal(str(15 + position % 8), "Đánh giá trực tiếp")}
        appraisal_save(
            campaign_unit=campaign_unit, round=round, actor=team["chair"], posted=website
        )
