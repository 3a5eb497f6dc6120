"""Who may read and write a province's frameworks: every member reads, the office admin
writes; outsiders get 404 (they learn nothing), read-only members 403 on writes."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from portal.accounts.permissions import AnyUser
from portal.frameworks.models import FrameworkVersion
from portal.units.permissions import check_province_access


def get_framework_for_user(user: AnyUser, pk: int, *, write: bool = False) -> FrameworkVersion:
    version = get_object_or_404(FrameworkVersion.objects.select_related("province"), pk=pk)
    check_province_access(user, version.province_id, write=write)
    return version
