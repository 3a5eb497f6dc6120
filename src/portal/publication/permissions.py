"""Who manages a campaign's publication: the office publishes and corrects, leadership
approves. Outsiders get 404 (they learn nothing), other members 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from portal.accounts.permissions import AnyUser, roles_in
from portal.campaigns.models import Campaign
from portal.roles import Role

MANAGERS = frozenset({Role.OFFICE_ADMIN, Role.LEADERSHIP})


def campaign_for_publication(user: AnyUser, pk: int, *, role: Role | None = None) -> Campaign:
    """The campaign if the user may see its publication page (or act as `role` there)."""
    campaign = get_object_or_404(Campaign.objects.select_related("province"), pk=pk)
    held = roles_in(user, campaign.province_id)
    if not held:
        raise Http404(gettext("Không tìm thấy đợt đánh giá."))
    if not held & MANAGERS or (role is not None and role not in held):
        raise PermissionDenied(
            gettext("Chỉ Sở chủ trì và lãnh đạo tỉnh quản lý việc công bố kết quả.")
        )
    return campaign
