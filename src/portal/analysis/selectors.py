"""What the analysis pages read: a campaign's ranking as the official report computes it
(portal.campaigns.report), then the core's rank intervals or what-if ranking of it, as rows
a page shows. Nothing here writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from dti.fixedpoint import format_vi
from dti.framework.model import ClassBand, Comparability, RankingPolicy
from dti.rankings import Ranking, order_by_name
from dti.results import LevelResult
from dti.robustness import Uncertainty, rank_spread
from dti.weighting import half_up
from dti.whatif import Scenario, what_if
from portal.appraisals.final_results import level_result
from portal.appraisals.selectors import current_round
from portal.campaigns.models import AppraisalRound, Campaign, CampaignLevel, CampaignUnit
from portal.campaigns.report import campaign_report_results
from portal.workflow import CampaignState, RoundState

GENERAL = "general"
# Campaigns whose values are being entered or appraised: the pages analyse them as they stand.
LIVE = {CampaignState.OPEN, CampaignState.SELF_ASSESSMENT_CLOSED, CampaignState.IN_APPRAISAL}


@dataclass(frozen=True)
class Choice:
    level: str
    key: str  # "general" or a peer group's code
    label: str


@dataclass(frozen=True)
class Analysed:
    """One ranking of one level of a campaign, with every ranking the pages may switch to."""

    campaign: Campaign
    level: str
    key: str
    label: str
    result: LevelResult
    ranking: Ranking
    choices: tuple[Choice, ...]
    live_round: int | None = None  # not final: scored from this round's values (0: self)

    @property
    def live(self) -> bool:
        return self.live_round is not None

    def names(self) -> list[str]:
        return [self.result.names[int(u)] for u in self.ranking.units]


def analysed_ranking(
    campaign: Campaign, level: str | None, key: str | None, unit: str | None = None
) -> Analysed | None:
    """The ranking asked for: else the general ranking of the level holding `unit`, else
    the first level's; None when the campaign has no results yet."""
    results, round_number = campaign_report_results(campaign), None
    if not results and campaign.state in LIVE:
        results, round_number = live_results(campaign)
    names = dict(CampaignLevel.objects.filter(campaign=campaign).values_list("level", "name"))
    choices = tuple(_choices(results, names))
    if not choices:
        return None
    holding = [c for c in choices if unit in results[c.level].scores.unit_ids]
    chosen = next(
        (c for c in choices if c.level == level and c.key == key),
        holding[0] if holding else choices[0],
    )
    result = results[chosen.level]
    ranking = result.general if chosen.key == GENERAL else result.groups[chosen.key]
    return Analysed(
        campaign, chosen.level, chosen.key, chosen.label, result, ranking, choices, round_number
    )


def live_results(campaign: Campaign) -> tuple[dict[str, LevelResult], int]:
    """Before the results are final: each level scored from the values that count now, those
    of the latest round the team has started (0: the units' own self-assessment), the
    criteria not answered yet scoring nothing (appraisals.final_results, as finalization
    computes). A level whose values cannot be scored yet is left out."""
    rounds = list(AppraisalRound.objects.filter(campaign=campaign))
    current = current_round(rounds)
    number = current.number if current and current.state != RoundState.PLANNED else 0
    results = {}
    for level in CampaignLevel.objects.filter(campaign=campaign).select_related("framework"):
        units = list(
            CampaignUnit.objects.filter(campaign=campaign, level=level.level)
            .select_related("unit")
            .order_by("unit__name")
        )
        if units:
            try:
                results[level.level] = level_result(level.framework.build(), units, number)
            except ValidationError:
                continue
    return results, number


def _choices(results: Mapping[str, LevelResult], names: Mapping[str, str]) -> list[Choice]:
    choices = []
    for level, result in results.items():
        name = names.get(level, level)
        choices.append(
            Choice(level, GENERAL, gettext("%(level)s: xếp hạng chung") % {"level": name})
        )
        for group in result.framework.groups:
            label = gettext("%(level)s: nhóm %(group)s") % {"level": name, "group": group.name}
            choices.append(Choice(level, group.code, label))
    return choices


def share_text(share: Fraction | None) -> str:
    """A 0–1 share as a percent with one decimal, rounded half up ('87,5%'); '' for none."""
    if share is None:
        return ""
    return format_vi(Decimal(half_up(share * 1000)).scaleb(-1), percent=True)


def shown_value(displayed: int, policy: RankingPolicy) -> str:
    """A ranking's value as printed: '99,3%', '481,45', '0,8452'."""
    value = Decimal(displayed).scaleb(-policy.decimals)
    return format_vi(value, percent=policy.percent)


# ---- how sure a rank is ----------------------------------------------------------------------


@dataclass(frozen=True)
class SpreadRow:
    code: str
    name: str
    rank: int
    value: str
    class_label: str | None
    median: int
    low: int
    high: int

    @property
    def certain(self) -> bool:
        return self.low == self.high

    @property
    def width(self) -> int:
        return self.high - self.low


def spread_rows(
    analysed: Analysed, weight_percent: int, appraisal_percent: Decimal, draws: int
) -> list[SpreadRow]:
    """Each unit's published rank beside its median rank and 90 % interval over `draws`
    draws: weights ±`weight_percent` %, and every criterion's appraised score off by a
    standard deviation of `appraisal_percent` % of its max."""
    framework = analysed.result.framework
    spread = {
        leaf.code: leaf.max * appraisal_percent / 100
        for leaf in framework.leaves
        if appraisal_percent
    }
    uncertainty = Uncertainty(
        weight_spread=Decimal(weight_percent) / 100,
        criterion_spread={code: s.quantize(Decimal("0.0001")) for code, s in spread.items()},
        draws=draws,
    )
    drawn = rank_spread(analysed.result.scores, analysed.ranking, uncertainty)
    ranking = analysed.ranking
    return [
        SpreadRow(
            code=analysed.result.scores.unit_ids[int(ranking.units[i])],
            name=name,
            rank=int(ranking.rank[i]),
            value=shown_value(int(ranking.displayed[i]), ranking.policy),
            class_label=ranking.classes[i],
            median=int(drawn.median[i]),
            low=int(drawn.low[i]),
            high=int(drawn.high[i]),
        )
        for i, name in enumerate(analysed.names())
    ]


# ---- what-if ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveRow:
    code: str
    name: str
    rank: int
    value: str
    class_label: str | None
    new_rank: int
    new_value: str
    new_class: str | None

    @property
    def move(self) -> int:
        """Ranks gained (negative: lost)."""
        return self.rank - self.new_rank

    @property
    def lost(self) -> int:
        return self.new_rank - self.rank


@dataclass(frozen=True)
class WhatIfPage:
    rows: list[MoveRow]
    policy: RankingPolicy
    moved: int  # units whose rank changed
    reclassed: int  # units whose class changed


def what_if_page(
    analysed: Analysed,
    weights: Mapping[str, Decimal],
    comparability: Comparability | None,
    bands: Sequence[ClassBand] | None,
) -> WhatIfPage:
    """The ranking under the scenario, in its new order, beside the published one.
    ValueError (Vietnamese) for a scenario the framework cannot rank."""
    scenario = Scenario(
        weights=dict(weights),
        comparability=comparability,
        bands=tuple(bands) if bands is not None else None,
    )
    result, ranking = analysed.result, analysed.ranking
    changed = what_if(result.scores, ranking, order_by_name(result.names), scenario)
    position = {int(unit): i for i, unit in enumerate(ranking.units)}
    rows = []
    for row in changed.rows:
        i = position[row.unit]
        rows.append(
            MoveRow(
                code=result.scores.unit_ids[row.unit],
                name=result.names[row.unit],
                rank=int(ranking.rank[i]),
                value=shown_value(int(ranking.displayed[i]), ranking.policy),
                class_label=ranking.classes[i],
                new_rank=row.rank,
                new_value=shown_value(row.displayed, changed.policy),
                new_class=row.class_label,
            )
        )
    return WhatIfPage(
        rows=rows,
        policy=changed.policy,
        moved=sum(1 for r in rows if r.move),
        reclassed=sum(1 for r in rows if r.class_label != r.new_class),
    )
