"""Reminders of deadlines (`manage.py send_reminders`): what one is and what every kind shares.
The app that owns a deadline finds its own (portal.assessments.reminders,
portal.appraisals.reminders); the notifications app sends them.

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
from datetime import UTC, datetime

from portal.accounts.models import Membership, User
from portal.campaigns.models import Campaign
from portal.notifications.models import Kind

SELF_ASSESSMENT = Kind.DEADLINE_SELF_ASSESSMENT.value
APPRAISAL = Kind.DEADLINE_APPRAISAL.value
SUPPLEMENT = Kind.DEADLINE_SUPPLEMENT.value
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


def active_people_of_units(
    ids: Iterable[int], roles: Iterable[str]
) -> defaultdict[int, list[User]]:
    """The active people holding one of `roles` for each unit (by unit id; a person holding
    two of them once), in one query."""
    people: defaultdict[int, list[User]] = defaultdict(list)
    held = Membership.objects.filter(
        unit_id__in=set(ids), role__in=list(roles), user__is_active=True
    ).select_related("user")
    for membership in held:
        assert membership.unit_id is not None  # filtered on it above
        if membership.user not in people[membership.unit_id]:
            people[membership.unit_id].append(membership.user)
    return people


def reminder_key(*parts: object, deadline: datetime) -> str:
    """ "deadline:<kind>:<ids>:<deadline in UTC>": the same deadline gives the same key on
    every run; a moved one, a new key."""
    stamp = deadline.astimezone(UTC).isoformat()
    return ":".join(["deadline", *map(str, parts), stamp])
