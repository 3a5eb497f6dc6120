"""A notification is its owner's alone: anyone else gets 404 and learns nothing, not even
that it exists."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.accounts.permissions import AnyUser
from portal.notifications.models import Notification


def get_notification_for_user(user: AnyUser, pk: int) -> Notification:
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Notification, pk=pk, user=user)
