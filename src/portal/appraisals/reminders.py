"""The appraisal and supplement deadlines that are near, and whom to remind of them; with the
self-assessment's (portal.assessments.reminders), every reminder due (`manage.py
send_reminders`, portal.notifications.reminders says what a reminder is)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.appraisals.models import Appraisal, Response, TeamMember
from portal.assessments.reminders import self_assessment_reminders
from portal.campaigns.models import AppraisalRound
from portal.moments import moment_text
from portal.notifications.reminders import (
    APPRAISAL,
    SUPPLEMENT,
    Reminder,
    active_people_of_units,
    reminder_key,
)
from portal.roles import Role
from portal.workflow import RoundState


def due_reminders(*, now: datetime, within: timedelta) -> list[Reminder]:
    """Every reminder of a deadline after `now` and no later than `now + within`."""
    horizon = now + within
    return [
        *self_assessment_reminders(now, horizon),
        *appraisal_reminders(now, horizon),
        *supplement_reminders(now, horizon),
    ]


def appraisal_reminders(now: datetime, horizon: datetime) -> list[Reminder]:
    rounds = list(
        AppraisalRound.objects.filter(
            state=RoundState.SCORING, appraisal_due__gt=now, appraisal_due__lte=horizon
        ).select_related("campaign")
    )
    team: dict[int, list[User]] = defaultdict(list)
    members = TeamMember.objects.filter(
        campaign_id__in={r.campaign_id for r in rounds}, user__is_active=True
    ).select_related("user")
    for member in members:
        team[member.campaign_id].append(member.user)
    return [_appraisal(round_, team[round_.campaign_id]) for round_ in rounds]


def _appraisal(round_: AppraisalRound, users: list[User]) -> Reminder:
    due = round_.appraisal_due
    words = {"number": round_.number, "campaign": round_.campaign.title, "due": moment_text(due)}
    return Reminder(
        kind=APPRAISAL,
        users=tuple(users),
        title=gettext("Sắp hết hạn thẩm định vòng %(number)s, hạn %(due)s") % words,
        body=gettext(
            "Tổ thẩm định %(campaign)s cần hoàn thành chấm điểm vòng %(number)s trước %(due)s."
        )
        % words,
        url=reverse("appraisals:todo"),  # the team's "what needs my attention"
        campaign=round_.campaign,
        key=reminder_key("appraisal", round_.pk, deadline=due),
    )


def supplement_reminders(now: datetime, horizon: datetime) -> list[Reminder]:
    answered = Response.objects.filter(
        campaign_unit=OuterRef("campaign_unit"),
        round=OuterRef("round"),
        criterion=OuterRef("criterion"),
    )
    own_due = Q(supplement_due__gt=now, supplement_due__lte=horizon)
    round_due = Q(
        supplement_due__isnull=True,
        round__supplement_due__gt=now,
        round__supplement_due__lte=horizon,
    )
    requests = (
        Appraisal.objects.filter(round__state=RoundState.RETURNED, supplement_requested=True)
        .filter(own_due | round_due)
        .exclude(Exists(answered))
        .select_related("round__campaign", "campaign_unit__unit")
        .order_by("campaign_unit_id", "round_id", "criterion")
    )
    # One reminder per unit, round and deadline, listing the criteria still unanswered.
    grouped: dict[tuple[int, int, datetime], list[Appraisal]] = defaultdict(list)
    for appraisal in requests:
        due = appraisal.supplement_due or appraisal.round.supplement_due
        assert due is not None  # filtered on it above
        grouped[(appraisal.campaign_unit_id, appraisal.round_id, due)].append(appraisal)
    groups = list(grouped.values())
    people = active_people_of_units(
        [group[0].campaign_unit.unit_id for group in groups], {Role.REPORTER}
    )
    return [_supplement(group, people[group[0].campaign_unit.unit_id]) for group in groups]


def _supplement(appraisals: list[Appraisal], users: list[User]) -> Reminder:
    first = appraisals[0]
    campaign_unit, round_ = first.campaign_unit, first.round
    due = first.supplement_due or round_.supplement_due
    assert due is not None  # filtered on it above
    words = {
        "unit": campaign_unit.unit.name,
        "number": round_.number,
        "campaign": round_.campaign.title,
        "due": moment_text(due),
        "criteria": ", ".join(appraisal.criterion for appraisal in appraisals),
    }
    return Reminder(
        kind=SUPPLEMENT,
        users=tuple(users),
        title=gettext("Sắp hết hạn bổ sung vòng %(number)s: %(unit)s, hạn %(due)s") % words,
        body=gettext(
            "Tổ thẩm định %(campaign)s đề nghị %(unit)s giải trình, bổ sung các tiêu chí "
            "%(criteria)s trước %(due)s; đơn vị chưa phản hồi."
        )
        % words,
        url=reverse("appraisals:unit_results", args=[campaign_unit.pk]) + f"?vong={round_.number}",
        campaign=round_.campaign,
        key=reminder_key("supplement", round_.pk, campaign_unit.pk, deadline=due),
    )
