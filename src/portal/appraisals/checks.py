"""The facts the guard rails of portal.workflow.guards read, gathered for every unit of a
campaign at once (a fixed number of queries), and the blockers of each move: the round
moves (rounds.py enforces them), finalization, and the campaign's moves the office makes
(the campaign page passes `campaign_blockers` to campaigns.services.campaign_transition,
which sits below the submissions and the team and cannot read them)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Max
from django.utils.translation import gettext

from dti.framework.model import Framework
from portal.appraisals.models import Appraisal, Response, TeamMember
from portal.appraisals.selectors import applicable_leaves, frameworks_of
from portal.assessments.deadlines import self_assessment_facts
from portal.campaigns.models import AppraisalRound, Campaign, HistoricResult
from portal.campaigns.services import opening_problems
from portal.workflow import RoundState
from portal.workflow.guards import (
    AppraisalStartFacts,
    Blocker,
    RoundGuardFacts,
    UnitGap,
    close_round_blockers,
    close_self_assessment_blockers,
    publish_blockers,
    start_appraisal_blockers,
    unscored_blockers,
)

UNSCORED_MOVES = frozenset({"return_results", "agree"})


def unscored(
    campaign: Campaign, number: int, frameworks: dict[str, Framework] | None = None
) -> tuple[UnitGap, ...]:
    """The units with criteria that apply to them and that the team has scored in no round
    up to `number`, with how many (three queries, whatever the number of units; two when
    the levels' `frameworks` are given)."""
    frameworks = frameworks if frameworks is not None else frameworks_of(campaign)
    scored: defaultdict[int, set[str]] = defaultdict(set)
    rows = Appraisal.objects.filter(
        campaign_unit__campaign=campaign, round__number__lte=number, value__isnull=False
    ).values_list("campaign_unit_id", "criterion")
    for campaign_unit_id, criterion in rows.distinct():
        scored[campaign_unit_id].add(criterion)
    gaps = []
    for row in campaign.units.select_related("unit").order_by("unit__name"):
        framework = frameworks.get(row.level)
        if framework is None:
            continue
        codes = {leaf.code for leaf in applicable_leaves(framework, row.unit)}
        missing = len(codes - scored[row.pk])
        if missing:
            gaps.append(UnitGap(row.unit.name, missing))
    return tuple(gaps)


def unanswered(round: AppraisalRound) -> tuple[UnitGap, ...]:
    """The units with supplement requests of this round they have not answered."""
    answered = set(
        Response.objects.filter(round=round).values_list("campaign_unit_id", "criterion")
    )
    counts: defaultdict[str, int] = defaultdict(int)
    requests = Appraisal.objects.filter(round=round, supplement_requested=True).values_list(
        "campaign_unit_id", "criterion", "campaign_unit__unit__name"
    )
    for campaign_unit_id, criterion, name in requests:
        if (campaign_unit_id, criterion) not in answered:
            counts[name] += 1
    return tuple(UnitGap(name, counts[name]) for name in sorted(counts))


def supplement_due(round: AppraisalRound) -> datetime | None:
    """The units' last supplement deadline of the round: the round's, or a later one set
    on a criterion."""
    latest = Appraisal.objects.filter(round=round, supplement_requested=True).aggregate(
        Max("supplement_due")
    )["supplement_due__max"]
    dues = [d for d in (round.supplement_due, latest) if d is not None]
    return max(dues) if dues else None


def round_blockers(
    campaign: Campaign,
    round: AppraisalRound,
    action: str,
    now: datetime,
    frameworks: dict[str, Framework] | None = None,
) -> list[Blocker]:
    """The guard rails of a round move (the table and the round order are asked first)."""
    if action in UNSCORED_MOVES:
        gaps = unscored(campaign, round.number, frameworks)
        facts = RoundGuardFacts(round.number, unscored=gaps)
        return unscored_blockers(facts)
    if action == "close_round":
        facts = RoundGuardFacts(
            round.number, supplement_due=supplement_due(round), unanswered=unanswered(round)
        )
        return close_round_blockers(facts, now)
    return []


def finalize_blockers(campaign: Campaign) -> list[Blocker]:
    """Finalizing needs the final round agreed (hard); units with criteria never scored
    keep the values they declared (overridable)."""
    rounds = list(AppraisalRound.objects.filter(campaign=campaign))
    final = next((r for r in rounds if r.final), None)
    if final is None:
        text = gettext("Đợt chưa có vòng cuối: Sở chủ trì chọn vòng cuối trên trang thẩm định.")
        return [Blocker(text, hard=True)]
    if final.state != RoundState.AGREED:
        text = gettext("Vòng cuối (vòng %(number)s) chưa được tổ thống nhất điểm.") % {
            "number": final.number
        }
        return [Blocker(text, hard=True)]
    return unscored_blockers(
        RoundGuardFacts(final.number, unscored=unscored(campaign, final.number))
    )


def campaign_blockers(campaign: Campaign, action: str, now: datetime) -> list[Blocker]:
    """The guard rails of a campaign move."""
    if action == "open":
        return [Blocker(text, hard=True) for text in opening_problems(campaign, now)]
    if action == "close_self_assessment":
        return close_self_assessment_blockers(self_assessment_facts(campaign), now)
    if action == "start_appraisal":
        facts = AppraisalStartFacts(
            rounds=AppraisalRound.objects.filter(campaign=campaign).count(),
            chair=TeamMember.objects.filter(campaign=campaign, chair=True).exists(),
        )
        return start_appraisal_blockers(facts)
    if action == "finalize":
        return finalize_blockers(campaign)
    if action == "publish":
        with_result = HistoricResult.objects.filter(campaign_unit__campaign=campaign)
        missing = (
            campaign.units.exclude(pk__in=with_result.values("campaign_unit_id"))
            .select_related("unit")
            .order_by("unit__name")
        )
        return publish_blockers([row.unit.name for row in missing])
    return []
