"""Reading a person's notifications: the inbox, unread first, then the newest."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from portal.accounts.models import User
from portal.notifications.models import Notification

PAGE_SIZE = 30


def inbox_of(user: User) -> QuerySet[Notification]:
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (
        Notification.objects.filter(user=user)
        .annotate(unread=unread)
        .order_by("-unread", "-created_at", "-pk")
    )


def inbox_page(user: User, number: str | int | None) -> Page[Notification]:
    """One page of the inbox (a count and one select); a page number out of range or not a
    number gives the last or the first page rather than an error."""
    return Paginator(inbox_of(user), PAGE_SIZE).get_page(number)
