"""Who may read and write a province's frameworks: every member reads, the office admin
writes; outsiders get 404 (they learn nothing), read-only members 403 on writes. A version
a published campaign uses is public like that campaign, where a reader asks for it (the API)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from portal.accounts.permissions import AnyUser, roles_in
from portal.frameworks.models import FrameworkVersion
from portal.units.permissions import check_province_access
from portal.workflow import CampaignState


def get_framework_for_user(
    user: AnyUser, pk: int, *, write: bool = False, public: bool = False
) -> FrameworkVersion:
    """The framework version if the user may read it (or change it, with `write`).

    With `public` (a read), anyone also reads a version a published campaign uses, as he
    reads that campaign: the API's reading. The province's framework pages are its members'
    workspace and do not ask for it."""
    version = get_object_or_404(FrameworkVersion.objects.select_related("province"), pk=pk)
    if public and not write:
        if roles_in(user, version.province_id) or used_by_published_campaign(version):
            return version
        raise Http404(gettext("Không tìm thấy."))
    check_province_access(user, version.province_id, write=write)
    return version


def used_by_published_campaign(version: FrameworkVersion) -> bool:
    """Whether a published campaign scores with this version: it is public like the campaign."""
    return version.campaign_levels.filter(campaign__state=CampaignState.PUBLISHED).exists()
