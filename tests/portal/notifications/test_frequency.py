"""A person's choice of e-mail (NotificationSettings): each notification at once (the
default), one daily digest, or none; the notification is in the portal whatever the choice.
The digest leaves from the hourly `send_reminders`, once a day per person from
DTI_DIGEST_HOUR, and only when there is something new."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.management import call_command

from portal.accounts.models import User
from portal.notifications.models import EmailFrequency, Notification, NotificationSettings
from portal.notifications.services import digests_send, notify
from tests.portal.conftest import Cast, make_user
from tests.portal.jobs import run_jobs
from tests.portal.notifications.conftest import notification

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2025, 7, 1, 8, 5, tzinfo=HCM)  # after 07:00, the default hour


def choose(user: User, frequency: str, email: str = "") -> User:
    user.email = email or f"{user.username}@tinhmau.gov.vn"
    user.save()
    NotificationSettings.objects.update_or_create(
        user=user, defaults={"email_frequency": frequency}
    )
    return user


def run(at: datetime) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_only_those_who_want_each_one_get_an_email_at_once(
    cast: Cast, django_capture_on_commit_callbacks: Callable[..., Any]
):
    choose(cast.lan, EmailFrequency.EACH)
    choose(cast.minh, EmailFrequency.DAILY)
    choose(cast.thao, EmailFrequency.OFF)
    cast.hung.email = "hung@tinhmau.gov.vn"  # no choice made: each one, at once
    cast.hung.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[cast.lan, cast.minh, cast.thao, cast.hung], kind="submitted", title="Gửi")
    run_jobs()  # the worker sends what was queued
    assert sorted(email.to[0] for email in mail.outbox) == [
        "hung@tinhmau.gov.vn",
        "lan@tinhmau.gov.vn",
    ]
    assert Notification.objects.count() == 4  # in the portal for everyone


def test_the_hourly_retry_leaves_the_digest_and_off_people_alone(cast: Cast):
    choose(cast.minh, EmailFrequency.DAILY)
    choose(cast.thao, EmailFrequency.OFF)
    for user in (cast.minh, cast.thao):
        notification(user, "chưa gửi", at=MORNING.replace(hour=6))
    with time_machine.travel(MORNING.replace(hour=6, minute=30), tick=False):
        out = StringIO()
        call_command("send_reminders", stdout=out)  # before the digest hour
    assert "E-mail gửi lại: 0" in out.getvalue()
    assert mail.outbox == []


def test_the_digest_lists_the_days_unread_notifications_once_a_day(cast: Cast):
    choose(cast.minh, EmailFrequency.DAILY)
    first = notification(
        cast.minh, "Sở Nội vụ đã gửi bản tự đánh giá", at=MORNING - timedelta(hours=10)
    )
    Notification.objects.filter(pk=first.pk).update(url="/tu-danh-gia/1/tinh-trang/")
    notification(cast.minh, "Đã đóng tự đánh giá", at=MORNING - timedelta(hours=3))
    notification(cast.minh, "đã đọc", at=MORNING - timedelta(hours=2), read_at=MORNING)
    notification(cast.minh, "quá cũ", at=MORNING - timedelta(days=2))
    assert "E-mail tổng hợp hằng ngày: đã gửi 1" in run(MORNING)
    [digest] = mail.outbox
    assert digest.to == ["minh@tinhmau.gov.vn"]
    assert digest.subject == "Tổng hợp thông báo ngày 01/07/2025: 2 thông báo mới"
    assert "Sở Nội vụ đã gửi bản tự đánh giá" in digest.body
    assert "https://dti.tinhmau.gov.vn/tu-danh-gia/1/tinh-trang/" in digest.body
    assert "Đã đóng tự đánh giá" in digest.body
    assert "đã đọc" not in digest.body and "quá cũ" not in digest.body
    assert "https://dti.tinhmau.gov.vn/thong-bao/cai-dat/" in digest.body
    # an hour later, and later the same day: nothing more, even with something new
    notification(cast.minh, "Kết quả thẩm định", at=MORNING + timedelta(minutes=30))
    assert "E-mail tổng hợp hằng ngày: đã gửi 0" in run(MORNING + timedelta(hours=1))
    assert "E-mail tổng hợp hằng ngày: đã gửi 0" in run(MORNING + timedelta(hours=15))
    assert len(mail.outbox) == 1
    # the next morning: what came since
    assert "E-mail tổng hợp hằng ngày: đã gửi 1" in run(MORNING + timedelta(days=1))
    assert mail.outbox[1].subject == "Tổng hợp thông báo ngày 02/07/2025: 1 thông báo mới"
    assert "Kết quả thẩm định" in mail.outbox[1].body
    assert "Đã đóng tự đánh giá" not in mail.outbox[1].body


def test_no_digest_before_the_hour_nor_when_nothing_is_new_nor_for_off(cast: Cast, settings):
    settings.DTI_DIGEST_HOUR = 9
    choose(cast.minh, EmailFrequency.DAILY)
    choose(cast.thao, EmailFrequency.OFF)
    choose(cast.hoa, EmailFrequency.DAILY)  # nothing new for her
    for user in (cast.minh, cast.thao):
        notification(user, "mới", at=MORNING - timedelta(hours=1))
    assert "E-mail tổng hợp hằng ngày: đã gửi 0" in run(MORNING)  # 08:05, before 09:00
    assert mail.outbox == []
    assert "E-mail tổng hợp hằng ngày: đã gửi 1" in run(MORNING + timedelta(hours=1))
    assert [email.to for email in mail.outbox] == [["minh@tinhmau.gov.vn"]]
    assert NotificationSettings.objects.get(user=cast.hoa).digest_at is not None  # done today
    assert Notification.objects.get(user=cast.thao).emailed is False


def test_a_dry_run_counts_the_digests_and_sends_nothing(cast: Cast):
    choose(cast.minh, EmailFrequency.DAILY)
    notification(cast.minh, "mới", at=MORNING - timedelta(hours=1))
    out = StringIO()
    with time_machine.travel(MORNING, tick=False):
        call_command("send_reminders", "--dry-run", stdout=out)
    assert "E-mail tổng hợp hằng ngày: sẽ gửi 1" in out.getvalue()
    assert mail.outbox == []
    assert NotificationSettings.objects.get(user=cast.minh).digest_at is None


def test_the_digests_of_many_people_take_a_few_queries(
    cast: Cast, django_assert_max_num_queries: Callable[..., Any]
):
    for number in range(25):
        person = choose(make_user(f"cb{number}", f"Cán bộ {number}"), EmailFrequency.DAILY)
        notification(person, "mới", at=MORNING - timedelta(hours=1))
        notification(person, "mới nữa", at=MORNING - timedelta(hours=2))
    with time_machine.travel(MORNING, tick=False), django_assert_max_num_queries(4):
        assert digests_send() == 25
    assert len(mail.outbox) == 25
    assert not Notification.objects.filter(emailed=False).exists()
