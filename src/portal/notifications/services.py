"""Sending notifications: one row per person in the portal, and an e-mail to each person who
has an address. Call `notify` inside the transaction of the event it announces: the rows
roll back with it, and the e-mails leave only once it has committed.

E-mail is best effort: a mail server that refuses or cannot be reached is logged, the row
stays in the portal with `emailed=False`, and `manage.py send_reminders` (run every hour)
tries those e-mails again for RETRY_DAYS (docs/portal-notifications.md)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_tasks import task

from portal.accounts.models import User
from portal.bulk import insert_rows
from portal.campaigns.models import Campaign
from portal.moments import day_text, moment_text
from portal.notifications.models import EmailFrequency, Notification, NotificationSettings
from portal.notifications.reminders import KINDS, Reminder

logger = logging.getLogger(__name__)

# How long an e-mail that could not be sent is tried again; older ones stay in the portal only.
RETRY_DAYS = 2


@dataclass(frozen=True)
class Message:
    """One text and its link for some people: `notify_many` writes several in one go."""

    users: Sequence[User]
    title: str
    body: str = ""
    url: str = ""
    key: str = ""


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
    actor: User | None = None,
) -> list[Notification]:
    """Notify each person once; with a `key`, never twice for the same key (reminders)."""
    message = Message(tuple(users), title, body, url, key)
    return notify_many(messages=[message], kind=kind, campaign=campaign, actor=actor)


@transaction.atomic
def notify_many(
    *,
    messages: Iterable[Message],
    kind: str,
    campaign: Campaign | None = None,
    actor: User | None = None,
) -> list[Notification]:
    """Write each message once per person, in a few queries however many people: never to
    the `actor` (who made the move), never to a deactivated account, never twice for a key
    a person already has. The e-mails leave after the commit, to the people who want each
    notification by e-mail (EmailFrequency.EACH, the default)."""
    return notify_prepared(
        notifications_for(messages=messages, kind=kind, campaign=campaign, actor=actor)
    )


def notifications_for(
    *,
    messages: Iterable[Message],
    kind: str,
    campaign: Campaign | None = None,
    actor: User | None = None,
) -> list[Notification]:
    """The rows `notify_many` writes, built and checked without a query: work that can be
    done before a transaction that must be short (finalization tells 3,300 units)."""
    rows = []
    for message in messages:
        people = {user.pk: user for user in message.users if user.is_active}
        for user in people.values():
            if actor is None or user.pk != actor.pk:
                rows.append(_row(user, kind, message, campaign))
    return rows


def notify_prepared(rows: Sequence[Notification]) -> list[Notification]:
    """Write the rows of `notifications_for`, except those whose person already has the key
    (one query for everyone, rather than one per person), in the caller's transaction."""
    keys = {row.key for row in rows if row.key}
    named = {row.user_id for row in rows}
    sent: set[tuple[int, str]] = set()
    if keys:
        had = Notification.objects.filter(key__in=keys, user_id__in=named)
        sent = set(had.values_list("user_id", "key"))
    created = _saved([row for row in rows if (row.user_id, row.key) not in sent])
    if created:
        at_once = named - set(_holding_back(named))
        mailed = [row for row in created if row.user_id in at_once]
        if mailed:  # by the worker, once the notifications are stored (docs/tasks.md)
            ids = [row.pk for row in mailed]
            # robust: a queue that fails once the person's change is committed is logged,
            # never turned into an error page for a change that is stored (the person would
            # do it again); the notifications themselves are stored with it
            transaction.on_commit(lambda: emails_send.enqueue(ids), robust=True)
    return created


def _row(user: User, kind: str, message: Message, campaign: Campaign | None) -> Notification:
    row = Notification(
        user=user,
        kind=kind,
        title=" ".join(message.title.split())[:300],
        body=message.body,
        url=message.url,
        campaign=campaign,
        key=message.key,
    )
    # The people and the campaign are rows already read; checking them again would cost
    # two queries a person. The key's uniqueness was checked above for all at once.
    row.full_clean(exclude=["user", "campaign"], validate_unique=False, validate_constraints=False)
    return row


def _saved(rows: list[Notification]) -> list[Notification]:
    """All the rows in one insert; should a concurrent run have written one of the keys
    since they were checked, each row alone, the ones already there skipped."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            insert_rows(rows)
            return rows
    except IntegrityError:
        for row in rows:
            row.pk = None
        return [row for row in rows if _saved_once(row)]


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


def _holding_back(user_ids: Iterable[int]) -> list[int]:
    """Of these people, those who want no e-mail at once (a daily digest, or none)."""
    waiting = NotificationSettings.objects.filter(
        user_id__in=set(user_ids), email_frequency__in=[EmailFrequency.DAILY, EmailFrequency.OFF]
    )
    return list(waiting.values_list("user_id", flat=True))


@task()
def emails_send(notification_ids: list[int]) -> int:
    """The worker's side of `notify_many`: e-mail the notifications not e-mailed yet. A
    slow or unreachable mail server never holds a person's page; what it refuses stays
    unsent and `manage.py send_reminders` tries it again."""
    unsent = Notification.objects.filter(pk__in=notification_ids, emailed=False)
    return send_emails(list(unsent.select_related("user")))


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
    notifications still unread (one read in the portal needs no e-mail any more), of the
    people who want each one by e-mail (the daily digest sends the others' its own way)."""
    since = (now or timezone.now()) - timedelta(days=RETRY_DAYS)
    unsent = (
        Notification.objects.filter(emailed=False, read_at__isnull=True, created_at__gte=since)
        .exclude(user__email="")
        .exclude(
            user_id__in=NotificationSettings.objects.exclude(
                email_frequency=EmailFrequency.EACH
            ).values("user_id")
        )
        .select_related("user")
    )
    return send_emails(list(unsent))


# ---- the daily digest -----------------------------------------------------------------


def digests_send(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Once a day, from DTI_DIGEST_HOUR (the portal's time zone), one e-mail to each person
    who chose the daily digest, listing their notifications not yet e-mailed and unread
    that came since their last digest (the last day, for a first one). Nothing for those
    with nothing new. A digest the mail server did not take is tried again at the next run.
    Returns how many digests were (with `dry_run`: would be) sent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.DTI_DIGEST_HOUR:
        return 0
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    due = {
        row.user_id: row
        for row in NotificationSettings.objects.filter(
            Q(digest_at__isnull=True) | Q(digest_at__lt=today),
            email_frequency=EmailFrequency.DAILY,
            user__is_active=True,
        ).select_related("user")
    }
    if not due:
        return 0
    first = now - timedelta(days=1)
    waiting: dict[int, list[Notification]] = defaultdict(list)
    pending = Notification.objects.filter(
        user_id__in=due,
        emailed=False,
        read_at__isnull=True,
        created_at__gt=min(row.digest_at or first for row in due.values()),
    ).order_by("created_at", "pk")
    for notification in pending:
        if notification.created_at > (due[notification.user_id].digest_at or first):
            waiting[notification.user_id].append(notification)
    digests = {pk: rows for pk, rows in waiting.items() if due[pk].user.email}
    if dry_run:
        return len(digests)
    done = set(due) - set(digests)  # nothing to send them today
    sent = _send_digests([(due[pk].user, rows) for pk, rows in digests.items()], local)
    Notification.objects.filter(pk__in=[row.pk for pk in sent for row in digests[pk]]).update(
        emailed=True
    )
    NotificationSettings.objects.filter(user_id__in=done | set(sent)).update(digest_at=now)
    return len(sent)


def _send_digests(digests: list[tuple[User, list[Notification]]], local: datetime) -> list[int]:
    """Send the digests over one connection; returns the people whose digest left."""
    if not digests:
        return []
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception:  # the server cannot be reached: tried again at the next run
        logger.warning("Mail server unreachable: %s digests not sent", len(digests), exc_info=True)
        return []
    sent = []
    try:
        for user, rows in digests:
            try:
                if connection.send_messages([_digest(user, rows, local)]):
                    sent.append(user.pk)
            except Exception:  # a refused address: the others still go
                logger.warning("Digest of user %s not sent", user.pk, exc_info=True)
    finally:
        _close(connection)
    return sent


def _digest(user: User, rows: list[Notification], local: datetime) -> EmailMessage:
    site = settings.DTI_SITE_URL.rstrip("/")
    lines = []
    for row in rows:
        when = moment_text(row.created_at)
        lines.append(f"- {when} — {row.title}")
        if row.url:
            lines.append(f"  {site}{row.url}")
    subject = ngettext(
        "Tổng hợp thông báo ngày %(day)s: %(count)s thông báo mới",
        "Tổng hợp thông báo ngày %(day)s: %(count)s thông báo mới",
        len(rows),
    ) % {"day": day_text(local), "count": len(rows)}
    footer = [
        gettext("Các thông báo của bạn: %(url)s") % {"url": site + reverse("notifications:inbox")},
        gettext("Đổi cách nhận e-mail: %(url)s")
        % {"url": site + reverse("notifications:settings")},
    ]
    return EmailMessage(
        subject=subject, body="\n".join(lines) + "\n\n" + "\n".join(footer), to=[user.email]
    )


def notification_settings_save(*, user: User, email_frequency: str) -> NotificationSettings:
    """Keep the person's choice of e-mail (EmailFrequency)."""
    row, _ = NotificationSettings.objects.get_or_create(user=user)
    row.email_frequency = email_frequency
    row.full_clean()
    row.save(update_fields=["email_frequency"])
    return row


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
