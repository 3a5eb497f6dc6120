"""The results returned to a unit (/tham-dinh/don-vi/<id>/ket-qua/): criterion by criterion,
self vs appraised value and points, the team's remark, its verdict on each evidence file and
its supplement requests with their deadline; totals. Only the unit's people, the office,
leadership and the team see it; a unit never sees another unit's remarks, nor a round still
being scored."""

from __future__ import annotations

import pytest

from portal.appraisals.models import EvidenceVerdict, TeamMember, Verdict
from portal.assessments.models import Evidence
from portal.campaigns.models import AppraisalRound
from portal.workflow import CampaignState, RoundState
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import (
    NOI_VU_REMARKS,
    SECRET_REMARK,
    TU_PHAP_REMARK,
    Appraised,
)


def url(appraised: Appraised, campaign_unit=None, query: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/tham-dinh/don-vi/{(campaign_unit or appraised.campaign_unit).pk}/ket-qua/{query}"


def page(appraised: Appraised, who: str, campaign_unit=None, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = appraised.cast.client(appraised.person(who)).get(
        url(appraised, campaign_unit, query)
    )
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lan", 200),  # the unit's reporter
        ("minh", 200),  # the unit's approver
        ("quang", 200),  # the province's office admin
        ("hoa", 200),  # leadership
        ("hung", 200),  # the team: assigned to the unit
        ("tham", 200),  # the team: assigned one index of every unit
        ("chinh", 200),  # the team's chair
        ("thao", 404),  # another unit's reporter
        ("ngoai", 200),  # an appraiser of the province, off the team: reads, as on its pages
        ("khoa", 404),  # another province's office admin
        ("anon", 302),  # to the login page
    ],
)
def test_who_sees_a_units_results(appraised: Appraised, who, status):
    response = appraised.cast.client(appraised.person(who)).get(url(appraised))
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith("/tai-khoan/dang-nhap/")


def test_it_shows_self_vs_appraised_with_remarks_requests_and_verdicts(appraised: Appraised):
    html = page(appraised, "lan")
    for _, remark in NOI_VU_REMARKS.values():
        assert remark in html
    ky_so = html[html.index('id="tc-cqs_ky_so"') :]
    ky_so = ky_so[: ky_so.index("</article>")]
    assert "87,5" in ky_so and "13,13 / 15" in ky_so  # self: value and points
    assert "60" in ky_so and "<strong>9</strong> / 15" in ky_so  # appraised
    assert "Tổ thẩm định chấm thấp hơn" in ky_so
    assert "Gửi danh sách." in ky_so and "20/05/2099 17:00" in ky_so  # the round's deadline
    assert "Chưa đủ" in ky_so and "Thiếu văn bản quý IV." in ky_so  # the verdict
    so_hoa = html[html.index('id="tc-cqs_so_hoa"') :]
    assert "27/05/2099 17:00" in so_hoa[: so_hoa.index("</article>")]  # its own, later one
    totals = html[html.index('id="totals"') :]
    assert "Tự đánh giá" in totals and "Thẩm định" in totals


def test_a_unit_never_sees_another_units_remarks(appraised: Appraised):
    cast = appraised.cast
    assert cast.client(cast.thao).get(url(appraised)).status_code == 404
    html = page(appraised, "thao", cast.tu_phap_campaign_unit)
    assert TU_PHAP_REMARK in html
    for _, remark in NOI_VU_REMARKS.values():
        assert remark not in html
    assert SECRET_REMARK not in html
    assert TU_PHAP_REMARK not in page(appraised, "lan")


@pytest.mark.parametrize("who", ["lan", "minh", "quang", "hung"])
def test_a_round_being_scored_is_never_shown(appraised: Appraised, who):
    html = page(appraised, who)
    assert SECRET_REMARK not in html
    assert (
        appraised.cast.client(appraised.person(who))
        .get(url(appraised, query="?vong=2"))
        .status_code
        == 404
    )


def test_before_any_round_is_returned_the_unit_sees_nothing_of_the_team(appraised: Appraised):
    AppraisalRound.objects.filter(number=1).update(state=RoundState.SCORING)
    html = page(appraised, "lan")
    assert "Chưa có vòng thẩm định nào trả kết quả" in html
    for _, remark in NOI_VU_REMARKS.values():
        assert remark not in html


def test_the_latest_returned_round_is_shown_and_earlier_ones_stay_reachable(appraised: Appraised):
    AppraisalRound.objects.filter(number=1).update(state=RoundState.CLOSED)
    AppraisalRound.objects.filter(number=2).update(state=RoundState.RETURNED)
    html = page(appraised, "lan")
    assert SECRET_REMARK in html  # round 2, now returned
    assert 'href="?vong=1"' in html
    assert NOI_VU_REMARKS["nts_tuyen_truyen"][1] in page(appraised, "lan", query="?vong=1")


def test_the_final_round_shows_only_once_the_campaign_is_finalized(appraised: Appraised):
    rounds = appraised.rounds
    AppraisalRound.objects.filter(pk=rounds[2].pk).update(state=RoundState.CLOSED)
    AppraisalRound.objects.filter(pk=rounds[3].pk).update(state=RoundState.AGREED)
    from tests.portal.appraisals.unit_fixtures import appraise

    appraise(
        appraised.campaign_unit, rounds[3], "cqs_ky_so", "80", "Thống nhất 80%.", appraised.chinh
    )
    assert "Thống nhất 80%." not in page(appraised, "lan")
    appraised.cast.campaign.state = CampaignState.FINALIZED
    appraised.cast.campaign.save()
    html = page(appraised, "lan")
    assert "Thống nhất 80%." in html and "vòng cuối" in html


def test_the_reporter_gets_response_forms_and_the_approver_only_reads(appraised: Appraised):
    assert 'id="response-cqs_ky_so"' in page(appraised, "lan")
    for who in ("minh", "quang", "hung"):
        assert "response-" not in page(appraised, who)


def test_no_response_form_once_the_round_is_closed_or_past_its_deadline(appraised: Appraised):
    AppraisalRound.objects.filter(number=1).update(state=RoundState.CLOSED)
    assert "response-" not in page(appraised, "lan")


def test_a_team_member_who_reports_for_the_unit_sees_it_as_the_unit_does(appraised: Appraised):
    cast = appraised.cast
    TeamMember.objects.create(campaign=cast.campaign, user=cast.lan)
    assert SECRET_REMARK not in page(appraised, "lan")
    assert cast.client(cast.lan).get(url(appraised, query="?vong=2")).status_code == 404
    compare = cast.client(cast.lan).get(
        f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/doi-chieu/"
    )
    assert SECRET_REMARK not in compare.content.decode()


def test_the_page_takes_the_same_number_of_queries_however_much_evidence(
    appraised: Appraised, django_assert_max_num_queries
):
    cast = appraised.cast
    submission = appraised.evidence.submission
    for number in range(20):
        item = Evidence.objects.create(
            submission=submission,
            criterion="cqs_so_hoa",
            url=f"https://vb.example.vn/{number}",
            original_name=f"Biên bản {number}",
            uploaded_by=cast.lan,
        )
        EvidenceVerdict.objects.create(
            evidence=item,
            round=appraised.rounds[1],
            verdict=Verdict.ACCEPTED,
            updated_by=cast.hung,
        )
    client = cast.client(cast.lan)
    # session, user; entry; roles; rounds; framework; trail (answers, appraisals, responses,
    # round numbers); verdicts; evidence and its signatures; the header's memberships and bell
    with django_assert_max_num_queries(16):
        html = client.get(url(appraised)).content.decode()
    assert html.count("Biên bản") == 20
