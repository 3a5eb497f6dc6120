"""Reading the team's side of appraisal: which criteria apply to a unit, the round being
worked on, the team, the progress of every unit in a round, and an appraiser's to-do list
("Việc cần làm của tôi") across all his campaigns. Lists are read in a fixed number of
queries, whatever the number of units."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dti.framework.model import Framework, Node
from portal.accounts.permissions import AnyUser
from portal.appraisals.models import Appraisal, Assignment, Response, ResponseKind, TeamMember
from portal.appraisals.moves import move_block_reason
from portal.appraisals.permissions import codes_in, covering_indices, own_unit_ids
from portal.campaigns.models import AppraisalRound, Campaign, CampaignLevel, CampaignUnit
from portal.frameworks.scoring import applicability, unit_attributes
from portal.units.models import Unit
from portal.workflow import (
    ACTION_LABELS,
    ROUND_STATE_LABELS,
    CampaignState,
    Machine,
    RoundState,
    TeamRole,
    actions_for,
)

ATTENTION_REASONS = {
    "not_scored": gettext_lazy("Chưa chấm ở vòng này"),
    "supplemented": gettext_lazy("Đơn vị đã bổ sung, chưa chấm lại"),
}


def applicable_leaves(framework: Framework, unit: Unit) -> list[Node]:
    """The leaves that apply to the unit (every source: the team scores them all); none
    when the unit lacks an attribute the framework's conditions read."""
    try:
        applies = applicability(framework, unit_attributes(unit))
    except ValueError:
        return []
    return [leaf for leaf in framework.leaves if applies[leaf.code]]


def current_round(rounds: Sequence[AppraisalRound]) -> AppraisalRound | None:
    """The round being worked on: the latest one that has started, else the first."""
    started = [r for r in rounds if r.state != RoundState.PLANNED]
    if started:
        return max(started, key=lambda r: r.number)
    return min(rounds, key=lambda r: r.number) if rounds else None


def frameworks_of(campaign: Campaign | int) -> dict[str, Framework]:
    """Each level's framework, built once (level code -> framework)."""
    levels = CampaignLevel.objects.filter(
        campaign_id=campaign if isinstance(campaign, int) else campaign.pk
    ).select_related("framework")
    return {level.level: level.framework.build() for level in levels}


def team_of(campaign: Campaign) -> list[TeamMember]:
    """The team, chair first, each member with his assignments, each assignment with the
    name of its main index (`index_name`) as the campaign's frameworks say it (four queries)."""
    assignments = Assignment.objects.select_related("unit", "district").order_by("pk")
    team = list(
        TeamMember.objects.filter(campaign=campaign)
        .select_related("user")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("-chair", "user__full_name", "user__username")
    )
    names = {
        index.code: index.name
        for framework in frameworks_of(campaign).values()
        for index in framework.main_indices
    }
    for member in team:
        for assignment in member.assignments.all():
            assignment.index_name = names.get(assignment.index, assignment.index)  # type: ignore[attr-defined]  # an attribute for the page only
    return team


# ---- progress --------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    campaign_unit: CampaignUnit
    scored: int  # criteria the team scored in the round
    appraisable: int  # criteria that apply to the unit

    @property
    def done(self) -> bool:
        return self.appraisable > 0 and self.scored >= self.appraisable


def progress_of(
    campaign: Campaign, round: AppraisalRound | None, frameworks: dict[str, Framework]
) -> list[Progress]:
    """Per unit in scope: criteria scored by the team in `round` / criteria that apply."""
    campaign_units = list(campaign.units.select_related("unit").order_by("level", "unit__name"))
    counts: dict[int, int] = {}
    if round is not None:
        scored = (
            Appraisal.objects.filter(round=round, value__isnull=False)
            .values("campaign_unit_id")
            .annotate(n=Count("pk"))
        )
        counts = {row["campaign_unit_id"]: row["n"] for row in scored}
    return [
        Progress(
            campaign_unit,
            counts.get(campaign_unit.pk, 0),
            len(applicable_leaves(frameworks[campaign_unit.level], campaign_unit.unit))
            if campaign_unit.level in frameworks
            else 0,
        )
        for campaign_unit in campaign_units
    ]


# ---- the appraiser's to-do list --------------------------------------------------------


@dataclass(frozen=True)
class TodoItem:
    """One criterion an appraiser still has to score in a round being scored."""

    campaign_unit: CampaignUnit
    unit: Unit
    campaign: Campaign
    round: AppraisalRound
    code: str
    name: str
    reason: str  # "not_scored" or "supplemented" (ATTENTION_REASONS)
    url: str

    @property
    def reason_label(self) -> str:
        return str(ATTENTION_REASONS[self.reason])


def sheet_url(campaign_unit: CampaignUnit | int, number: int, code: str = "") -> str:
    pk = campaign_unit if isinstance(campaign_unit, int) else campaign_unit.pk
    url = reverse("appraisals:sheet", args=[pk, number])
    return f"{url}#tc-{code}" if code else url


def appraiser_todo(user: AnyUser, campaign: Campaign | None = None) -> list[TodoItem]:
    """Across every campaign in appraisal where the user sits on the team (or only
    `campaign`), in the round being scored: the criteria he may appraise and has not scored
    in this round — first those the unit supplemented in answer to the previous round."""
    if not user.is_authenticated:
        return []
    seats = TeamMember.objects.filter(
        user=user, campaign__state=CampaignState.IN_APPRAISAL
    ).select_related("campaign")
    if campaign is not None:
        seats = seats.filter(campaign=campaign)
    scoring = {
        r.campaign_id: r
        for r in AppraisalRound.objects.filter(
            campaign__team__user=user, state=RoundState.SCORING
        ).select_related("campaign")
    }
    members = [m for m in seats if m.campaign_id in scoring]
    if not members:
        return []
    own = own_unit_ids(user)
    assignments = _assignments_by_member(members)
    items: list[TodoItem] = []
    for member in members:
        round = scoring[member.campaign_id]
        items += _todo_in(member, round, assignments.get(member.pk, []), own)
    return items


def _assignments_by_member(members: Iterable[TeamMember]) -> dict[int, list[Assignment]]:
    by_member: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(member__in=list(members)):
        by_member.setdefault(assignment.member_id, []).append(assignment)
    return by_member


def _todo_in(
    member: TeamMember, round: AppraisalRound, assignments: list[Assignment], own: set[int]
) -> list[TodoItem]:
    if not assignments:
        return []
    campaign = round.campaign
    frameworks = frameworks_of(campaign)
    scored = set(
        Appraisal.objects.filter(round=round, value__isnull=False).values_list(
            "campaign_unit_id", "criterion"
        )
    )
    supplemented = set(
        Response.objects.filter(
            round__campaign=campaign,
            round__number=round.number - 1,
            kind=ResponseKind.SUPPLEMENT,
        ).values_list("campaign_unit_id", "criterion")
    )
    items = []
    campaign_units = campaign.units.select_related("unit").order_by("level", "unit__name")
    for campaign_unit in campaign_units:
        framework = frameworks.get(campaign_unit.level)
        if campaign_unit.unit_id in own or framework is None:
            continue
        indices = covering_indices(assignments, campaign_unit.unit_id, campaign_unit.unit.parent_id)
        mine = codes_in(framework, indices)
        for leaf in applicable_leaves(framework, campaign_unit.unit):
            key = (campaign_unit.pk, leaf.code)
            if leaf.code not in mine or key in scored:
                continue
            reason = "supplemented" if key in supplemented else "not_scored"
            url = sheet_url(campaign_unit, round.number, leaf.code)
            items.append(
                TodoItem(
                    campaign_unit,
                    campaign_unit.unit,
                    campaign,
                    round,
                    leaf.code,
                    leaf.name,
                    reason,
                    url,
                )
            )
    items.sort(key=lambda item: item.reason != "supplemented")  # stable: units stay in order
    return items


# ---- the chair's next moves ------------------------------------------------------------


@dataclass(frozen=True)
class ChairStep:
    """Where a campaign's appraisal stands for its chair: the round being worked on, the
    next move, and what blocks it ('' when nothing does)."""

    campaign: Campaign
    round: AppraisalRound | None
    move: str  # an action of portal.workflow (ACTION_LABELS), '' when none is left
    blocked: str
    due: datetime | None

    @property
    def move_label(self) -> str:
        return str(ACTION_LABELS[self.move]) if self.move else ""

    @property
    def round_label(self) -> str:
        return str(ROUND_STATE_LABELS[RoundState(self.round.state)]) if self.round else ""


def chair_steps(user: AnyUser) -> list[ChairStep]:
    """For every campaign in appraisal whose team the user chairs: the next move of the
    rounds (or finalizing, once the final round is agreed). Two queries."""
    if not user.is_authenticated:
        return []
    campaigns = [
        member.campaign
        for member in TeamMember.objects.filter(
            user=user, chair=True, campaign__state=CampaignState.IN_APPRAISAL
        ).select_related("campaign")
    ]
    rounds: dict[int, list[AppraisalRound]] = {campaign.pk: [] for campaign in campaigns}
    for round in AppraisalRound.objects.filter(campaign__in=campaigns).order_by("number"):
        rounds[round.campaign_id].append(round)
    return [_chair_step(campaign, rounds[campaign.pk]) for campaign in campaigns]


def _chair_step(campaign: Campaign, rounds: list[AppraisalRound]) -> ChairStep:
    by_number = {round.number: round for round in rounds}
    final = next((round for round in rounds if round.final), None)
    if final is not None and final.state == RoundState.AGREED:
        return ChairStep(campaign, final, "finalize", "", final.appraisal_due)
    blocked: ChairStep | None = None
    for round in rounds:
        moves = actions_for(Machine.ROUND, round.state, {TeamRole.CHAIR}, campaign.state)
        for move in moves:
            if move in ("score", "respond", "reopen_round"):
                continue
            due = round.supplement_due if round.state == RoundState.RETURNED else None
            reason = move_block_reason(round, move, by_number)
            step = ChairStep(campaign, round, move, reason, due or round.appraisal_due)
            if not reason:
                return step
            blocked = blocked or step
    return blocked or ChairStep(campaign, None, "", "", None)
