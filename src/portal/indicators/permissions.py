"""Who may see and change system values. Outsiders (and tokens of another province) get
404: they learn nothing, not even that the campaign exists. Members who only fill in or
approve a unit's self-assessment get 403 (they see their own values on its page); the
province's appraisers and leadership read; only its office admins import and manage tokens."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from portal.accounts.models import Province
from portal.accounts.permissions import AnyUser, roles_in
from portal.campaigns.models import Campaign
from portal.indicators.models import ApiToken
from portal.roles import READ_ALL_ROLES, Role


def get_campaign_system_values_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Campaign:
    """The campaign's system values page: read by office admins, appraisers and leadership;
    written (imports) by office admins."""
    campaign = get_object_or_404(Campaign.objects.select_related("province"), pk=pk)
    roles = roles_in(user, campaign.province_id)
    if not roles:
        raise Http404(gettext("Không tìm thấy đợt đánh giá."))
    if write and Role.OFFICE_ADMIN not in roles:
        raise PermissionDenied(
            gettext("Chỉ quản trị của Sở chủ trì được nhập số liệu từ hệ thống.")
        )
    if not roles & READ_ALL_ROLES:
        raise PermissionDenied(
            gettext("Đơn vị xem số liệu từ hệ thống trên trang tự đánh giá của mình.")
        )
    return campaign


def get_province_tokens_for_user(user: AnyUser, pk: int) -> Province:
    """The province whose API tokens its office admins manage."""
    province = get_object_or_404(Province, pk=pk)
    roles = roles_in(user, province)
    if not roles:
        raise Http404(gettext("Không tìm thấy tỉnh."))
    if Role.OFFICE_ADMIN not in roles:
        raise PermissionDenied(gettext("Chỉ quản trị của Sở chủ trì quản lý mã truy cập API."))
    return province


def get_token(province: Province, pk: int) -> ApiToken:
    """A token of a province already fetched with permission; 404 for any other."""
    return get_object_or_404(ApiToken, pk=pk, province=province)


def get_campaign_for_token(token: ApiToken, pk: int) -> Campaign:
    """The campaign a token pushes to: of its province, and its campaign if it names one."""
    campaign = Campaign.objects.filter(pk=pk, province_id=token.province_id).first()
    if campaign is None or (token.campaign_id is not None and token.campaign_id != pk):
        raise Http404
    return campaign
