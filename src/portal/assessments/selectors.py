"""Reading self-assessments: the campaign units a person works on, the framework and answers
of one, and whether it can still be changed (state, campaign, deadline)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.models import JSONField, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from dti.framework.model import Framework
from portal.accounts.permissions import AnyUser
from portal.assessments.models import Answer, Evidence, Submission, SubmissionEvent
from portal.campaigns.deadlines import is_late
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit
from portal.compiled import Compiled
from portal.frameworks.scoring import applicability, required, unit_attributes
from portal.moments import moment_text
from portal.roles import UNIT_ROLES, Role
from portal.workflow import (
    CampaignState,
    SubmissionState,
    deadline_passed,
    self_assessment_refusal,
    submission_edit_refusal,
)

S = SubmissionState


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


OPENED_KEPT = 256  # levels of opened campaigns whose framework a process keeps built
_OPENED: dict[tuple[int, str], Framework] = {}


def framework_for(campaign_unit: CampaignUnit) -> Framework:
    """The core framework of the campaign unit's level in its campaign. Once the campaign
    is opened, its levels and their frameworks can no longer change: each process then
    reads and builds it once (every save of a unit's answers asks for it)."""
    key = (campaign_unit.campaign_id, campaign_unit.level)
    opened = (
        CampaignUnit.campaign.is_cached(campaign_unit)
        and campaign_unit.campaign.state != CampaignState.DRAFT
    )
    if opened and key in _OPENED:
        return _OPENED[key]
    level = (
        CampaignLevel.objects.select_related("framework")
        .filter(campaign_id=campaign_unit.campaign_id, level=campaign_unit.level)
        .first()
    )
    if level is None:
        raise Http404(gettext("Đợt đánh giá chưa có bộ chỉ số cho khối của đơn vị."))
    built = level.framework.build()
    if opened:
        if len(_OPENED) >= OPENED_KEPT:
            _OPENED.pop(next(iter(_OPENED)), None)  # the oldest first
        _OPENED[key] = built
    return built


def submission_for(campaign_unit: CampaignUnit) -> Submission:
    """The campaign unit's submission; an unsaved, not-started one if nobody has written yet."""
    try:
        return campaign_unit.submission
    except Submission.DoesNotExist:
        return Submission(campaign_unit=campaign_unit)


def answers_of(submission: Submission, *, with_people: bool = True) -> dict[str, Answer]:
    """The submission's answers by criterion; `with_people`: who saved each and when, read
    with them. Without, only what a save compares and writes back (id, value, note,
    version, and who saved it last by id): it reads the people of conflicts alone, and
    reads these without composing their query each time (portal.compiled)."""
    if submission.pk is None:
        return {}
    if not with_people:
        return _compared(submission.pk)
    answers = Answer.objects.filter(submission=submission).select_related("updated_by")
    return {answer.criterion: answer for answer in answers}


# in the model's order of fields, by attribute name
_COMPARED = ("id", "criterion", "value", "note", "version", "updated_by_id")
_COMPARED_READ = Compiled(
    lambda submission: Answer.objects.filter(submission_id=submission).values_list(*_COMPARED),
    "submission",
)


def _compared(submission_id: int) -> dict[str, Answer]:
    alias = router.db_for_read(Answer)  # one database, read and decoded
    connection = connections[alias]
    value = Answer._meta.get_field("value")  # its JSON, decoded as the ORM decodes it
    answers = {}
    rows = _COMPARED_READ.rows(alias, submission=submission_id)
    # As Answer.from_db builds them (the other fields deferred, loaded if read), without
    # Model.__init__'s walk over every field: that was a sixth of a save's CPU on
    # PostgreSQL. Its signals have no receiver for answers, and the model builds and loads
    # its instances as Django's does; if either ever changes, the ORM's own way is taken.
    fast = not (pre_init.has_listeners(Answer) or post_init.has_listeners(Answer)) and (
        Answer.__init__ is Model.__init__
        and getattr(Answer.from_db, "__func__", None) is getattr(Model.from_db, "__func__", 0)
    )
    values = _decoded([row[2] for row in rows], value, connection)
    for (pk, criterion, _, note, version, by), decoded in zip(rows, values, strict=True):
        row = (pk, criterion, decoded, note, version, by)
        if not fast:
            answers[criterion] = Answer.from_db(alias, _COMPARED, row)
            continue
        answer = Answer.__new__(Answer)
        state = ModelState()
        state.adding, state.db = False, alias
        answer.__dict__.update(zip(_COMPARED, row, strict=True), _state=state)
        answers[criterion] = answer
    return answers


def _decoded(texts: list[Any], field: JSONField[Any, Any], connection: Any) -> list[Any]:
    """The JSON values of `field` read as `texts`, as the field decodes each: all of them in
    one reading of one array where the field is Django's own JSON field with no decoder and
    each text is a text or null (80 readings of one answer each were a twentieth of a save's
    CPU); one at a time otherwise, or when the array does not read as one value a text.

    That the array gives each text's own value rests on the database: its column holds only
    valid JSON (PostgreSQL's jsonb, SQLite's JSON_VALID check; the answers' tests write
    text that is not JSON into it and are refused). The count of values catches some texts
    that are not JSON, not all: "[1" and "2]" would read together as one list."""
    if (
        field.decoder is None
        and type(field).from_db_value is JSONField.from_db_value
        and all(text is None or type(text) is str for text in texts)
    ):
        joined = ",".join("null" if text is None else text for text in texts)
        try:
            values = json.loads(f"[{joined}]")
        except (json.JSONDecodeError, RecursionError):  # nested one level deeper than each
            values = None
        if isinstance(values, list) and len(values) == len(texts):
            return values
    return [field.from_db_value(text, field.cached_col, connection) for text in texts]


def evidence_of(submission: Submission) -> dict[str, list[Evidence]]:
    by_criterion: dict[str, list[Evidence]] = {}
    if submission.pk is None:
        return by_criterion
    items = Evidence.objects.filter(submission=submission)
    items = items.select_related("uploaded_by").prefetch_related("signatures")
    for item in items:
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


# ---- the start page: what the unit's people and the office have to do ------------------


@dataclass(frozen=True)
class UnitTask:
    """A unit's self-assessment that waits on the person: to fill in (reporter) or to
    approve (approver)."""

    campaign_unit: CampaignUnit
    state: str
    deadline: datetime | None
    late: bool
    remaining: int  # criteria the unit has still to answer
    returned_note: str  # the approver's reason, when the draft came back to the unit


def unit_tasks(user: AnyUser, role: Role, now: datetime | None = None) -> list[UnitTask]:
    """The self-assessments of the user's units (held as `role`) in open campaigns that wait
    on him: not yet sent (reporter), or sent and awaiting approval (approver). Soonest
    deadline first. Five queries, however many units."""
    if not user.is_authenticated:
        return []
    waiting = [S.SUBMITTED] if role == Role.APPROVER else [S.NOT_STARTED, S.DRAFT]
    last_event = SubmissionEvent.objects.filter(submission=OuterRef("submission")).order_by(
        "-at", "-pk"
    )
    campaign_units = list(
        CampaignUnit.objects.filter(
            unit__memberships__user=user,
            unit__memberships__role=role,
            campaign__state=CampaignState.OPEN,
            campaign__historic=False,
        )
        .filter(Q(submission__isnull=True) | Q(submission__state__in=waiting))
        .select_related("campaign", "unit", "submission")
        .annotate(
            last_action=Subquery(last_event.values("action")[:1]),
            last_note=Subquery(last_event.values("note")[:1]),
        )
        .distinct()
    )
    if role == Role.APPROVER:  # nothing to approve before the unit sends
        campaign_units = [c for c in campaign_units if _state(c) == S.SUBMITTED]
    remaining = _remaining(campaign_units) if role == Role.REPORTER else {}
    now = now or timezone.now()
    tasks = [
        UnitTask(
            campaign_unit=campaign_unit,
            state=_state(campaign_unit),
            deadline=deadline_of(campaign_unit),
            late=is_late(deadline_of(campaign_unit), _state(campaign_unit), now),
            remaining=remaining.get(campaign_unit.pk, 0),
            returned_note=(
                campaign_unit.last_note or ""
                if campaign_unit.last_action == "return" and _state(campaign_unit) == S.DRAFT
                else ""
            ),
        )
        for campaign_unit in campaign_units
    ]
    return sorted(tasks, key=lambda task: soonest(task.deadline))


def soonest(deadline: datetime | None) -> tuple[bool, datetime]:
    """Sort key: the soonest deadline first, none last."""
    return (deadline is None, deadline or timezone.now())


def _state(campaign_unit: CampaignUnit) -> str:
    try:
        return campaign_unit.submission.state
    except Submission.DoesNotExist:
        return S.NOT_STARTED


def _remaining(campaign_units: Sequence[CampaignUnit]) -> dict[int, int]:
    """Per campaign unit: the criteria it answers (those that apply, but the shared systems')
    not answered yet. Two queries; each framework is built once."""
    levels = CampaignLevel.objects.filter(
        campaign_id__in={c.campaign_id for c in campaign_units}
    ).select_related("framework")
    built: dict[int, Framework] = {}
    frameworks: dict[tuple[int, str], Framework] = {}
    for level in levels:
        if level.framework_id not in built:
            built[level.framework_id] = level.framework.build()
        frameworks[(level.campaign_id, level.level)] = built[level.framework_id]
    answered: dict[int, set[str]] = {}
    for campaign_unit_id, code in Answer.objects.filter(
        submission__campaign_unit__in=campaign_units, value__isnull=False
    ).values_list("submission__campaign_unit_id", "criterion"):
        answered.setdefault(campaign_unit_id, set()).add(code)
    counts = {}
    for campaign_unit in campaign_units:
        framework = frameworks.get((campaign_unit.campaign_id, campaign_unit.level))
        if framework is None:
            continue
        try:
            applies = applicability(framework, unit_attributes(campaign_unit.unit))
        except ValueError:  # an attribute is missing: the form says so
            continue
        codes = {leaf.code for leaf in framework.leaves if required(leaf) and applies[leaf.code]}
        counts[campaign_unit.pk] = len(codes - answered.get(campaign_unit.pk, set()))
    return counts


@dataclass(frozen=True)
class CampaignProgress:
    """A campaign's self-assessment in numbers, for the office's and the leaders' start
    pages: units per state, late units, and the self-assessment deadline."""

    campaign: Campaign
    counts: dict[str, int]  # submission state -> units
    late: int
    total: int

    @property
    def waiting_approval(self) -> int:
        return self.counts.get(S.SUBMITTED, 0)


def campaigns_progress(
    campaigns: list[Campaign], now: datetime | None = None
) -> list[CampaignProgress]:
    """Each campaign's units by state, and how many are late. One query, however many
    units."""
    now = now or timezone.now()
    rows = CampaignUnit.objects.filter(campaign__in=campaigns).values_list(
        "campaign_id", "submission__state", "extension_until"
    )
    by_campaign = {campaign.pk: campaign for campaign in campaigns}
    counts: dict[int, dict[str, int]] = {campaign.pk: {} for campaign in campaigns}
    late: dict[int, int] = dict.fromkeys(by_campaign, 0)
    for campaign_id, state, extension in rows:
        state = state or S.NOT_STARTED
        counts[campaign_id][state] = counts[campaign_id].get(state, 0) + 1
        campaign = by_campaign[campaign_id]
        deadline = campaign.self_assessment_deadline
        if deadline is not None and extension is not None:
            deadline = max(deadline, extension)
        if campaign.state == CampaignState.OPEN and is_late(deadline, state, now):
            late[campaign_id] += 1
    return [
        CampaignProgress(
            campaign, counts[campaign.pk], late[campaign.pk], sum(counts[campaign.pk].values())
        )
        for campaign in campaigns
    ]
