"""The settings page (/thong-bao/cai-dat/): each signed-in person chooses how the
notifications reach them by e-mail; nobody chooses for anyone else."""

from __future__ import annotations

import pytest

from portal.notifications.models import EmailFrequency, NotificationSettings
from tests.portal.conftest import Cast

URL = "/thong-bao/cai-dat/"
EVERYONE = ["lan", "minh", "thao", "hung", "hoa", "quang", "khoa"]


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast):
    for response in (cast.client(None).get(URL), cast.client(None).post(URL, {})):
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert NotificationSettings.objects.count() == 0


@pytest.mark.parametrize("name", EVERYONE)
def test_every_person_chooses_their_own(cast: Cast, name: str):
    client = cast.client(getattr(cast, name))
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["form"]["email_frequency"].value() == "each"  # the default
    response = client.post(URL, {"email_frequency": "daily"}, follow=True)
    assert "Đã lưu: Một e-mail tổng hợp mỗi ngày." in response.content.decode()
    chosen = NotificationSettings.objects.get()
    assert (chosen.user, chosen.email_frequency) == (getattr(cast, name), EmailFrequency.DAILY)


def test_the_page_shows_the_stored_choice_and_every_kind(cast: Cast):
    NotificationSettings.objects.create(user=cast.lan, email_frequency=EmailFrequency.OFF)
    response = cast.client(cast.lan).get(URL)
    assert response.context["form"]["email_frequency"].value() == "off"
    html = response.content.decode()
    assert "Bản tự đánh giá chờ phê duyệt" in html and "Công bố kết quả" in html
    assert "chưa có địa chỉ e-mail" in html  # Lan has none: she is told so


def test_an_unknown_choice_is_refused_and_nothing_changes(cast: Cast):
    NotificationSettings.objects.create(user=cast.lan, email_frequency=EmailFrequency.OFF)
    response = cast.client(cast.lan).post(URL, {"email_frequency": "hourly"})
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert NotificationSettings.objects.get().email_frequency == EmailFrequency.OFF


def test_the_inbox_and_the_account_page_link_to_it(cast: Cast):
    client = cast.client(cast.lan)
    assert f'href="{URL}"' in client.get("/thong-bao/").content.decode()
    assert f'href="{URL}"' in client.get("/tai-khoan/").content.decode()


def test_without_an_address_it_sends_you_to_your_profile_to_add_one(cast: Cast):
    cast.lan.email = ""
    cast.lan.save()
    html = cast.client(cast.lan).get(URL).content.decode()
    assert 'trang <a href="/tai-khoan/ho-so/">Hồ sơ</a>' in html
    assert "Nhờ quản trị" not in html
    cast.lan.email = "lan@tinhmau.gov.vn"
    cast.lan.save()
    assert "Hồ sơ</a>" not in cast.client(cast.lan).get(URL).content.decode()
