"""The inbox's filters: by kind (the table of kinds) and to the unread ones, kept by the
pages and by marking one read; an empty inbox says what will appear there."""

from __future__ import annotations

from tests.portal.conftest import Cast
from tests.portal.notifications.conftest import notification

URL = "/thong-bao/"


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.title for row in response.context["page"]]


def test_it_filters_by_kind_and_unread(cast: Cast):
    notification(cast.lan, "gửi chưa đọc", kind="submitted")
    notification(cast.lan, "gửi đã đọc", kind="submitted", read_at="2025-07-01T00:00:00Z")
    notification(cast.lan, "kết quả chưa đọc", kind="results_returned")
    client = cast.client(cast.lan)
    assert sorted(titles(client.get(URL, {"loai": "submitted"}))) == ["gửi chưa đọc", "gửi đã đọc"]
    assert sorted(titles(client.get(URL, {"chua-doc": "1"}))) == [
        "gửi chưa đọc",
        "kết quả chưa đọc",
    ]
    both = client.get(URL, {"loai": "submitted", "chua-doc": "1"})
    assert titles(both) == ["gửi chưa đọc"]
    html = both.content.decode()
    assert '<option value="submitted" selected>Bản tự đánh giá chờ phê duyệt</option>' in html
    assert "Bỏ lọc" in html
    assert len(titles(client.get(URL, {"loai": "khong-co"}))) == 3  # an unknown kind: all


def test_each_item_names_its_kind_and_links_to_its_page(cast: Cast):
    row = notification(
        cast.lan, "Bản tự đánh giá bị trả lại", kind="returned", url="/tu-danh-gia/1/"
    )
    html = cast.client(cast.lan).get(URL).content.decode()
    assert "Bản tự đánh giá bị trả lại để sửa" in html  # the kind's label
    assert html.count(f'href="/thong-bao/{row.pk}/mo/"') == 2  # the title and "open"


def test_the_filters_survive_the_pages_and_marking_one_read(cast: Cast):
    for number in range(31):
        notification(cast.lan, f"gửi {number}", kind="submitted")
    client = cast.client(cast.lan)
    html = client.get(URL, {"loai": "submitted", "chua-doc": "1"}).content.decode()
    assert 'href="?loai=submitted&amp;chua-doc=1&amp;page=2"' in html
    pk = cast.lan.notifications.first().pk
    response = client.post(
        f"/thong-bao/{pk}/da-doc/", {"page": "2", "filters": "loai=submitted&chua-doc=1&x=y"}
    )
    assert response["Location"] == "/thong-bao/?loai=submitted&chua-doc=1&page=2"


def test_an_empty_inbox_says_what_will_appear_and_a_filter_how_to_see_all(cast: Cast):
    client = cast.client(cast.lan)
    html = client.get(URL).content.decode()
    assert '<p class="empty">Bạn chưa có thông báo nào. Khi có việc chờ bạn' in html
    notification(cast.lan, "kết quả", kind="results_returned")
    html = client.get(URL, {"loai": "submitted"}).content.decode()
    assert "Không có thông báo nào khớp bộ lọc" in html
