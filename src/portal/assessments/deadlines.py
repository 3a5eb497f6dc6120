"""What a self-assessment deadline means for the units: which of them have not finished
(sent for approval or approved), which a deadline would lock out, and telling the people
of the units concerned when a deadline changes, when a unit is given more time, and when a
deadline set in the past locks them out. The campaigns app sets deadlines; it cannot notify
(it sits below the notifications), so the office's pages call these after the change, and
the progress table's bulk form extends through `units_extend`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.campaigns.models import Campaign, CampaignUnit
from portal.campaigns.schedule import campaign_units_extend
from portal.moments import moment_text
from portal.notifications.reminders import active_people_of_units
from portal.notifications.services import Message, notify, notify_many
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


def concerned(
    campaign: Campaign, before: datetime | None, deadline: datetime
) -> list[CampaignUnit]:
    """The units a change of the campaign's deadline from `before` to `deadline` concerns:
    those that have not sent their self-assessment, but for a unit whose extension runs past
    both deadlines (its own deadline did not change)."""
    return [
        row
        for row in unfinished(campaign)
        if row.extension_until is None
        or row.extension_until <= deadline
        or (before is not None and row.extension_until <= before)
    ]


def notify_deadline_changed(
    campaign: Campaign, before: datetime | None, deadline: datetime | None, now: datetime
) -> None:
    """The campaign's self-assessment deadline moved from `before` to `deadline`: tell the
    units concerned (`concerned`) their new deadline, or, when it has passed for them, that
    they cannot edit any more."""
    if deadline is None:
        return
    when = stamp(deadline)
    rows = concerned(campaign, before, deadline)
    shut = [row for row in rows if deadline_passed(own_deadline(row, deadline), now)]
    shut_ids = {row.pk for row in shut}
    rest = [row for row in rows if row.pk not in shut_ids]
    notify(
        users=people_of(rest),
        kind="deadline_changed",
        campaign=campaign,
        title=gettext("Hạn tự đánh giá của %(campaign)s đổi thành %(deadline)s")
        % {"campaign": campaign.title, "deadline": moment_text(deadline)},
        body=gettext("Đơn vị gửi bản tự đánh giá để phê duyệt trước hạn mới."),
        url=reverse("assessments:mine"),
        key=f"deadline_changed:{campaign.pk}:{when}",
    )
    notify_locked_out(campaign, shut, deadline, key=f"locked_out:{campaign.pk}:{when}")


def own_deadline(row: CampaignUnit, deadline: datetime) -> datetime:
    """A unit's own deadline under the campaign's `deadline`: its extension when later."""
    return max(deadline, row.extension_until or deadline)


def notify_locked_out(
    campaign: Campaign, campaign_units: Sequence[CampaignUnit], deadline: datetime, key: str
) -> None:
    """A deadline set in the past locks these units out: say so to their people."""
    if not campaign_units:
        return
    title, body = _locked_out_words(campaign, deadline)
    notify(
        users=people_of(campaign_units),
        kind="deadline_changed",  # a change that locks the unit out: said in the title
        campaign=campaign,
        title=title,
        body=body,
        url=reverse("assessments:mine"),
        key=key,
    )


def _locked_out_words(campaign: Campaign, deadline: datetime) -> tuple[str, str]:
    title = gettext("Hạn tự đánh giá của %(campaign)s đã qua (%(deadline)s)") % {
        "campaign": campaign.title,
        "deadline": moment_text(deadline),
    }
    body = gettext(
        "Đơn vị không sửa, không gửi được bản tự đánh giá nữa. Nếu cần thêm thời gian, "
        "liên hệ Sở chủ trì để được gia hạn."
    )
    return title, body


def notify_extended(campaign_unit: CampaignUnit, until: datetime, now: datetime) -> None:
    """A unit was given more time: tell its people (`notify_extensions`)."""
    notify_extensions(campaign_unit.campaign, [campaign_unit], until, now)


def notify_extensions(
    campaign: Campaign, campaign_units: Sequence[CampaignUnit], until: datetime, now: datetime
) -> None:
    """These units were given more time, to `until`: tell the people of each its new
    deadline or, when `until` has already passed, that the unit is locked out. A fixed
    number of queries however many units."""
    people = active_people_of_units([row.unit_id for row in campaign_units], UNIT_ROLES)
    messages = []
    for row in campaign_units:
        if until <= now:
            title, body = _locked_out_words(campaign, until)
            url, key = reverse("assessments:mine"), f"locked_out:{campaign.pk}:{row.pk}"
        else:
            title = gettext("%(unit)s được gia hạn tự đánh giá đến %(deadline)s") % {
                "unit": row.unit.name,
                "deadline": moment_text(until),
            }
            body = gettext("Đơn vị gửi bản tự đánh giá để phê duyệt trước hạn mới.")
            url, key = _url(row), f"deadline_extended:{row.pk}"
        messages.append(Message(people[row.unit_id], title, body, url, f"{key}:{stamp(until)}"))
    kind = "deadline_changed" if until <= now else "deadline_extended"
    notify_many(messages=messages, kind=kind, campaign=campaign)


@transaction.atomic
def units_extend(
    *,
    campaign: Campaign,
    campaign_units: list[CampaignUnit],
    until: datetime,
    user: User,
    reason: str = "",
) -> list[CampaignUnit]:
    """portal.campaigns.schedule.campaign_units_extend (all or nothing), then the notices to
    the people of the units extended: what the campaign page's bulk form calls."""
    done = campaign_units_extend(
        campaign_units=campaign_units, until=until, user=user, reason=reason
    )
    notify_extensions(campaign, done, until, timezone.now())
    return done


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
