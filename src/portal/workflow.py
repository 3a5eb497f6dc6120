"""The states of a campaign and of a unit's submission, and who may move them: one table,
checked by one function (`check`). Tested exhaustively: every machine × state × action × role.

Beside the table, the rules it cannot say, as data with one function each that the apps ask
with their models' fields: deadlines (`deadline_passed`), when a unit's self-assessment may
change (`self_assessment_refusal`, `submission_edit_refusal`), when a campaign takes system
values (`system_values_refusal`), which round may move given the others
(`round_move_refusal`) and which round may be made the final one (`final_mark_refusals`).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from portal.roles import Role

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class Machine(StrEnum):
    CAMPAIGN = "campaign"
    SUBMISSION = "submission"
    ROUND = "round"


class CampaignState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    SELF_ASSESSMENT_CLOSED = "self_assessment_closed"
    IN_APPRAISAL = "in_appraisal"
    FINALIZED = "finalized"
    PUBLISHED = "published"


class SubmissionState(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"


class RoundState(StrEnum):
    """An appraisal round: planned, the team scores, results go back to the units (which
    confirm or supplement), closed. The final round is agreed instead of returned."""

    PLANNED = "planned"
    SCORING = "scoring"
    RETURNED = "returned"
    CLOSED = "closed"
    AGREED = "agreed"


class TeamRole(StrEnum):
    """Roles held on a campaign's appraisal team (portal.appraisals.TeamMember), not in the
    province: they sit beside the Membership roles in the sets `check` is given."""

    CHAIR = "team_chair"
    APPRAISER = "team_appraiser"


# One table per machine: both have a "draft" state, with different names. The labels are
# lazy: they are read in the language of the request (docs/i18n.md); the keys stay plain.
CAMPAIGN_STATE_LABELS: dict[str, _StrPromise] = {
    CampaignState.DRAFT: gettext_lazy("Đang soạn"),
    CampaignState.OPEN: gettext_lazy("Đang tự đánh giá"),
    CampaignState.SELF_ASSESSMENT_CLOSED: gettext_lazy("Đã đóng tự đánh giá"),
    CampaignState.IN_APPRAISAL: gettext_lazy("Đang thẩm định"),
    CampaignState.FINALIZED: gettext_lazy("Đã chốt kết quả"),
    CampaignState.PUBLISHED: gettext_lazy("Đã công bố"),
}
SUBMISSION_STATE_LABELS: dict[str, _StrPromise] = {
    SubmissionState.NOT_STARTED: gettext_lazy("Chưa bắt đầu"),
    SubmissionState.DRAFT: gettext_lazy("Đang nhập"),
    SubmissionState.SUBMITTED: gettext_lazy("Đã gửi, chờ phê duyệt"),
    SubmissionState.APPROVED: gettext_lazy("Đã phê duyệt"),
}
ROUND_STATE_LABELS: dict[str, _StrPromise] = {
    RoundState.PLANNED: gettext_lazy("Chưa bắt đầu"),
    RoundState.SCORING: gettext_lazy("Tổ đang chấm"),
    RoundState.RETURNED: gettext_lazy("Đã trả kết quả, đơn vị giải trình, bổ sung"),
    RoundState.CLOSED: gettext_lazy("Đã kết thúc"),
    RoundState.AGREED: gettext_lazy("Tổ đã thống nhất điểm"),
}
STATE_LABELS = {
    Machine.CAMPAIGN: CAMPAIGN_STATE_LABELS,
    Machine.SUBMISSION: SUBMISSION_STATE_LABELS,
    Machine.ROUND: ROUND_STATE_LABELS,
}
ROLE_LABELS = {
    TeamRole.CHAIR: gettext_lazy("Tổ trưởng tổ thẩm định"),
    TeamRole.APPRAISER: gettext_lazy("Thành viên tổ thẩm định (được phân công)"),
}


@dataclass(frozen=True)
class Transition:
    machine: Machine
    source: str
    action: str
    target: str
    roles: frozenset[str]  # Role (held in the province) or TeamRole (held on the team)
    campaign_states: frozenset[CampaignState] = frozenset()  # submission and round moves need one


_OFFICE = frozenset({Role.OFFICE_ADMIN})
_REPORTER = frozenset({Role.REPORTER})
_APPROVER = frozenset({Role.APPROVER})
_CHAIR = frozenset({TeamRole.CHAIR})
_TEAM = frozenset({TeamRole.APPRAISER})
_OPEN = frozenset({CampaignState.OPEN})
_APPRAISAL = frozenset({CampaignState.IN_APPRAISAL})
C, S, R = CampaignState, SubmissionState, RoundState
_CLOSED = C.SELF_ASSESSMENT_CLOSED

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Machine.CAMPAIGN, C.DRAFT, "open", C.OPEN, _OFFICE),
    Transition(Machine.CAMPAIGN, C.OPEN, "close_self_assessment", _CLOSED, _OFFICE),
    Transition(Machine.CAMPAIGN, _CLOSED, "reopen_self_assessment", C.OPEN, _OFFICE),
    Transition(Machine.CAMPAIGN, _CLOSED, "start_appraisal", C.IN_APPRAISAL, _OFFICE),
    Transition(Machine.CAMPAIGN, C.IN_APPRAISAL, "finalize", C.FINALIZED, _CHAIR),
    Transition(Machine.CAMPAIGN, C.FINALIZED, "publish", C.PUBLISHED, _OFFICE),
    Transition(Machine.SUBMISSION, S.NOT_STARTED, "save", S.DRAFT, _REPORTER, _OPEN),
    Transition(Machine.SUBMISSION, S.DRAFT, "save", S.DRAFT, _REPORTER, _OPEN),
    Transition(Machine.SUBMISSION, S.DRAFT, "submit", S.SUBMITTED, _REPORTER, _OPEN),
    Transition(Machine.SUBMISSION, S.SUBMITTED, "approve", S.APPROVED, _APPROVER, _OPEN),
    Transition(Machine.SUBMISSION, S.SUBMITTED, "return", S.DRAFT, _APPROVER, _OPEN),
    Transition(Machine.SUBMISSION, S.APPROVED, "reopen", S.DRAFT, _OFFICE, _OPEN),
    # Appraisal rounds. "score" and "respond" do not move the round: they say who may
    # write in which state (an assigned appraiser while the team scores; the unit's
    # reporter while results are returned). Only a non-final round is returned; only the
    # final round is agreed (`round_move_refusal` below says which round it is).
    Transition(Machine.ROUND, R.PLANNED, "open_round", R.SCORING, _CHAIR, _APPRAISAL),
    Transition(Machine.ROUND, R.SCORING, "score", R.SCORING, _TEAM, _APPRAISAL),
    Transition(Machine.ROUND, R.SCORING, "return_results", R.RETURNED, _CHAIR, _APPRAISAL),
    Transition(Machine.ROUND, R.RETURNED, "respond", R.RETURNED, _REPORTER, _APPRAISAL),
    Transition(Machine.ROUND, R.RETURNED, "close_round", R.CLOSED, _CHAIR, _APPRAISAL),
    Transition(Machine.ROUND, R.SCORING, "agree", R.AGREED, _CHAIR, _APPRAISAL),
    Transition(Machine.ROUND, R.AGREED, "reopen_round", R.SCORING, _CHAIR, _APPRAISAL),
)  # fmt: skip

ACTION_LABELS = {
    "open": gettext_lazy("Mở đợt đánh giá"),
    "close_self_assessment": gettext_lazy("Đóng tự đánh giá"),
    "reopen_self_assessment": gettext_lazy("Mở lại tự đánh giá"),
    "start_appraisal": gettext_lazy("Bắt đầu thẩm định"),
    "finalize": gettext_lazy("Chốt kết quả"),
    "publish": gettext_lazy("Công bố"),
    "save": gettext_lazy("Lưu nháp"),
    "submit": gettext_lazy("Gửi phê duyệt"),
    "approve": gettext_lazy("Phê duyệt và ký"),
    "return": gettext_lazy("Trả lại để sửa"),
    "reopen": gettext_lazy("Mở lại bản đã phê duyệt"),
    "open_round": gettext_lazy("Bắt đầu vòng thẩm định"),
    "score": gettext_lazy("Chấm điểm thẩm định"),
    "return_results": gettext_lazy("Trả kết quả cho đơn vị"),
    "respond": gettext_lazy("Giải trình, bổ sung"),
    "close_round": gettext_lazy("Kết thúc vòng"),
    "agree": gettext_lazy("Thống nhất điểm vòng cuối"),
    "reopen_round": gettext_lazy("Mở lại vòng cuối"),
}


# What a unit sees of the appraisal: a round's results once the team returned them (or the
# round closed); the final round's only when the campaign is finalized or published.
RESULTS_RETURNED_STATES = frozenset({RoundState.RETURNED, RoundState.CLOSED})
RESULTS_FINAL_CAMPAIGN_STATES = frozenset({CampaignState.FINALIZED, CampaignState.PUBLISHED})


def results_returned_to_unit(*, round_state: str, final: bool, campaign_state: str) -> bool:
    """Whether a round's results are the unit's to see."""
    if final:
        return campaign_state in RESULTS_FINAL_CAMPAIGN_STATES
    return round_state in RESULTS_RETURNED_STATES


class WorkflowError(Exception):
    """A move the table does not allow; the message says why, in the active language."""


def check(
    machine: Machine,
    state: str,
    action: str,
    roles: frozenset[str] | set[Role] | set[str],
    *,
    campaign_state: str | None = None,
) -> str:
    """The state after `action`, or WorkflowError saying why it is not allowed."""
    matches = [
        t for t in TRANSITIONS if (t.machine, t.source, t.action) == (machine, state, action)
    ]
    if not matches:
        label = STATE_LABELS[machine].get(state, state)
        raise WorkflowError(
            gettext("Không thể “%(action)s” khi đang ở trạng thái “%(state)s”.")
            % {"action": ACTION_LABELS.get(action, action), "state": label}
        )
    transition = matches[0]
    if not transition.roles & set(roles):
        raise WorkflowError(
            gettext("Bạn không có quyền “%(action)s”.") % {"action": ACTION_LABELS[action]}
        )
    if transition.campaign_states and campaign_state not in transition.campaign_states:
        if machine is Machine.ROUND:
            raise WorkflowError(gettext("Đợt đánh giá không ở giai đoạn thẩm định."))
        raise WorkflowError(gettext("Đợt đánh giá không còn mở để tự đánh giá."))
    return transition.target


def check_or_refuse(
    machine: Machine,
    state: str,
    action: str,
    roles: frozenset[str] | set[Role] | set[str],
    *,
    campaign_state: str | None = None,
) -> str:
    """`check`, its refusal raised as the ValidationError every service raises (the message
    unchanged): what the services call."""
    try:
        return check(machine, state, action, roles, campaign_state=campaign_state)
    except WorkflowError as error:
        raise ValidationError(str(error)) from None


def actions_for(
    machine: Machine,
    state: str,
    roles: AbstractSet[str],
    campaign_state: str | None = None,
) -> list[str]:
    """The actions these roles may take from `state` (for buttons)."""
    result = []
    for t in TRANSITIONS:
        allowed = not t.campaign_states or campaign_state in t.campaign_states
        if (t.machine, t.source) == (machine, state) and t.roles & roles and allowed:
            result.append(t.action)
    return result


def states_allowing(machine: Machine, action: str) -> frozenset[str]:
    """The states the table takes `action` from (whoever takes it)."""
    return frozenset(t.source for t in TRANSITIONS if (t.machine, t.action) == (machine, action))


def campaign_states_allowing(machine: Machine, action: str) -> frozenset[CampaignState]:
    """The campaign states the table's rows for `action` need."""
    rows = [t for t in TRANSITIONS if (t.machine, t.action) == (machine, action)]
    return frozenset().union(*(t.campaign_states for t in rows))


# ---- deadlines ---------------------------------------------------------------------------


def deadline_passed(deadline: datetime | None, now: datetime) -> bool:
    """Whether `now` is past the deadline (None: there is none); the deadline's own instant
    is still in time. Self-assessments, responses to a round and lateness all ask it."""
    return deadline is not None and now > deadline


# ---- the unit's self-assessment ----------------------------------------------------------

# The unit writes while the campaign is open for self-assessment (the campaign states its
# submission's moves need) and its answers while the submission may still be saved.
SELF_ASSESSMENT_STATES = campaign_states_allowing(Machine.SUBMISSION, "save")
EDITABLE_SUBMISSION_STATES = states_allowing(Machine.SUBMISSION, "save")
SUBMISSION_EDIT_REFUSALS: dict[str, Promise] = {
    SubmissionState.SUBMITTED: gettext_lazy(
        "Bản tự đánh giá đã gửi, đang chờ phê duyệt: không sửa được."
    ),
    SubmissionState.APPROVED: gettext_lazy("Bản tự đánh giá đã được phê duyệt: không sửa được."),
}


def self_assessment_refusal(campaign_state: str) -> str:
    """Why nothing of a unit's self-assessment may change in this campaign state ('' while
    it may; the deadline is the other rule, `deadline_passed`)."""
    if campaign_state in SELF_ASSESSMENT_STATES:
        return ""
    state = CAMPAIGN_STATE_LABELS.get(CampaignState(campaign_state), campaign_state)
    return gettext("Đợt đánh giá không ở giai đoạn tự đánh giá (trạng thái: %(state)s).") % {
        "state": state
    }


def submission_edit_refusal(submission_state: str) -> str:
    """Why the answers and evidence of a submission in this state cannot change ('' when
    they can: the states the table saves from)."""
    if submission_state in EDITABLE_SUBMISSION_STATES:
        return ""
    return str(SUBMISSION_EDIT_REFUSALS.get(submission_state, ""))


# ---- system values -----------------------------------------------------------------------

# A campaign takes system values from its opening until its results are finalized (they are
# scored with the values of that moment); never a historic one (last years' published table).
SYSTEM_VALUE_STATES = frozenset(
    {CampaignState.OPEN, CampaignState.SELF_ASSESSMENT_CLOSED, CampaignState.IN_APPRAISAL}
)


def system_values_refusal(campaign_state: str, historic: bool) -> str:
    """Why the campaign takes no system values now ('' when it does)."""
    if campaign_state in SYSTEM_VALUE_STATES and not historic:
        return ""
    state = CAMPAIGN_STATE_LABELS.get(CampaignState(campaign_state), campaign_state)
    if campaign_state == CampaignState.DRAFT:
        message = gettext("Đợt đánh giá chưa mở (trạng thái: %(state)s): chưa nhập số liệu được.")
    elif historic:
        message = gettext("Đợt đánh giá này là kết quả năm cũ nhập từ bảng đã công bố.")
    else:
        message = gettext(
            "Đợt đánh giá đã chốt kết quả (trạng thái: %(state)s): số liệu từ hệ thống không "
            "còn thay đổi được, vì kết quả đã tính bằng số liệu lúc chốt."
        )
    return message % {"state": state}


# ---- appraisal rounds --------------------------------------------------------------------

# The team scores (the table's "score" row): the round's states and the campaign's.
SCORING_STATES = states_allowing(Machine.ROUND, "score")
SCORING_CAMPAIGN_STATES = campaign_states_allowing(Machine.ROUND, "score")


@dataclass(frozen=True)
class RoundFacts:
    """What the round rules read of one appraisal round (portal.campaigns.AppraisalRound)."""

    number: int
    state: str
    final: bool = False
    supplement_due_set: bool = False  # the units' supplement deadline is set


# A later round opens once the round before it is in one of these states, and is not final.
PREVIOUS_ROUND_STATES_TO_OPEN = frozenset({RoundState.CLOSED})
# A round that is not final makes these moves only once the units' supplement deadline is set.
SUPPLEMENT_DUE_MOVES = frozenset({"open_round", "return_results"})
# The final round is agreed, never returned to the units; the others the other way round.
FINAL_ROUND_MOVES = frozenset({"agree", "reopen_round"})
NOT_FINAL_ROUND_MOVES = frozenset({"return_results", "close_round"})


def round_move_refusal(action: str, round: RoundFacts, previous: RoundFacts | None) -> str:
    """Why this round cannot make this move, beyond the table ('' when it can). `previous`
    is the round numbered just before it (None: there is none)."""
    number = round.number
    if action == "open_round" and number > 1:
        if previous is None:
            return gettext("Chưa có vòng %(previous)s.") % {"previous": number - 1}
        if previous.final:
            return gettext("Vòng %(previous)s là vòng cuối: không có vòng sau.") % {
                "previous": number - 1
            }
        if previous.state not in PREVIOUS_ROUND_STATES_TO_OPEN:
            return gettext("Vòng %(previous)s chưa kết thúc: kết thúc vòng đó trước.") % {
                "previous": number - 1
            }
    if action in SUPPLEMENT_DUE_MOVES and not round.final and not round.supplement_due_set:
        return gettext(
            "Vòng %(number)s chưa có hạn bổ sung, giải trình của đơn vị: Sở chủ trì đặt hạn ở "
            "trang “Hạn các vòng thẩm định” của đợt."
        ) % {"number": number}
    if action in NOT_FINAL_ROUND_MOVES and round.final:
        return gettext("Vòng %(number)s là vòng cuối: tổ thống nhất điểm thay vì trả kết quả.") % {
            "number": number
        }
    if action in FINAL_ROUND_MOVES and not round.final:
        return gettext(
            "Vòng %(number)s không phải vòng cuối: trả kết quả cho đơn vị rồi kết thúc vòng."
        ) % {"number": number}
    return ""


# Which round is the final one changes until the results are finalized, and only while that
# round (and the one that was final) has been neither returned nor agreed.
FINAL_MARK_CAMPAIGN_STATES = frozenset(
    {
        CampaignState.DRAFT,
        CampaignState.OPEN,
        CampaignState.SELF_ASSESSMENT_CLOSED,
        CampaignState.IN_APPRAISAL,
    }
)
FINAL_MARK_ROUND_STATES = frozenset({RoundState.PLANNED, RoundState.SCORING})


def final_mark_open(campaign_state: str, round_state: str) -> bool:
    """Whether the office may still change whether this round is the final one."""
    return campaign_state in FINAL_MARK_CAMPAIGN_STATES and round_state in FINAL_MARK_ROUND_STATES


def final_mark_refusals(
    campaign_state: str, round: RoundFacts, final: bool, rounds: Iterable[RoundFacts]
) -> list[str]:
    """Why this round cannot be made the final one (`final`), or cease to be: every reason,
    none when it can. `rounds` are all the campaign's rounds, by number; the final round is
    the last one set."""
    if campaign_state not in FINAL_MARK_CAMPAIGN_STATES:
        label = CAMPAIGN_STATE_LABELS[CampaignState(campaign_state)]
        return [
            gettext("Đợt đánh giá đã chốt kết quả (trạng thái “%(state)s”).") % {"state": label}
        ]
    ordered = sorted(rounds, key=lambda r: r.number)
    problems = []
    if round.state not in FINAL_MARK_ROUND_STATES:
        problems.append(
            gettext("Vòng %(number)s đã trả kết quả hoặc đã thống nhất: không đổi được vòng cuối.")
            % {"number": round.number}
        )
    later = [r.number for r in ordered if r.number > round.number]
    if final and later:
        problems.append(
            gettext("Vòng cuối phải là vòng sau cùng: đã có vòng %(last)s.") % {"last": max(later)}
        )
    stuck = [
        r
        for r in ordered
        if r.final and r.number != round.number and r.state not in FINAL_MARK_ROUND_STATES
    ]
    if final and stuck:
        problems.append(
            gettext("Vòng %(number)s đã là vòng cuối và đã thống nhất điểm.")
            % {"number": stuck[0].number}
        )
    return problems
