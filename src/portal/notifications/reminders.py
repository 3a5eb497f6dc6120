"""Which deadlines are near, and whom to remind of them (`manage.py send_reminders`).

A deadline is near when it falls after `now` and no later than `now + within`. Three kinds:

- the self-assessment deadline of a unit (the campaign's, or the unit's extension when
  later), campaign open, submission neither submitted nor approved: its reporters and
  approvers;
- a round's appraisal deadline, round scoring: the campaign's appraisal team;
- a supplement deadline (the appraisal's own, else the round's), round returned, for the
  criteria whose supplement was requested and that the unit has not answered yet: the unit's
  reporters, one reminder listing those criteria.

Each reminder is sent once per person and deadline: its key holds the deadline itself, so
a moved deadline (an extension, a new date) is reminded again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from portal.accounts.models import Membership, User
from portal.accounts.roles import UNIT_ROLES, Role
from portal.appraisals.models import Appraisal, Response, TeamMember
from portal.assessments.selectors import deadline_of
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit
from portal.workflow import CampaignState, RoundState, SubmissionState

SELF_ASSESSMENT = "deadline_self_assessment"
APPRAISAL = "deadline_appraisal"
SUPPLEMENT = "deadline_supplement"
KINDS = (SELF_ASSESSMENT, APPRAISAL, SUPPLEMENT)


@dataclass(frozen=True)
class Reminder:
    """One deadline and the people to remind of it: what `notify` is called with."""

    kind: str
    users: tuple[User, ...]
    title: str
    body: str
    url: str
    campaign: Campaign
    key: str


def due_reminders(*, now: datetime, within: timedelta) -> list[Reminder]:
    horizon = now + within
    return [
        *self_assessment_reminders(now, horizon),
        *appraisal_reminders(now, horizon),
        *supplement_reminders(now, horizon),
    ]


def self_assessment_reminders(now: datetime, horizon: datetime) -> list[Reminder]:
    # The effective deadline is max(campaign's, extension): it is ≤ horizon when both are,
    # and > now when either is.
    entries = list(
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
    people = _unit_people([entry.unit_id for entry in entries], UNIT_ROLES)
    return [_self_assessment(entry, people[entry.unit_id]) for entry in entries]


def _self_assessment(entry: CampaignUnit, users: list[User]) -> Reminder:
    deadline = deadline_of(entry)
    assert deadline is not None  # filtered on it above
    words = {"unit": entry.unit.name, "campaign": entry.campaign.title, "due": _when(deadline)}
    return Reminder(
        kind=SELF_ASSESSMENT,
        users=tuple(users),
        title=gettext("Sắp hết hạn tự đánh giá: %(unit)s, hạn %(due)s") % words,
        body=gettext(
            "Bản tự đánh giá của %(unit)s trong %(campaign)s chưa được gửi. "
            "Hạn tự đánh giá: %(due)s."
        )
        % words,
        url=reverse("assessments:form", args=[entry.pk]),
        campaign=entry.campaign,
        key=_key("self", entry.pk, deadline=deadline),
    )


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
    words = {"number": round_.number, "campaign": round_.campaign.title, "due": _when(due)}
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
        key=_key("appraisal", round_.pk, deadline=due),
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
        grouped[(appraisal.campaign_unit_id, appraisal.round_id, due)].append(appraisal)
    groups = list(grouped.values())
    people = _unit_people([group[0].campaign_unit.unit_id for group in groups], {Role.REPORTER})
    return [_supplement(group, people[group[0].campaign_unit.unit_id]) for group in groups]


def _supplement(appraisals: list[Appraisal], users: list[User]) -> Reminder:
    first = appraisals[0]
    entry, round_ = first.campaign_unit, first.round
    due = first.supplement_due or round_.supplement_due
    assert due is not None  # filtered on it above
    words = {
        "unit": entry.unit.name,
        "number": round_.number,
        "campaign": round_.campaign.title,
        "due": _when(due),
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
        url=reverse("appraisals:unit_results", args=[entry.pk]) + f"?vong={round_.number}",
        campaign=round_.campaign,
        key=_key("supplement", round_.pk, entry.pk, deadline=due),
    )


def _unit_people(ids: Iterable[int], roles: Iterable[str]) -> defaultdict[int, list[User]]:
    """The active people holding one of `roles` for each unit (by unit id), in one query."""
    people: defaultdict[int, list[User]] = defaultdict(list)
    held = Membership.objects.filter(
        unit_id__in=set(ids), role__in=list(roles), user__is_active=True
    ).select_related("user")
    for membership in held:
        people[membership.unit_id].append(membership.user)
    return people


def _key(*parts: object, deadline: datetime) -> str:
    """ "deadline:<kind>:<ids>:<deadline in UTC>": the same deadline gives the same key on
    every run; a moved one, a new key."""
    stamp = deadline.astimezone(UTC).isoformat()
    return ":".join(["deadline", *map(str, parts), stamp])


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
