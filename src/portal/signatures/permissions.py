"""Who manages a province's signatures: its office admins write, its leadership reads.
Anyone without a role in the province gets 404 (they learn nothing of it); the province's
other roles (units' people, appraisers) get 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from portal.accounts.models import Province
from portal.accounts.permissions import AnyUser, roles_in
from portal.roles import Role
from portal.signatures.models import CertificateIdentity, TrustRoot
from portal.signatures.selectors import identity_in

MANAGERS = frozenset({Role.OFFICE_ADMIN, Role.LEADERSHIP})


def _refused() -> PermissionDenied:
    return PermissionDenied(
        gettext("Chỉ Sở chủ trì và lãnh đạo tỉnh xem trang chữ ký số; chỉ Sở chủ trì thay đổi.")
    )


def signature_provinces_of(user: AnyUser) -> list[Province]:
    """The provinces whose signature page the person reads (office admin or leadership)."""
    if not user.is_authenticated:
        return []
    return list(
        Province.objects.filter(memberships__user=user, memberships__role__in=sorted(MANAGERS))
        .distinct()
        .order_by("name")
    )


def get_signature_provinces_for_user(user: AnyUser) -> list[Province]:
    provinces = signature_provinces_of(user)
    if not provinces:
        raise _refused()
    return provinces


def get_province_for_user(user: AnyUser, code: str, *, write: bool = False) -> Province:
    """The province if the person may read its signature page (or change it: `write`)."""
    province = Province.objects.filter(code=code).first()
    held = roles_in(user, province) if province is not None else set()
    if province is None or not held:
        raise Http404(gettext("Không tìm thấy tỉnh."))
    if not held & MANAGERS or (write and Role.OFFICE_ADMIN not in held):
        raise _refused()
    return province


def get_root(province: Province, pk: int) -> TrustRoot:
    """A trust root of a province already fetched with permission; 404 for any other."""
    return get_object_or_404(TrustRoot.objects.select_related("province"), pk=pk, province=province)


def get_identity(province: Province, pk: int) -> CertificateIdentity:
    """An identity of one of the province's people; 404 for anyone else's."""
    identity = identity_in(province, pk)
    if identity is None:
        raise Http404(gettext("Không tìm thấy chứng thư số."))
    return identity
