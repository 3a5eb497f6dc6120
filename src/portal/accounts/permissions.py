"""Who holds which role where. Views ask through these functions, never through ad-hoc
queries: outsiders get 404 (they learn nothing), read-only roles get 403 on writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Aggregate, CharField, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import Http404
from django.utils.translation import gettext

from portal.accounts.models import Membership, Province, User
from portal.compiled import Compiled
from portal.roles import READ_ALL_ROLES, Role

AnyUser = User | AnonymousUser

# Every page asks, and a save asks again under the database's write lock: composed once.
_HELD_IN_PROVINCE = Compiled(
    lambda user, province: Membership.objects.filter(
        user_id=user, province_id=province
    ).values_list("role", "unit_id"),
    "user",
    "province",
)


def roles_in(user: AnyUser, province: Province | int) -> set[Role]:
    """Every role the user holds in the province, for any unit."""
    if not user.is_authenticated:
        return set()
    province_id = province if isinstance(province, int) else province.pk
    return {Role(role) for role, _ in _HELD_IN_PROVINCE.rows(user=user.pk, province=province_id)}


def roles_for_unit(user: AnyUser, province_id: int, unit_id: int) -> set[Role]:
    """Roles that reach one unit: province-wide roles, plus the unit roles held for it."""
    if not user.is_authenticated:
        return set()
    return _reaching(_HELD_IN_PROVINCE.rows(user=user.pk, province=province_id), unit_id)


def _reaching(held: Iterable[tuple[str, int | None]], unit_id: int) -> set[Role]:
    """Of the roles held in a province, each with its unit, those that reach the unit."""
    return {Role(role) for role, unit in held if role in READ_ALL_ROLES or unit == unit_id}


# How `held_in_province` writes a person's roles as one text: each role and its unit
# (none: ""), the roles one after another. Control characters, which no role's name holds
# nor any text the portal accepts: a name that held one could not pass for two roles.
_BETWEEN_ROLES, _BEFORE_UNIT = "\x1f", "\x1e"


class _Listed(Aggregate):
    """Texts joined by a separator (its second expression): PostgreSQL's string_agg,
    SQLite's group_concat."""

    function = "STRING_AGG"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def held_in_province(user: Any, province: Any) -> Subquery:
    """An expression for a query to read with its rows: the roles `user` holds in
    `province` (an id, or an OuterRef to one), each with its unit, as one text, or None;
    `roles_reaching` tells which reach a unit. A statement that reads a unit, or locks its
    submission, reads the person's roles with it, rather than in a statement of their own
    just before (each is a round trip to the database, a save's largest cost on
    PostgreSQL after its own writes)."""
    pair = Concat(
        "role", Value(_BEFORE_UNIT), Coalesce(Cast("unit_id", CharField()), Value("")),
        output_field=CharField(),
    )  # fmt: skip
    held = (
        Membership.objects.filter(user_id=user, province_id=province)
        .order_by()
        .values("user_id")
        .annotate(held=_Listed(pair, Value(_BETWEEN_ROLES)))
        .values("held")
    )
    return Subquery(held, output_field=CharField())


def roles_reaching(held: str | None, unit_id: int) -> set[Role]:
    """The roles of `held_in_province`'s text that reach the unit, as `roles_for_unit`
    gives them; a role the portal does not know, where it would reach the unit, is refused
    (ValueError), as there."""
    if not held:
        return set()
    pairs = (pair.partition(_BEFORE_UNIT) for pair in held.split(_BETWEEN_ROLES))
    return _reaching(((role, int(unit) if unit else None) for role, _, unit in pairs), unit_id)


def is_office_admin(user: AnyUser, province: Province | int) -> bool:
    return Role.OFFICE_ADMIN in roles_in(user, province)


# ---- the office's administration of people -------------------------------------------


@dataclass(frozen=True)
class PeopleScope:
    """The provinces whose people a person administers: an office admin's provinces, or
    every province for a superuser (`province_ids` None)."""

    provinces: tuple[Province, ...]
    province_ids: frozenset[int] | None

    def covers(self, province_id: int) -> bool:
        return self.province_ids is None or province_id in self.province_ids


def people_scope_of(user: AnyUser) -> PeopleScope | None:
    """None when the person administers nobody's account."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return PeopleScope(tuple(Province.objects.order_by("name")), None)
    provinces = tuple(
        Province.objects.filter(
            memberships__user=user, memberships__role=Role.OFFICE_ADMIN
        ).distinct()
    )
    if not provinces:
        return None
    return PeopleScope(provinces, frozenset(p.pk for p in provinces))


def get_people_scope_for_user(user: AnyUser) -> PeopleScope:
    """403 for anyone who is not an office admin (or a superuser): reporters, approvers,
    appraisers and leadership learn that the page exists, not who is on it."""
    scope = people_scope_of(user)
    if scope is None:
        raise PermissionDenied(
            gettext("Chỉ quản trị của Sở chủ trì được quản lý người dùng của tỉnh.")
        )
    return scope


def person_in_scope(person: User, scope: PeopleScope) -> bool:
    if scope.province_ids is None:
        return True
    return Membership.objects.filter(user=person, province_id__in=scope.province_ids).exists()


def get_person_for_user(user: AnyUser, pk: int) -> tuple[PeopleScope, User]:
    """A person the office admin administers: 403 to those who administer nobody, 404 for a
    person who holds no role in the admin's provinces (he learns nothing of them)."""
    scope = get_people_scope_for_user(user)
    person = User.objects.filter(pk=pk).first()
    if person is None or not person_in_scope(person, scope):
        raise Http404(gettext("Không tìm thấy người dùng."))
    return scope, person


def provinces_beyond(person: User, scope: PeopleScope) -> list[Province]:
    """The provinces where `person` holds a role that `scope` does not administer: whoever
    administers only some of them may not lock the account for the others."""
    if scope.province_ids is None:
        return []
    return list(
        Province.objects.filter(memberships__user=person)
        .exclude(pk__in=scope.province_ids)
        .distinct()
    )
