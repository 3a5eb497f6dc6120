"""The number of unread notifications, for the bell in the header of every page."""

from __future__ import annotations

from django.http import HttpRequest

from portal.notifications.models import Notification


def unread(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    count = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"unread_notifications": count}
