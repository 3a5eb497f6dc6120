"""Home page and health check."""

from __future__ import annotations

import pytest

from portal.workflow import CampaignState
from tests.portal.conftest import Cast
from tests.portal.workers import a_worker_beats


@pytest.mark.django_db
def test_healthz_answers_200_with_json(client):
    a_worker_beats()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_anonymous_home_lists_no_campaign_even_published(cast: Cast):
    cast.campaign.state = CampaignState.PUBLISHED
    cast.campaign.save()
    page = cast.client(None).get("/", follow=True).content.decode()
    assert "Đánh giá chuyển đổi số năm 2025" not in page


def test_home_lists_the_campaigns_of_the_users_province_only(cast: Cast):
    assert "Đánh giá chuyển đổi số năm 2025" in cast.client(cast.lan).get("/").content.decode()
    assert "Đánh giá chuyển đổi số năm 2025" not in cast.client(cast.khoa).get("/").content.decode()


def test_login_page_is_in_vietnamese(client, db):
    assert "Đăng nhập" in client.get("/tai-khoan/dang-nhap/").content.decode()


def test_the_404_and_403_pages_are_in_vietnamese(cast: Cast):
    thao = cast.client(cast.thao)
    missing = thao.get(f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/")
    assert missing.status_code == 404
    assert "Không tìm thấy trang" in missing.content.decode()
    assert "Sở Nội vụ" not in missing.content.decode()
    refused = cast.client(cast.hoa).post(f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/luu-nhap/")
    assert refused.status_code == 403
    assert "Bạn không có quyền làm việc này" in refused.content.decode()
