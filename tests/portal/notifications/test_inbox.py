"""The inbox (/thong-bao/): the person's own notifications, unread first then the newest,
30 a page, each with its title, text, time and link."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.portal.conftest import Cast
from tests.portal.notifications.conftest import NOT_THE_OWNER, notification

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/thong-bao/"


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast):
    response = cast.client(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_it_shows_the_owner_title_body_time_and_link(cast: Cast):
    notification(
        cast.lan,
        "Đã trả kết quả thẩm định vòng 1",
        body="Sở Nội vụ: 3 tiêu chí bị hạ điểm.",
        url="/dot-danh-gia/1/",
        at=datetime(2025, 7, 3, 8, 5, tzinfo=HANOI),
    )
    html = cast.client(cast.lan).get(URL).content.decode()
    assert "Đã trả kết quả thẩm định vòng 1" in html
    assert "Sở Nội vụ: 3 tiêu chí bị hạ điểm." in html
    assert "03/07/2025 08:05" in html
    pk = cast.lan.notifications.get().pk
    assert f'href="/thong-bao/{pk}/mo/"' in html


@pytest.mark.parametrize("name", NOT_THE_OWNER)
def test_it_shows_nobody_else_the_owners_notifications(cast: Cast, name: str):
    notification(cast.lan, "Thông báo riêng của Lan")
    response = cast.client(getattr(cast, name)).get(URL)
    assert response.status_code == 200
    assert "Thông báo riêng của Lan" not in response.content.decode()
    assert "Bạn chưa có thông báo nào." in response.content.decode()


def test_it_lists_unread_first_then_the_newest(cast: Cast):
    day = timezone.now().replace(microsecond=0)
    old_unread = notification(cast.lan, "cũ chưa đọc", at=day.replace(year=2024))
    new_read = notification(cast.lan, "mới đã đọc", read_at=day)
    new_unread = notification(cast.lan, "mới chưa đọc")
    old_read = notification(cast.lan, "cũ đã đọc", at=day.replace(year=2024), read_at=day)
    page = cast.client(cast.lan).get(URL).context["page"]
    assert list(page) == [new_unread, old_unread, new_read, old_read]


def test_it_pages_thirty_at_a_time(cast: Cast):
    for number in range(65):
        notification(cast.lan, f"Thông báo số {number:02d}")
    client = cast.client(cast.lan)
    first = client.get(URL)
    assert len(first.context["page"]) == 30
    assert "Thông báo số 64" in first.content.decode()
    assert "Trang 1/3" in first.content.decode()
    last = client.get(URL, {"page": 3})
    assert [n.title for n in last.context["page"]] == [
        f"Thông báo số {n:02d}" for n in (4, 3, 2, 1, 0)
    ]
    assert client.get(URL, {"page": "không-phải-số"}).context["page"].number == 1


def test_it_lists_a_page_in_a_fixed_number_of_queries(cast: Cast, django_assert_max_num_queries):
    for number in range(40):
        notification(cast.lan, f"Thông báo số {number}", url="/dot-danh-gia/1/")
    client = cast.client(cast.lan)
    # session, user, the paginator's count, the page's rows; every page's header: the
    # person's roles and the bell's unread count
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200


def test_it_offers_to_mark_all_read_only_when_something_is_unread(cast: Cast):
    notification(cast.lan, "đã đọc", read_at=timezone.now())
    assert "Đánh dấu tất cả là đã đọc" not in cast.client(cast.lan).get(URL).content.decode()
    notification(cast.lan, "chưa đọc")
    assert "Đánh dấu tất cả là đã đọc" in cast.client(cast.lan).get(URL).content.decode()


def test_it_reads_in_english_to_a_browser_that_asks_for_it(cast: Cast):
    for number in range(31):
        notification(cast.lan, f"Thông báo số {number}")
    html = cast.client(cast.lan).get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("Notifications", "Mark all as read", "Mark as read", "Page 1 of 2", "Next page"):
        assert text in html
    assert "Thông báo số 30" in html  # the notification itself stays as it was written
