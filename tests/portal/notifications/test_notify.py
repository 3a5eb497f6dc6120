"""`notify`: a row in the portal for each person, an e-mail to each person with an address
once the event's transaction has committed, nothing when it rolls back, and a mail server
that fails loses no notification."""

from __future__ import annotations

import logging
import socket
from smtplib import SMTPRecipientsRefused
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.portal.conftest import Cast
from tests.portal.jobs import run_jobs

LINK = "https://dti.tinhmau.gov.vn/tu-danh-gia/12/"


class RefusingLanBackend(EmailBackend):
    """A mail server that refuses Lan's address and delivers the others."""

    def send_messages(self, messages: Any) -> int:
        if any("lan@" in address for message in messages for address in message.to):
            raise SMTPRecipientsRefused({"lan@tinhmau.gov.vn": (550, b"No such user")})
        return super().send_messages(messages)


def _notify(users: list[Any], **fields: Any) -> list[Notification]:
    defaults = {
        "kind": "supplement_requested",
        "title": "Yêu cầu bổ sung: Sở Nội vụ",
        "body": "Tổ thẩm định đề nghị bổ sung tiêu chí 1.1.",
        "url": "/tu-danh-gia/12/",
    }
    return notify(users=users, **{**defaults, **fields})


def _give_addresses(cast: Cast) -> None:
    for user, address in ((cast.lan, "lan@tinhmau.gov.vn"), (cast.minh, "minh@tinhmau.gov.vn")):
        user.email = address
        user.save()


def test_a_person_with_an_address_gets_one_email_with_the_link(
    cast: Cast, django_capture_on_commit_callbacks
):
    _give_addresses(cast)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([cast.lan])
    run_jobs()  # the worker sends what was queued
    [email] = mail.outbox
    assert email.to == ["lan@tinhmau.gov.vn"]
    assert email.subject == "Yêu cầu bổ sung: Sở Nội vụ"
    assert "Tổ thẩm định đề nghị bổ sung tiêu chí 1.1." in email.body
    assert LINK in email.body
    assert "https://dti.tinhmau.gov.vn/thong-bao/" in email.body
    assert Notification.objects.get(user=cast.lan).emailed is True


def test_a_person_without_an_address_gets_only_the_notification_in_the_portal(
    cast: Cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = _notify([cast.thao])
    run_jobs()  # the worker sends what was queued
    assert mail.outbox == []
    row.refresh_from_db()
    assert (row.user, row.title, row.url, row.emailed) == (
        cast.thao,
        "Yêu cầu bổ sung: Sở Nội vụ",
        "/tu-danh-gia/12/",
        False,
    )


def test_no_email_leaves_before_the_transaction_commits(
    cast: Cast, django_capture_on_commit_callbacks
):
    _give_addresses(cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([cast.lan, cast.minh])
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()  # queues the e-mails, which the worker then sends
    assert mail.outbox == []
    run_jobs()
    assert sorted(email.to[0] for email in mail.outbox) == [
        "lan@tinhmau.gov.vn",
        "minh@tinhmau.gov.vn",
    ]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    cast: Cast, django_capture_on_commit_callbacks
):
    _give_addresses(cast)

    def announce_then_fail() -> None:
        with transaction.atomic():
            _notify([cast.lan, cast.minh])
            raise RuntimeError("the event that was announced failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        announce_then_fail()
    run_jobs()  # the worker sends what was queued
    assert callbacks == []
    assert mail.outbox == []
    assert Notification.objects.count() == 0


def test_an_unreachable_mail_server_loses_no_notification(
    cast: Cast, settings, django_capture_on_commit_callbacks, caplog
):
    _give_addresses(cast)
    with socket.socket() as probe:  # a port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with caplog.at_level(logging.WARNING):
        with django_capture_on_commit_callbacks(execute=True):
            rows = _notify([cast.lan, cast.minh])
        run_jobs()  # the worker tries to send them
    assert len(rows) == 2
    assert Notification.objects.filter(emailed=False).count() == 2
    assert "Mail server unreachable: 2 e-mails not sent" in caplog.text


def test_an_address_the_server_refuses_does_not_stop_the_others(
    cast: Cast, settings, django_capture_on_commit_callbacks, caplog
):
    _give_addresses(cast)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingLanBackend"
    with caplog.at_level(logging.WARNING):
        with django_capture_on_commit_callbacks(execute=True):
            _notify([cast.lan, cast.minh])
        run_jobs()  # the worker tries to send them
    assert [email.to for email in mail.outbox] == [["minh@tinhmau.gov.vn"]]
    emailed = dict(Notification.objects.values_list("user__username", "emailed"))
    assert emailed == {"lan": False, "minh": True}
    assert "not sent" in caplog.text


def test_it_notifies_each_person_once_however_often_named(
    cast: Cast, django_capture_on_commit_callbacks
):
    _give_addresses(cast)
    with django_capture_on_commit_callbacks(execute=True):
        rows = _notify([cast.lan, cast.lan, cast.minh])
    run_jobs()  # the worker sends what was queued
    assert len(rows) == 2
    assert len(mail.outbox) == 2


def test_a_key_is_notified_once_per_person(cast: Cast, django_capture_on_commit_callbacks):
    _give_addresses(cast)
    key = "deadline:self:1:2025-06-30T10:00:00+00:00"
    with django_capture_on_commit_callbacks(execute=True):
        assert len(_notify([cast.lan], key=key)) == 1
        assert [row.user for row in _notify([cast.lan, cast.minh], key=key)] == [cast.minh]
        assert _notify([cast.lan, cast.minh], key=key) == []
    run_jobs()  # the worker sends what was queued
    assert Notification.objects.filter(key=key).count() == 2
    assert len(mail.outbox) == 2


def test_a_title_on_several_lines_becomes_one_subject_line(
    cast: Cast, django_capture_on_commit_callbacks
):
    _give_addresses(cast)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([cast.lan], title="Trả kết quả\nvòng 1")
    run_jobs()  # the worker sends what was queued
    assert mail.outbox[0].subject == "Trả kết quả vòng 1"


def test_a_reminder_a_concurrent_run_saved_first_is_skipped_without_breaking_the_transaction(
    cast: Cast,
):
    from portal.notifications.services import _saved_once

    key = "deadline:appraisal:3:2025-07-10T10:00:00+00:00"
    Notification.objects.create(user=cast.hung, kind="deadline_appraisal", title="a", key=key)
    with transaction.atomic():
        late = Notification(user=cast.hung, kind="deadline_appraisal", title="b", key=key)
        assert _saved_once(late) is False
        assert Notification.objects.filter(key=key).count() == 1  # still usable


def test_rows_a_concurrent_run_wrote_since_the_check_are_skipped_the_others_kept(cast: Cast):
    from portal.notifications.services import _saved

    key = "round_opened:7"
    Notification.objects.create(user=cast.hung, kind="round_opened", title="a", key=key)
    rows = [
        Notification(user=cast.hung, kind="round_opened", title="b", key=key),
        Notification(user=cast.lan, kind="round_opened", title="b", key=key),
        Notification(user=cast.minh, kind="submitted", title="c"),
    ]
    with transaction.atomic():
        saved = _saved(rows)
        assert [row.user for row in saved] == [cast.lan, cast.minh]
        assert Notification.objects.count() == 3


def test_the_actor_and_deactivated_accounts_are_left_out(cast: Cast):
    cast.thao.is_active = False
    cast.thao.save()
    rows = notify(
        users=[cast.lan, cast.minh, cast.thao], kind="submitted", title="t", actor=cast.lan
    )
    assert [row.user for row in rows] == [cast.minh]


def test_several_messages_of_one_event_are_written_in_one_insert(
    cast: Cast, django_assert_num_queries
):
    from portal.notifications.services import Message, notify_many

    messages = [
        Message([cast.lan, cast.minh], "Sở Nội vụ", key="e:1"),
        Message([cast.thao], "Sở Tư pháp", key="e:2"),
        Message([cast.hoa, cast.quang], "Đợt"),
    ]
    # the keys already sent, the insert, the people's e-mail choices, and two savepoints
    # (each opened and released): seven, however many people
    with django_assert_num_queries(7):
        rows = notify_many(messages=messages, kind="published")
    assert len(rows) == 5
    assert len(notify_many(messages=messages[:2], kind="published")) == 0


def test_the_email_leaves_from_the_worker_never_from_the_request(
    cast: Cast, django_capture_on_commit_callbacks
):
    """A slow or unreachable mail server never holds a person's page: the request only
    queues the e-mails (docs/tasks.md); the worker sends them."""
    _give_addresses(cast)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([cast.lan, cast.minh])
    assert mail.outbox == []
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "portal.notifications.services.emails_send"
    run_jobs()
    assert len(mail.outbox) == 2
    queued.refresh_from_db()
    assert (queued.status, queued.return_value) == ("SUCCESSFUL", 2)


def test_an_email_queue_failing_after_the_commit_is_logged_not_shown(
    cast: Cast, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The change and its notifications are committed; the e-mails' queueing then fails: the
    person's request still succeeds (they would otherwise do it again) and it is logged."""
    from types import SimpleNamespace

    from portal.notifications import services

    def queue_down(*args: Any) -> None:
        raise RuntimeError("the task queue is down")

    monkeypatch.setattr(services, "emails_send", SimpleNamespace(enqueue=queue_down))
    _give_addresses(cast)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        rows = _notify([cast.lan, cast.minh])
    assert len(rows) == 2 and Notification.objects.count() == 2
    assert "the task queue is down" in caplog.text
    assert not DBTaskResult.objects.exists()
