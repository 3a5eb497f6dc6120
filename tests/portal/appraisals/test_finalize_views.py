"""Finalization on the pages: the chair's button appears once the final round is agreed;
the campaign's page links the office to the appraisal instead of offering a finalize
button it could not use, and offers the report once the results are stored."""

from __future__ import annotations

import pytest

from portal.campaigns.models import HistoricResult
from portal.jobs.models import Job
from portal.workflow import CampaignState
from tests.portal.appraisals.conftest import OVERRIDE
from tests.portal.appraisals.test_finalize_service import three_rounds
from tests.portal.jobs import job_of, made_file, run_jobs

# Confirmed, over the criteria the examples leave unscored.
CONFIRMED = {"confirmed": "1", "override": "1", "override_reason": OVERRIDE}


def dashboard(team) -> str:  # type: ignore[no-untyped-def]
    return f"/tham-dinh/dot/{team.campaign.pk}/"


def finalize(team) -> None:  # type: ignore[no-untyped-def]
    """The chair confirms; the worker finalizes (a job)."""
    job_of(team.cast.client(team.chair).post(f"{dashboard(team)}chot-ket-qua/", CONFIRMED))
    run_jobs()


def test_the_chair_is_offered_finalization_once_the_final_round_is_agreed(team):
    client = team.cast.client(team.chair)
    assert "chot-ket-qua" not in client.get(dashboard(team)).content.decode()
    three_rounds(team)
    html = client.get(dashboard(team)).content.decode()
    assert f'action="{dashboard(team)}chot-ket-qua/"' in html
    for who in ("quang", "hung", "hoa"):
        other = team.cast.client(team.person(who)).get(dashboard(team)).content.decode()
        assert "chot-ket-qua" not in other, who
    job = job_of(client.post(f"{dashboard(team)}chot-ket-qua/", CONFIRMED))
    waiting = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Đang chốt kết quả: trang này cho biết khi xong." in waiting  # the message
    team.campaign.refresh_from_db()
    assert team.campaign.state == CampaignState.IN_APPRAISAL  # queued, not done in the request
    run_jobs()
    done = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Đã chốt kết quả: điểm của đợt đánh giá đã khoá" in done
    assert f'href="/dot-danh-gia/{team.campaign.pk}/"' in done  # "Xem kết quả"
    team.campaign.refresh_from_db()
    assert team.campaign.state == CampaignState.FINALIZED
    assert HistoricResult.objects.count() == 2
    assert "chot-ket-qua" not in client.get(dashboard(team)).content.decode()


def test_finalizing_too_early_says_why(team):
    response = team.cast.client(team.chair).post(f"{dashboard(team)}chot-ket-qua/", follow=True)
    assert "Vòng cuối (vòng 3) chưa được tổ thống nhất điểm." in response.content.decode()
    assert not HistoricResult.objects.exists()


def test_the_campaign_page_links_the_office_to_the_appraisal_and_offers_no_finalize(team):
    page = team.cast.client(team.cast.quang).get(f"/dot-danh-gia/{team.campaign.pk}/")
    html = page.content.decode()
    assert f'href="{dashboard(team)}"' in html
    assert 'value="finalize"' not in html
    lan = team.cast.client(team.cast.lan).get(f"/dot-danh-gia/{team.campaign.pk}/").content
    assert dashboard(team).encode() not in lan  # the units see their results elsewhere


@pytest.mark.parametrize("who", ["quang", "hoa"])
def test_the_report_is_offered_once_finalized(team, who):
    three_rounds(team)
    finalize(team)
    html = team.cast.client(team.person(who)).get(f"/dot-danh-gia/{team.campaign.pk}/").content
    assert f"/dot-danh-gia/{team.campaign.pk}/bao-cao.docx".encode() in html
    client = team.cast.client(team.person(who))
    response = made_file(client, client.post(f"/dot-danh-gia/{team.campaign.pk}/bao-cao.xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_campaign_page_shows_the_finalized_ranking_in_rank_order(team):
    three_rounds(team)
    finalize(team)
    page = team.cast.client(team.cast.quang).get(f"/dot-danh-gia/{team.campaign.pk}/")
    html = page.content.decode()
    assert "Xếp hạng" in html and "Xếp loại" in html
    results = HistoricResult.objects.filter(campaign_unit__campaign=team.campaign)
    in_rank_order = [r.campaign_unit.unit.name for r in results.order_by("rank", "pk")]
    positions = [html.index(f">{name}<") for name in in_rank_order]
    assert positions == sorted(positions)


def test_blockers_are_shown_at_once_and_nothing_is_queued(team):
    """Confirmed without "Vẫn thực hiện" while criteria are unscored: the request checks the
    guard rails itself and shows the page again (409), as for every move."""
    three_rounds(team)
    response = team.cast.client(team.chair).post(
        f"{dashboard(team)}chot-ket-qua/", {"confirmed": "1"}
    )
    assert response.status_code == 409
    assert "Chưa thực hiện." in response.content.decode()
    assert not Job.objects.exists()


def test_a_second_finalization_queued_meanwhile_fails_saying_why(team):
    three_rounds(team)
    client = team.cast.client(team.chair)
    first = job_of(client.post(f"{dashboard(team)}chot-ket-qua/", CONFIRMED))
    second = job_of(client.post(f"{dashboard(team)}chot-ket-qua/", CONFIRMED))
    run_jobs()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("done", "failed")
    assert second.error  # in words: the campaign is no longer in appraisal
    assert HistoricResult.objects.count() == 2
