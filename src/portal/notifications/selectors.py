"""Reading a person's notifications (the inbox, unread first, then the newest; filtered by
kind or unread) and their e-mail settings; and who is told: the active people holding a
role, of a province or of units, each list in one query."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from portal.accounts.models import Membership, User
from portal.notifications.models import EmailFrequency, Kind, Notification, NotificationSettings

PAGE_SIZE = 30


def inbox_of(user: User, *, kind: str = "", unread_only: bool = False) -> QuerySet[Notification]:
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    rows = Notification.objects.filter(user=user)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.annotate(unread=unread).order_by("-unread", "-created_at", "-pk")


def inbox_page(
    user: User, number: str | int | None, *, kind: str = "", unread_only: bool = False
) -> Page[Notification]:
    """One page of the inbox (a count and one select); a page number out of range or not a
    number gives the last or the first page rather than an error."""
    rows = inbox_of(user, kind=kind, unread_only=unread_only)
    return Paginator(rows, PAGE_SIZE).get_page(number)


def email_frequency_of(user: User) -> str:
    row = NotificationSettings.objects.filter(user=user).first()
    return row.email_frequency if row else EmailFrequency.EACH


def people_of_province(province_id: int, roles: Iterable[str]) -> list[User]:
    """The active people holding one of `roles` in the province (not a unit's), once each."""
    held = Membership.objects.filter(
        province_id=province_id, role__in=list(roles), user__is_active=True
    ).select_related("user")
    return list({membership.user_id: membership.user for membership in held}.values())
