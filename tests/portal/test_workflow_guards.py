"""portal.workflow.guards: each move's blockers from plain facts, in words with names, hard
or overridable; `enforce` refuses until the hard ones are gone and the others have a
reason. portal.workflow.confirm: what the confirmation page repeats."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory

from portal.workflow.confirm import posted
from portal.workflow.guards import (
    AppraisalStartFacts,
    Blocker,
    MoveBlocked,
    RoundGuardFacts,
    SelfAssessmentFacts,
    UnitGap,
    close_round_blockers,
    close_self_assessment_blockers,
    enforce,
    names,
    override_note,
    publish_blockers,
    start_appraisal_blockers,
    unscored_blockers,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2026, 11, 20, 17, 0, tzinfo=HCM)


def test_enforce_refuses_a_hard_blocker_whatever_the_reason():
    hard = [Blocker("a", hard=True), Blocker("b")]
    with pytest.raises(MoveBlocked) as refused:
        enforce(hard, "lý do")
    assert refused.value.messages == ["a", "b"] and not refused.value.overridable


def test_enforce_needs_a_reason_for_the_others_and_returns_them():
    soft = [Blocker("a"), Blocker("b")]
    with pytest.raises(MoveBlocked):
        enforce(soft, "  ")
    assert enforce(soft, "lý do") == ["a", "b"]
    assert enforce([], "") == []
    assert override_note("lý do", ["a", "b"]) == "Vẫn thực hiện: lý do (dù: a b)"
    assert override_note("lý do", []) == ""


def test_names_counts_those_it_does_not_show():
    assert names(["A", "B"]) == "A, B"
    shown = names([f"Xã {n}" for n in range(23)])
    assert shown == "Xã 0, Xã 1, Xã 2, Xã 3, Xã 4 và 18 đơn vị khác"


def test_closing_a_round_before_its_supplement_deadline():
    facts = RoundGuardFacts(1, supplement_due=DUE, unanswered=(UnitGap("Xã A", 2),))
    texts = [b.text for b in close_round_blockers(facts, DUE - timedelta(hours=1))]
    assert texts == [
        "Hạn bổ sung vòng 1 là 20/11/2026 17:00, chưa qua: đơn vị còn được giải trình, bổ sung "
        "đến lúc đó.",
        "2 yêu cầu bổ sung chưa được trả lời: Xã A (2 tiêu chí).",
    ]
    assert close_round_blockers(RoundGuardFacts(1, supplement_due=DUE), DUE) != []  # its instant
    assert close_round_blockers(RoundGuardFacts(1, supplement_due=DUE), DUE + timedelta(1)) == []


def test_closing_the_self_assessment_names_the_units_not_done():
    facts = SelfAssessmentFacts(
        deadline=DUE,
        not_submitted=("Xã A", "Xã B"),
        not_approved=("Xã C",),
        extended=(("Xã A", DUE + timedelta(days=2)), ("Xã B", DUE - timedelta(days=1))),
    )
    texts = [b.text for b in close_self_assessment_blockers(facts, DUE + timedelta(days=1))]
    assert texts == [
        "1 đơn vị được gia hạn, hạn chưa qua: Xã A (22/11/2026 17:00).",
        "2 đơn vị chưa gửi bản tự đánh giá: Xã A, Xã B.",
        "1 đơn vị đã gửi nhưng chưa được phê duyệt: Xã C.",
    ]
    blockers = close_self_assessment_blockers(facts, DUE)
    assert blockers[0].text == "Hạn tự đánh giá là 20/11/2026 17:00, chưa qua."
    assert not any(b.hard for b in blockers)


def test_the_appraisal_needs_rounds_and_a_chair_and_publishing_every_result():
    assert [b.hard for b in start_appraisal_blockers(AppraisalStartFacts(0, False))] == [True] * 2
    assert start_appraisal_blockers(AppraisalStartFacts(2, True)) == []
    assert publish_blockers(["Xã A"])[0] == Blocker("1 đơn vị chưa có kết quả: Xã A.", hard=True)
    assert publish_blockers([]) == []


def test_units_unscored_are_named_with_their_count():
    facts = RoundGuardFacts(3, unscored=(UnitGap("Xã A", 1), UnitGap("Xã B", 7)))
    assert unscored_blockers(facts) == [
        Blocker(
            "Vòng 3: 2 đơn vị còn tiêu chí tổ chưa chấm (giữ giá trị đơn vị tự khai): "
            "Xã A (1 tiêu chí), Xã B (7 tiêu chí)."
        )
    ]
    assert unscored_blockers(RoundGuardFacts(3)) == []


def test_the_confirmation_repeats_the_first_posts_fields_but_its_own():
    request = RequestFactory().post(
        "/",
        {
            "action": "close_round",
            "number": "1",
            "csrfmiddlewaretoken": "x",
            "confirmed": "1",
            "override": "1",
            "override_reason": "  Đã   thống nhất ",
        },
    )
    sent = posted(request)
    assert sent.fields == [("action", "close_round"), ("number", "1")]
    assert (sent.confirmed, sent.override, sent.reason) == (True, True, "Đã thống nhất")
