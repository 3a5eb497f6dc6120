"""Every change of a value, a state or a deadline made through the services leaves one
entry in the audit trail, in the same transaction: who, from what, to what, why. A refused
change leaves none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.answers import PostedAnswer, loaded_mark
from portal.assessments import services as assessments
from portal.assessments.models import Submission
from portal.assessments.saving import AnswerConflict, answers_save
from portal.audit.models import AuditEntry
from portal.audit.services import plain
from portal.campaigns import schedule
from portal.campaigns import services as campaigns
from portal.campaigns.models import Campaign, CampaignUnit
from portal.workflow import CampaignState, SubmissionState
from tests.portal.assessments.conftest import COMPLETE, save_fields
from tests.portal.audit.test_save_entries import saved
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db


def logged(entity: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(entity=entity).order_by("pk"))


def moment(value) -> str:  # type: ignore[no-untyped-def]
    return plain(value)


# ---- self-assessment -------------------------------------------------------------------


def test_a_save_logs_one_entry_with_each_criterions_old_and_new_value(cast: Cast):
    saved(cast)
    first, second = logged("answers")
    assert (first.action, first.criterion, first.old, first.new) == (
        "save",
        "",
        {"cqs_ky_so": None},
        {"cqs_ky_so": {"value": "60", "note": ""}},
    )
    assert (second.old, second.new) == (
        {"cqs_ky_so": {"value": "60", "note": ""}, "cqs_so_hoa": None},
        {
            "cqs_ky_so": {"value": "87.5", "note": "Theo QLVB"},
            "cqs_so_hoa": {"value": "75", "note": ""},
        },
    )
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    for entry in (first, second):
        assert entry.entity_id == str(submission.pk)
        assert (entry.actor, entry.actor_name) == (cast.lan, "Nguyễn Thị Lan")
        assert (entry.campaign, entry.unit, entry.province) == (
            cast.campaign,
            cast.noi_vu,
            cast.province,
        )
    assert not logged("answer")  # no entry per answer


def test_a_refused_or_conflicting_save_logs_nothing(cast: Cast):
    save_fields(cast.client(cast.thao), cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "60"})
    with pytest.raises(PermissionDenied):
        answers_save(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.thao, answers={})
    assert not AuditEntry.objects.exists()
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "60"})
    logged_before = AuditEntry.objects.count()
    stale = PostedAnswer("70", "", version=0, loaded=loaded_mark(None, ""))
    with pytest.raises(AnswerConflict):
        answers_save(
            campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan, answers={"cqs_ky_so": stale}
        )
    assert AuditEntry.objects.count() == logged_before


def test_the_first_save_logs_the_submission_starting_and_later_saves_do_not(cast: Cast):
    client = cast.client(cast.lan)
    save_fields(client, cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "60"})
    save_fields(client, cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "70"})
    [started] = logged("submission")
    assert (started.action, started.old, started.new) == ("save", "not_started", "draft")
    assert started.actor == cast.lan


def test_submitting_and_returning_log_the_moves_with_the_reason(cast: Cast):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    assessments.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    with pytest.raises(ValidationError):  # only the approver returns it
        assessments.submission_return(
            campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan, note="x"
        )
    assessments.submission_return(
        campaign_unit=cast.noi_vu_campaign_unit,
        actor=cast.minh,
        note="Thiếu quyết định ban hành kế hoạch",
    )
    moves = [(e.action, e.old, e.new, e.actor) for e in logged("submission")]
    assert moves == [
        ("save", "not_started", "draft", cast.lan),
        ("submit", "draft", "submitted", cast.lan),
        ("return", "submitted", "draft", cast.minh),
    ]
    submitted = logged("submission")[1]
    sha = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).events.get(
        action="submit"
    )
    assert submitted.reason == sha.note  # the signed snapshot's hash
    assert logged("submission")[2].reason == "Thiếu quyết định ban hành kế hoạch"


def test_adding_and_removing_evidence_is_logged(cast: Cast):
    evidence = assessments.evidence_add_link(
        campaign_unit=cast.noi_vu_campaign_unit,
        actor=cast.lan,
        criterion="nts_ke_hoach",
        url="https://snv.example.gov.vn/ke-hoach.pdf",
        name="Kế hoạch CĐS",
    )
    evidence_id = evidence.pk
    assessments.evidence_delete(
        campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan, evidence=evidence
    )
    added, removed = logged("evidence")
    described = {"name": "Kế hoạch CĐS", "url": "https://snv.example.gov.vn/ke-hoach.pdf"}
    assert (added.action, added.old, added.new) == ("add", None, described)
    assert (removed.action, removed.old, removed.new) == ("remove", described, None)
    assert {added.entity_id, removed.entity_id} == {str(evidence_id)}
    assert (added.criterion, added.unit, added.actor) == ("nts_ke_hoach", cast.noi_vu, cast.lan)


def test_evidence_refused_logs_nothing(cast: Cast):
    with pytest.raises(ValidationError):
        assessments.evidence_add_link(
            campaign_unit=cast.noi_vu_campaign_unit,
            actor=cast.lan,
            criterion="khong_co",
            url="https://snv.example.gov.vn/a.pdf",
        )
    assert not AuditEntry.objects.exists()


# ---- campaigns -------------------------------------------------------------------------


def test_a_campaign_transition_is_logged_from_state_to_state(cast: Cast):
    campaigns.campaign_transition(
        campaign=cast.campaign, action="close_self_assessment", user=cast.quang
    )
    [moved] = logged("campaign")
    assert (moved.action, moved.old, moved.new) == (
        "close_self_assessment",
        "open",
        "self_assessment_closed",
    )
    assert (moved.actor, moved.campaign, moved.unit) == (cast.quang, cast.campaign, None)


def test_a_refused_transition_logs_nothing(cast: Cast):
    with pytest.raises(ValidationError):
        campaigns.campaign_transition(
            campaign=cast.campaign, action="close_self_assessment", user=cast.hoa
        )
    assert not AuditEntry.objects.exists()
    assert Campaign.objects.get().state == CampaignState.OPEN


def test_changing_the_self_assessment_deadline_is_logged_with_the_reason(cast: Cast):
    before = cast.campaign.self_assessment_deadline
    later = before + timedelta(days=7)
    campaigns.campaign_update(
        campaign=cast.campaign,
        title=cast.campaign.title,
        self_assessment_deadline=later,
        user=cast.quang,
        reason="Theo công văn 123/STTTT",
    )
    [changed] = logged("deadline")
    assert (changed.old, changed.new) == (moment(before), moment(later))
    assert (changed.reason, changed.actor, changed.entity_id) == (
        "Theo công văn 123/STTTT",
        cast.quang,
        "self_assessment",
    )


def test_an_update_without_a_deadline_change_or_refused_logs_nothing(cast: Cast):
    campaigns.campaign_update(
        campaign=cast.campaign,
        title="Tên mới",
        user=cast.quang,
        self_assessment_deadline=cast.campaign.self_assessment_deadline,
    )
    with pytest.raises(ValidationError):
        campaigns.campaign_update(
            campaign=cast.campaign, title="Tên mới", self_assessment_deadline=None, user=cast.quang
        )
    assert not logged("deadline")


def test_setting_a_rounds_deadlines_is_logged_from_old_to_new(cast: Cast):
    due = cast.campaign.self_assessment_deadline + timedelta(days=10)
    schedule.round_deadline_set(
        campaign=cast.campaign, number=1, appraisal_due=due, supplement_due=None, user=cast.quang
    )
    schedule.round_deadline_set(
        campaign=cast.campaign,
        number=1,
        appraisal_due=due,
        user=cast.quang,
        supplement_due=due + timedelta(days=5),
        reason="Thêm thời gian bổ sung",
    )
    first, second = logged("deadline")
    assert (first.entity_id, first.old) == ("round-1", None)
    assert first.new == {"appraisal_due": moment(due), "supplement_due": None}
    assert second.old == first.new
    assert second.new == {
        "appraisal_due": moment(due),
        "supplement_due": moment(due + timedelta(days=5)),
    }
    assert second.reason == "Thêm thời gian bổ sung"


def test_a_refused_round_deadline_logs_nothing(cast: Cast):
    with pytest.raises(ValidationError):
        schedule.round_deadline_set(
            campaign=cast.campaign,
            number=1,
            supplement_due=None,
            user=cast.quang,
            appraisal_due=cast.campaign.self_assessment_deadline - timedelta(days=1),
        )
    assert not AuditEntry.objects.exists()


def test_an_extension_is_logged_for_the_unit(cast: Cast):
    until = cast.campaign.self_assessment_deadline + timedelta(days=3)
    schedule.campaign_unit_extend(
        campaign_unit=cast.tu_phap_campaign_unit,
        until=until,
        user=cast.quang,
        reason="Đơn vị xin gia hạn",
    )
    with pytest.raises(ValidationError):
        schedule.campaign_unit_extend(
            campaign_unit=cast.noi_vu_campaign_unit,
            until=cast.campaign.self_assessment_deadline,
            user=cast.quang,
        )
    [extended] = logged("extension")
    assert (extended.old, extended.new, extended.reason) == (
        None,
        moment(until),
        "Đơn vị xin gia hạn",
    )
    assert (extended.unit, extended.actor) == (cast.tu_phap, cast.quang)


def test_a_new_campaign_its_level_and_its_units_in_and_out_are_logged(cast: Cast):
    deadline = timezone.now() + timedelta(days=30)
    campaign = campaigns.campaign_create(
        province=cast.province,
        year=2026,
        title="Đánh giá năm 2026",
        self_assessment_deadline=deadline,
        user=cast.quang,
    )
    campaigns.campaign_level_add(
        campaign=campaign,
        level="so",
        name="Sở, ban, ngành",
        framework=cast.framework,
        user=cast.quang,
    )
    with pytest.raises(ValidationError):  # the level exists: refused, nothing logged
        campaigns.campaign_level_add(
            campaign=campaign, level="so", name="Lại", framework=cast.framework, user=cast.quang
        )
    campaigns.campaign_units_add(campaign=campaign, level="so", units=None, user=cast.quang)
    campaigns.campaign_unit_remove(
        campaign_unit=CampaignUnit.objects.get(campaign=campaign, unit=cast.tu_phap),
        user=cast.quang,
    )
    audit_entries = AuditEntry.objects.filter(campaign=campaign).order_by("pk")
    summary = [(e.entity, e.action, e.unit_id) for e in audit_entries]
    assert summary == [
        ("campaign", "create", None),
        ("level", "add", None),
        ("unit", "add", cast.noi_vu.pk),
        ("unit", "add", cast.tu_phap.pk),
        ("unit", "remove", cast.tu_phap.pk),
    ]
    created, level = audit_entries[0], audit_entries[1]
    assert created.new == {
        "title": "Đánh giá năm 2026",
        "year": 2026,
        "self_assessment_deadline": moment(deadline),
    }
    assert level.new == {"level": "so", "name": "Sở, ban, ngành", "framework": cast.framework.name}
    assert audit_entries[4].old == {"level": "so", "name": "Sở Tư pháp"}
    assert {e.actor for e in audit_entries} == {cast.quang}


def test_the_chain_stays_intact_after_all_of_it(cast: Cast):
    from portal.audit.verify import audit_log_verify

    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    assessments.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    campaigns.campaign_transition(
        campaign=cast.campaign, action="close_self_assessment", user=cast.quang
    )
    report = audit_log_verify()
    assert report.intact and report.verdict.checked == AuditEntry.objects.count() >= 4
    assert (
        Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).state
        == SubmissionState.SUBMITTED
    )
