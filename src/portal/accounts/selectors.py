"""Reading the people an office administers: the list (searched, filtered, sorted, a page at
a time), who holds which role in which unit, a person's roles and the history of changes to
his account. Each reads in a fixed number of queries, whatever the number of people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext, gettext_lazy

from portal.accounts.models import Membership, User
from portal.accounts.permissions import PeopleScope
from portal.audit.models import AuditEntry

PAGE_SIZE = 50
HISTORY_SIZE = 100
SORTS = ("name", "-last_login")


@dataclass(frozen=True)
class PeopleFilter:
    query: str = ""
    role: str = ""
    unit: int | None = None
    active: bool | None = None
    sort: str = "name"


def scoped_memberships(scope: PeopleScope) -> QuerySet[Membership]:
    memberships = Membership.objects.all()
    if scope.province_ids is not None:
        memberships = memberships.filter(province_id__in=scope.province_ids)
    return memberships


def people_of(scope: PeopleScope, filters: PeopleFilter) -> QuerySet[User]:
    """Everyone holding a role in the scope's provinces, as the filters keep them. A role
    and a unit filter together ask for the same role: "who reports for Sở Nội vụ"."""
    memberships = scoped_memberships(scope)
    if filters.role:
        memberships = memberships.filter(role=filters.role)
    if filters.unit is not None:
        memberships = memberships.filter(unit_id=filters.unit)
    people = User.objects.filter(pk__in=memberships.values("user_id"))
    if filters.query:
        words = filters.query.strip()
        in_units = scoped_memberships(scope).filter(
            Q(unit__name__icontains=words) | Q(unit__code__icontains=words)
        )
        people = people.filter(
            Q(full_name__icontains=words)
            | Q(username__icontains=words)
            | Q(email__icontains=words)
            | Q(pk__in=in_units.values("user_id"))
        )
    if filters.active is not None:
        people = people.filter(is_active=filters.active)
    order: list[str | OrderBy] = ["full_name", "username"]
    if filters.sort == "-last_login":
        order.insert(0, F("last_login").desc(nulls_last=True))
    held = scoped_memberships(scope).select_related("province", "unit").order_by("role", "pk")
    return people.order_by(*order).prefetch_related(
        Prefetch("memberships", queryset=held, to_attr="roles_here")
    )


def people_page(scope: PeopleScope, filters: PeopleFilter, number: str | None) -> Page[User]:
    """One page: a count, the people, their roles (three queries)."""
    return Paginator(people_of(scope, filters), PAGE_SIZE).get_page(number)


def role_holders(scope: PeopleScope, role: str = "") -> list[Membership]:
    """Every role held in the scope's provinces with its person, by province, unit and
    role: one query."""
    memberships = scoped_memberships(scope).select_related("user", "province", "unit")
    if role:
        memberships = memberships.filter(role=role)
    return list(
        memberships.order_by("province__name", F("unit__name").asc(nulls_first=True), "role")
    )


def person_memberships(person: User, scope: PeopleScope) -> list[Membership]:
    held = Membership.objects.filter(user=person).select_related("province", "unit")
    return [m for m in held.order_by("province__name", "role", "pk") if scope.covers(m.province_id)]


ACTION_LABELS = {
    "create": gettext_lazy("Tạo tài khoản"),
    "invite": gettext_lazy("Gửi lại thư mời"),
    "role_assign": gettext_lazy("Giao vai trò"),
    "role_withdraw": gettext_lazy("Thu hồi vai trò"),
    "deactivate": gettext_lazy("Khoá tài khoản"),
    "reactivate": gettext_lazy("Mở khoá tài khoản"),
    "profile": gettext_lazy("Sửa hồ sơ"),
}


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor: str
    what: str
    old: str
    new: str
    reason: str


def person_history(person: User, scope: PeopleScope) -> list[HistoryRow]:
    """The changes to the person's account and roles, newest first, as the audit trail
    recorded them (within the provinces the reader administers): one query."""
    entries = AuditEntry.objects.filter(entity="person", entity_id=str(person.pk))
    if scope.province_ids is not None:
        entries = entries.filter(province_id__in=scope.province_ids)
    return [
        HistoryRow(
            at=entry.at,
            actor=entry.actor_name,
            what=str(ACTION_LABELS.get(entry.action, entry.action)),
            old=_described_value(entry.old),
            new=_described_value(entry.new),
            reason=entry.reason,
        )
        for entry in entries.order_by("-pk")[:HISTORY_SIZE]
    ]


def _described_value(value: Any) -> str:
    """An entry's old or new value in words: a role with its unit, a state, a name."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    parts: list[str] = []
    if "full_name" in value:
        parts.append(str(value["full_name"]))
    if "email" in value:
        parts.append(str(value["email"]))
    held = value.get("role")
    role: dict[str, Any] = held if isinstance(held, dict) else value
    if "role_label" in role:
        parts.append(" — ".join(str(p) for p in (role["role_label"], role.get("unit")) if p))
    if "is_active" in value:
        parts.append(str(gettext("Đang hoạt động") if value["is_active"] else gettext("Đã khoá")))
    return "; ".join(parts)
