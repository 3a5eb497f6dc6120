"""Who may appraise what. A campaign's team (TeamMember) holds TeamRole.CHAIR or
TeamRole.APPRAISER beside the province roles; an assignment says which units and main
indices a member appraises; nobody appraises a unit he reports or approves for.

`team_roles` gives the roles portal.workflow.check is asked with for round moves;
`may_appraise` is asked for every criterion written."""

from __future__ import annotations

from django.db.models import Q

from dti.framework.model import Framework, NodeKind
from portal.accounts.models import Membership
from portal.accounts.permissions import AnyUser
from portal.accounts.roles import UNIT_ROLES
from portal.appraisals.models import Assignment, TeamMember
from portal.campaigns.models import Campaign, CampaignUnit
from portal.workflow import TeamRole


def team_member(user: AnyUser, campaign: Campaign | int) -> TeamMember | None:
    if not user.is_authenticated:
        return None
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    return TeamMember.objects.filter(campaign_id=campaign_id, user=user).first()


def team_roles(user: AnyUser, campaign: Campaign | int) -> set[TeamRole]:
    """CHAIR for the chair; APPRAISER for every member (the chair scores too, if assigned)."""
    member = team_member(user, campaign)
    if member is None:
        return set()
    return {TeamRole.APPRAISER, TeamRole.CHAIR} if member.chair else {TeamRole.APPRAISER}


def own_unit(user: AnyUser, unit_id: int) -> bool:
    """Whether the user reports or approves for the unit: he never appraises it."""
    return Membership.objects.filter(user=user, unit_id=unit_id, role__in=UNIT_ROLES).exists()


def assigned_indices(user: AnyUser, entry: CampaignUnit) -> set[str] | None:
    """The main indices of this unit the user is assigned to appraise: None for all of
    them, an empty set for none (not on the team, not assigned, or his own unit)."""
    member = team_member(user, entry.campaign_id)
    if member is None or own_unit(user, entry.unit_id):
        return set()
    covering = Assignment.objects.filter(member=member).filter(
        Q(unit__isnull=True, district__isnull=True)
        | Q(unit_id=entry.unit_id)
        | Q(district_id=entry.unit.parent_id, district__isnull=False)
    )
    indices = set(covering.values_list("index", flat=True))
    return None if "" in indices else indices


def main_index_of(framework: Framework, code: str) -> str:
    """The code of the main index a criterion belongs to ("" if it has none)."""
    node = framework.by_code[code]
    while node.kind is not NodeKind.MAIN_INDEX:
        parent = framework.parent_of.get(node.code)
        if parent is None:
            return ""
        node = parent
    return node.code


def appraisable_codes(user: AnyUser, entry: CampaignUnit, framework: Framework) -> set[str]:
    """The leaves of this unit the user may score."""
    indices = assigned_indices(user, entry)
    leaves = framework.leaves
    if indices is None:
        return {leaf.code for leaf in leaves}
    return {leaf.code for leaf in leaves if main_index_of(framework, leaf.code) in indices}


def may_appraise(user: AnyUser, entry: CampaignUnit, framework: Framework, code: str) -> bool:
    return code in appraisable_codes(user, entry, framework)
