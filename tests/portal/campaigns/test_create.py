"""Creating a campaign and editing its title, deadline and source: office admins only, the
deadline typed dd/mm/yyyy HH:MM, and every refusal said in Vietnamese with nothing saved."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.campaigns.models import Campaign
from portal.workflow import CampaignState
from tests.portal.campaigns.conftest import REFUSED, person, snapshot

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def form(cast, **changes):
    data = {
        "province": cast.province.pk, "year": 2026, "title": "Đánh giá chuyển đổi số năm 2026",
        "self_assessment_deadline": "31/03/2026 17:00", "source": "Kế hoạch số 12/KH-UBND",
    }  # fmt: skip
    return {**data, **changes}


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("lan", 403), ("minh", 403), ("thao", 403), ("hung", 403), ("hoa", 403)],
)
def test_it_refuses_everyone_but_office_admins(cast, who, status):
    client = cast.client(person(cast, who))
    assert client.get("/dot-danh-gia/tao/").status_code == status
    assert client.post("/dot-danh-gia/tao/", form(cast)).status_code == status
    assert Campaign.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(cast):
    response = cast.client(None).get("/dot-danh-gia/tao/")
    assert response.url.startswith("/tai-khoan/dang-nhap/")


def test_the_office_admin_creates_a_draft_campaign(cast):
    response = cast.client(cast.quang).post("/dot-danh-gia/tao/", form(cast))
    campaign = Campaign.objects.get(year=2026)
    assert response.url == f"/dot-danh-gia/{campaign.pk}/"
    assert campaign.state == CampaignState.DRAFT
    assert campaign.self_assessment_deadline == datetime(2026, 3, 31, 17, 0, tzinfo=HCM)
    assert campaign.source == "Kế hoạch số 12/KH-UBND"
    event = campaign.events.get()
    assert (event.action, event.actor) == ("create", cast.quang)


def test_a_date_alone_means_the_end_of_that_day(cast):
    cast.client(cast.quang).post(
        "/dot-danh-gia/tao/", form(cast, self_assessment_deadline="31/03/2026")
    )
    deadline = Campaign.objects.get(year=2026).self_assessment_deadline
    assert deadline == datetime(2026, 3, 31, 23, 59, tzinfo=HCM)


@pytest.mark.parametrize("typed", ["2026-03-31 17:00", "31/3/26 5pm", "hôm qua"])
def test_a_deadline_in_another_format_is_refused_clearly(cast, typed):
    response = cast.client(cast.quang).post(
        "/dot-danh-gia/tao/", form(cast, self_assessment_deadline=typed)
    )
    assert response.status_code == 200
    assert f"“{typed}” không đúng định dạng ngày giờ dd/mm/yyyy HH:MM" in response.content.decode()
    assert not Campaign.objects.filter(year=2026).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("32/03/2026 17:00", "Ngày 32/03/2026 không có thật."),
        ("31/02/2026", "Ngày 31/02/2026 không có thật."),
    ],
)
def test_a_day_the_calendar_does_not_have_is_called_so(cast, typed, message):
    response = cast.client(cast.quang).post(
        "/dot-danh-gia/tao/", form(cast, self_assessment_deadline=typed)
    )
    assert message in response.content.decode()
    assert "không đúng định dạng" not in response.content.decode()
    assert not Campaign.objects.filter(year=2026).exists()


def test_the_same_title_twice_in_a_year_is_refused(cast):
    response = cast.client(cast.quang).post(
        "/dot-danh-gia/tao/", form(cast, year=2025, title="Đánh giá chuyển đổi số năm 2025")
    )
    assert "Tỉnh Mẫu đã có đợt đánh giá “Đánh giá chuyển đổi số năm 2025” năm 2025" in (
        response.content.decode()
    )
    assert Campaign.objects.count() == 1


def test_an_admin_of_another_province_cannot_create_in_this_one(cast):
    response = cast.client(cast.khoa).post("/dot-danh-gia/tao/", form(cast))
    assert response.status_code == 200  # the form refuses the province: not one of theirs
    assert not Campaign.objects.filter(year=2026).exists()
    cast.client(cast.khoa).post("/dot-danh-gia/tao/", form(cast, province=cast.other_province.pk))
    assert Campaign.objects.get(year=2026).province == cast.other_province


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_editing_refuses_everyone_but_the_provinces_office_admin(cast, who, status):
    client = cast.client(person(cast, who))
    url = f"/dot-danh-gia/{cast.campaign.pk}/sua/"
    before = snapshot(cast.campaign)
    assert client.get(url).status_code == status
    assert (
        client.post(url, {"title": "Đổi tên", "self_assessment_deadline": ""}).status_code == status
    )
    assert snapshot(cast.campaign) == before


def test_the_office_admin_moves_the_deadline_and_it_is_logged(cast):
    url = f"/dot-danh-gia/{cast.campaign.pk}/sua/"
    data = {"title": cast.campaign.title, "self_assessment_deadline": "15/12/2099 17:00"}
    response = cast.client(cast.quang).post(url, data)
    assert response.status_code == 302
    cast.campaign.refresh_from_db()
    assert cast.campaign.self_assessment_deadline == datetime(2099, 12, 15, 17, 0, tzinfo=HCM)
    assert cast.campaign.events.get().note.endswith("→ 15/12/2099 17:00")


def test_an_open_campaign_keeps_a_deadline(cast):
    url = f"/dot-danh-gia/{cast.campaign.pk}/sua/"
    before = snapshot(cast.campaign)
    response = cast.client(cast.quang).post(url, {"title": "X", "self_assessment_deadline": ""})
    assert "Đợt đánh giá đã mở phải có hạn tự đánh giá." in response.content.decode()
    assert snapshot(cast.campaign) == before


def test_a_published_campaign_no_longer_changes(cast):
    cast.campaign.state = CampaignState.PUBLISHED
    cast.campaign.save()
    before = snapshot(cast.campaign)
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{cast.campaign.pk}/sua/",
        {"title": "Đổi tên", "self_assessment_deadline": ""},
    )
    assert "Không thể sửa thông tin đợt khi đợt đánh giá đang ở trạng thái “Đã công bố”." in (
        response.content.decode()
    )
    assert snapshot(cast.campaign) == before


def test_the_edit_form_shows_the_deadline_as_typed(cast):
    cast.campaign.self_assessment_deadline = datetime(2025, 3, 31, 17, 0, tzinfo=HCM)
    cast.campaign.save()
    page = cast.client(cast.quang).get(f"/dot-danh-gia/{cast.campaign.pk}/sua/").content.decode()
    assert 'value="31/03/2025 17:00"' in page
