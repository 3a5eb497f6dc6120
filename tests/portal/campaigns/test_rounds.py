"""Deadlines of the appraisal rounds: the team's scoring, then the units' supplements; each
round after the self-assessment and after the round before it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from portal.campaigns.models import AppraisalRound
from portal.campaigns.schedule import round_deadline_set
from tests.portal.campaigns.conftest import REFUSED, person, snapshot

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, month: int = 4) -> datetime:
    return datetime(2099, month, day, 17, 0, tzinfo=HCM)


@pytest.fixture
def campaign(cast):
    cast.campaign.self_assessment_deadline = datetime(2099, 3, 31, 17, 0, tzinfo=HCM)
    cast.campaign.save()
    return cast.campaign


def set_round(cast, number: int, appraisal: datetime, supplement: datetime | None = None):
    return round_deadline_set(
        campaign=cast.campaign,
        number=number,
        appraisal_due=appraisal,
        supplement_due=supplement,
        user=cast.quang,
    )


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_it_refuses_everyone_but_the_provinces_office_admin(cast, campaign, who, status):
    client = cast.client(person(cast, who))
    url = f"/dot-danh-gia/{campaign.pk}/vong-tham-dinh/"
    assert client.get(url).status_code == status
    assert (
        client.post(url, {"number": 1, "appraisal_due": "15/04/2099 17:00"}).status_code == status
    )
    assert not AppraisalRound.objects.exists()


def test_the_office_admin_sets_a_round_through_the_form(cast, campaign):
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{campaign.pk}/vong-tham-dinh/",
        {"number": 1, "appraisal_due": "15/04/2099 17:00", "supplement_due": "25/04/2099 17:00"},
    )
    assert response.url == f"/dot-danh-gia/{campaign.pk}/"
    deadline = campaign.rounds.get()
    assert (deadline.appraisal_due, deadline.supplement_due) == (at(15), at(25))
    assert campaign.events.get().note == (
        "vòng 1: thẩm định đến 15/04/2099 17:00, bổ sung đến 25/04/2099 17:00"
    )


def test_setting_a_round_again_moves_its_deadlines(cast, campaign):
    set_round(cast, 1, at(15))
    set_round(cast, 1, at(20), at(28))
    assert list(campaign.rounds.values_list("appraisal_due", "supplement_due")) == [
        (at(20), at(28))
    ]


@pytest.mark.parametrize(
    ("number", "appraisal", "supplement", "message"),
    [
        (1, at(30, 3), None, "Hạn thẩm định phải sau hạn tự đánh giá (31/03/2099 17:00)."),
        (1, at(15), at(10), "Hạn bổ sung phải sau hạn thẩm định của cùng vòng."),
        (3, at(15), None, "Hãy đặt hạn vòng 2 trước vòng 3."),
        (2, at(20), None, "Hạn thẩm định vòng 2 phải sau vòng 1 (25/04/2099 17:00)."),
    ],
)
def test_rounds_follow_each_other(cast, campaign, number, appraisal, supplement, message):
    set_round(cast, 1, at(15), at(25))
    before = snapshot(campaign)
    with pytest.raises(ValidationError) as error:
        set_round(cast, number, appraisal, supplement)
    assert error.value.messages == [message]
    assert snapshot(campaign) == before


def test_a_round_must_end_before_the_next_one(cast, campaign):
    set_round(cast, 1, at(15))
    set_round(cast, 2, at(25))
    with pytest.raises(ValidationError, match="Vòng 1 phải kết thúc trước hạn thẩm định vòng 2"):
        set_round(cast, 1, at(15), at(26))


def test_a_deadline_in_another_format_is_refused_clearly(cast, campaign):
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{campaign.pk}/vong-tham-dinh/", {"number": 1, "appraisal_due": "15.04.2099"}
    )
    assert (
        "“15.04.2099” không đúng định dạng ngày giờ dd/mm/yyyy HH:MM" in response.content.decode()
    )
    assert not AppraisalRound.objects.exists()
