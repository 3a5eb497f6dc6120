"""An appraiser's to-do list (selectors.appraiser_todo): in the round being scored, his
criteria not yet scored, the supplemented ones first; never his own unit; nothing outside a
scoring round or a campaign in appraisal."""

from __future__ import annotations

from portal.appraisals.models import Response, ResponseKind
from portal.appraisals.selectors import appraiser_todo
from portal.appraisals.team import assignment_add, team_member_add
from portal.workflow import CampaignState


def todo(user) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(item.unit.code, item.code, item.reason) for item in appraiser_todo(user)]


def test_nothing_to_do_before_a_round_is_scored(team):
    assert todo(team.cast.hung) == []
    assert todo(team.cast.quang) == []  # not on the team


def test_his_assigned_criteria_not_yet_scored_this_round(team):
    team.move(1, "open_round")
    assert todo(team.cast.hung) == [
        ("so-noi-vu", "nts_ke_hoach", "not_scored"),
        ("so-noi-vu", "nts_tuyen_truyen", "not_scored"),
        ("so-tu-phap", "nts_ke_hoach", "not_scored"),
        ("so-tu-phap", "nts_tuyen_truyen", "not_scored"),
    ]
    team.score(team.cast.hung, 1, {"nts_ke_hoach": True}, "")
    assert ("so-noi-vu", "nts_ke_hoach", "not_scored") not in todo(team.cast.hung)
    item = appraiser_todo(team.cast.hung)[0]
    assert (item.campaign, item.round, item.name) == (
        team.campaign,
        team.rounds[1],
        "Số tin, bài tuyên truyền về chuyển đổi số",
    )
    assert item.url == f"/tham-dinh/don-vi/{team.campaign_unit.pk}/vong/1/#tc-nts_tuyen_truyen"
    assert item.reason_label == "Chưa chấm ở vòng này"
    assert [i.code for i in appraiser_todo(team.mai) if i.unit == team.cast.tu_phap] == [
        "cqs_ky_so",
        "cqs_so_hoa",  # cqs_dvctt does not apply to Sở Tư pháp
    ]


def test_what_the_units_supplemented_comes_first(team):
    team.move(1, "open_round", "return_results")
    Response.objects.create(
        campaign_unit=team.other,
        round=team.rounds[1],
        criterion="nts_tuyen_truyen",
        kind=ResponseKind.SUPPLEMENT,
        value="12",
        updated_by=team.cast.thao,
    )
    team.move(1, "close_round")
    team.move(2, "open_round")
    assert todo(team.cast.hung)[0] == ("so-tu-phap", "nts_tuyen_truyen", "supplemented")
    assert appraiser_todo(team.cast.hung)[0].reason_label == "Đơn vị đã bổ sung, chưa chấm lại"
    team.score(team.cast.hung, 2, {"nts_tuyen_truyen": "12"}, "", campaign_unit=team.other)
    assert ("so-tu-phap", "nts_tuyen_truyen", "supplemented") not in todo(team.cast.hung)


def test_never_his_own_unit(team):
    lan = team_member_add(campaign=team.campaign, user=team.cast.lan, actor=team.cast.quang)
    assignment_add(member=lan, index="the_che_so", actor=team.cast.quang)
    team.move(1, "open_round")
    assert todo(team.cast.lan) == [("so-tu-phap", "tcs_quy_che", "not_scored")]


def test_nothing_once_the_campaign_is_no_longer_in_appraisal(team):
    team.move(1, "open_round")
    team.campaign.state = CampaignState.FINALIZED
    team.campaign.save()
    assert todo(team.cast.hung) == []


def test_it_reads_a_fixed_number_of_queries(team, django_assert_max_num_queries):
    team.move(1, "open_round")
    # members, the scoring rounds, his own units, assignments; per campaign: levels with
    # frameworks, scored criteria, supplemented criteria, units in scope.
    with django_assert_max_num_queries(8):
        assert len(appraiser_todo(team.cast.hung)) == 4
