"""The start page of the appraisal year: the reporter's requests to answer, the appraiser's
criteria left to score per unit and round, the chair's next move."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.assessments.models import Submission
from portal.campaigns.models import CampaignUnit
from portal.units.models import Unit
from portal.workflow import CampaignState, SubmissionState
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import SUPPLEMENT_DUE, Appraised
from tests.portal.site.test_start_pages import links, section


def home(appraised: Appraised, who: str) -> str:
    response = appraised.cast.client(appraised.person(who)).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_reporter_is_sent_to_the_requests_of_the_returned_round(appraised: Appraised):
    html = section(home(appraised, "lan"), "reporter")
    pk = appraised.campaign_unit.pk
    assert links(html) == [f"/tham-dinh/don-vi/{pk}/ket-qua/?vong=1"]
    assert "2 yêu cầu của tổ thẩm định chưa trả lời." in html
    assert SUPPLEMENT_DUE.strftime("%d/%m/%Y %H:%M") in html
    # the approver of the unit answers nothing: no reporter's section for him
    assert 'id="viec-reporter"' not in home(appraised, "minh")


def test_the_appraiser_is_sent_to_his_sheet_of_the_round_being_scored(appraised: Appraised):
    html = section(home(appraised, "hung"), "appraiser")
    pk = appraised.campaign_unit.pk
    assert links(html) == [f"/tham-dinh/don-vi/{pk}/vong/2/"]  # Hùng has Sở Nội vụ only
    assert re.search(r"Còn \d+ tiêu chí chưa chấm", html)
    # an appraiser of the province who is not on the team has no such section
    assert 'id="viec-appraiser"' not in home(appraised, "ngoai")


def test_the_chair_is_told_the_next_move(appraised: Appraised):
    html = section(home(appraised, "chinh"), "chair")
    assert links(html) == [f"/tham-dinh/dot/{appraised.cast.campaign.pk}/"]
    # round 1 is returned to the units (round 2 is being scored): closing it comes first
    assert re.search(
        r"Vòng 1 \(đã trả kết quả[^)]*\)\. (Bước tiếp theo: |Chưa thể )kết thúc vòng", html
    )
    assert 'id="viec-chair"' not in home(appraised, "hung")


def test_the_appraisal_sections_read_in_the_same_number_of_queries_for_more_units(
    appraised: Appraised,
):
    cast = appraised.cast

    def counts() -> dict[str, int]:
        found = {}
        for who in ("lan", "tham", "chinh"):
            client = cast.client(appraised.person(who))
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/").status_code == 200
            found[who] = len(queries)
        return found

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            unit = Unit.objects.create(
                province=cast.province,
                code=f"so-{number}",
                name=f"Sở số {number}",
                level="so",
                attributes={"has_online_public_services": True},
            )
            campaign_unit = CampaignUnit.objects.create(
                campaign=cast.campaign, unit=unit, level="so"
            )
            Submission.objects.create(campaign_unit=campaign_unit, state=SubmissionState.APPROVED)

    add(1, 0)
    few = counts()
    add(27, 1)
    assert counts() == few
    # Thẩm appraises one main index of every unit: each unit is a task of hers
    assert len(links(section(home(appraised, "tham"), "appraiser"))) == 30


def test_a_chair_with_nothing_to_score_is_not_told_to_wait_for_a_round(appraised: Appraised):
    html = section(home(appraised, "chinh"), "appraiser")  # round 2 is being scored
    assert links(html) == []
    assert "Khi tổ trưởng bắt đầu" not in html
    assert "Không có tiêu chí nào chờ bạn chấm." in html


def test_after_finalizing_the_chair_is_pointed_to_the_offices_publication(
    appraised: Appraised,
):
    campaign = appraised.cast.campaign
    campaign.state = CampaignState.FINALIZED
    campaign.save()
    html = section(home(appraised, "chinh"), "chair")
    assert links(html) == [f"/tham-dinh/dot/{campaign.pk}/"]
    assert "Bước tiếp theo: Sở chủ trì công bố kết quả." in html
    assert "Khi đợt đánh giá vào thẩm định" not in html
    assert appraised.cast.client(appraised.person("chinh")).get(links(html)[0]).status_code == 200
    campaign.state = CampaignState.PUBLISHED
    campaign.save()
    html = section(home(appraised, "chinh"), "chair")
    assert links(html) == [] and "Không có đợt nào đang thẩm định." in html
