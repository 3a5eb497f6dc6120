"""Reading campaigns, always through what the person may see: the list, the units of a
level, last year's published results (following lineage through mergers), and the data of a
campaign's page (portal.assessments.campaign_page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from dti.expressions import ExpressionError
from dti.fixedpoint import format_vi
from dti.framework.model import Framework
from portal.accounts.models import Province
from portal.accounts.permissions import AnyUser
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit, HistoricResult
from portal.frameworks.scoring import unit_attributes
from portal.units.models import Lineage, Unit


def campaign_unit_now(campaign_unit: CampaignUnit) -> CampaignUnit:
    """The campaign unit and its campaign read again, unlocked (inside a transaction on
    SQLite, under the database's write lock): for a write whose checks took long since the
    request read them, which must decide on the campaign's state and the unit's deadline as
    they are now."""
    return CampaignUnit.objects.select_related("campaign", "unit").get(pk=campaign_unit.pk)


def campaigns_for_user(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns of the provinces where the user holds a role; none for anyone else (the
    public reads published versions: portal.publication.selectors)."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(province__memberships__user=user)
        .distinct()
        .select_related("province")
    )


def units_as_scored(campaign: Campaign) -> tuple[tuple[object, ...], ...]:
    """Each unit in the campaign, in id order, with what scoring and imports read of it:
    its level, code, name and attributes (which criteria apply). Compared before and after
    a computation done outside a lock, it says whether a unit was added, removed or edited
    meanwhile (finalization, system-value imports); one query."""
    return tuple(
        campaign.units.order_by("pk").values_list(
            "pk", "level", "unit__code", "unit__name", "unit__attributes"
        )
    )


def units_of_level(province: Province, level: str, year: int) -> QuerySet[Unit]:
    """The province's units of a level that exist at some time in `year`."""
    return Unit.objects.filter(province=province, level=level).filter(
        Q(active_from__isnull=True) | Q(active_from__year__lte=year),
        Q(active_until__isnull=True) | Q(active_until__year__gte=year),
    )


def number_vi(value: Decimal, *, percent: bool = False) -> str:
    """A stored number (four decimal places) as printed: '481,45', '500', '99,3%'."""
    return format_vi(value.normalize(), percent=percent)


@dataclass(frozen=True)
class PreviousResult:
    """A unit's published result of the year before, or a predecessor's when it was merged."""

    year: int
    unit_name: str
    rank: int | None
    value: str
    class_label: str
    through_lineage: bool


def previous_results(
    campaign: Campaign, unit_ids: Iterable[int]
) -> dict[int, list[PreviousResult]]:
    """Last year's published results, by unit: its own, else those of the units it was
    formed from (Lineage), which may have belonged to another province before a merger."""
    unit_ids = list(unit_ids)
    predecessors: dict[int, list[int]] = {}
    for successor, predecessor in Lineage.objects.filter(successor_id__in=unit_ids).values_list(
        "successor_id", "predecessor_id"
    ):
        predecessors.setdefault(successor, []).append(predecessor)
    wanted = set(unit_ids).union(*predecessors.values())
    found: dict[int, list[HistoricResult]] = {}
    for result in HistoricResult.objects.filter(
        campaign_unit__campaign__year=campaign.year - 1,
        campaign_unit__campaign__historic=True,
        campaign_unit__unit_id__in=wanted,
    ).select_related("campaign_unit__unit"):
        found.setdefault(result.campaign_unit.unit_id, []).append(result)
    answer: dict[int, list[PreviousResult]] = {}
    for unit_id in unit_ids:
        own = found.get(unit_id, [])
        inherited = [r for p in predecessors.get(unit_id, []) for r in found.get(p, [])]
        rows = [_previous(r, campaign.year - 1, False) for r in own] or [
            _previous(r, campaign.year - 1, True) for r in inherited
        ]
        if rows:
            answer[unit_id] = rows
    return answer


def _previous(result: HistoricResult, year: int, through_lineage: bool) -> PreviousResult:
    return PreviousResult(
        year=year,
        unit_name=result.campaign_unit.unit.name,
        rank=result.rank,
        value=number_vi(result.value, percent=result.percent),
        class_label=result.class_label,
        through_lineage=through_lineage,
    )


@dataclass(frozen=True)
class RemarkSlot:
    key: str  # "level.index", as dti.reports.texts.ReportTexts.remarks keys it
    code: str
    name: str


@dataclass(frozen=True)
class LevelSlots:
    code: str
    name: str
    slots: tuple[RemarkSlot, ...]


def remark_slots(campaign: Campaign) -> list[LevelSlots]:
    """Where the office may write a remark: each main index of each level's framework."""
    levels = CampaignLevel.objects.filter(campaign=campaign).select_related("framework")
    return [
        LevelSlots(
            level.level,
            level.name,
            tuple(
                RemarkSlot(f"{level.level}.{node.code}", node.code, node.name)
                for node in level.framework.build().main_indices
            ),
        )
        for level in levels.order_by("pk")
    ]


# ---- searching and grouping the units of a campaign -------------------------------------


@dataclass(frozen=True)
class GroupChoice:
    level: str
    code: str
    name: str


def peer_groups(
    levels: list[CampaignLevel], campaign_units: list[CampaignUnit]
) -> tuple[list[GroupChoice], dict[int, set[str]]]:
    """The levels' peer groups (their frameworks'), and the groups each campaign unit
    belongs to. No query: the levels come with their framework."""
    choices: list[GroupChoice] = []
    frameworks: dict[str, Framework] = {}
    for level in levels:
        built = frameworks[level.level] = level.framework.build()
        choices += [GroupChoice(level.level, g.code, g.name) for g in built.groups]
    members: dict[int, set[str]] = {}
    for campaign_unit in campaign_units:
        framework = frameworks.get(campaign_unit.level)
        if framework is None or not framework.groups:
            continue
        attributes = unit_attributes(campaign_unit.unit)
        try:
            members[campaign_unit.pk] = {
                g.code for g in framework.groups if g.when.evaluate_condition(attributes)
            }
        except ExpressionError:  # an attribute is missing: the unit is in no group
            continue
    return choices, members
