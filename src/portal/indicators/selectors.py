"""Reading system values: a unit's values for its self-assessment page, score and snapshot;
a campaign's values, imports and gaps for the office's page; a province's API tokens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db.models import QuerySet

from dti.expressions import ExpressionError
from dti.framework.model import FormulaRule, Node, Source
from portal.accounts.permissions import AnyUser
from portal.answers import AnswerValue, answer_label
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit
from portal.frameworks.scoring import applicability, unit_attributes
from portal.indicators.models import ApiToken, ImportBatch, SystemValue
from portal.roles import READ_ALL_ROLES
from portal.workflow import system_values_refusal

# ---- one unit: what its self-assessment scores with ------------------------------------


def system_values_for(campaign_unit: CampaignUnit) -> dict[str, SystemValue]:
    """The unit's imported values in the campaign, by criterion code. One query."""
    if campaign_unit.pk is None:
        return {}
    return {
        value.criterion: value for value in SystemValue.objects.filter(campaign_unit=campaign_unit)
    }


def with_system_values(
    answers: Mapping[str, AnswerValue], system: Mapping[str, SystemValue]
) -> dict[str, AnswerValue]:
    """The unit's answers with the system values beside them, for
    portal.frameworks.scoring.score_answers. The unit never answers a system-sourced
    criterion, so they meet only by code; should an answer be stored for one anyway, the
    system's value wins."""
    return {**answers, **{code: value.value for code, value in system.items()}}


def system_records(system: Mapping[str, SystemValue]) -> dict[str, dict[str, Any]]:
    """The values as the submission's snapshot keeps them: value, source, measuring time."""
    return {
        code: {
            "value": value.value,
            "source": value.source,
            "measured_at": value.measured_at.astimezone(UTC).isoformat(),
        }
        for code, value in system.items()
    }


def value_label(leaf: Node, value: AnswerValue) -> str:
    """A value in words (Có, an option's label, 87,5, "Số hồ sơ trực tuyến: 1200; Tổng số hồ
    sơ: 2000"), a
    formula's inputs in the rule's order: PostgreSQL's jsonb does not keep the stored order."""
    if isinstance(value, dict) and isinstance(leaf.rule, FormulaRule):
        value = {name: value[name] for name in leaf.rule.inputs if name in value}
    return answer_label(leaf, value)


# ---- one campaign ------------------------------------------------------------------------


def import_block_reason(campaign: Campaign) -> str:
    """Why the campaign takes no system values now ('' when it does): portal.workflow's rule."""
    return system_values_refusal(campaign.state, campaign.historic)


def batches_of(campaign: Campaign) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(campaign=campaign).select_related("created_by", "token")


@dataclass(frozen=True)
class ValueRow:
    campaign_unit: CampaignUnit
    leaf: Node
    value: SystemValue | None

    @property
    def label(self) -> str:
        return value_label(self.leaf, self.value.value) if self.value else ""


@dataclass(frozen=True)
class CampaignValues:
    rows: list[ValueRow]  # every unit × system-sourced criterion that applies to it
    unknown: list[CampaignUnit]  # units whose attributes do not say what applies

    @property
    def present(self) -> int:
        return sum(1 for row in self.rows if row.value is not None)


def campaign_values(campaign: Campaign) -> CampaignValues:
    """Each unit's system-sourced criteria and their current values. Three queries."""
    levels = CampaignLevel.objects.filter(campaign=campaign).select_related("framework")
    frameworks = {level.level: level.framework.build() for level in levels}
    values = {
        (value.campaign_unit_id, value.criterion): value
        for value in SystemValue.objects.filter(campaign_unit__campaign=campaign)
    }
    rows, unknown = [], []
    for campaign_unit in CampaignUnit.objects.filter(campaign=campaign).select_related("unit"):
        framework = frameworks.get(campaign_unit.level)
        leaves = (
            []
            if framework is None
            else [leaf for leaf in framework.leaves if leaf.source is Source.SYSTEM]
        )
        if framework is None or not leaves:
            continue
        try:
            applies = applicability(framework, unit_attributes(campaign_unit.unit))
        except (ExpressionError, ValueError):
            unknown.append(campaign_unit)
            continue
        rows += [
            ValueRow(campaign_unit, leaf, values.get((campaign_unit.pk, leaf.code)))
            for leaf in leaves
            if applies[leaf.code]
        ]
    return CampaignValues(rows, unknown)


# ---- pages -------------------------------------------------------------------------------


def campaigns_for_user(user: AnyUser) -> QuerySet[Campaign]:
    """The current campaigns of the provinces where the user reads everything (office
    admin, appraiser, leadership): where system values are imported and looked at."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(
            province__memberships__user=user,
            province__memberships__role__in=sorted(READ_ALL_ROLES),
            historic=False,
        )
        .select_related("province")
        .distinct()
        .order_by("-year", "title")
    )


def tokens_of(province_id: int) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(province_id=province_id).select_related(
        "campaign", "created_by", "revoked_by"
    )
