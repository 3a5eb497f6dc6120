"""Reading the unit's side of appraisal: which rounds a unit is shown, when its responses
are due, and the results page of one round, for the reach a person has
(portal.appraisals.permissions.get_unit_access_for_user).

Two reaches, as on the team's pages (portal.appraisals.permissions.get_campaign_unit_for_team): the
province's office admin, leadership and appraisers and the campaign's team see every round;
the unit's own reporter and approver see only the rounds whose results were returned to
them (a round returned or closed; the final round once the campaign is finalized). A team
member who reports or approves for the unit, without a province-wide role, reaches it as
the unit does: nobody reads the team's unfinished scoring of his own unit. Everyone else
(another unit's people, another province's) gets 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from dti.framework.model import Framework, Node, Source
from portal.accounts.permissions import AnyUser
from portal.answers import answer_label
from portal.appraisals.models import Appraisal, EvidenceVerdict, Response
from portal.appraisals.permissions import UnitAccess, main_index_of
from portal.appraisals.values import Trail, trail_for
from portal.assessments.models import Evidence
from portal.assessments.selectors import framework_for
from portal.campaigns.models import AppraisalRound, Campaign, CampaignLevel, CampaignUnit
from portal.frameworks.scoring import LiveScore, points_text, score_answers
from portal.moments import moment_text
from portal.roles import UNIT_ROLES
from portal.workflow import CampaignState, RoundState, deadline_passed, results_returned_to_unit


def returned_to_unit(round: AppraisalRound, campaign: Campaign) -> bool:
    """Whether the round's results are the unit's to see (portal.workflow decides)."""
    return results_returned_to_unit(
        round_state=round.state, final=round.final, campaign_state=campaign.state
    )


def rounds_for(access: UnitAccess) -> list[AppraisalRound]:
    """The rounds this person is shown, ascending: every round the team has started for the
    full reach, only the returned ones for the unit."""
    campaign = access.campaign_unit.campaign
    rounds = AppraisalRound.objects.filter(campaign=campaign).exclude(state=RoundState.PLANNED)
    if access.full:
        return list(rounds)
    return [r for r in rounds if returned_to_unit(r, campaign)]


def response_due(round: AppraisalRound, appraisal: Appraisal | None) -> datetime | None:
    """When the unit's response to one criterion is due: the team's own deadline for it
    when set (Appraisal.supplement_due), else the round's (None: no deadline at all). The
    same rule the team's notification of returned results states."""
    return criterion_due(round, appraisal.supplement_due if appraisal is not None else None)


def criterion_due(round: AppraisalRound, own: datetime | None) -> datetime | None:
    """`response_due` from the team's own deadline for the criterion (`own`, None when it
    set none), for a caller that read those of many criteria at once."""
    return own if own is not None else round.supplement_due


def date_text(moment: datetime) -> str:
    return moment_text(moment)


# ---- the results returned to the unit ------------------------------------------------------


@dataclass
class EvidenceLine:
    item: Evidence
    verdict: EvidenceVerdict | None  # the team's, in the round shown
    supplemented: bool  # filed in answer to the round shown


@dataclass
class ResultRow:
    node: Node
    applies: bool
    system: bool
    self_text: str
    self_points: str
    appraised_text: str
    appraised_points: str
    max: str
    lowered: bool  # the team scored it below the self-score
    appraisal: Appraisal | None  # the team's row in the round shown (remark, request)
    response: Response | None
    response_text: str  # the value the unit supplemented, in words
    due: datetime | None
    overdue: bool
    open: bool  # the reporter may respond to it now
    evidence: list[EvidenceLine] = field(default_factory=list)
    form: Any = None  # unit_forms.RowForm, for the reporter while the row is open
    notice: Any = None  # assessments.uploads.CriterionNotice: an evidence move's outcome


@dataclass
class ResultIndex:
    node: Node
    self_points: str
    appraised_points: str
    max: str
    rows: list[ResultRow]


@dataclass
class Totals:
    points: str
    max: str
    ratio: str
    class_label: str


@dataclass
class UnitResults:
    access: UnitAccess
    framework: Framework
    round: AppraisalRound | None  # None: nothing returned yet
    returned: list[AppraisalRound]  # every round returned to the unit, to switch between
    indices: list[ResultIndex]
    self_total: Totals | None
    appraised_total: Totals | None
    responding: bool  # the round takes responses now (returned, reporter)
    trail: Trail | None = None


def unit_results(access: UnitAccess, number: int | None = None) -> UnitResults:
    """The results of round `number` (default: the latest returned) as the unit sees them.
    The same page for every reader: the team sees exactly what was returned."""
    campaign_unit = access.campaign_unit
    framework = framework_for(campaign_unit)
    returned = [r for r in rounds_for(access) if returned_to_unit(r, campaign_unit.campaign)]
    chosen = [r for r in returned if number is None or r.number == number]
    if number is not None and not chosen:
        raise Http404(gettext("Vòng thẩm định này chưa trả kết quả cho đơn vị."))
    if not chosen:
        return UnitResults(access, framework, None, returned, [], None, None, False)
    round = chosen[-1]
    trail = trail_for(campaign_unit)
    codes = [leaf.code for leaf in framework.leaves]
    own = score_answers(framework, campaign_unit.unit, trail.values_at(0, codes))
    appraised = score_answers(framework, campaign_unit.unit, trail.values_at(round.number, codes))
    responding = (
        access.reporter
        and round.state == RoundState.RETURNED
        and campaign_unit.campaign.state == CampaignState.IN_APPRAISAL
    )
    rows = _rows(framework, campaign_unit, round, trail, (own, appraised), responding)
    indices = [
        ResultIndex(
            index,
            points_text(own.scores.get(index.code, Decimal(0))),
            points_text(appraised.scores.get(index.code, Decimal(0))),
            points_text(index.max),
            [row for row in rows if main_index_of(framework, row.node.code) == index.code],
        )
        for index in framework.main_indices
    ]
    return UnitResults(
        access,
        framework,
        round,
        returned,
        indices,
        _totals(own),
        _totals(appraised),
        responding,
        trail,
    )


def _totals(live: LiveScore) -> Totals:
    return Totals(
        points_text(live.total),
        points_text(live.applicable_max),
        f"{points_text(live.ratio)}%",
        live.class_label or "",
    )


def _rows(
    framework: Framework,
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    trail: Trail,
    scores: tuple[LiveScore, LiveScore],
    responding: bool,
) -> list[ResultRow]:
    own, appraised = scores
    evidence = _evidence_by_criterion(campaign_unit, round)
    now = timezone.now()
    rows = []
    for leaf in framework.leaves:
        code = leaf.code
        appraisal = trail.scored_in(code, round.number)
        due = response_due(round, appraisal)
        applies = appraised.applies.get(code, True)
        own_points = own.scores.get(code, Decimal(0))
        points = appraised.scores.get(code, Decimal(0))
        response = trail.responses.get((round.number, code))
        supplemented = response.value if response is not None else None
        rows.append(
            ResultRow(
                node=leaf,
                applies=applies,
                system=leaf.source is Source.SYSTEM,
                self_text=answer_label(leaf, trail.values_at(0, [code])[code]),
                self_points=points_text(own_points),
                appraised_text=answer_label(leaf, trail.appraised(code, round.number)),
                appraised_points=points_text(points),
                max=points_text(leaf.max),
                lowered=points < own_points,
                appraisal=appraisal,
                response=response,
                response_text=answer_label(leaf, supplemented) if supplemented is not None else "",
                due=due,
                overdue=deadline_passed(due, now),
                open=responding and applies and not deadline_passed(due, now),
                evidence=evidence.get(code, []),
            )
        )
    return rows


def _evidence_by_criterion(
    campaign_unit: CampaignUnit, round: AppraisalRound
) -> dict[str, list[EvidenceLine]]:
    """The unit's evidence filed up to this round, each with the team's verdict in it."""
    verdicts = {
        v.evidence_id: v
        for v in EvidenceVerdict.objects.filter(
            round=round, evidence__submission__campaign_unit=campaign_unit
        )
    }
    items = Evidence.objects.filter(submission__campaign_unit=campaign_unit).select_related("round")
    items = items.prefetch_related("signatures")
    lines: dict[str, list[EvidenceLine]] = {}
    for item in items:
        if item.round is not None and item.round.number > round.number:
            continue  # filed in answer to a later round
        line = EvidenceLine(item, verdicts.get(item.pk), item.round_id == round.pk)
        lines.setdefault(item.criterion, []).append(line)
    return lines


# ---- what needs the unit's attention -----------------------------------------------------------


@dataclass
class Pending:
    """A supplement the team asked for and the unit has not answered yet."""

    round: AppraisalRound
    code: str
    name: str
    request: str
    due: datetime | None
    overdue: bool


@dataclass
class RoundTodo:
    round: AppraisalRound
    due: datetime | None  # the round's own supplement deadline
    scored: int  # criteria the team scored or remarked on in the round
    answered: int  # criteria the unit has responded to


@dataclass
class UnitTodo:
    campaign_unit: CampaignUnit
    rounds: list[RoundTodo]
    pending: list[Pending]  # soonest deadline first; none last


def unit_todo(user: AnyUser) -> list[UnitTodo]:
    """Per unit the user reports or approves for, in campaigns being appraised: the rounds
    returned and awaiting its response, and the supplements still unanswered. Five queries,
    however many units, rounds and criteria."""
    if not user.is_authenticated:
        return []
    campaign_units = list(
        CampaignUnit.objects.filter(
            unit__memberships__user=user,
            unit__memberships__role__in=list(UNIT_ROLES),
            campaign__state=CampaignState.IN_APPRAISAL,
            campaign__historic=False,
        )
        .select_related("campaign", "unit")
        .distinct()
        .order_by("-campaign__year", "campaign__title", "unit__name")
    )
    rounds = list(
        AppraisalRound.objects.filter(
            campaign__in={e.campaign_id for e in campaign_units}, state=RoundState.RETURNED
        )
    )
    appraisals = list(Appraisal.objects.filter(campaign_unit__in=campaign_units, round__in=rounds))
    answered = set(
        Response.objects.filter(campaign_unit__in=campaign_units, round__in=rounds).values_list(
            "campaign_unit_id", "round_id", "criterion"
        )
    )
    names = _criterion_names(campaign_units)
    result = []
    for campaign_unit in campaign_units:
        mine = [r for r in rounds if r.campaign_id == campaign_unit.campaign_id]
        scored = [a for a in appraisals if a.campaign_unit_id == campaign_unit.pk]
        todo = UnitTodo(campaign_unit, [], [])
        for round in mine:
            keys = {
                (campaign_unit.pk, round.pk, a.criterion) for a in scored if a.round_id == round.pk
            }
            todo.rounds.append(
                RoundTodo(round, round.supplement_due, len(keys), len(keys & answered))
            )
        todo.pending = _pending(
            campaign_unit, mine, scored, answered, names.get(campaign_unit.pk, {})
        )
        if todo.rounds:
            result.append(todo)
    return result


def _pending(
    campaign_unit: CampaignUnit,
    rounds: list[AppraisalRound],
    scored: list[Appraisal],
    answered: set[tuple[int, int, str]],
    names: dict[str, str],
) -> list[Pending]:
    by_pk, now = {r.pk: r for r in rounds}, timezone.now()
    pending = []
    for appraisal in scored:
        round = by_pk[appraisal.round_id]
        if not appraisal.supplement_requested:
            continue
        if (campaign_unit.pk, round.pk, appraisal.criterion) in answered:
            continue
        due = response_due(round, appraisal)
        pending.append(
            Pending(
                round,
                appraisal.criterion,
                names.get(appraisal.criterion, appraisal.criterion),
                appraisal.supplement_request,
                due,
                deadline_passed(due, now),
            )
        )
    far = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    return sorted(pending, key=lambda p: (p.due or far, p.round.number, p.code))


def _criterion_names(campaign_units: list[CampaignUnit]) -> dict[int, dict[str, str]]:
    """Each campaign unit's criterion names, from its level's framework (one query)."""
    levels = CampaignLevel.objects.filter(
        campaign__in={e.campaign_id for e in campaign_units}
    ).select_related("framework")
    built = {(level.campaign_id, level.level): level.framework.build() for level in levels}
    names = {}
    for campaign_unit in campaign_units:
        framework = built.get((campaign_unit.campaign_id, campaign_unit.level))
        names[campaign_unit.pk] = {n.code: n.name for n in framework.all_nodes} if framework else {}
    return names
