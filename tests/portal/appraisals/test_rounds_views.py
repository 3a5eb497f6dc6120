"""The appraisal dashboard (/tham-dinh/dot/<id>/): the rounds with their state, deadlines
and the chair's buttons, the team, the progress of every unit in the current round, and
the appraiser's own to-do list; the round moves and the final-round switch posted from it,
each refused to every role that may not make it."""

from __future__ import annotations

import pytest

from portal.appraisals.models import Appraisal
from portal.audit.models import AuditEntry
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.units.models import Unit
from portal.workflow import RoundState
from tests.portal.appraisals.test_team_views import READERS, REFUSED_READ


def url(team, suffix: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/tham-dinh/dot/{team.campaign.pk}/{suffix}"


def rounds_state(team) -> list[tuple[int, str, bool]]:  # type: ignore[no-untyped-def]
    return list(
        AppraisalRound.objects.filter(campaign=team.campaign)
        .order_by("number")
        .values_list("number", "state", "final")
    )


@pytest.mark.parametrize("who", READERS)
def test_the_team_and_the_office_see_the_dashboard(team, who):
    team.move(1, "open_round")
    html = team.cast.client(team.person(who)).get(url(team)).content.decode()
    assert "Tổ đang chấm" in html and "Chưa bắt đầu" in html
    assert "Trần Văn Chính" in html
    assert html.count("/vong/1/") >= 2  # the sheet of each unit in the current round
    chair = who == "chair"
    assert ('value="return_results"' in html) == chair
    assert ("Đặt làm vòng cuối" in html or "Bỏ đánh dấu vòng cuối" in html) == (who == "quang")


@pytest.mark.parametrize(("who", "status"), REFUSED_READ)
def test_it_refuses_the_dashboard(team, who, status):
    assert team.cast.client(team.person(who)).get(url(team)).status_code == status


def test_the_chair_sees_why_a_round_cannot_open_yet(team):
    html = team.cast.client(team.chair).get(url(team)).content.decode()
    assert 'value="open_round"' in html  # round 1
    assert "Vòng 1 chưa kết thúc: kết thúc vòng đó trước." in html  # round 2


def test_the_progress_counts_what_the_team_scored_in_the_round(team):
    team.move(1, "open_round")
    team.score(team.mai, 1, {"cqs_ky_so": "60", "cqs_so_hoa": "75"}, "Theo minh chứng.")
    html = team.cast.client(team.cast.quang).get(url(team)).content.decode()
    assert "2/7" in html  # Sở Nội vụ: 7 criteria apply
    assert "0/6" in html  # Sở Tư pháp: no online public services


def test_an_appraiser_sees_his_own_to_do_list(team):
    team.move(1, "open_round")
    html = team.cast.client(team.cast.hung).get(url(team)).content.decode()
    assert "Việc cần làm của tôi" in html
    assert f"/tham-dinh/don-vi/{team.campaign_unit.pk}/vong/1/#tc-nts_ke_hoach" in html
    assert (
        "Việc cần làm của tôi"
        not in team.cast.client(team.cast.quang).get(url(team)).content.decode()
    )


def test_the_dashboard_reads_a_fixed_number_of_queries(team, django_assert_max_num_queries):
    for n in range(20):
        unit = Unit.objects.create(
            province=team.cast.province,
            code=f"u{n}",
            name=f"Đơn vị {n}",
            level="so",
            attributes={"has_online_public_services": n % 2 == 0},
        )
        CampaignUnit.objects.create(campaign=team.campaign, unit=unit, level="so")
    team.move(1, "open_round")
    client = team.cast.client(team.cast.hung)
    # 24, whatever the number of units: session, user, campaign, roles and team member
    # (permission, then page: 4), rounds, levels with frameworks, the team with its people
    # and assignments (2), the index names (levels again), units, scored counts, the to-do list (8), the navigation's
    # memberships and unread notifications.
    with django_assert_max_num_queries(24):
        assert client.get(url(team)).status_code == 200


# ---- round moves -----------------------------------------------------------------------

REFUSED_MOVE = [
    *REFUSED_READ,
    pytest.param("hung", 403, id="hung-member"),
    pytest.param("hoa", 403, id="hoa-leadership"),
    pytest.param("quang", 403, id="quang-office-admin"),
]


@pytest.mark.parametrize(("who", "status"), REFUSED_MOVE)
def test_only_the_chair_moves_rounds_and_finalizes(team, who, status):
    client = team.cast.client(team.person(who))
    before = rounds_state(team), AuditEntry.objects.count()
    assert (
        client.post(url(team, "vong/"), {"action": "open_round", "number": 1}).status_code == status
    )
    assert client.post(url(team, "chot-ket-qua/")).status_code == status
    assert (rounds_state(team), AuditEntry.objects.count()) == before


def test_the_chair_moves_a_round_from_the_dashboard(team):
    client = team.cast.client(team.chair)
    data = {"action": "open_round", "number": 1, "confirmed": "1"}
    response = client.post(url(team, "vong/"), data, follow=True)
    assert "Vòng 1: đã thực hiện “Bắt đầu vòng thẩm định”." in response.content.decode()
    assert team.round(1).state == RoundState.SCORING
    data = {"action": "agree", "number": 1, "confirmed": "1"}
    response = client.post(url(team, "vong/"), data, follow=True)
    assert "Vòng 1 không phải vòng cuối" in response.content.decode()
    assert team.round(1).state == RoundState.SCORING


@pytest.mark.parametrize(
    "data", [{"action": "publish", "number": 1}, {"action": "open_round", "number": "x"}]
)
def test_an_unknown_move_is_not_found(team, data):
    assert team.cast.client(team.chair).post(url(team, "vong/"), data).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [*REFUSED_READ, pytest.param("chair", 403, id="chair"), pytest.param("hoa", 403, id="hoa")],
)
def test_only_the_office_admin_chooses_the_final_round(team, who, status):
    before = rounds_state(team)
    response = team.cast.client(team.person(who)).post(
        url(team, "vong-cuoi/"), {"number": 3, "final": "0"}
    )
    assert response.status_code == status
    assert rounds_state(team) == before


def test_the_office_admin_moves_the_final_round_from_the_dashboard(team):
    client = team.cast.client(team.cast.quang)
    response = client.post(url(team, "vong-cuoi/"), {"number": 3, "final": "0"}, follow=True)
    assert "Vòng 3 không còn là vòng cuối." in response.content.decode()
    response = client.post(url(team, "vong-cuoi/"), {"number": 2, "final": "1"}, follow=True)
    assert "Vòng cuối phải là vòng sau cùng: đã có vòng 3." in response.content.decode()
    assert rounds_state(team)[1][2] is False
    assert not Appraisal.objects.exists()


def test_the_dashboard_reads_in_english(team):
    from django.utils import translation

    team.move(1, "open_round")
    try:
        html = (
            team.cast.client(team.chair).get(url(team), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        )
    finally:
        translation.deactivate()
    for text in (
        "Appraisal rounds",
        "Return results to the units",
        "Appraisal team",
        "Scoring sheet",
    ):
        assert text in html
    assert "Các vòng thẩm định" not in html


def test_the_progress_table_and_the_to_do_list_are_read_a_page_at_a_time(team, monkeypatch):
    """At 3,300 communes the dashboard shows PROGRESS_PAGE units of the table a page and
    the first TODO_SHOWN of one's tasks (here one of each, with two units)."""
    monkeypatch.setattr("portal.appraisals.pages.PROGRESS_PAGE", 1)
    monkeypatch.setattr("portal.appraisals.pages.TODO_SHOWN", 1)
    team.move(1, "open_round")
    client = team.cast.client(team.cast.hung)
    first = client.get(url(team)).content.decode()
    assert first.count('">Phiếu chấm</a>') == 1
    assert "Đơn vị 1–1 trên 2 · trang 1/2" in first
    assert 'href="?trang=2#progress" rel="next"' in first
    assert "Còn " in first and "việc nữa" in first
    second = client.get(url(team, "?trang=2")).content.decode()
    assert second.count('">Phiếu chấm</a>') == 1 and 'rel="prev"' in second
    assert client.get(url(team, "?trang=abc")).status_code == 200  # the first page
