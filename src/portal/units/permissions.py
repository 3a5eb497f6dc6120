"""Who may read and write a province's unit registry: every member reads, the office admin
writes; outsiders get 404 (they learn nothing), read-only members 403 on writes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from dti.text import control_characters
from portal.accounts.models import Province
from portal.accounts.permissions import AnyUser, roles_in
from portal.roles import Role
from portal.units.models import Lineage, Unit


def check_province_access(user: AnyUser, province_id: int, *, write: bool = False) -> None:
    """404 unless the user holds a role in the province; 403 on a write by a non-admin."""
    roles = roles_in(user, province_id)
    if not roles:
        raise Http404(gettext("Không tìm thấy."))
    if write and Role.OFFICE_ADMIN not in roles:
        raise PermissionDenied(gettext("Chỉ quản trị của Sở chủ trì được thay đổi."))


def get_province_for_user(user: AnyUser, code: str, *, write: bool = False) -> Province:
    """The province by its code, for its members: its unit registry and frameworks are not
    public (404 to others); a write needs its office admin (403)."""
    if control_characters(code):  # names no province; PostgreSQL would refuse NUL (a 500)
        raise Http404(gettext("Không tìm thấy."))
    province = get_object_or_404(Province, code=code)
    check_province_access(user, province.pk, write=write)
    return province


def get_unit_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Unit:
    unit = get_object_or_404(Unit.objects.select_related("province", "parent"), pk=pk)
    check_province_access(user, unit.province_id, write=write)
    return unit


def get_lineage_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Lineage:
    link = get_object_or_404(Lineage.objects.select_related("predecessor", "successor"), pk=pk)
    check_province_access(user, link.predecessor.province_id, write=write)
    return link
