"""The workflow table, tested exhaustively: every machine × state × action × set of roles ×
campaign state. `check()` returns the target exactly when a row of TRANSITIONS allows the
move, and otherwise raises WorkflowError with a Vietnamese message saying why."""

from __future__ import annotations

import functools
from itertools import chain, combinations

import pytest
from django.utils import translation

from portal.accounts.roles import Role
from portal.workflow import (
    ACTION_LABELS,
    STATE_LABELS,
    TRANSITIONS,
    CampaignState,
    Machine,
    RoundState,
    SubmissionState,
    TeamRole,
    WorkflowError,
    actions_for,
    check,
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
