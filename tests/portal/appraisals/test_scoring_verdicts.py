"""Verdicts on evidence (portal.appraisals.services.verdict_set): by an appraiser of the
criterion, in the round being scored, with a reason when the file is not accepted; with
optimistic locking; audited; evidence supplemented during a round is judged in the next."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.appraisals.models import EvidenceVerdict
from portal.appraisals.posted import PostedVerdict, stored_verdict
from portal.appraisals.services import AppraisalConflict, verdict_set
from portal.appraisals.team import assignment_add
from portal.assessments.models import Evidence, Submission
from portal.audit.models import AuditEntry


@pytest.fixture
def evidence(team):  # type: ignore[no-untyped-def]
    team.move(1, "open_round")
    return Evidence.objects.create(
        submission=Submission.objects.get(campaign_unit=team.campaign_unit),
        criterion="cqs_ky_so",
        url="https://vb.example.vn/ky-so",
        original_name="Danh sách văn bản ký số",
        uploaded_by=team.cast.lan,
    )


def frozen():  # type: ignore[no-untyped-def]
    return list(
        EvidenceVerdict.objects.values_list("verdict", "note", "version")
    ), AuditEntry.objects.count()


def test_an_appraiser_of_the_criterion_judges_its_evidence(team, evidence):
    verdict_set(
        evidence=evidence,
        round=team.round(1),
        actor=team.mai,
        posted=PostedVerdict("insufficient", "Thiếu văn bản quý IV."),
    )
    row = EvidenceVerdict.objects.get()
    assert (row.verdict, row.note, row.round, row.version) == (
        "insufficient",
        "Thiếu văn bản quý IV.",
        team.rounds[1],
        1,
    )
    audit_entry = AuditEntry.objects.get(entity="verdict")
    assert (audit_entry.action, audit_entry.criterion, audit_entry.old, audit_entry.reason) == (
        "set",
        "cqs_ky_so",
        None,
        "Thiếu văn bản quý IV.",
    )
    assert audit_entry.new == {
        "round": 1,
        "verdict": "insufficient",
        "note": "Thiếu văn bản quý IV.",
    }


def test_a_file_not_accepted_needs_a_reason(team, evidence):
    before = frozen()
    with pytest.raises(ValidationError, match=re.escape("ghi rõ lý do của kết luận")):
        verdict_set(
            evidence=evidence, round=team.round(1), actor=team.mai, posted=PostedVerdict("rejected")
        )
    assert frozen() == before


def test_an_appraiser_of_another_index_may_not_judge_it(team, evidence):
    before = frozen()
    with pytest.raises(PermissionDenied, match=re.escape("“Tỷ lệ văn bản đi được ký số”")):
        verdict_set(
            evidence=evidence,
            round=team.round(1),
            actor=team.cast.hung,
            posted=PostedVerdict("accepted"),
        )
    assert frozen() == before


def test_a_second_verdict_over_anothers_is_a_conflict(team, evidence):
    assignment_add(member=team.members["chair"], actor=team.cast.quang)
    empty = stored_verdict(None)
    verdict_set(
        evidence=evidence,
        round=team.round(1),
        actor=team.mai,
        posted=PostedVerdict("accepted", "", 0, empty),
    )
    with pytest.raises(AppraisalConflict) as refused:
        verdict_set(
            evidence=evidence,
            round=team.round(1),
            actor=team.chair,
            posted=PostedVerdict("rejected", "Sai đơn vị.", 0, empty),
        )
    conflict = refused.value.verdicts[evidence.pk]
    assert (conflict.value, conflict.by) == ("Đạt", "Ngô Thị Mai")
    assert EvidenceVerdict.objects.get().verdict == "accepted"


def test_clearing_a_verdict_is_audited(team, evidence):
    verdict_set(
        evidence=evidence, round=team.round(1), actor=team.mai, posted=PostedVerdict("accepted")
    )
    verdict_set(
        evidence=evidence, round=team.round(1), actor=team.mai, posted=PostedVerdict("", "", 1)
    )
    assert not EvidenceVerdict.objects.exists()
    assert list(AuditEntry.objects.filter(entity="verdict").values_list("action", flat=True)) == [
        "set",
        "clear",
    ]


def test_evidence_supplemented_in_a_round_is_judged_in_the_next(team, evidence):
    team.move(1, "return_results")
    evidence.round = team.rounds[1]
    evidence.save()
    team.move(1, "close_round")
    team.move(2, "open_round")
    verdict_set(
        evidence=evidence, round=team.round(2), actor=team.mai, posted=PostedVerdict("accepted")
    )
    assert EvidenceVerdict.objects.get().round == team.rounds[2]
    supplemented_now = Evidence.objects.create(
        submission=evidence.submission,
        criterion="cqs_ky_so",
        url="https://vb.example.vn/2",
        original_name="Bổ sung",
        uploaded_by=team.cast.lan,
        round=team.rounds[2],
    )
    with pytest.raises(ValidationError, match=re.escape("được xem xét ở vòng sau")):
        verdict_set(
            evidence=supplemented_now,
            round=team.round(2),
            actor=team.mai,
            posted=PostedVerdict("accepted"),
        )
