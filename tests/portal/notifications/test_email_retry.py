"""E-mails the mail server did not take are tried again by the hourly `send_reminders`,
for RETRY_DAYS, as long as the notification is unread."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.management import call_command

from portal.notifications.models import Notification
from tests.portal.conftest import Cast
from tests.portal.notifications.conftest import notification

NOW = datetime(2025, 7, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def run(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_it_emails_again_what_could_not_be_sent_recently_and_is_still_unread(cast: Cast):
    cast.lan.email = "lan@tinhmau.gov.vn"
    cast.lan.save()
    due = notification(cast.lan, "chưa gửi được hôm qua", at=NOW - timedelta(days=1))
    notification(cast.lan, "quá cũ", at=NOW - timedelta(days=3))
    notification(cast.lan, "đã đọc trong cổng", at=NOW - timedelta(hours=2), read_at=NOW)
    notification(cast.lan, "đã gửi", at=NOW - timedelta(hours=2), emailed=True)
    notification(cast.thao, "không có địa chỉ", at=NOW - timedelta(hours=2))
    assert "E-mail gửi lại: 1" in run()
    assert [email.subject for email in mail.outbox] == ["chưa gửi được hôm qua"]
    assert list(Notification.objects.filter(emailed=True).order_by("pk")) == [
        due,
        Notification.objects.get(title="đã gửi"),
    ]
    assert "E-mail gửi lại: 0" in run()  # once sent, never again


def test_a_dry_run_sends_no_email_again(cast: Cast):
    cast.lan.email = "lan@tinhmau.gov.vn"
    cast.lan.save()
    notification(cast.lan, "chưa gửi được", at=NOW - timedelta(hours=3))
    run("--dry-run")
    assert mail.outbox == []
    assert Notification.objects.get().emailed is False
