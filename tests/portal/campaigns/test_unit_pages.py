"""The office reaches a unit's work: on the campaign page every unit name links to the
unit's page in the campaign, whose tabs lead to its status, its self-assessment, its
appraisal results and its history. The office, leadership and appraisers read them; the
unit's own people too; everyone else gets 404."""

from __future__ import annotations

import re

import pytest

from portal.assessments.models import Submission
from portal.workflow import SubmissionState
from tests.portal.campaigns.conftest import person
from tests.portal.conftest import Cast


def tabs(cast: Cast) -> dict[str, str]:
    campaign_unit = cast.noi_vu_campaign_unit
    return {
        "status": f"/tu-danh-gia/{campaign_unit.pk}/tinh-trang/",
        "form": f"/tu-danh-gia/{campaign_unit.pk}/",
        "results": f"/tham-dinh/don-vi/{campaign_unit.pk}/ket-qua/",
        "history": f"/nhat-ky/dot/{cast.campaign.pk}/don-vi/{cast.noi_vu.pk}/",
    }


def campaign_page(cast: Cast, who: str | None) -> str:
    response = cast.client(person(cast, who)).get(f"/dot-danh-gia/{cast.campaign.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["quang", "hoa", "hung"])
def test_every_unit_name_links_to_its_page_for_those_who_read_all(cast: Cast, who):
    html = campaign_page(cast, who)
    for campaign_unit in (cast.noi_vu_campaign_unit, cast.tu_phap_campaign_unit):
        name = campaign_unit.unit.name
        assert f'<a href="/tu-danh-gia/{campaign_unit.pk}/tinh-trang/">{name}</a>' in html


def test_a_reporter_gets_a_link_to_his_own_unit_only(cast: Cast):
    html = campaign_page(cast, "lan")
    assert f'href="/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/tinh-trang/"' in html
    assert f'href="/tu-danh-gia/{cast.tu_phap_campaign_unit.pk}/tinh-trang/"' not in html


@pytest.mark.parametrize("tab", ["status", "form", "results", "history"])
@pytest.mark.parametrize("who", ["quang", "hoa", "hung", "lan", "minh"])
def test_each_tab_is_read_by_the_office_leaders_appraisers_and_the_units_people(
    cast: Cast, who, tab
):
    response = cast.client(person(cast, who)).get(tabs(cast)[tab])
    assert response.status_code == 200
    html = response.content.decode()
    nav = re.search(r'<nav class="tabs".*?</nav>', html, re.S).group(0)
    assert list(re.findall(r'href="([^"]+)"', nav)) == list(tabs(cast).values())
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', nav)
    assert current == [tabs(cast)[tab]]


@pytest.mark.parametrize("tab", ["status", "form", "results", "history"])
@pytest.mark.parametrize(("who", "status"), [("thao", 404), ("khoa", 404), (None, 302)])
def test_each_tab_refuses_other_units_and_provinces(cast: Cast, who, status, tab):
    response = cast.client(person(cast, who)).get(tabs(cast)[tab])
    assert response.status_code == status


def test_the_office_reopens_an_approved_self_assessment_from_the_units_page(cast: Cast):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.APPROVED
    )
    status = tabs(cast)["status"]
    assert "Mở lại bản đã phê duyệt" in cast.client(cast.quang).get(status).content.decode()
    assert "Mở lại bản đã phê duyệt" not in cast.client(cast.hoa).get(status).content.decode()


def test_the_office_reads_the_self_assessment_without_changing_it(cast: Cast):
    html = cast.client(cast.quang).get(tabs(cast)["form"]).content.decode()
    assert "Bạn chỉ có quyền xem bản này." in html
    assert 'id="save-answers"' not in html  # no save button
    lan = cast.client(cast.lan).get(tabs(cast)["form"]).content.decode()
    assert 'id="save-answers"' in lan  # the reporter keeps his form
