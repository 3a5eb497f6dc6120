"""Reading notifications: mark one read (POST), follow its link (which reads it), mark all
read (POST). Only the owner may: anyone else gets 404, anonymous visitors the login page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.notifications.models import Notification
from tests.portal.conftest import Cast
from tests.portal.notifications.conftest import NOT_THE_OWNER, notification


def _unread(cast: Cast) -> Notification:
    return notification(cast.lan, "Yêu cầu bổ sung", url="/dot-danh-gia/7/")


# ---- mark one read ---------------------------------------------------------------------


def test_it_marks_the_owners_notification_read(cast: Cast):
    row = _unread(cast)
    response = cast.client(cast.lan).post(f"/thong-bao/{row.pk}/da-doc/", {"page": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/thong-bao/?page=2"
    row.refresh_from_db()
    assert row.read_at is not None


def test_it_keeps_the_first_reading_time(cast: Cast):
    first = timezone.now().replace(year=2024, microsecond=0)
    row = notification(cast.lan, "đã đọc từ trước", read_at=first)
    cast.client(cast.lan).post(f"/thong-bao/{row.pk}/da-doc/")
    row.refresh_from_db()
    assert row.read_at == first


def test_it_marks_read_by_post_only(cast: Cast):
    row = _unread(cast)
    assert cast.client(cast.lan).get(f"/thong-bao/{row.pk}/da-doc/").status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


@pytest.mark.parametrize("name", NOT_THE_OWNER)
def test_it_refuses_to_mark_someone_elses_notification(cast: Cast, name: str):
    row = _unread(cast)
    response = cast.client(getattr(cast, name)).post(f"/thong-bao/{row.pk}/da-doc/")
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_it_sends_anonymous_visitors_to_log_in_before_marking(cast: Cast):
    row = _unread(cast)
    response = cast.client(None).post(f"/thong-bao/{row.pk}/da-doc/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    row.refresh_from_db()
    assert row.read_at is None


def test_it_answers_404_for_a_notification_that_does_not_exist(cast: Cast):
    assert cast.client(cast.lan).post("/thong-bao/999999/da-doc/").status_code == 404


# ---- follow the link -------------------------------------------------------------------


def test_following_the_link_reads_it_and_goes_there(cast: Cast):
    row = _unread(cast)
    response = cast.client(cast.lan).get(f"/thong-bao/{row.pk}/mo/")
    assert response.status_code == 302
    assert response["Location"] == "/dot-danh-gia/7/"
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize("url", ["", "https://ke-gian.example/", "//ke-gian.example/"])
def test_following_a_notification_without_a_portal_link_goes_to_the_inbox(cast: Cast, url: str):
    row = notification(cast.lan, "không có liên kết trong cổng", url=url)
    response = cast.client(cast.lan).get(f"/thong-bao/{row.pk}/mo/")
    assert response["Location"] == "/thong-bao/"


@pytest.mark.parametrize("name", NOT_THE_OWNER)
def test_it_refuses_to_open_someone_elses_notification(cast: Cast, name: str):
    row = _unread(cast)
    assert cast.client(getattr(cast, name)).get(f"/thong-bao/{row.pk}/mo/").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_it_sends_anonymous_visitors_to_log_in_and_back_to_the_link(cast: Cast):
    row = _unread(cast)
    response = cast.client(None).get(f"/thong-bao/{row.pk}/mo/")
    assert response.status_code == 302
    assert response["Location"] == f"/tai-khoan/dang-nhap/?next=/thong-bao/{row.pk}/mo/"
    row.refresh_from_db()
    assert row.read_at is None


# ---- mark all read ---------------------------------------------------------------------


def test_it_marks_all_of_the_owners_notifications_read_and_nobody_elses(cast: Cast):
    mine = [_unread(cast), _unread(cast)]
    minh = notification(cast.minh, "của Minh")
    response = cast.client(cast.lan).post("/thong-bao/da-doc-het/", follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert all(Notification.objects.get(pk=row.pk).read_at for row in mine)
    assert Notification.objects.get(pk=minh.pk).read_at is None


def test_it_says_so_when_nothing_is_unread(cast: Cast):
    response = cast.client(cast.lan).post("/thong-bao/da-doc-het/", follow=True)
    assert "Không có thông báo chưa đọc." in response.content.decode()


def test_it_marks_all_read_by_post_only(cast: Cast):
    row = _unread(cast)
    assert cast.client(cast.lan).get("/thong-bao/da-doc-het/").status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


def test_it_sends_anonymous_visitors_to_log_in_before_marking_all(cast: Cast):
    row = _unread(cast)
    response = cast.client(None).post("/thong-bao/da-doc-het/")
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    row.refresh_from_db()
    assert row.read_at is None
