"""The guard rails of the round moves and of finalization (portal.workflow.guards, facts
from portal.appraisals.checks): a premature move is refused with every blocker, by name;
the chair goes on over those that may be overridden only with "Vẫn thực hiện" and a
reason, kept in the audit trail; every move asks first, and an unconfirmed post changes
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from portal.appraisals.finalization import campaign_finalize
from portal.appraisals.models import Response, ResponseKind
from portal.appraisals.posted import PostedAppraisal
from portal.appraisals.rounds import round_agree, round_close, round_return_results
from portal.appraisals.services import appraisal_save
from portal.audit.models import AuditEntry
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.units.models import Unit
from portal.workflow import CampaignState, RoundState
from portal.workflow.guards import MoveBlocked
from tests.portal.appraisals.conftest import Team

REASON = "Các đơn vị đã trả lời đủ qua công văn"


def url(team: Team, suffix: str = "vong/") -> str:
    return f"/tham-dinh/dot/{team.campaign.pk}/{suffix}"


def state(team: Team) -> tuple[list[tuple[int, str]], str, int]:
    rounds = AppraisalRound.objects.filter(campaign=team.campaign).order_by("number")
    team.campaign.refresh_from_db()
    return (
        list(rounds.values_list("number", "state")),
        team.campaign.state,
        AuditEntry.objects.count(),
    )


def request_supplement(team: Team) -> None:
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


def test_closing_a_round_before_the_supplement_deadline_names_the_deadline_and_the_requests(
    team: Team,
):
    team.move(1, "open_round")
    request_supplement(team)
    team.move(1, "return_results")
    before = state(team)
    with pytest.raises(MoveBlocked) as refused:
        round_close(campaign=team.campaign, number=1, actor=team.chair)
    due = format_deadline(team.round(1).supplement_due)
    assert refused.value.messages == [
        f"Hạn bổ sung vòng 1 là {due}, chưa qua: đơn vị còn được giải trình, bổ sung đến lúc đó.",
        "1 yêu cầu bổ sung chưa được trả lời: Sở Nội vụ (1 tiêu chí).",
    ]
    assert refused.value.overridable
    assert state(team) == before


def test_after_the_deadline_with_every_request_answered_the_round_closes(team: Team):
    team.move(1, "open_round")
    request_supplement(team)
    team.move(1, "return_results")
    Response.objects.create(
        campaign_unit=team.campaign_unit,
        round=team.round(1),
        criterion="nts_tuyen_truyen",
        kind=ResponseKind.CONFIRM,
        updated_by=team.cast.lan,
    )
    with time_machine.travel(team.round(1).supplement_due + timedelta(minutes=1), tick=False):
        round_close(campaign=team.campaign, number=1, actor=team.chair)
    assert team.round(1).state == RoundState.CLOSED
    assert AuditEntry.objects.filter(entity="round", action="close_round").get().reason == ""


def test_the_chair_overrides_with_a_reason_kept_in_the_trail(team: Team):
    team.move(1, "open_round")
    request_supplement(team)
    team.move(1, "return_results")
    round_close(campaign=team.campaign, number=1, actor=team.chair, override_reason=REASON)
    assert team.round(1).state == RoundState.CLOSED
    entry = AuditEntry.objects.filter(entity="round", action="close_round").get()
    assert entry.reason.startswith(f"Vẫn thực hiện: {REASON} (dù: Hạn bổ sung vòng 1 là ")
    assert "1 yêu cầu bổ sung chưa được trả lời: Sở Nội vụ (1 tiêu chí)." in entry.reason


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_reason_overrides_nothing(team: Team, reason: str):
    team.move(1, "open_round")
    with pytest.raises(MoveBlocked):
        round_return_results(
            campaign=team.campaign, number=1, actor=team.chair, override_reason=reason
        )
    assert team.round(1).state == RoundState.SCORING


def test_agreeing_the_final_round_with_units_unscored_names_them(team: Team):
    team.move(1, "open_round", "return_results", "close_round")
    team.move(2, "open_round", "return_results", "close_round")
    team.move(3, "open_round")
    team.score(team.mai, 3, {"cqs_ky_so": "60"})
    before = state(team)
    with pytest.raises(MoveBlocked) as refused:
        round_agree(campaign=team.campaign, number=3, actor=team.chair)
    assert refused.value.messages == [
        "Vòng 3: 2 đơn vị còn tiêu chí tổ chưa chấm (giữ giá trị đơn vị tự khai): "
        "Sở Nội vụ (6 tiêu chí), Sở Tư pháp (6 tiêu chí)."
    ]
    assert state(team) == before


def test_a_criterion_scored_in_an_earlier_round_counts(team: Team):
    team.move(1, "open_round")
    team.score(team.mai, 1, {"cqs_ky_so": "60"})
    with pytest.raises(MoveBlocked) as refused:
        round_return_results(campaign=team.campaign, number=1, actor=team.chair)
    assert "Sở Nội vụ (6 tiêu chí)" in refused.value.messages[0]


def test_finalizing_with_units_unscored_needs_a_reason(team: Team):
    team.move(1, "open_round", "return_results", "close_round")
    team.move(2, "open_round", "return_results", "close_round")
    team.move(3, "open_round", "agree")
    with pytest.raises(MoveBlocked) as refused:
        campaign_finalize(campaign=team.campaign, actor=team.chair)
    assert "Sở Nội vụ (7 tiêu chí), Sở Tư pháp (6 tiêu chí)" in refused.value.messages[0]
    team.campaign.refresh_from_db()
    assert team.campaign.state == CampaignState.IN_APPRAISAL
    campaign_finalize(campaign=team.campaign, actor=team.chair, override_reason=REASON)
    entry = AuditEntry.objects.filter(entity="campaign", action="finalize").get()
    assert f"Vẫn thực hiện: {REASON}" in entry.reason


def test_the_round_order_stays_a_hard_refusal(team: Team):
    with pytest.raises(ValidationError, match="Vòng 1 chưa kết thúc"):
        team.move(2, "open_round")


# ---- the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "action", "prepare"),
    [
        (1, "open_round", ()),
        (1, "return_results", ("open_round",)),
        (1, "close_round", ("open_round", "return_results")),
        (3, "agree", ()),
    ],
)
def test_an_unconfirmed_move_asks_first_and_changes_nothing(team: Team, number, action, prepare):
    if action == "agree":
        team.move(1, "open_round", "return_results", "close_round")
        team.move(2, "open_round", "return_results", "close_round")
        team.move(3, "open_round")
    team.move(number, *prepare)
    before = state(team)
    client = team.cast.client(team.chair)
    response = client.post(url(team), {"action": action, "number": number})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="card confirm"' in html
    assert 'name="confirmed" value="1"' in html and f'value="{action}"' in html
    assert f'href="{url(team, "")}">Quay lại</a>' in html
    assert state(team) == before


def test_the_page_lists_every_blocker_with_the_override_box(team: Team):
    team.move(1, "open_round")
    request_supplement(team)
    team.move(1, "return_results")
    client = team.cast.client(team.chair)
    html = client.post(url(team), {"action": "close_round", "number": 1}).content.decode()
    assert "Chưa nên thực hiện" in html
    assert "1 yêu cầu bổ sung chưa được trả lời: Sở Nội vụ (1 tiêu chí)." in html
    assert "Hạn bổ sung vòng 1 là" in html
    assert 'name="override"' in html and 'name="override_reason"' in html
    assert "Kết thúc vòng" in html and "2 đơn vị không giải trình, bổ sung vòng này" in html


def test_confirming_without_the_override_is_refused_with_the_blockers(team: Team):
    team.move(1, "open_round")
    before = state(team)
    client = team.cast.client(team.chair)
    data = {"action": "return_results", "number": 1, "confirmed": "1"}
    response = client.post(url(team), data)
    assert response.status_code == 409
    assert "Sở Nội vụ (7 tiêu chí), Sở Tư pháp (6 tiêu chí)" in response.content.decode()
    assert state(team) == before
    data |= {"override": "1", "override_reason": "  "}
    response = client.post(url(team), data)
    assert response.status_code == 400
    assert "Ghi lý do vẫn thực hiện" in response.content.decode()
    assert state(team) == before
    data["override_reason"] = REASON
    response = client.post(url(team), data, follow=True)
    assert "Vòng 1: đã thực hiện “Trả kết quả cho đơn vị”." in response.content.decode()
    assert team.round(1).state == RoundState.RETURNED
    entry = AuditEntry.objects.filter(entity="round", action="return_results").get()
    assert entry.reason.startswith(f"Vẫn thực hiện: {REASON}")


def test_a_reason_without_the_tick_says_why_nothing_happened(team: Team):
    team.move(1, "open_round")
    before = state(team)
    data = {"action": "return_results", "number": 1, "confirmed": "1", "override_reason": REASON}
    response = team.cast.client(team.chair).post(url(team), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert 'class="field-error" id="override-error"' in html
    assert "Chưa thực hiện. Đánh dấu “Vẫn thực hiện” để làm dù còn các điều dưới đây" in html
    assert REASON in html  # kept, so only the tick is missing
    assert state(team) == before


def test_a_hard_blocker_offers_no_button(team: Team):
    client = team.cast.client(team.chair)
    html = client.post(url(team), {"action": "open_round", "number": 2}).content.decode()
    assert "Chưa thể thực hiện" in html
    assert "Vòng 1 chưa kết thúc: kết thúc vòng đó trước." in html
    assert 'name="confirmed"' not in html and 'name="override"' not in html
    data = {"action": "open_round", "number": 2, "confirmed": "1", "override": "1"}
    data["override_reason"] = REASON
    client.post(url(team), data)
    assert team.round(2).state == RoundState.PLANNED


def test_finalize_asks_first(team: Team):
    team.move(1, "open_round", "return_results", "close_round")
    team.move(2, "open_round", "return_results", "close_round")
    team.move(3, "open_round", "agree")
    before = state(team)
    html = team.cast.client(team.chair).post(url(team, "chot-ket-qua/")).content.decode()
    assert "Kết quả của 2 đơn vị được tính theo điểm vòng cuối và khoá" in html
    assert "Sở Nội vụ (7 tiêu chí)" in html
    assert state(team) == before


def test_the_page_reads_a_fixed_number_of_queries(team: Team, django_assert_max_num_queries):
    for n in range(20):
        unit = Unit.objects.create(
            province=team.cast.province, code=f"u{n}", name=f"Đơn vị {n:02d}", level="so",
            attributes={"has_online_public_services": True},
        )  # fmt: skip
        CampaignUnit.objects.create(campaign=team.campaign, unit=unit, level="so")
    team.move(1, "open_round")
    client = team.cast.client(team.chair)
    with django_assert_max_num_queries(30):
        html = client.post(url(team), {"action": "return_results", "number": 1}).content.decode()
    assert "22 đơn vị còn tiêu chí tổ chưa chấm" in html
    assert "và 17 đơn vị khác" in html


def test_the_dashboard_shows_the_chair_what_blocks_his_next_move(
    team: Team, django_assert_max_num_queries
):
    for n in range(20):
        unit = Unit.objects.create(
            province=team.cast.province, code=f"u{n}", name=f"Đơn vị {n:02d}", level="so",
            attributes={"has_online_public_services": True},
        )  # fmt: skip
        CampaignUnit.objects.create(campaign=team.campaign, unit=unit, level="so")
    team.move(1, "open_round")
    client = team.cast.client(team.chair)
    with django_assert_max_num_queries(30):
        html = client.get(url(team, "")).content.decode()
    row = html.split('id="round-1"')[1].split("</tr>")[0]
    assert 'value="return_results"' in row
    assert "Cần lý do để bỏ qua" in row and "22 đơn vị còn tiêu chí tổ chưa chấm" in row
    other = team.cast.client(team.cast.hung).get(url(team, "")).content.decode()
    assert "Cần lý do để bỏ qua" not in other  # only the one who may move the round
