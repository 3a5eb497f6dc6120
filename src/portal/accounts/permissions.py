"""Who holds which role where. Views ask through these functions, never through ad-hoc
queries: outsiders get 404 (they learn nothing), read-only roles get 403 on writes."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from portal.accounts.models import Membership, Province, User
from portal.roles import READ_ALL_ROLES, Role

AnyUser = User | AnonymousUser


def roles_in(user: AnyUser, province: Province | int) -> set[Role]:
    """Every role the user holds in the province, for any unit."""
    if not user.is_authenticated:
        return set()
    province_id = province if isinstance(province, int) else province.pk
    return {
        Role(r)
        for r in Membership.objects.filter(user=user, province_id=province_id).values_list(
            "role", flat=True
        )
    }


def roles_for_unit(user: AnyUser, province_id: int, unit_id: int) -> set[Role]:
    """Roles that reach one unit: province-wide roles, plus the unit roles held for it."""
    if not user.is_authenticated:
        return set()
    roles: set[Role] = set()
    for role, held_unit in Membership.objects.filter(
        user=user, province_id=province_id
    ).values_list("role", "unit_id"):
        if role in READ_ALL_ROLES or held_unit == unit_id:
            roles.add(Role(role))
    return roles


def provinces_of(user: AnyUser) -> list[Province]:
    if not user.is_authenticated:
        return []
    return list(Province.objects.filter(memberships__user=user).distinct())


def is_office_admin(user: AnyUser, province: Province | int) -> bool:
    return Role.OFFICE_ADMIN in roles_in(user, province)
