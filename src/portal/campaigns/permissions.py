"""Who may see and change a campaign. Outsiders get 404 (they learn nothing), members
without the office admin role get 403 on writes. The public reads published results only
through portal.publication's versions, never a campaign's live pages: a correction being
prepared must not show before it is published."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from portal.accounts.models import Membership, Province
from portal.accounts.permissions import AnyUser
from portal.campaigns.models import Campaign, CampaignUnit
from portal.roles import READ_ALL_ROLES, Role

# Who downloads a campaign's official report (the live one, a draft until published). Anyone
# downloads the published version's report from the public portal (portal.public).
REPORT_ROLES = frozenset({Role.OFFICE_ADMIN, Role.LEADERSHIP})


@dataclass(frozen=True)
class Viewer:
    """What one person holds in one province: decides what a campaign page shows them."""

    roles: frozenset[Role]
    unit_ids: frozenset[int]  # units they report or approve for

    @property
    def is_member(self) -> bool:
        return bool(self.roles)

    @property
    def sees_all_units(self) -> bool:
        return bool(self.roles & READ_ALL_ROLES)

    @property
    def is_office_admin(self) -> bool:
        return Role.OFFICE_ADMIN in self.roles

    @property
    def downloads_report(self) -> bool:
        return bool(self.roles & REPORT_ROLES)

    def sees_unit(self, unit_id: int) -> bool:
        """Reporters and approvers see their own units' progress, nobody else's."""
        return self.sees_all_units or unit_id in self.unit_ids


def viewer_in(user: AnyUser, province_id: int) -> Viewer:
    if not user.is_authenticated:
        return Viewer(frozenset(), frozenset())
    held = list(
        Membership.objects.filter(user=user, province_id=province_id).values_list("role", "unit_id")
    )
    return Viewer(
        roles=frozenset(Role(role) for role, _ in held),
        unit_ids=frozenset(unit for _, unit in held if unit is not None),
    )


def get_campaign_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Campaign:
    """The campaign if the user may read it (or change it, with `write`)."""
    campaign = get_object_or_404(Campaign.objects.select_related("province"), pk=pk)
    viewer = viewer_in(user, campaign.province_id)
    if write:
        if not viewer.is_member:
            raise Http404(gettext("Không tìm thấy đợt đánh giá."))
        if not viewer.is_office_admin:
            raise PermissionDenied(
                gettext("Chỉ quản trị của Sở chủ trì được thay đổi đợt đánh giá.")
            )
    elif not viewer.is_member:
        raise Http404(gettext("Không tìm thấy đợt đánh giá."))
    return campaign


def get_campaign_report_for_user(user: AnyUser, pk: int) -> Campaign:
    """The campaign if the user may download its report: office admin and leadership;
    other members get 403, outsiders and anonymous visitors 404."""
    campaign = get_object_or_404(Campaign.objects.select_related("province"), pk=pk)
    viewer = viewer_in(user, campaign.province_id)
    if not viewer.is_member:
        raise Http404(gettext("Không tìm thấy đợt đánh giá."))
    if not viewer.downloads_report:
        raise PermissionDenied(
            gettext("Chỉ quản trị của Sở chủ trì và lãnh đạo được tải báo cáo của đợt.")
        )
    return campaign


def get_campaign_unit(campaign: Campaign, pk: int) -> CampaignUnit:
    """A unit in the scope of a campaign already fetched with permission; 404 for a unit
    of any other campaign."""
    return get_object_or_404(
        CampaignUnit.objects.select_related("unit", "campaign"), pk=pk, campaign=campaign
    )


def admin_provinces(user: AnyUser) -> list[Province]:
    """Provinces where the user is office admin: where they may create campaigns."""
    if not user.is_authenticated:
        return []
    return list(
        Province.objects.filter(
            memberships__user=user, memberships__role=Role.OFFICE_ADMIN
        ).distinct()
    )


def require_admin_provinces(user: AnyUser) -> list[Province]:
    provinces = admin_provinces(user)
    if not provinces:
        raise PermissionDenied(gettext("Chỉ quản trị của Sở chủ trì được tạo đợt đánh giá."))
    return provinces
