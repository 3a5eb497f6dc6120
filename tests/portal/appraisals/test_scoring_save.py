"""Saving the team's scores (portal.appraisals.services.appraisal_save): who may score which
criterion, in which round, with which remark; the core scores the appraised values through
the same rules as the self-score; every write is audited; a refusal writes nothing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.appraisals.models import Appraisal
from portal.appraisals.posted import PostedAppraisal
from portal.appraisals.services import appraisal_save
from portal.appraisals.team import assignment_add, team_member_add
from portal.appraisals.values import trail_for
from portal.assessments.models import Submission
from portal.audit.models import AuditEntry
from portal.frameworks.scoring import score_answers
from portal.units.models import Unit
from tests.portal.appraisals.conftest import Team, approve


def rows(team: Team) -> list[tuple[object, ...]]:
    return sorted(
        Appraisal.objects.values_list(
            "campaign_unit_id", "round__number", "criterion", "value", "remark", "version"
        )
    )


def frozen(team: Team) -> tuple[object, ...]:
    return rows(team), AuditEntry.objects.count()


def points(team: Team, number: int, campaign_unit=None) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    campaign_unit = campaign_unit or team.campaign_unit
    framework = team.cast.framework.build()
    values = trail_for(campaign_unit).values_at(number, [leaf.code for leaf in framework.leaves])
    return score_answers(framework, campaign_unit.unit, values).scores


@pytest.fixture
def scoring(team: Team) -> Team:
    team.move(1, "open_round")
    return team


def test_an_appraiser_scores_his_index_and_the_core_scores_it(scoring):
    saved = scoring.score(
        scoring.cast.hung, 1, {"nts_tuyen_truyen": "2"}, "Chỉ 2 tin có minh chứng."
    )
    assert saved == 1
    assert points(scoring, 1)["nts_tuyen_truyen"] == Decimal("1")  # 2 × 0,5
    assert points(scoring, 0)["nts_tuyen_truyen"] == Decimal("2")  # the self-score is kept


def test_an_appraiser_of_one_index_cannot_score_another_until_assigned(scoring):
    before = frozen(scoring)
    with pytest.raises(PermissionDenied) as refused:
        scoring.score(scoring.cast.hung, 1, {"nts_ke_hoach": False, "cqs_ky_so": "60"})
    message = str(refused.value)
    assert "“Tỷ lệ văn bản đi được ký số”" in message and "Sở Nội vụ" in message
    assert "cqs_ky_so" not in message
    assert "nts_ke_hoach" not in message
    assert frozen(scoring) == before
    assignment_add(
        member=scoring.members["hung"], index="hoat_dong_chinh_quyen_so", actor=scoring.cast.quang
    )
    assert scoring.score(scoring.cast.hung, 1, {"nts_ke_hoach": False, "cqs_ky_so": "60"}) == 2


def test_nobody_appraises_his_own_unit(scoring):
    cast = scoring.cast
    lan = team_member_add(campaign=scoring.campaign, user=cast.lan, actor=cast.quang)
    assignment_add(member=lan, actor=cast.quang)  # every unit, every index
    before = frozen(scoring)
    with pytest.raises(PermissionDenied, match=re.escape("Sở Nội vụ")):
        scoring.score(cast.lan, 1, {"nts_tuyen_truyen": "10"})
    assert frozen(scoring) == before
    assert scoring.score(cast.lan, 1, {"nts_tuyen_truyen": "8"}, campaign_unit=scoring.other) == 1


def test_a_district_committee_scores_its_communes_only(scoring):
    cast = scoring.cast
    district = Unit.objects.create(
        province=cast.province, code="huyen-a", name="UBND huyện A", level="huyen"
    )
    commune = Unit.objects.create(
        province=cast.province,
        code="xa-a1",
        name="UBND xã A1",
        level="so",
        parent=district,
        attributes={"has_online_public_services": False},
    )
    campaign_unit = scoring.campaign.units.create(unit=commune, level="so")
    Submission.objects.create(campaign_unit=campaign_unit)
    approve(campaign_unit, {"nts_tuyen_truyen": "6"}, cast.lan)
    officer = team_member_add(campaign=scoring.campaign, user=cast.minh, actor=cast.quang)
    assignment_add(member=officer, district=district, actor=cast.quang)
    assert scoring.score(cast.minh, 1, {"nts_tuyen_truyen": "4"}, campaign_unit=campaign_unit) == 1
    with pytest.raises(PermissionDenied):
        scoring.score(cast.minh, 1, {"nts_tuyen_truyen": "4"}, campaign_unit=scoring.other)


# Each kind of rule, the appraised value, and the points the core gives it.
RULES = [
    pytest.param("hung", "nts_ke_hoach", False, "0", id="yes_no"),
    pytest.param("hung", "nts_tuyen_truyen", "3", "1.5", id="count"),
    pytest.param("chair", "tcs_quy_che", "mot_phan", "5", id="choice"),
    pytest.param("mai", "cqs_ky_so", "60", "9", id="ratio"),
    pytest.param("mai", "cqs_so_hoa", "55", "5", id="bands"),
    pytest.param("mai", "cqs_dvctt", {"online": "400", "total": "1000"}, "10", id="formula-system"),
    pytest.param("chair", "xhs_danh_gia", "12.5", "12.5", id="entered-by-appraisers"),
]


@pytest.mark.parametrize(("who", "code", "value", "expected"), RULES)
def test_each_rule_scores_the_appraised_value_as_the_core_does(scoring, who, code, value, expected):
    assignment_add(
        member=scoring.members["chair"], actor=scoring.cast.quang
    )  # the chair scores all
    scoring.score(scoring.person(who), 1, {code: value}, "Tổ chấm lại theo minh chứng.")
    assert points(scoring, 1)[code] == Decimal(expected)
    assert Appraisal.objects.get(criterion=code).value == value


def test_a_value_the_core_cannot_score_is_refused(scoring):
    before = frozen(scoring)
    with pytest.raises(ValidationError, match=re.escape("Tỷ lệ văn bản đi được ký số: “nhiều”")):
        scoring.score(scoring.mai, 1, {"cqs_ky_so": "nhiều"})
    assert frozen(scoring) == before


def test_a_lowered_score_needs_a_remark(scoring):
    before = frozen(scoring)
    with pytest.raises(ValidationError) as refused:
        scoring.score(scoring.mai, 1, {"cqs_ky_so": "60", "cqs_so_hoa": "75.0"}, remark="  ")
    assert refused.value.messages == [
        "“Tỷ lệ văn bản đi được ký số”: giá trị thẩm định khác giá trị đơn vị kê khai "
        "(87,5); ghi rõ lý do trong nhận xét."
    ]  # 75,0 is the declared 75: no remark needed
    assert frozen(scoring) == before
    assert scoring.score(scoring.mai, 1, {"cqs_so_hoa": "75.0"}, remark="") == 1


def test_overriding_a_system_sourced_value_needs_a_reason(scoring):
    imported = {"online": "600", "total": "1000"}
    with pytest.raises(
        ValidationError,
        match=re.escape("tiêu chí lấy từ hệ thống dùng chung; chấm lại phải ghi rõ lý do"),
    ):
        scoring.score(scoring.mai, 1, {"cqs_dvctt": imported}, remark="")
    assert scoring.score(scoring.mai, 1, {"cqs_dvctt": imported}, remark="Đối chiếu cổng DVC.") == 1


@pytest.mark.parametrize(
    ("request_text", "final", "message"),
    [
        ("", False, "ghi rõ nội dung cần bổ sung"),
        ("Gửi danh sách.", True, "vòng cuối không yêu cầu bổ sung"),
    ],
)
def test_a_supplement_request_needs_its_text_and_a_round_to_come(
    scoring, request_text, final, message
):
    if final:
        scoring.move(1, "return_results", "close_round")
        scoring.move(2, "open_round", "return_results", "close_round")
        scoring.move(3, "open_round")
    number = 3 if final else 1
    posted = PostedAppraisal(
        "60", "Thấp hơn.", supplement_requested=True, supplement_request=request_text
    )
    before = frozen(scoring)
    with pytest.raises(ValidationError, match=re.escape(message)):
        appraisal_save(
            campaign_unit=scoring.campaign_unit,
            round=scoring.round(number),
            actor=scoring.mai,
            posted={"cqs_ky_so": posted},
        )
    assert frozen(scoring) == before


def test_each_save_is_audited_from_what_to_what_and_why(scoring):
    scoring.score(scoring.mai, 1, {"cqs_ky_so": "60"}, "Chỉ 60% có ký số.")
    row = Appraisal.objects.get(criterion="cqs_ky_so")
    posted = PostedAppraisal("65", "Tính thêm văn bản quý IV.", version=row.version, loaded="x")
    appraisal_save(
        campaign_unit=scoring.campaign_unit,
        round=scoring.round(1),
        actor=scoring.mai,
        posted={"cqs_ky_so": posted},
    )
    audit_entries = list(AuditEntry.objects.filter(entity="appraisal").order_by("pk"))
    assert [(e.action, e.criterion, e.unit_id, e.actor) for e in audit_entries] == [
        ("score", "cqs_ky_so", scoring.cast.noi_vu.pk, scoring.mai)
    ] * 2
    assert audit_entries[0].old is None
    assert audit_entries[0].new["value"] == "60" and audit_entries[0].reason == "Chỉ 60% có ký số."
    assert (audit_entries[1].old["value"], audit_entries[1].new["value"]) == ("60", "65")
    assert audit_entries[1].new["round"] == 1


@pytest.mark.parametrize("state", ["planned", "returned"])
def test_scores_are_written_only_while_the_round_is_scoring(team, state):
    if state == "returned":
        team.move(1, "open_round", "return_results")
    before = frozen(team)
    with pytest.raises(ValidationError, match=re.escape("Không thể “Chấm điểm thẩm định”")):
        team.score(team.mai, 1, {"cqs_ky_so": "60"})
    assert frozen(team) == before


def test_a_criterion_that_does_not_apply_is_refused(scoring):
    with pytest.raises(
        ValidationError, match=re.escape("Đơn vị không có các tiêu chí: cqs_dvctt.")
    ):
        scoring.score(
            scoring.mai,
            1,
            {"cqs_dvctt": {"online": "1", "total": "2"}},
            campaign_unit=scoring.other,
        )


def test_an_untouched_criterion_is_not_written(scoring):
    posted = PostedAppraisal("60", "x", loaded=PostedAppraisal("60", "x").canonical)
    assert (
        appraisal_save(
            campaign_unit=scoring.campaign_unit,
            round=scoring.round(1),
            actor=scoring.mai,
            posted={"cqs_ky_so": posted},
        )
        == 0
    )
    confirmed = PostedAppraisal(
        "87.5", "", loaded=PostedAppraisal("87.5", "").canonical, confirm=True
    )
    assert (
        appraisal_save(
            campaign_unit=scoring.campaign_unit,
            round=scoring.round(1),
            actor=scoring.mai,
            posted={"cqs_ky_so": confirmed},
        )
        == 1
    )
    assert Appraisal.objects.get(criterion="cqs_ky_so").value == "87.5"
