"""Sending notifications: one row per person in the portal, and an e-mail to each person who
has an address. Call `notify` inside the transaction of the event it announces: the rows
roll back with it, and the e-mails leave only once it has committed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.notifications.models import Notification


@transaction.atomic
def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    campaign: Campaign | None = None,
    key: str = "",
) -> list[Notification]:
    """Notify each person once; with a `key`, never twice for the same key (reminders)."""
    created = []
    for user in {user.pk: user for user in users}.values():
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        notification = Notification(
            user=user, kind=kind, title=title[:300], body=body, url=url, campaign=campaign,
            key=key,
        )  # fmt: skip
        notification.full_clean()
        notification.save()
        created.append(notification)
    transaction.on_commit(lambda: _email(created))
    return created


def _email(notifications: list[Notification]) -> None:
    for notification in notifications:
        address = notification.user.email
        if not address:
            continue
        link = (
            f"\n\n{settings.DTI_SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
        )
        send_mail(notification.title, notification.body + link, None, [address])
        Notification.objects.filter(pk=notification.pk).update(emailed=True)
