"""Who scores what in a round, now: the round locked, the scorer's roles checked against the
workflow, the unit's applicable criteria and those the scorer is assigned. Every write of the
scoring sheet (portal.appraisals.services, portal.appraisals.verdicts) starts here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from dti.framework.model import Framework, Node
from portal.accounts.models import User
from portal.appraisals.permissions import appraisable_codes, campaign_roles
from portal.appraisals.selectors import applicable_leaves
from portal.assessments.selectors import framework_for
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.workflow import Machine, check_or_refuse


@dataclass
class ScoringContext:
    campaign_unit: CampaignUnit
    round: AppraisalRound
    actor: User
    framework: Framework
    allowed: set[str]
    leaves: dict[str, Node] = field(default_factory=dict)


def scoring_context(
    campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, *, lock: bool = True
) -> ScoringContext:
    """The round as it is now, locked (saves of one round run one after the other, and never
    beside a move of the round), if the actor may score in it now. Not `lock`: read without
    a transaction, for a save's preparation, which checks again under the lock."""
    if round.campaign_id != campaign_unit.campaign_id:
        raise ValidationError(gettext("Vòng thẩm định không thuộc đợt đánh giá của đơn vị."))
    rounds = AppraisalRound.objects.select_for_update() if lock else AppraisalRound.objects
    locked = rounds.select_related("campaign").get(pk=round.pk)
    campaign = locked.campaign
    roles = campaign_roles(actor, campaign)
    check_or_refuse(Machine.ROUND, locked.state, "score", roles, campaign_state=campaign.state)
    framework = framework_for(campaign_unit)
    leaves = {leaf.code: leaf for leaf in applicable_leaves(framework, campaign_unit.unit)}
    allowed = appraisable_codes(actor, campaign_unit, framework) & set(leaves)
    return ScoringContext(campaign_unit, locked, actor, framework, allowed, leaves)


def refuse_unassigned(context: ScoringContext, codes: list[str]) -> None:
    """A criterion the actor may not appraise refuses the whole save (403, nothing saved)."""
    unknown = sorted(code for code in codes if code not in context.leaves)
    if unknown:
        raise ValidationError(
            gettext("Đơn vị không có các tiêu chí: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    refused = [code for code in codes if code not in context.allowed]
    if refused:
        names = "; ".join(f"“{context.leaves[code].name}”" for code in refused)
        raise PermissionDenied(
            gettext(
                "Bạn không được phân công thẩm định tiêu chí %(criteria)s của %(unit)s; "
                "chưa lưu gì."
            )
            % {"criteria": names, "unit": context.campaign_unit.unit}
        )
