"""Sending notifications: one row per person in the portal, and an e-mail to each person who
has an address. Call `notify` inside the transaction of the event it announces: the rows
roll back with it, and the e-mails leave only once it has committed.

E-mail is best effort: a mail server that refuses or cannot be reached is logged, the row
stays in the portal with `emailed=False`, and `manage.py send_reminders` (run every hour)
tries those e-mails again for RETRY_DAYS (docs/portal-notifications.md)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.notifications.models import Notification
from portal.notifications.reminders import KINDS, Reminder

logger = logging.getLogger(__name__)

# How long an e-mail that could not be sent is tried again; older ones stay in the portal only.
RETRY_DAYS = 2


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
    people = {user.pk: user for user in users}
    if key:  # one query for everyone, rather than one per person
        sent = Notification.objects.filter(key=key, user_id__in=people).values_list("user_id")
        for (user_id,) in sent:
            people.pop(user_id)
    created = []
    for user in people.values():
        notification = Notification(
            user=user,
            kind=kind,
            title=" ".join(title.split())[:300],
            body=body,
            url=url,
            campaign=campaign,
            key=key,
        )
        # The key's uniqueness was checked above for all at once; the database still guards
        # it against a second reminder run at the same moment (the savepoint below).
        notification.full_clean(validate_constraints=False)
        if _saved_once(notification):
            created.append(notification)
    if created:
        transaction.on_commit(lambda: send_emails(created))
    return created


def _saved_once(notification: Notification) -> bool:
    if not notification.key:
        notification.save()
        return True
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:  # a concurrent run sent this reminder first
        return False
    return True


def send_emails(notifications: Iterable[Notification]) -> int:
    """E-mail each notification whose person has an address, over one connection; mark the
    ones sent. A failure is logged and leaves that one unsent (`emailed=False`), never
    raises: the notification itself is already in the portal. Returns how many were sent."""
    pending = [n for n in notifications if n.user.email]
    if not pending:
        return 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception:  # the server cannot be reached: nothing leaves, the rows stay unsent
        logger.warning("Mail server unreachable: %s e-mails not sent", len(pending), exc_info=True)
        return 0
    try:
        sent = [n.pk for n in pending if _sent(connection, n)]
    finally:
        _close(connection)
    Notification.objects.filter(pk__in=sent).update(emailed=True)
    return len(sent)


def _sent(connection: BaseEmailBackend, notification: Notification) -> bool:
    try:
        return bool(connection.send_messages([_message(notification)]))
    except Exception:  # a refused address, a dropped connection: whatever the backend raises
        logger.warning("E-mail of notification %s not sent", notification.pk, exc_info=True)
        return False


def _close(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except Exception:  # the e-mails were handed over; a failing goodbye loses nothing
        logger.warning("Mail server connection not closed cleanly", exc_info=True)


def _message(notification: Notification) -> EmailMessage:
    site = settings.DTI_SITE_URL.rstrip("/")
    parts = [notification.body] if notification.body else []
    if notification.url:
        parts.append(f"{site}{notification.url}")
    parts.append(
        gettext("Các thông báo của bạn: %(url)s") % {"url": site + reverse("notifications:inbox")}
    )
    return EmailMessage(
        subject=notification.title,
        body="\n\n".join(parts),
        to=[notification.user.email],
    )


def notifications_email_unsent(*, now: datetime | None = None) -> int:
    """Try again the e-mails that could not be sent during the last RETRY_DAYS, of the
    notifications still unread (one read in the portal needs no e-mail any more)."""
    since = (now or timezone.now()) - timedelta(days=RETRY_DAYS)
    unsent = (
        Notification.objects.filter(emailed=False, read_at__isnull=True, created_at__gte=since)
        .exclude(user__email="")
        .select_related("user")
    )
    return send_emails(list(unsent))


def notification_read(*, notification: Notification) -> Notification:
    """Mark one notification read (once: the first reading time is kept)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


def reminders_send(*, reminders: list[Reminder], dry_run: bool = False) -> dict[str, int]:
    """Send the reminders found (portal.appraisals.reminders.due_reminders), each in its own
    transaction: one that fails loses no other. Returns how many notifications of each kind
    were (with `dry_run`: would be) created."""
    counts = dict.fromkeys(KINDS, 0)
    for reminder in reminders:
        if dry_run:
            counts[reminder.kind] += len(_not_yet_reminded(reminder))
            continue
        created = notify(
            users=reminder.users,
            kind=reminder.kind,
            title=reminder.title,
            body=reminder.body,
            url=reminder.url,
            campaign=reminder.campaign,
            key=reminder.key,
        )
        counts[reminder.kind] += len(created)
    return counts


def _not_yet_reminded(reminder: Reminder) -> list[User]:
    reminded = set(Notification.objects.filter(key=reminder.key).values_list("user_id", flat=True))
    return [user for user in {u.pk: u for u in reminder.users}.values() if user.pk not in reminded]
