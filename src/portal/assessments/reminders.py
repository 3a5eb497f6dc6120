"""The self-assessment deadlines that are near, and whom to remind of them
(portal.notifications.reminders says what a reminder is; `manage.py send_reminders` sends them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.assessments.models import Submission
from portal.assessments.selectors import deadline_of
from portal.campaigns.models import Campaign, CampaignUnit
from portal.campaigns.services import record
from portal.moments import moment_text
from portal.notifications.reminders import (
    SELF_ASSESSMENT,
    Reminder,
    active_people_of_units,
    reminder_key,
)
from portal.notifications.services import notify
from portal.roles import UNIT_ROLES
from portal.workflow import CampaignState, SubmissionState

OPEN = (SubmissionState.NOT_STARTED, SubmissionState.DRAFT)  # not sent yet


def self_assessment_reminders(now: datetime, horizon: datetime) -> list[Reminder]:
    # The effective deadline is max(campaign's, extension): it is ≤ horizon when both are,
    # and > now when either is.
    campaign_units = list(
        CampaignUnit.objects.filter(
            campaign__state=CampaignState.OPEN,
            campaign__historic=False,
            campaign__self_assessment_deadline__lte=horizon,
        )
        .filter(Q(extension_until__isnull=True) | Q(extension_until__lte=horizon))
        .filter(Q(campaign__self_assessment_deadline__gt=now) | Q(extension_until__gt=now))
        .exclude(submission__state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED])
        .select_related("campaign", "unit")
    )
    people = active_people_of_units(
        [campaign_unit.unit_id for campaign_unit in campaign_units], UNIT_ROLES
    )
    return [
        _self_assessment(campaign_unit, people[campaign_unit.unit_id])
        for campaign_unit in campaign_units
    ]


def _self_assessment(campaign_unit: CampaignUnit, users: list[User]) -> Reminder:
    deadline = deadline_of(campaign_unit)
    assert deadline is not None  # filtered on it above
    words = {
        "unit": campaign_unit.unit.name,
        "campaign": campaign_unit.campaign.title,
        "due": moment_text(deadline),
    }
    return Reminder(
        kind=SELF_ASSESSMENT,
        users=tuple(users),
        title=gettext("Sắp hết hạn tự đánh giá: %(unit)s, hạn %(due)s") % words,
        body=gettext(
            "Bản tự đánh giá của %(unit)s trong %(campaign)s chưa được gửi. "
            "Hạn tự đánh giá: %(due)s."
        )
        % words,
        url=reverse("assessments:form", args=[campaign_unit.pk]),
        campaign=campaign_unit.campaign,
        key=reminder_key("self", campaign_unit.pk, deadline=deadline),
    )


@dataclass(frozen=True)
class Reminded:
    """What reminding the units chosen did: how many people were told, and the names of
    the units waiting that nobody could be told about (no active account of theirs)."""

    told: int
    unreached: list[str]


@transaction.atomic
def units_remind(
    *, campaign: Campaign, campaign_units: list[CampaignUnit], actor: User
) -> Reminded:
    """The office reminds the units it chose (the late ones, usually) to send their
    self-assessment: a notification to each unit's active reporters and approvers. Units
    that already sent theirs are left out."""
    if not campaign_units:
        raise ValidationError(gettext("Chưa chọn đơn vị nào: đánh dấu các đơn vị cần nhắc."))
    if campaign.state != CampaignState.OPEN:
        raise ValidationError(gettext("Chỉ nhắc được khi đợt đang tự đánh giá."))
    states = dict(
        Submission.objects.filter(campaign_unit__in=campaign_units).values_list(
            "campaign_unit_id", "state"
        )
    )
    waiting = [c for c in campaign_units if states.get(c.pk, SubmissionState.NOT_STARTED) in OPEN]
    people = active_people_of_units([c.unit_id for c in waiting], UNIT_ROLES)
    told = 0
    for campaign_unit in waiting:
        deadline = deadline_of(campaign_unit)
        words = {
            "unit": campaign_unit.unit.name,
            "campaign": campaign.title,
            "due": moment_text(deadline) if deadline else "",
        }
        title = gettext("Sở chủ trì nhắc: gửi bản tự đánh giá của %(unit)s") % words
        body = (
            gettext(
                "Bản tự đánh giá của %(unit)s trong %(campaign)s chưa được gửi phê duyệt "
                "(hạn %(due)s). Hoàn thành các tiêu chí còn thiếu rồi gửi phê duyệt."
            )
            % words
        )
        told += len(
            notify(
                users=people[campaign_unit.unit_id],
                kind=SELF_ASSESSMENT,
                title=title,
                body=body,
                url=reverse("assessments:form", args=[campaign_unit.pk]),
                campaign=campaign,
            )
        )
    names = ", ".join(c.unit.name for c in waiting)
    record(campaign, "remind", actor, names[:1000])
    unreached = [c.unit.name for c in waiting if not people[c.unit_id]]
    return Reminded(told=told, unreached=unreached)
