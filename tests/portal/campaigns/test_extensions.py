"""Giving one unit more time for its self-assessment: after the campaign's deadline, typed
dd/mm/yyyy HH:MM, shown on the page and used for lateness."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from portal.campaigns.schedule import campaign_unit_extend
from portal.workflow import CampaignState
from tests.portal.campaigns.conftest import REFUSED, person, snapshot

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2099, 3, 31, 17, 0, tzinfo=HCM)


@pytest.fixture
def campaign(cast):
    cast.campaign.self_assessment_deadline = DEADLINE
    cast.campaign.save()
    return cast.campaign


def extend(cast, typed: str):
    url = f"/dot-danh-gia/{cast.campaign.pk}/gia-han/"
    return cast.client(cast.quang).post(
        url, {"campaign_unit": cast.tu_phap_campaign_unit.pk, "until": typed}
    )


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_it_refuses_everyone_but_the_provinces_office_admin(cast, campaign, who, status):
    client = cast.client(person(cast, who))
    url = f"/dot-danh-gia/{campaign.pk}/gia-han/"
    before = snapshot(campaign)
    assert client.get(url).status_code == status
    data = {"campaign_unit": cast.tu_phap_campaign_unit.pk, "until": "07/04/2099 17:00"}
    assert client.post(url, data).status_code == status
    assert snapshot(campaign) == before


def test_the_office_admin_extends_a_unit(cast, campaign):
    assert extend(cast, "07/04/2099 17:00").status_code == 302
    cast.tu_phap_campaign_unit.refresh_from_db()
    assert cast.tu_phap_campaign_unit.extension_until == datetime(2099, 4, 7, 17, 0, tzinfo=HCM)
    assert campaign.events.get().note == "Sở Tư pháp: đến 07/04/2099 17:00"
    page = cast.client(cast.quang).get(f"/dot-danh-gia/{campaign.pk}/").content.decode()
    assert "<h2>Gia hạn</h2>" in page
    assert "<td>Sở Tư pháp</td><td>07/04/2099 17:00</td>" in page


def test_only_the_units_own_people_and_the_office_see_its_extension(cast, campaign):
    extend(cast, "07/04/2099 17:00")
    url = f"/dot-danh-gia/{campaign.pk}/"
    assert "<h2>Gia hạn</h2>" in cast.client(cast.thao).get(url).content.decode()
    assert "<h2>Gia hạn</h2>" not in cast.client(cast.lan).get(url).content.decode()


def test_an_extension_must_be_after_the_deadline(cast, campaign):
    before = snapshot(campaign)
    response = extend(cast, "31/03/2099 17:00")
    assert (
        "Ngày gia hạn (31/03/2099 17:00) phải sau hạn tự đánh giá (31/03/2099 17:00)."
        in response.content.decode()
    )
    assert snapshot(campaign) == before


@pytest.mark.parametrize("typed", ["2099-04-07", "7 tháng 4"])
def test_a_date_in_the_wrong_format_gets_a_clear_message(cast, campaign, typed):
    before = snapshot(campaign)
    response = extend(cast, typed)
    assert response.status_code == 200
    assert (
        f"“{typed}” không đúng định dạng ngày giờ dd/mm/yyyy HH:MM (ví dụ 31/03/2025 17:00)."
        in response.content.decode()
    )
    assert snapshot(campaign) == before


def test_an_hour_the_day_does_not_have_is_called_so(cast, campaign):
    before = snapshot(campaign)
    response = extend(cast, "07/04/2099 25:00")
    assert "Giờ 25:00 không có thật (từ 00:00 đến 23:59)." in response.content.decode()
    assert snapshot(campaign) == before


def test_no_extension_without_a_deadline_or_after_the_results(cast):
    cast.campaign.self_assessment_deadline = None
    cast.campaign.save()
    with pytest.raises(ValidationError, match="chưa có hạn tự đánh giá"):
        campaign_unit_extend(
            campaign_unit=cast.tu_phap_campaign_unit, until=DEADLINE, user=cast.quang
        )
    cast.campaign.self_assessment_deadline = DEADLINE
    cast.campaign.state = CampaignState.FINALIZED
    cast.campaign.save()
    with pytest.raises(ValidationError, match="Không thể gia hạn khi"):
        campaign_unit_extend(
            campaign_unit=cast.tu_phap_campaign_unit, until=DEADLINE, user=cast.quang
        )


def test_a_unit_of_another_campaign_is_not_offered(cast, campaign, draft):
    url = f"/dot-danh-gia/{draft.pk}/gia-han/"
    response = cast.client(cast.quang).post(
        url, {"campaign_unit": cast.tu_phap_campaign_unit.pk, "until": "07/04/2099 17:00"}
    )
    assert response.status_code == 200  # not one of the choices
    cast.tu_phap_campaign_unit.refresh_from_db()
    assert cast.tu_phap_campaign_unit.extension_until is None
