"""What the API lets a person read, on the portal's rules (portal.accounts.permissions):
members of a province read its objects in any state, anyone reads what is published, and
everybody else gets 404 (they learn nothing, not even that the object exists)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.accounts.models import Membership
from portal.accounts.permissions import AnyUser, roles_for_unit, roles_in
from portal.campaigns.models import Campaign, CampaignUnit
from portal.roles import READ_ALL_ROLES
from portal.workflow import CampaignState


def get_campaign_for_user(user: AnyUser, pk: int) -> Campaign:
    """Members of the campaign's province see it in any state; anyone sees it once published."""
    campaign = get_object_or_404(Campaign.objects.select_related("province"), pk=pk)
    if campaign.state != CampaignState.PUBLISHED and not roles_in(user, campaign.province_id):
        raise Http404
    return campaign


def get_campaign_unit_for_user(user: AnyUser, pk: int) -> CampaignUnit:
    """A unit's entry in a campaign, for those its answers are meant for: the unit's reporter
    and approver, and the province's office admins, appraisers and leadership."""
    entry = get_object_or_404(
        CampaignUnit.objects.select_related("campaign__province", "unit"), pk=pk
    )
    if not roles_for_unit(user, entry.campaign.province_id, entry.unit_id):
        raise Http404
    return entry


def visible_unit_ids(user: AnyUser, province_id: int) -> set[int] | None:
    """The units whose submissions the user may see in the province: None for all of them.

    The rule of roles_for_unit (province-wide roles see every unit, unit roles their own
    unit), answered in one query for a whole list instead of one query per unit."""
    if not user.is_authenticated:
        return set()
    held = Membership.objects.filter(user=user, province_id=province_id)
    unit_ids: set[int] = set()
    for role, unit_id in held.values_list("role", "unit_id"):
        if role in READ_ALL_ROLES:
            return None
        unit_ids.add(unit_id)
    return unit_ids
