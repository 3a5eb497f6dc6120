"""The rounds' moves (portal.appraisals.rounds): in order, by the chair, while the campaign
is in appraisal; every order that does not fit is refused with its reason and changes
nothing; each move is audited; returning results notifies the units."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.appraisals.posted import PostedAppraisal
from portal.appraisals.rounds import (
    MOVES,
    round_agree,
    round_final_set,
    round_open,
    round_return_results,
)
from portal.appraisals.services import appraisal_save
from portal.audit.models import AuditEntry
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import AppraisalRound
from portal.notifications.models import Notification
from portal.workflow import CampaignState, RoundState
from tests.portal.appraisals.conftest import OVERRIDE, Team

R = RoundState


def states(team: Team) -> dict[int, tuple[str, bool]]:
    return {
        r.number: (r.state, r.final) for r in AppraisalRound.objects.filter(campaign=team.campaign)
    }


def frozen(team: Team) -> tuple[object, ...]:
    return states(team), AuditEntry.objects.count(), Notification.objects.count()


def test_the_chair_takes_every_round_through_to_the_agreed_final_round(team):
    steps = [
        (1, "open_round", R.SCORING), (1, "return_results", R.RETURNED), (1, "close_round", R.CLOSED),
        (2, "open_round", R.SCORING), (2, "return_results", R.RETURNED), (2, "close_round", R.CLOSED),
        (3, "open_round", R.SCORING), (3, "agree", R.AGREED), (3, "reopen_round", R.SCORING),
        (3, "agree", R.AGREED),
    ]  # fmt: skip
    for number, action, target in steps:
        team.move(number, action)
        assert team.round(number).state == target, (number, action)
    logged = AuditEntry.objects.filter(entity="round").order_by("pk")
    assert [(e.action, e.old["state"], e.new["state"], e.new["round"]) for e in logged] == [
        (action, previous, target, number)
        for (number, action, target), previous in zip(
            steps,
            ["planned", "scoring", "returned"] * 2 + ["planned", "scoring", "agreed", "scoring"],
            strict=True,
        )
    ]
    assert {e.actor for e in logged} == {team.chair}


# (what is done first, the move tried, the reason it is refused)
REFUSED = [
    pytest.param([], (2, "open_round"), "Vòng 1 chưa kết thúc: kết thúc vòng đó trước.", id="skip-a-round"),
    pytest.param([(1, "open_round")], (2, "open_round"), "Vòng 1 chưa kết thúc", id="previous-scoring"),
    pytest.param([(1, "open_round"), (1, "return_results")], (2, "open_round"), "Vòng 1 chưa kết thúc", id="previous-returned"),
    pytest.param([], (1, "return_results"), "Không thể “Trả kết quả cho đơn vị” khi đang ở trạng thái “Chưa bắt đầu”.", id="return-planned"),
    pytest.param([(1, "open_round")], (1, "close_round"), "Không thể “Kết thúc vòng” khi đang ở trạng thái “Tổ đang chấm”.", id="close-scoring"),
    pytest.param([(1, "open_round")], (1, "agree"), "Vòng 1 không phải vòng cuối: trả kết quả cho đơn vị rồi kết thúc vòng.", id="agree-not-final"),
    pytest.param([(1, "open_round")], (1, "open_round"), "Không thể “Bắt đầu vòng thẩm định” khi đang ở trạng thái “Tổ đang chấm”.", id="open-twice"),
    pytest.param(
        [(1, "open_round"), (1, "return_results"), (1, "close_round"), (2, "open_round"), (2, "return_results"), (2, "close_round"), (3, "open_round")],
        (3, "return_results"), "Vòng 3 là vòng cuối: tổ thống nhất điểm thay vì trả kết quả.", id="return-final",
    ),
    pytest.param([], (4, "open_round"), "Chưa đặt hạn thẩm định vòng 4", id="no-deadlines"),
    pytest.param([], (3, "reopen_round"), "Không thể “Mở lại vòng cuối” khi đang ở trạng thái “Chưa bắt đầu”.", id="reopen-planned"),
]  # fmt: skip


@pytest.mark.parametrize(("before", "attempt", "message"), REFUSED)
def test_a_move_out_of_order_is_refused_and_changes_nothing(team, before, attempt, message):
    for number, action in before:
        team.move(number, action)
    snapshot = frozen(team)
    number, action = attempt
    with pytest.raises(ValidationError, match=re.escape(message)):
        team.move(number, action)
    assert frozen(team) == snapshot


def test_a_round_without_its_supplement_deadline_does_not_open(team):
    AppraisalRound.objects.filter(pk=team.rounds[1].pk).update(supplement_due=None)
    snapshot = frozen(team)
    with pytest.raises(
        ValidationError, match=re.escape("Vòng 1 chưa có hạn bổ sung, giải trình của đơn vị")
    ):
        team.move(1, "open_round")
    assert frozen(team) == snapshot


def test_a_round_after_the_final_round_never_opens(team):
    AppraisalRound.objects.create(
        campaign=team.campaign, number=4, appraisal_due=team.rounds[3].appraisal_due
    )
    with pytest.raises(ValidationError, match=re.escape("Vòng 3 là vòng cuối: không có vòng sau.")):
        team.move(4, "open_round")


@pytest.mark.parametrize("who", ["quang", "hung", "hoa", "lan", "khoa"])
def test_only_the_chair_moves_rounds(team, who):
    snapshot = frozen(team)
    for service in MOVES.values():
        with pytest.raises(ValidationError, match=r"Bạn không có quyền|Không thể"):
            service(campaign=team.campaign, number=1, actor=team.person(who))
    with pytest.raises(
        ValidationError, match=re.escape("Bạn không có quyền “Bắt đầu vòng thẩm định”")
    ):
        round_open(campaign=team.campaign, number=1, actor=team.person(who))
    assert frozen(team) == snapshot


@pytest.mark.parametrize(
    "campaign_state", [CampaignState.SELF_ASSESSMENT_CLOSED, CampaignState.FINALIZED]
)
def test_rounds_move_only_while_the_campaign_is_in_appraisal(team, campaign_state):
    team.campaign.state = campaign_state
    team.campaign.save()
    with pytest.raises(
        ValidationError, match=re.escape("Đợt đánh giá không ở giai đoạn thẩm định.")
    ):
        round_open(campaign=team.campaign, number=1, actor=team.chair)
    assert team.round(1).state == R.PLANNED


def test_returning_results_notifies_the_units_and_the_supplements_asked(team):
    team.move(1, "open_round")
    team.score(
        team.mai,
        1,
        {"cqs_ky_so": "60"},
        remark="Chỉ 60% văn bản có ký số.",
    )
    appraisal_save(
        campaign_unit=team.campaign_unit,
        round=team.round(1),
        actor=team.cast.hung,
        posted={
            "nts_tuyen_truyen": PostedAppraisal(
                "2",
                "Thiếu minh chứng.",
                supplement_requested=True,
                supplement_request="Gửi các bài tuyên truyền.",
            )
        },
    )
    round_return_results(
        campaign=team.campaign, number=1, actor=team.chair, override_reason=OVERRIDE
    )
    returned = Notification.objects.filter(kind="results_returned")
    assert sorted(n.user.username for n in returned) == ["lan", "minh", "thao"]
    lan = returned.get(user=team.cast.lan)
    assert lan.title == "Kết quả thẩm định vòng 1 của Sở Nội vụ"
    assert lan.url == f"/tham-dinh/don-vi/{team.campaign_unit.pk}/ket-qua/"
    asked = Notification.objects.filter(kind="supplement_requested")
    assert sorted(n.user.username for n in asked) == ["lan", "minh"]  # Sở Tư pháp was asked nothing
    due = team.rounds[1].supplement_due
    assert (
        asked.first().title == f"Yêu cầu bổ sung 1 tiêu chí — Sở Nội vụ, hạn {format_deadline(due)}"
    )
    assert (
        asked.first().body
        == "Số tin, bài tuyên truyền về chuyển đổi số: Gửi các bài tuyên truyền. "
        f"(hạn {format_deadline(due)})"  # the criterion by its name
    )


def test_the_office_admin_chooses_the_final_round(team):
    round_final_set(campaign=team.campaign, number=3, final=False, actor=team.cast.quang)
    assert states(team)[3] == (R.PLANNED, False)
    AppraisalRound.objects.create(
        campaign=team.campaign, number=4, appraisal_due=team.rounds[3].appraisal_due
    )
    round_final_set(campaign=team.campaign, number=4, final=True, actor=team.cast.quang)
    assert states(team)[4] == (R.PLANNED, True)
    logged = AuditEntry.objects.filter(action="final_set").order_by("pk")
    assert [(e.old, e.new) for e in logged] == [
        ({"round": 3, "final": True}, {"round": 3, "final": False}),
        ({"round": 4, "final": False}, {"round": 4, "final": True}),
    ]


def test_the_final_round_is_the_last_and_changes_only_before_it_is_returned(team):
    snapshot = frozen(team)
    with pytest.raises(
        ValidationError, match=re.escape("Vòng cuối phải là vòng sau cùng: đã có vòng 3.")
    ):
        round_final_set(campaign=team.campaign, number=2, final=True, actor=team.cast.quang)
    team.move(1, "open_round", "return_results")
    with pytest.raises(ValidationError, match=re.escape("Vòng 1 đã trả kết quả")):
        round_final_set(campaign=team.campaign, number=1, final=True, actor=team.cast.quang)
    with pytest.raises(PermissionDenied):
        round_final_set(campaign=team.campaign, number=3, final=False, actor=team.chair)
    assert states(team)[3] == (R.PLANNED, True)
    assert snapshot[0][3] == states(team)[3]


def test_agreeing_needs_the_final_round(team):
    with pytest.raises(ValidationError, match=re.escape("Không thể “Thống nhất điểm vòng cuối”")):
        round_agree(campaign=team.campaign, number=3, actor=team.chair)
