"""Reading campaigns, always through what the person may see."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.accounts.permissions import AnyUser
from portal.campaigns.models import Campaign
from portal.workflow import CampaignState


def campaigns_for_user(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns of the provinces where the user holds a role; for anyone else, the
    published ones."""
    if not user.is_authenticated:
        return Campaign.objects.filter(state=CampaignState.PUBLISHED).select_related("province")
    return (
        Campaign.objects.filter(province__memberships__user=user)
        .distinct()
        .select_related("province")
    )
