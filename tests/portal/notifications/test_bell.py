"""The bell in the header of every page: a link to the inbox with the number of unread
notifications, for signed-in people only."""

from __future__ import annotations

from django.utils import timezone

from tests.portal.conftest import Cast
from tests.portal.notifications.conftest import notification

BELL = 'href="/thong-bao/" class="notifications"'


def test_it_shows_the_number_of_unread_notifications(cast: Cast):
    notification(cast.lan, "một")
    notification(cast.lan, "hai")
    notification(cast.lan, "đã đọc", read_at=timezone.now())
    notification(cast.minh, "của Minh")
    html = cast.client(cast.lan).get("/").content.decode()
    assert BELL in html
    assert 'Thông báo <span class="badge warn">2</span>' in html


def test_it_shows_no_badge_when_everything_is_read(cast: Cast):
    notification(cast.lan, "đã đọc", read_at=timezone.now())
    html = cast.client(cast.lan).get("/").content.decode()
    assert BELL in html
    assert 'Thông báo <span class="badge' not in html


def test_anonymous_visitors_have_no_bell(cast: Cast):
    assert BELL not in cast.client(None).get("/").content.decode()


def test_it_reads_notifications_in_english_too(cast: Cast):
    html = cast.client(cast.lan).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Notifications</a>" in html
