"""Finalization (portal.appraisals.finalization.campaign_finalize): the chair, once the
final round is agreed, stores every unit's result exactly as the core evaluates the level
from the final round's values; the campaign's report reads them; then nothing of the
appraisal changes any more."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dti.inputs import UnitInput, build_inputs
from dti.results import evaluate
from portal.appraisals.final_results import SOURCE_TABLE
from portal.appraisals.finalization import campaign_finalize
from portal.appraisals.models import Appraisal, Assignment, Response, ResponseKind
from portal.appraisals.posted import PostedResponse, PostedVerdict
from portal.appraisals.responses import response_save
from portal.appraisals.rounds import MOVES, round_final_set
from portal.appraisals.services import verdict_set
from portal.appraisals.team import assignment_add, team_member_add
from portal.assessments.models import Evidence, Submission
from portal.audit.models import AuditEntry
from portal.campaigns.models import AppraisalRound, HistoricResult
from portal.campaigns.report import campaign_report_results, has_report
from portal.campaigns.services import campaign_transition
from portal.notifications.models import Notification
from portal.units.core import core_attributes
from portal.workflow import CampaignState, RoundState
from tests.portal.appraisals.conftest import OVERRIDE, Team

# The values that count in the final round, written out by hand.
FINAL = {
    "so-noi-vu": {
        "nts_ke_hoach": True, "nts_tuyen_truyen": Decimal("2"), "tcs_quy_che": "day_du",
        "cqs_ky_so": Decimal("80"), "cqs_so_hoa": Decimal("75"),
        "cqs_dvctt": {"online": Decimal("600"), "total": Decimal("1000")},
        "xhs_danh_gia": Decimal("15"),
    },
    "so-tu-phap": {
        "nts_ke_hoach": False, "nts_tuyen_truyen": Decimal("10"), "tcs_quy_che": "mot_phan",
        "cqs_ky_so": Decimal("50"), "cqs_so_hoa": Decimal("95"), "xhs_danh_gia": Decimal("10"),
    },
}  # fmt: skip


def three_rounds(team: Team) -> None:
    """Round 1 lowers two criteria of Sở Nội vụ and asks for a supplement; the unit
    supplements 80 %; round 2 accepts it; the final round rescores the website; agreed."""
    cast = team.cast
    team.move(1, "open_round")
    team.score(team.mai, 1, {"cqs_ky_so": "60"}, "Chỉ 60% văn bản có ký số.")
    team.score(cast.hung, 1, {"nts_tuyen_truyen": "2"}, "Chỉ 2 tin có minh chứng.")
    team.move(1, "return_results")
    Response.objects.create(
        campaign_unit=team.campaign_unit,
        round=team.rounds[1],
        criterion="cqs_ky_so",
        kind=ResponseKind.SUPPLEMENT,
        value="80",
        reply="Bổ sung văn bản quý IV.",
        updated_by=cast.lan,
    )
    team.move(1, "close_round")
    team.move(2, "open_round")
    team.score(team.mai, 2, {"cqs_ky_so": "80"}, "")  # the unit's new value: no remark needed
    team.move(2, "return_results", "close_round")
    team.move(3, "open_round")
    Assignment.objects.create(member=team.members["chair"], index="xa_hoi_so")
    team.score(team.chair, 3, {"xhs_danh_gia": "15"}, "Trang chưa đủ chuyên mục.")
    team.score(
        team.chair, 3, {"xhs_danh_gia": "10"}, "Trang ít cập nhật.", campaign_unit=team.other
    )
    team.move(3, "agree")


@pytest.fixture
def finalized(team: Team) -> Team:
    three_rounds(team)
    campaign_finalize(campaign=team.campaign, actor=team.chair, override_reason=OVERRIDE)
    team.campaign.refresh_from_db()
    return team


def test_it_stores_the_results_the_core_computes_from_the_final_round(finalized):
    cast = finalized.cast
    framework = cast.framework.build()
    units = [cast.noi_vu, cast.tu_phap]
    inputs = [UnitInput(u.code, core_attributes(u.attributes), values=FINAL[u.code]) for u in units]
    expected = evaluate(framework, build_inputs(framework, inputs), [u.name for u in units])
    rows = expected.general.rows(expected.scores.unit_ids)
    stored = {
        r.campaign_unit.unit.code: r
        for r in HistoricResult.objects.select_related("campaign_unit__unit")
    }
    assert len(stored) == 2
    for position, row in enumerate(rows):
        result = stored[row.unit]
        assert (result.rank, result.total, result.applicable_max, result.value) == (
            row.rank,
            row.total,
            row.applicable_max,
            row.value,
        )
        assert (result.percent, result.class_label, result.source_table) == (
            row.percent,
            row.class_label,
            SOURCE_TABLE,
        )
        position = expected.scores.unit_ids.index(row.unit)
        assert result.index_scores == {
            i.code: str(expected.scores.node_score(i.code, position))
            for i in framework.main_indices
        }
    noi_vu, tu_phap = stored["so-noi-vu"], stored["so-tu-phap"]
    assert (noi_vu.rank, noi_vu.total, noi_vu.applicable_max, noi_vu.class_label) == (
        1,
        68,
        100,
        "Khá",
    )
    assert (tu_phap.rank, tu_phap.total, tu_phap.applicable_max, tu_phap.value) == (
        2,
        Decimal("42.5"),
        80,
        Decimal("53.1"),
    )


def test_the_campaigns_report_reads_the_same_results(finalized):
    assert has_report(finalized.campaign)
    level = campaign_report_results(finalized.campaign)["so"]
    ranked = [
        (r.unit, r.rank, r.total, r.class_label) for r in level.general.rows(level.scores.unit_ids)
    ]
    assert ranked == [
        ("so-noi-vu", 1, Decimal("68"), "Khá"),
        ("so-tu-phap", 2, Decimal("42.5"), "Trung bình"),
    ]


def test_it_audits_each_result_and_the_campaigns_state_and_tells_the_units(finalized):
    assert finalized.campaign.state == CampaignState.FINALIZED
    results = AuditEntry.objects.filter(entity="result", action="finalize")
    assert sorted(e.unit.code for e in results) == ["so-noi-vu", "so-tu-phap"]
    assert results.get(unit=finalized.cast.noi_vu).new["class_label"] == "Khá"
    campaign = AuditEntry.objects.get(entity="campaign", action="finalize")
    assert (campaign.old, campaign.new, campaign.actor) == (
        {"state": "in_appraisal"},
        {"state": "finalized"},
        finalized.chair,
    )
    told = Notification.objects.filter(kind="campaign_finalized")
    # the units' people, the office and the leadership, the team but the chair who finalized
    assert sorted(n.user.username for n in told) == [
        "hoa",
        "hung",
        "lan",
        "mai",
        "minh",
        "quang",
        "thao",
    ]
    assert told.get(user=finalized.cast.lan).body == "Tổng điểm 68 / 100; xếp loại Khá."
    campaign_page = f"/dot-danh-gia/{finalized.campaign.pk}/"
    assert told.get(user=finalized.cast.quang).url == campaign_page
    assert told.get(user=finalized.cast.hoa).url == campaign_page
    assert told.get(user=finalized.mai).url == f"/tham-dinh/dot/{finalized.campaign.pk}/"
    assert finalized.campaign.events.last().action == "finalize"


def test_everything_is_locked_once_finalized(finalized):
    cast, campaign_unit = finalized.cast, finalized.campaign_unit
    before = (
        list(Appraisal.objects.values_list("pk", "value", "version")),
        list(AppraisalRound.objects.values_list("number", "state", "final")),
        list(Response.objects.values_list("pk", "value", "version")),
        AuditEntry.objects.count(),
    )
    # the final round is agreed: a score, a verdict, a reopening are refused…
    with pytest.raises(ValidationError, match=re.escape("Không thể “Chấm điểm thẩm định”")):
        finalized.score(finalized.chair, 3, {"xhs_danh_gia": "25"})
    for service in MOVES.values():
        with pytest.raises(ValidationError):
            service(campaign=finalized.campaign, number=3, actor=finalized.chair)
    # …and even a round forced back into a writable state refuses: the campaign is locked.
    AppraisalRound.objects.filter(number=3).update(state=RoundState.SCORING)
    AppraisalRound.objects.filter(number=2).update(state=RoundState.RETURNED)
    with pytest.raises(
        ValidationError, match=re.escape("Đợt đánh giá không ở giai đoạn thẩm định.")
    ):
        finalized.score(finalized.chair, 3, {"xhs_danh_gia": "25"})
    evidence = Evidence.objects.create(
        submission=Submission.objects.get(campaign_unit=campaign_unit),
        criterion="cqs_ky_so",
        url="https://vb.example.vn/1",
        original_name="Văn bản",
        uploaded_by=cast.lan,
    )
    with pytest.raises(ValidationError, match=re.escape("không ở giai đoạn thẩm định")):
        verdict_set(
            evidence=evidence,
            round=finalized.round(3),
            actor=finalized.mai,
            posted=PostedVerdict("accepted"),
        )
    with pytest.raises(ValidationError, match=re.escape("không ở giai đoạn thẩm định")):
        response_save(
            campaign_unit=campaign_unit,
            round=finalized.round(2),
            actor=cast.lan,
            posted=PostedResponse("cqs_so_hoa", ResponseKind.CONFIRM, None, "", 0),
        )
    with pytest.raises(ValidationError):
        finalized.move(3, "agree")
    with pytest.raises(ValidationError, match=re.escape("không thay đổi được nữa")):
        team_member_add(campaign=finalized.campaign, user=cast.thao, actor=cast.quang)
    with pytest.raises(ValidationError, match=re.escape("không thay đổi được nữa")):
        assignment_add(member=finalized.members["hung"], actor=cast.quang)
    with pytest.raises(ValidationError, match=re.escape("đã chốt kết quả")):
        round_final_set(campaign=finalized.campaign, number=3, final=False, actor=cast.quang)
    with pytest.raises(ValidationError, match=re.escape("Không thể “Chốt kết quả”")):
        campaign_finalize(campaign=finalized.campaign, actor=finalized.chair)
    AppraisalRound.objects.filter(number=3).update(state=RoundState.AGREED)
    AppraisalRound.objects.filter(number=2).update(state=RoundState.CLOSED)
    after = (
        list(Appraisal.objects.values_list("pk", "value", "version")),
        list(AppraisalRound.objects.values_list("number", "state", "final")),
        list(Response.objects.values_list("pk", "value", "version")),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_the_office_admin_no_longer_finalizes(team):
    three_rounds(team)
    with pytest.raises(ValidationError, match=re.escape("Bạn không có quyền “Chốt kết quả”")):
        campaign_finalize(campaign=team.campaign, actor=team.cast.quang)
    with pytest.raises(ValidationError, match=re.escape("Bạn không có quyền “Chốt kết quả”")):
        campaign_transition(campaign=team.campaign, action="finalize", user=team.cast.quang)
    for member in ("hung", "mai"):
        with pytest.raises(ValidationError, match=re.escape("Bạn không có quyền “Chốt kết quả”")):
            campaign_finalize(campaign=team.campaign, actor=team.person(member))
    assert not HistoricResult.objects.exists()
    team.campaign.refresh_from_db()
    assert team.campaign.state == CampaignState.IN_APPRAISAL


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        ("nothing", "Vòng cuối (vòng 3) chưa được tổ thống nhất điểm."),
        ("no_final", "Đợt chưa có vòng cuối"),
    ],
)
def test_finalizing_needs_the_agreed_final_round(team, prepare, message):
    if prepare == "no_final":
        AppraisalRound.objects.filter(number=3).update(final=False)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match=re.escape(message)):
        campaign_finalize(campaign=team.campaign, actor=team.chair)
    assert AuditEntry.objects.count() == before
    assert not HistoricResult.objects.exists()


def test_a_chair_who_is_not_yet_on_the_team_cannot_finalize(team):
    three_rounds(team)
    member = team_member_add(campaign=team.campaign, user=team.cast.hoa, actor=team.cast.quang)
    with pytest.raises(ValidationError, match=re.escape("Bạn không có quyền")):
        campaign_finalize(campaign=team.campaign, actor=member.user)
