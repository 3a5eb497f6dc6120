"""The workflow table, tested exhaustively: every machine × state × action × set of roles ×
campaign state. `check()` returns the target exactly when a row of TRANSITIONS allows the
move, and otherwise raises WorkflowError with a Vietnamese message saying why."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from itertools import chain, combinations

import pytest
from django.utils import translation

from portal.roles import Role
from portal.workflow import (
    ACTION_LABELS,
    EDITABLE_SUBMISSION_STATES,
    SCORING_CAMPAIGN_STATES,
    SCORING_STATES,
    SELF_ASSESSMENT_STATES,
    STATE_LABELS,
    TRANSITIONS,
    CampaignState,
    Machine,
    RoundFacts,
    RoundState,
    SubmissionState,
    TeamRole,
    WorkflowError,
    actions_for,
    check,
    deadline_passed,
    final_mark_open,
    final_mark_refusals,
    round_move_refusal,
    self_assessment_refusal,
    submission_edit_refusal,
    system_values_refusal,
)

C, S, R = CampaignState, SubmissionState, RoundState
OFFICE, REPORTER, APPROVER = Role.OFFICE_ADMIN, Role.REPORTER, Role.APPROVER
CHAIR, TEAM = TeamRole.CHAIR, TeamRole.APPRAISER

# The workflow as the product describes it (DOMAIN.md, "The campaign"), written out by hand
# so that the table is checked against the intent and not only against itself:
# (machine, from, action, to, who, campaign states a submission move needs).
SPEC = {
    (Machine.CAMPAIGN, C.DRAFT, "open", C.OPEN, OFFICE, None),
    (Machine.CAMPAIGN, C.OPEN, "close_self_assessment", C.SELF_ASSESSMENT_CLOSED, OFFICE, None),
    (Machine.CAMPAIGN, C.SELF_ASSESSMENT_CLOSED, "reopen_self_assessment", C.OPEN, OFFICE, None),
    (Machine.CAMPAIGN, C.SELF_ASSESSMENT_CLOSED, "start_appraisal", C.IN_APPRAISAL, OFFICE, None),
    (Machine.CAMPAIGN, C.IN_APPRAISAL, "finalize", C.FINALIZED, CHAIR, None),
    (Machine.CAMPAIGN, C.FINALIZED, "publish", C.PUBLISHED, OFFICE, None),
    (Machine.SUBMISSION, S.NOT_STARTED, "save", S.DRAFT, REPORTER, C.OPEN),
    (Machine.SUBMISSION, S.DRAFT, "save", S.DRAFT, REPORTER, C.OPEN),
    (Machine.SUBMISSION, S.DRAFT, "submit", S.SUBMITTED, REPORTER, C.OPEN),
    (Machine.SUBMISSION, S.SUBMITTED, "approve", S.APPROVED, APPROVER, C.OPEN),
    (Machine.SUBMISSION, S.SUBMITTED, "return", S.DRAFT, APPROVER, C.OPEN),
    (Machine.SUBMISSION, S.APPROVED, "reopen", S.DRAFT, OFFICE, C.OPEN),
    (Machine.ROUND, R.PLANNED, "open_round", R.SCORING, CHAIR, C.IN_APPRAISAL),
    (Machine.ROUND, R.SCORING, "score", R.SCORING, TEAM, C.IN_APPRAISAL),
    (Machine.ROUND, R.SCORING, "return_results", R.RETURNED, CHAIR, C.IN_APPRAISAL),
    (Machine.ROUND, R.RETURNED, "respond", R.RETURNED, REPORTER, C.IN_APPRAISAL),
    (Machine.ROUND, R.RETURNED, "close_round", R.CLOSED, CHAIR, C.IN_APPRAISAL),
    (Machine.ROUND, R.SCORING, "agree", R.AGREED, CHAIR, C.IN_APPRAISAL),
    (Machine.ROUND, R.AGREED, "reopen_round", R.SCORING, CHAIR, C.IN_APPRAISAL),
}

STATES: dict[Machine, list[str]] = {
    Machine.CAMPAIGN: list(CampaignState),
    Machine.SUBMISSION: list(SubmissionState),
    Machine.ROUND: list(RoundState),
}
# Every state of every machine is tried on each machine: a state of another machine must
# never move. Roles are the province's (Role) and the appraisal team's (TeamRole).
ALL_STATES = [*CampaignState, *SubmissionState, *RoundState]
ALL_ROLES = [*Role, *TeamRole]
ROLE_SETS = [
    frozenset(roles)
    for roles in chain.from_iterable(combinations(ALL_ROLES, n) for n in range(len(ALL_ROLES) + 1))
]
CAMPAIGN_STATES: list[str | None] = [None, *CampaignState]


# The exhaustive tests ask the same few questions of the table thousands of times each
# (every set of roles × every campaign state): the answers are cached.
@functools.cache
def rows_for(machine: Machine, state: str, action: str) -> tuple:
    return tuple(
        t for t in TRANSITIONS if (t.machine, t.source, t.action) == (machine, state, action)
    )


def expected(
    machine: Machine, state: str, action: str, roles: frozenset[Role], campaign: str | None
) -> str | None:
    """The target a row allows for this move, or None: straight from TRANSITIONS."""
    for row in rows_for(machine, state, action):
        if row.roles & roles and (not row.campaign_states or campaign in row.campaign_states):
            return row.target
    return None


def test_the_table_is_the_documented_workflow():
    table = set()
    for t in TRANSITIONS:
        assert len(t.roles) == 1, "one role per move: the spec names one"
        assert len(t.campaign_states) <= 1
        needs = next(iter(t.campaign_states), None)
        table.add((t.machine, t.source, t.action, t.target, next(iter(t.roles)), needs))
    assert table == SPEC
    assert len(TRANSITIONS) == len(SPEC), "no row is repeated"


def test_each_move_has_one_row():
    # check() reads the first matching row only: a second row would silently never apply.
    keys = [(t.machine, t.source, t.action) for t in TRANSITIONS]
    assert len(keys) == len(set(keys))


def test_every_state_and_action_of_the_table_has_a_vietnamese_label():
    for t in TRANSITIONS:
        assert t.action in ACTION_LABELS
        assert t.source in STATES[t.machine] and t.target in STATES[t.machine]
    assert set(ACTION_LABELS) == {t.action for t in TRANSITIONS}
    for machine, states in STATES.items():
        assert set(STATE_LABELS[machine]) == set(states)


def test_a_draft_campaign_and_a_draft_submission_have_their_own_labels():
    # Both machines have a state "draft": the labels are per machine, never shared.
    with pytest.raises(WorkflowError, match="“Đang soạn”"):
        check(Machine.CAMPAIGN, C.DRAFT, "publish", {OFFICE})
    with pytest.raises(WorkflowError, match="“Đang nhập”"):
        check(Machine.SUBMISSION, S.DRAFT, "approve", {APPROVER}, campaign_state=C.OPEN)


@pytest.mark.parametrize("machine", list(Machine))
@pytest.mark.parametrize("state", ALL_STATES, ids=lambda s: f"{type(s).__name__}.{s.name}")
@pytest.mark.parametrize("action", list(ACTION_LABELS))
def test_check_allows_exactly_what_a_row_allows(machine, state, action):
    wrong = []
    for roles in ROLE_SETS:
        for campaign in CAMPAIGN_STATES:
            target = expected(machine, state, action, roles, campaign)
            try:
                got = check(machine, state, action, roles, campaign_state=campaign)
            except WorkflowError as error:
                got = None
                message = str(error)
                if target is None and message != refusal(machine, state, action, roles, campaign):
                    wrong.append((sorted(roles), campaign, message))
            if got != target:
                wrong.append((sorted(roles), campaign, f"got {got}, expected {target}"))
    assert wrong == []


def refusal(
    machine: Machine, state: str, action: str, roles: frozenset[Role], campaign: str | None
) -> str:
    """The message check() must give for a refused move, in the order it checks."""
    rows = rows_for(machine, state, action)
    has_role = bool(rows and rows[0].roles & roles)
    return refusal_message(machine, state, action, has_role, translation.get_language())


@functools.cache  # each message formats lazy labels: once per question and language
def refusal_message(
    machine: Machine, state: str, action: str, has_role: bool, language: str | None
) -> str:
    rows = rows_for(machine, state, action)
    if not rows:
        label = STATE_LABELS[machine].get(state, state)
        return f"Không thể “{ACTION_LABELS[action]}” khi đang ở trạng thái “{label}”."
    if not has_role:
        return f"Bạn không có quyền “{ACTION_LABELS[action]}”."
    if machine is Machine.ROUND:
        return "Đợt đánh giá không ở giai đoạn thẩm định."
    return "Đợt đánh giá không còn mở để tự đánh giá."


@pytest.mark.parametrize(
    ("machine", "state", "action", "roles", "campaign", "message"),
    [
        (Machine.CAMPAIGN, C.OPEN, "publish", {OFFICE}, None,
         "Không thể “Công bố” khi đang ở trạng thái “Đang tự đánh giá”."),
        (Machine.CAMPAIGN, C.FINALIZED, "publish", {Role.LEADERSHIP}, None,
         "Bạn không có quyền “Công bố”."),
        (Machine.SUBMISSION, S.DRAFT, "submit", {APPROVER}, C.OPEN,
         "Bạn không có quyền “Gửi phê duyệt”."),
        (Machine.SUBMISSION, S.DRAFT, "submit", {REPORTER}, C.SELF_ASSESSMENT_CLOSED,
         "Đợt đánh giá không còn mở để tự đánh giá."),
        (Machine.SUBMISSION, S.APPROVED, "approve", {APPROVER}, C.OPEN,
         "Không thể “Phê duyệt và ký” khi đang ở trạng thái “Đã phê duyệt”."),
        (Machine.SUBMISSION, S.SUBMITTED, "publish", {OFFICE}, C.OPEN,
         "Không thể “Công bố” khi đang ở trạng thái “Đã gửi, chờ phê duyệt”."),
    ],
)  # fmt: skip
def test_it_says_why_in_vietnamese(machine, state, action, roles, campaign, message):
    with pytest.raises(WorkflowError) as error:
        check(machine, state, action, roles, campaign_state=campaign)
    assert str(error.value) == message


def test_an_unknown_action_is_refused_by_name():
    with pytest.raises(WorkflowError, match="“bay”"):
        check(Machine.CAMPAIGN, C.DRAFT, "bay", set(Role))


def test_a_submission_moves_only_while_its_campaign_is_open():
    for campaign in CAMPAIGN_STATES:
        if campaign == C.OPEN:
            assert check(Machine.SUBMISSION, S.DRAFT, "submit", {REPORTER}, campaign_state=campaign)
        else:
            with pytest.raises(WorkflowError, match="không còn mở"):
                check(Machine.SUBMISSION, S.DRAFT, "submit", {REPORTER}, campaign_state=campaign)


@pytest.mark.parametrize("machine", list(Machine))
@pytest.mark.parametrize("state", ALL_STATES, ids=lambda s: f"{type(s).__name__}.{s.name}")
def test_the_buttons_offered_are_the_moves_check_allows(machine, state):
    for roles in ROLE_SETS:
        for campaign in CAMPAIGN_STATES:
            offered = actions_for(machine, state, set(roles), campaign)
            allowed = [
                a for a in ACTION_LABELS if expected(machine, state, a, roles, campaign) is not None
            ]
            assert sorted(offered) == sorted(allowed), (sorted(roles), campaign)


# ---- the rules beside the table: each one's allowed and refused cases --------------------

NOON = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("deadline", "passed"),
    [
        (None, False),  # no deadline: never late
        (NOON + MINUTE, False),
        (NOON, False),  # the deadline's own moment is still in time
        (NOON - MINUTE, True),
    ],
)
def test_a_deadline_passes_after_its_moment(deadline, passed):
    assert deadline_passed(deadline, NOON) is passed


@pytest.mark.parametrize("campaign", list(CampaignState))
def test_a_self_assessment_changes_only_while_its_campaign_is_open(campaign):
    expected = {
        C.DRAFT: "Đợt đánh giá không ở giai đoạn tự đánh giá (trạng thái: Đang soạn).",
        C.OPEN: "",
        C.SELF_ASSESSMENT_CLOSED: (
            "Đợt đánh giá không ở giai đoạn tự đánh giá (trạng thái: Đã đóng tự đánh giá)."
        ),
        C.IN_APPRAISAL: "Đợt đánh giá không ở giai đoạn tự đánh giá (trạng thái: Đang thẩm định).",
        C.FINALIZED: "Đợt đánh giá không ở giai đoạn tự đánh giá (trạng thái: Đã chốt kết quả).",
        C.PUBLISHED: "Đợt đánh giá không ở giai đoạn tự đánh giá (trạng thái: Đã công bố).",
    }
    assert self_assessment_refusal(campaign) == expected[campaign]


@pytest.mark.parametrize(
    ("submission", "refusal_text"),
    [
        (S.NOT_STARTED, ""),
        (S.DRAFT, ""),
        (S.SUBMITTED, "Bản tự đánh giá “Đã gửi, chờ phê duyệt”: không sửa được."),
        (S.APPROVED, "Bản tự đánh giá “Đã phê duyệt”: không sửa được."),
    ],
)
def test_answers_change_only_in_the_states_the_table_saves_from(submission, refusal_text):
    assert submission_edit_refusal(submission) == refusal_text
    saves = bool(rows_for(Machine.SUBMISSION, submission, "save"))
    assert saves == (refusal_text == "")


def test_the_rules_read_from_the_table_are_the_documented_ones():
    assert {C.OPEN} == SELF_ASSESSMENT_STATES
    assert {S.NOT_STARTED, S.DRAFT} == EDITABLE_SUBMISSION_STATES
    assert {R.SCORING} == SCORING_STATES
    assert {C.IN_APPRAISAL} == SCORING_CAMPAIGN_STATES


CLOSED_FOR_VALUES = (
    "Đợt đánh giá đã chốt kết quả (trạng thái: %s): số liệu từ hệ thống không còn thay đổi "
    "được, vì kết quả đã tính bằng số liệu lúc chốt."
)
HISTORIC = "Đợt đánh giá này là kết quả năm cũ nhập từ bảng đã công bố."


@pytest.mark.parametrize(
    ("campaign", "historic", "refusal_text"),
    [
        (C.DRAFT, False, "Đợt đánh giá chưa mở (trạng thái: Đang soạn): chưa nhập số liệu được."),
        (C.OPEN, False, ""),
        (C.SELF_ASSESSMENT_CLOSED, False, ""),
        (C.IN_APPRAISAL, False, ""),
        (C.FINALIZED, False, CLOSED_FOR_VALUES % "Đã chốt kết quả"),
        (C.PUBLISHED, False, CLOSED_FOR_VALUES % "Đã công bố"),
        (C.OPEN, True, HISTORIC),
        (C.PUBLISHED, True, HISTORIC),
    ],
)
def test_system_values_come_in_from_opening_to_finalization(campaign, historic, refusal_text):
    assert system_values_refusal(campaign, historic) == refusal_text


def facts(number: int, state: str = R.PLANNED, *, final: bool = False, due: bool = True):
    return RoundFacts(number=number, state=state, final=final, supplement_due_set=due)


NO_DUE = (
    "Vòng %s chưa có hạn bổ sung, giải trình của đơn vị: Sở chủ trì đặt hạn ở trang “Hạn các "
    "vòng thẩm định” của đợt."
)
IS_FINAL = "Vòng %s là vòng cuối: tổ thống nhất điểm thay vì trả kết quả."
NOT_FINAL = "Vòng %s không phải vòng cuối: trả kết quả cho đơn vị rồi kết thúc vòng."


@pytest.mark.parametrize(
    ("action", "round", "previous", "refusal_text"),
    [
        # the first round opens with its supplement deadline; the final one needs none
        ("open_round", facts(1), None, ""),
        ("open_round", facts(1, due=False), None, NO_DUE % 1),
        ("open_round", facts(1, final=True, due=False), None, ""),
        # a later round opens once the one before it is closed, and not final
        ("open_round", facts(2), None, "Chưa có vòng 1."),
        ("open_round", facts(2), facts(1, R.CLOSED), ""),
        (
            "open_round",
            facts(2),
            facts(1, R.RETURNED),
            "Vòng 1 chưa kết thúc: kết thúc vòng đó trước.",
        ),
        (
            "open_round",
            facts(2),
            facts(1, R.AGREED, final=True),
            "Vòng 1 là vòng cuối: không có vòng sau.",
        ),
        ("open_round", facts(3, due=False), facts(2, R.CLOSED), NO_DUE % 3),
        # only a round that is not final is returned and closed, with a supplement deadline
        ("return_results", facts(1, R.SCORING), None, ""),
        ("return_results", facts(1, R.SCORING, due=False), None, NO_DUE % 1),
        ("return_results", facts(2, R.SCORING, final=True), None, IS_FINAL % 2),
        ("close_round", facts(1, R.RETURNED), None, ""),
        ("close_round", facts(2, R.RETURNED, final=True), None, IS_FINAL % 2),
        # only the final round is agreed and reopened
        ("agree", facts(2, R.SCORING, final=True, due=False), None, ""),
        ("agree", facts(1, R.SCORING), None, NOT_FINAL % 1),
        ("reopen_round", facts(2, R.AGREED, final=True), None, ""),
        ("reopen_round", facts(1, R.AGREED), None, NOT_FINAL % 1),
        # writing in a round is the table's alone
        ("score", facts(2, R.SCORING, due=False), None, ""),
        ("respond", facts(2, R.RETURNED), None, ""),
    ],
)
def test_a_round_moves_in_its_order_and_as_final_or_not(action, round, previous, refusal_text):
    assert round_move_refusal(action, round, previous) == refusal_text


@pytest.mark.parametrize("previous", list(RoundState))
def test_a_round_opens_only_after_the_one_before_it_closed(previous):
    refused = round_move_refusal("open_round", facts(2), facts(1, previous))
    assert (refused == "") == (previous == R.CLOSED)


BEFORE_FINALIZATION = {C.DRAFT, C.OPEN, C.SELF_ASSESSMENT_CLOSED, C.IN_APPRAISAL}


@pytest.mark.parametrize("campaign", list(CampaignState))
@pytest.mark.parametrize("state", list(RoundState))
def test_the_final_round_is_chosen_before_finalization_on_a_round_not_yet_returned(campaign, state):
    expected = campaign in BEFORE_FINALIZATION and state in {R.PLANNED, R.SCORING}
    assert final_mark_open(campaign, state) is expected
    refused = final_mark_refusals(campaign, facts(1, state), True, [facts(1, state)])
    assert (refused == []) is expected


ROUNDS = [facts(1, R.CLOSED), facts(2, R.SCORING), facts(3)]


@pytest.mark.parametrize(
    ("campaign", "round", "final", "rounds", "refusals"),
    [
        (C.IN_APPRAISAL, facts(3), True, ROUNDS, []),
        (C.IN_APPRAISAL, facts(3), False, ROUNDS, []),
        (C.DRAFT, facts(1), True, [facts(1)], []),
        (
            C.FINALIZED,
            facts(3),
            True,
            ROUNDS,
            ["Đợt đánh giá đã chốt kết quả (trạng thái “Đã chốt kết quả”)."],
        ),
        (
            C.PUBLISHED,
            facts(3),
            False,
            ROUNDS,
            ["Đợt đánh giá đã chốt kết quả (trạng thái “Đã công bố”)."],
        ),
        # the final round is the last one set; taking the mark off an earlier one is fine
        (
            C.IN_APPRAISAL,
            facts(2, R.SCORING),
            True,
            ROUNDS,
            ["Vòng cuối phải là vòng sau cùng: đã có vòng 3."],
        ),
        (C.IN_APPRAISAL, facts(2, R.SCORING, final=True), False, ROUNDS, []),
        # a round returned, closed or agreed keeps what it is
        (
            C.IN_APPRAISAL,
            facts(1, R.CLOSED),
            False,
            ROUNDS,
            ["Vòng 1 đã trả kết quả hoặc đã thống nhất: không đổi được vòng cuối."],
        ),
        (
            C.IN_APPRAISAL,
            facts(1, R.CLOSED),
            True,
            ROUNDS,
            [
                "Vòng 1 đã trả kết quả hoặc đã thống nhất: không đổi được vòng cuối.",
                "Vòng cuối phải là vòng sau cùng: đã có vòng 3.",
            ],
        ),
        # the round that was final moves the mark only while it is still being scored
        (
            C.IN_APPRAISAL,
            facts(3),
            True,
            [facts(1, R.CLOSED), facts(2, R.AGREED, final=True), facts(3)],
            ["Vòng 2 đã là vòng cuối và đã thống nhất điểm."],
        ),
        (
            C.IN_APPRAISAL,
            facts(3),
            True,
            [facts(1, R.CLOSED), facts(2, R.SCORING, final=True), facts(3)],
            [],
        ),
    ],
)
def test_the_final_round_is_the_last_and_not_yet_agreed(campaign, round, final, rounds, refusals):
    assert final_mark_refusals(campaign, round, final, rounds) == refusals
