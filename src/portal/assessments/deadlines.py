"""What a self-assessment deadline means for the units: which of them have not finished
(sent for approval or approved), which a deadline would lock out, and telling the people
of the units concerned when a deadline changes, when a unit is given more time, and when a
deadline set in the past locks them out. The campaigns app sets deadlines; it cannot notify
(it sits below the notifications), so the office's pages call these after the change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from django.urls import reverse
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.campaigns.models import Campaign, CampaignUnit
from portal.notifications.reminders import active_people_of_units, when_text
from portal.notifications.services import notify
from portal.roles import UNIT_ROLES
from portal.workflow import SubmissionState, deadline_passed
from portal.workflow.guards import SelfAssessmentFacts

DONE = frozenset({SubmissionState.SUBMITTED, SubmissionState.APPROVED})


def stamp(moment: datetime | None) -> str:
    """A moment in a notification's key: the same instant gives the same text."""
    return moment.astimezone(UTC).isoformat() if moment else "-"


def unfinished(campaign: Campaign) -> list[CampaignUnit]:
    """The units in scope that have not sent their self-assessment for approval (one
    query), by name."""
    return list(
        campaign.units.exclude(submission__state__in=DONE)
        .select_related("unit")
        .order_by("unit__name")
    )


def self_assessment_facts(campaign: Campaign) -> SelfAssessmentFacts:
    """What closing the self-assessment would cut off (portal.workflow.guards)."""
    rows = list(campaign.units.select_related("unit", "submission").order_by("unit__name"))
    not_submitted, not_approved, extended = [], [], []
    for row in rows:
        submission = getattr(row, "submission", None)
        state = submission.state if submission else SubmissionState.NOT_STARTED
        if state == SubmissionState.SUBMITTED:
            not_approved.append(row.unit.name)
        elif state != SubmissionState.APPROVED:
            not_submitted.append(row.unit.name)
            if row.extension_until is not None:
                extended.append((row.unit.name, row.extension_until))
    return SelfAssessmentFacts(
        deadline=campaign.self_assessment_deadline,
        not_submitted=tuple(not_submitted),
        not_approved=tuple(not_approved),
        extended=tuple(extended),
    )


def locked_out(campaign: Campaign, deadline: datetime | None, now: datetime) -> list[CampaignUnit]:
    """The unfinished units this self-assessment deadline would lock out now (a unit's
    own extension still running keeps it in)."""
    return [
        row
        for row in unfinished(campaign)
        if deadline_passed(max(filter(None, (deadline, row.extension_until)), default=None), now)
    ]


def people_of(campaign_units: Iterable[CampaignUnit]) -> list[User]:
    """The reporters and approvers of these units, each person once (one query)."""
    by_unit = active_people_of_units([row.unit_id for row in campaign_units], UNIT_ROLES)
    people: dict[int, User] = {}
    for users in by_unit.values():
        for user in users:
            people.setdefault(user.pk, user)
    return list(people.values())


def _url(campaign_unit: CampaignUnit) -> str:
    return reverse("assessments:status", args=[campaign_unit.pk])


def notify_deadline_changed(campaign: Campaign, deadline: datetime | None, now: datetime) -> None:
    """The campaign's self-assessment deadline changed: tell every unit's people, and those
    of the units it locks out that they cannot edit any more."""
    if deadline is None:
        return
    when = stamp(deadline)
    shut = locked_out(campaign, deadline, now)
    shut_ids = {row.pk for row in shut}
    rest = [row for row in campaign.units.select_related("unit") if row.pk not in shut_ids]
    notify(
        users=people_of(rest),
        kind="deadline_changed",
        campaign=campaign,
        title=gettext("Hạn tự đánh giá của %(campaign)s đổi thành %(deadline)s")
        % {"campaign": campaign.title, "deadline": when_text(deadline)},
        body=gettext("Đơn vị gửi bản tự đánh giá để phê duyệt trước hạn mới."),
        url=reverse("assessments:mine"),
        key=f"deadline_changed:{campaign.pk}:{when}",
    )
    notify_locked_out(campaign, shut, deadline, key=f"locked_out:{campaign.pk}:{when}")


def notify_locked_out(
    campaign: Campaign, campaign_units: Sequence[CampaignUnit], deadline: datetime, key: str
) -> None:
    """A deadline set in the past locks these units out: say so to their people."""
    if not campaign_units:
        return
    notify(
        users=people_of(campaign_units),
        kind="deadline_changed",  # a change that locks the unit out: said in the title
        campaign=campaign,
        title=gettext("Hạn tự đánh giá của %(campaign)s đã qua (%(deadline)s)")
        % {"campaign": campaign.title, "deadline": when_text(deadline)},
        body=gettext(
            "Đơn vị không sửa, không gửi được bản tự đánh giá nữa. Nếu cần thêm thời gian, "
            "liên hệ Sở chủ trì để được gia hạn."
        ),
        url=reverse("assessments:mine"),
        key=key,
    )


def notify_extended(campaign_unit: CampaignUnit, until: datetime) -> None:
    """A unit was given more time: tell its people."""
    notify(
        users=people_of([campaign_unit]),
        kind="deadline_extended",
        campaign=campaign_unit.campaign,
        title=gettext("%(unit)s được gia hạn tự đánh giá đến %(deadline)s")
        % {"unit": campaign_unit.unit.name, "deadline": when_text(until)},
        body=gettext("Đơn vị gửi bản tự đánh giá để phê duyệt trước hạn mới."),
        url=_url(campaign_unit),
        key=f"deadline_extended:{campaign_unit.pk}:{stamp(until)}",
    )


def notify_round_deadlines(campaign: Campaign, number: int, deadlines: str, key: str) -> None:
    """A round's deadlines were set or changed: tell the people of every unit in scope
    (`deadlines`: the new deadlines, in words)."""
    notify(
        users=people_of(campaign.units.all()),
        kind="deadline_changed",
        campaign=campaign,
        title=gettext("Hạn thẩm định vòng %(number)s của %(campaign)s: %(deadlines)s")
        % {"number": number, "campaign": campaign.title, "deadlines": deadlines},
        body=gettext(
            "Khi tổ thẩm định trả kết quả vòng này, đơn vị giải trình, bổ sung trước hạn bổ sung."
        ),
        url=reverse("assessments:mine"),
        key=key,
    )
