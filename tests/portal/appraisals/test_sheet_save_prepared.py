"""The scoring sheet's save prepares its rows and audit entries before its transaction
(portal.appraisals.services.sheet_save), as a unit's answers are: whatever happens between
preparing and writing, what is written is what a save under the round's lock from the start
would have written, or nothing. Its cost in queries does not grow with the criteria or the
verdicts it saves, and a sheet posted with nothing changed takes no lock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.appraisals import services
from portal.appraisals.models import Appraisal, Assignment, EvidenceVerdict
from portal.appraisals.posted import PostedAppraisal, PostedVerdict, stored_canonical
from portal.appraisals.services import AppraisalConflict, sheet_save
from portal.appraisals.team import assignment_add
from portal.assessments.models import Evidence, Submission
from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from portal.workflow import RoundState
from tests.portal.appraisals.conftest import Team
from tests.portal.meanwhile import meanwhile as prepared_meanwhile


def fresh(value: str, remark: str = "Theo minh chứng.") -> PostedAppraisal:
    """A score typed on a sheet loaded before anyone scored the criterion in the round."""
    return PostedAppraisal(value, remark, version=0, loaded=stored_canonical(None))


def over(row: Appraisal, value: str, remark: str = "Theo minh chứng.") -> PostedAppraisal:
    """A score typed on a sheet loaded with `row` as it is stored."""
    return PostedAppraisal(value, remark, version=row.version, loaded=stored_canonical(row))


def save(team: Team, who: str, posted: dict[str, PostedAppraisal], **verdicts: Any) -> Any:
    return sheet_save(
        campaign_unit=team.campaign_unit,
        round=team.round(1),
        actor=team.person(who),
        appraisals=posted,
        verdicts=verdicts.get("verdicts"),
    )


def scores() -> dict[str, tuple[object, int]]:
    return {row.criterion: (row.value, row.version) for row in Appraisal.objects.all()}


def meanwhile(monkeypatch: pytest.MonkeyPatch, act: Callable[[], Any]) -> list[bool]:
    return prepared_meanwhile(monkeypatch, services, "_prepared", act)


@pytest.fixture
def scoring(team: Team) -> Team:
    """Round 1 being scored; the chair appraises nhan_thuc_so beside Hùng."""
    assignment_add(member=team.members["chair"], index="nhan_thuc_so", actor=team.cast.quang)
    team.move(1, "open_round")
    return team


@pytest.fixture
def evidence(scoring: Team) -> list[Evidence]:
    submission = Submission.objects.get(campaign_unit=scoring.campaign_unit)
    return [
        Evidence.objects.create(
            submission=submission,
            criterion="cqs_ky_so",
            url=f"https://vb.example.vn/ky-so-{n}",
            original_name=f"Danh sách văn bản ký số {n}",
            uploaded_by=scoring.cast.lan,
        )
        for n in range(3)
    ]


def test_a_save_with_nothing_in_between_is_prepared_once_and_audited(scoring, monkeypatch):
    calls = meanwhile(monkeypatch, lambda: None)
    saved = save(scoring, "hung", {"nts_tuyen_truyen": fresh("2"), "nts_ke_hoach": fresh(False)})
    assert (saved.appraisals, calls) == (2, [False])  # written as prepared
    assert scores() == {"nts_tuyen_truyen": ("2", 1), "nts_ke_hoach": (False, 1)}
    entries = AuditEntry.objects.filter(entity="appraisal").order_by("pk")
    rows = {row.criterion: row for row in Appraisal.objects.all()}
    # an entry per score, each naming its new row, linked: nothing left pending
    assert [(e.criterion, e.entity_id) for e in entries] == [
        ("nts_tuyen_truyen", str(rows["nts_tuyen_truyen"].pk)),
        ("nts_ke_hoach", str(rows["nts_ke_hoach"].pk)),
    ]
    assert all(entry.seq is not None for entry in entries)
    assert audit_log_verify().intact


def test_another_criterion_scored_in_between_is_kept_and_the_save_prepared_again(
    scoring, monkeypatch
):
    save(scoring, "hung", {"nts_tuyen_truyen": fresh("2")})
    first = Appraisal.objects.get(criterion="nts_tuyen_truyen")
    calls = meanwhile(monkeypatch, lambda: save(scoring, "mai", {"cqs_ky_so": fresh("60")}))
    assert save(scoring, "hung", {"nts_tuyen_truyen": over(first, "3")}).appraisals == 1
    assert calls == [False, True]  # the round's scores moved: prepared again, under the lock
    assert scores() == {"nts_tuyen_truyen": ("3", 2), "cqs_ky_so": ("60", 1)}
    last = AuditEntry.objects.filter(entity="appraisal").order_by("pk").last()
    assert last is not None and last.criterion == "nts_tuyen_truyen"
    assert (last.old["value"], last.new["value"], last.entity_id) == ("2", "3", str(first.pk))
    assert audit_log_verify().intact


def test_the_same_criterion_scored_in_between_is_a_conflict_and_nothing_is_written(
    scoring, monkeypatch
):
    meanwhile(monkeypatch, lambda: save(scoring, "chair", {"nts_tuyen_truyen": fresh("3")}))
    logged = AuditEntry.objects.count()
    with pytest.raises(AppraisalConflict) as refused:
        save(scoring, "hung", {"nts_tuyen_truyen": fresh("2"), "nts_ke_hoach": fresh(False)})
    assert set(refused.value.conflicts) == {"nts_tuyen_truyen"}
    assert refused.value.conflicts["nts_tuyen_truyen"].by == str(scoring.chair)
    assert scores() == {"nts_tuyen_truyen": ("3", 1)}  # the chair's alone
    assert AuditEntry.objects.count() == logged + 1  # the chair's entry alone


def test_an_assignment_removed_in_between_refuses_the_save(scoring, monkeypatch):
    meanwhile(
        monkeypatch,
        lambda: Assignment.objects.filter(member=scoring.members["hung"]).delete(),
    )
    logged = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        save(scoring, "hung", {"nts_tuyen_truyen": fresh("2")})
    assert not scores()
    assert AuditEntry.objects.count() == logged


def test_a_round_closed_in_between_refuses_the_save(scoring, monkeypatch):
    meanwhile(
        monkeypatch,
        lambda: type(scoring.rounds[1])
        .objects.filter(pk=scoring.rounds[1].pk)
        .update(state=RoundState.CLOSED),
    )
    logged = AuditEntry.objects.count()
    with pytest.raises((PermissionDenied, ValidationError)):
        save(scoring, "hung", {"nts_tuyen_truyen": fresh("2")})
    assert not scores()
    assert AuditEntry.objects.count() == logged


def test_a_verdict_set_in_between_is_a_conflict_and_no_score_is_written(
    scoring, evidence, monkeypatch
):
    first = evidence[0]

    def judged() -> None:
        sheet_save(
            campaign_unit=scoring.campaign_unit,
            round=scoring.round(1),
            actor=scoring.mai,
            verdicts={first.pk: PostedVerdict("accepted")},
        )

    meanwhile(monkeypatch, judged)
    with pytest.raises(AppraisalConflict) as refused:
        save(
            scoring,
            "mai",
            {"cqs_ky_so": fresh("60")},
            verdicts={first.pk: PostedVerdict("rejected", "Không đọc được.")},
        )
    assert set(refused.value.verdicts) == {first.pk} and not refused.value.conflicts
    assert not scores()
    assert list(EvidenceVerdict.objects.values_list("verdict", flat=True)) == ["accepted"]


def test_evidence_deleted_in_between_refuses_the_save(scoring, evidence, monkeypatch):
    first = evidence[0]
    meanwhile(monkeypatch, lambda: Evidence.objects.filter(pk=first.pk).delete())
    logged = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        save(
            scoring,
            "mai",
            {"cqs_ky_so": fresh("60")},
            verdicts={first.pk: PostedVerdict("accepted")},
        )
    assert "không thuộc đơn vị" in refused.value.messages[0]
    assert not scores() and not EvidenceVerdict.objects.exists()
    assert AuditEntry.objects.count() == logged


def test_verdicts_set_changed_and_cleared_in_one_save_are_each_audited(scoring, evidence):
    a, b, c = evidence
    judged = {pk: PostedVerdict("accepted") for pk in (a.pk, b.pk)}
    assert save(scoring, "mai", {}, verdicts=judged).verdicts == 2
    stored = {row.evidence_id: row for row in EvidenceVerdict.objects.all()}
    posted = {
        a.pk: PostedVerdict("", version=1, loaded="x"),  # cleared
        b.pk: PostedVerdict("insufficient", "Thiếu quý IV.", version=1, loaded="x"),
        c.pk: PostedVerdict("rejected", "Không đọc được."),
    }
    assert save(scoring, "mai", {}, verdicts=posted).verdicts == 3
    now = {row.evidence_id: (row.verdict, row.version) for row in EvidenceVerdict.objects.all()}
    assert now == {b.pk: ("insufficient", 2), c.pk: ("rejected", 1)}
    assert EvidenceVerdict.objects.get(evidence=b).pk == stored[b.pk].pk
    entries = AuditEntry.objects.filter(entity="verdict").order_by("pk")
    assert [(e.action, e.entity_id) for e in entries][2:] == [
        ("clear", str(a.pk)),
        ("set", str(b.pk)),
        ("set", str(c.pk)),
    ]
    assert entries[3].old == {"round": 1, "verdict": "accepted", "note": ""}
    assert audit_log_verify().intact


def test_a_sheet_posted_unchanged_writes_nothing_and_locks_nothing(scoring):
    save(scoring, "hung", {"nts_tuyen_truyen": fresh("2")})
    row = Appraisal.objects.get()
    again = PostedAppraisal(
        row.value, row.remark, version=row.version, loaded=stored_canonical(row)
    )
    with CaptureQueriesContext(connection) as captured:
        assert save(scoring, "hung", {"nts_tuyen_truyen": again}).appraisals == 0
    statements = [query["sql"].upper() for query in captured.captured_queries]
    assert not [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    # no transaction (a savepoint inside the test's own), no row locked
    assert not [s for s in statements if s.startswith(("BEGIN", "SAVEPOINT")) or "FOR UPDATE" in s]


def _queries(team: Team, codes: list[str], value: str, evidence: list[Evidence]) -> int:
    posted = {code: fresh(value) for code in codes}
    verdicts = {item.pk: PostedVerdict("rejected", f"Lượt {value}.") for item in evidence}
    for row in Appraisal.objects.filter(criterion__in=codes):
        posted[row.criterion] = over(row, value)
    for verdict in EvidenceVerdict.objects.filter(evidence__in=evidence):
        verdicts[verdict.evidence_id] = PostedVerdict(
            "rejected", f"Lượt {value}.", version=verdict.version, loaded="x"
        )
    with CaptureQueriesContext(connection) as captured:
        saved = save(team, "chair", posted, verdicts=verdicts)
    assert (saved.appraisals, saved.verdicts) == (len(codes), len(evidence))
    return len(captured)


def test_a_save_costs_the_same_queries_for_one_score_or_all_of_them(scoring, evidence):
    for index in scoring.cast.framework.build().main_indices[1:]:
        assignment_add(member=scoring.members["chair"], index=index.code, actor=scoring.cast.quang)
    every = ["nts_tuyen_truyen", "cqs_ky_so", "cqs_so_hoa", "xhs_danh_gia"]
    save(scoring, "chair", {"nts_ke_hoach": fresh(False)})  # what a process reads once, read
    # first saves insert, second saves update: each counted for one criterion and for all
    assert _queries(scoring, every[:1], "1", evidence[:1]) == _queries(
        scoring, every[1:], "1", evidence[1:]
    )
    assert _queries(scoring, every[:1], "2", evidence[:1]) == _queries(
        scoring, every[1:], "2", evidence[1:]
    )
    assert audit_log_verify().intact


@pytest.mark.parametrize(
    "mine",
    [
        PostedVerdict("rejected", "Không đọc được.", version=1, loaded="x"),
        PostedVerdict("", version=1, loaded="x"),  # cleared
    ],
)
def test_a_verdict_cleared_and_set_again_in_between_is_prepared_again(
    scoring, evidence, monkeypatch, mine
):
    """Cleared, its row is deleted; set again, a new row starts at version 1: the version
    alone would not show that anything moved, and the save would write over a row that no
    longer exists while its audit entry said otherwise."""
    first = evidence[0]
    judge = {first.pk: PostedVerdict("accepted")}
    save(scoring, "mai", {}, verdicts=judge)

    def cleared_and_set_again() -> None:
        save(scoring, "mai", {}, verdicts={first.pk: PostedVerdict("", version=1, loaded="x")})
        save(scoring, "mai", {}, verdicts={first.pk: PostedVerdict("insufficient", "Thiếu.")})

    calls = meanwhile(monkeypatch, cleared_and_set_again)
    save(scoring, "mai", {}, verdicts={first.pk: mine})
    assert calls == [False, True]  # prepared again, under the lock
    stored = list(EvidenceVerdict.objects.values_list("verdict", flat=True))
    last = AuditEntry.objects.filter(entity="verdict").order_by("pk").last()
    assert last is not None
    assert stored == ([mine.verdict] if mine.verdict else [])  # written as the trail says
    assert last.old == {"round": 1, "verdict": "insufficient", "note": "Thiếu."}
    assert audit_log_verify().intact


def test_a_round_made_final_in_between_refuses_a_supplement_request(scoring, monkeypatch):
    round_ = scoring.round(1)
    meanwhile(
        monkeypatch,
        lambda: type(round_).objects.filter(pk=round_.pk).update(final=True),
    )
    asked = PostedAppraisal(
        "2",
        "Thiếu kế hoạch.",
        supplement_requested=True,
        supplement_request="Gửi kế hoạch.",
        loaded=stored_canonical(None),
    )
    with pytest.raises(ValidationError) as refused:
        save(scoring, "hung", {"nts_tuyen_truyen": asked})
    assert "vòng cuối không yêu cầu bổ sung" in " ".join(refused.value.messages)
    assert not scores()
