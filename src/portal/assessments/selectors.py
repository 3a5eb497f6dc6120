"""Reading self-assessments: the campaign units a person works on, the framework and answers
of one, and whether it can still be changed (state, campaign, deadline)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from dti.framework.model import Framework
from portal.accounts.permissions import AnyUser
from portal.assessments.models import Answer, Evidence, Submission
from portal.campaigns.models import CampaignLevel, CampaignUnit
from portal.moments import moment_text
from portal.roles import UNIT_ROLES
from portal.workflow import (
    CampaignState,
    deadline_passed,
    self_assessment_refusal,
    submission_edit_refusal,
)


def own_campaign_units(user: AnyUser) -> QuerySet[CampaignUnit]:
    """The campaign units the user reports or approves for, in campaigns
    that have been opened (newest first). One query."""
    if not user.is_authenticated:
        return CampaignUnit.objects.none()
    return (
        CampaignUnit.objects.filter(
            unit__memberships__user=user,
            unit__memberships__role__in=list(UNIT_ROLES),
            campaign__historic=False,
        )
        .exclude(campaign__state=CampaignState.DRAFT)
        .select_related("campaign", "unit", "submission")
        .distinct()
        .order_by("-campaign__year", "campaign__title", "unit__name")
    )


def framework_for(campaign_unit: CampaignUnit) -> Framework:
    """The core framework of the campaign unit's level in its campaign."""
    level = (
        CampaignLevel.objects.select_related("framework")
        .filter(campaign_id=campaign_unit.campaign_id, level=campaign_unit.level)
        .first()
    )
    if level is None:
        raise Http404(gettext("Đợt đánh giá chưa có bộ chỉ số cho khối của đơn vị."))
    return level.framework.build()


def submission_for(campaign_unit: CampaignUnit) -> Submission:
    """The campaign unit's submission; an unsaved, not-started one if nobody has written yet."""
    try:
        return campaign_unit.submission
    except Submission.DoesNotExist:
        return Submission(campaign_unit=campaign_unit)


def answers_of(submission: Submission) -> dict[str, Answer]:
    if submission.pk is None:
        return {}
    answers = Answer.objects.filter(submission=submission).select_related("updated_by")
    return {answer.criterion: answer for answer in answers}


def evidence_of(submission: Submission) -> dict[str, list[Evidence]]:
    by_criterion: dict[str, list[Evidence]] = {}
    if submission.pk is None:
        return by_criterion
    for item in Evidence.objects.filter(submission=submission).select_related("uploaded_by"):
        by_criterion.setdefault(item.criterion, []).append(item)
    return by_criterion


def deadline_of(campaign_unit: CampaignUnit) -> datetime | None:
    """The campaign's self-assessment deadline, or the unit's extension when later."""
    deadline = campaign_unit.campaign.self_assessment_deadline
    if deadline is None:
        return None
    extension = campaign_unit.extension_until
    return max(deadline, extension) if extension is not None else deadline


def date_text(moment: datetime) -> str:
    return moment_text(moment)


def campaign_block_reason(campaign_unit: CampaignUnit, now: datetime | None = None) -> str:
    """Why nothing of the self-assessment may change now (campaign state, deadline); ''
    while the campaign is open and before the deadline. The rules are portal.workflow's."""
    reason = self_assessment_refusal(campaign_unit.campaign.state)
    if reason:
        return reason
    deadline = deadline_of(campaign_unit)
    if deadline is not None and deadline_passed(deadline, now or timezone.now()):
        return gettext("Đã hết hạn tự đánh giá (hạn %(deadline)s).") % {
            "deadline": date_text(deadline)
        }
    return ""


def edit_block_reason(
    campaign_unit: CampaignUnit, submission: Submission, now: datetime | None = None
) -> str:
    """Why the answers and evidence cannot change now; '' when they can."""
    return campaign_block_reason(campaign_unit, now) or submission_edit_refusal(submission.state)


def evidence_bytes(campaign_unit_id: int) -> int:
    """What the evidence files of one unit in one campaign add up to (self-assessment and
    supplements; a link weighs nothing). One aggregate query."""
    total = Evidence.objects.filter(submission__campaign_unit_id=campaign_unit_id).aggregate(
        total=Sum("size")
    )["total"]
    return int(total or 0)
