"""The states of a campaign, of a unit's submission and of an appraisal round, and who may
move them: one table (`TRANSITIONS`), checked by one function (`check`). Tested
exhaustively: every machine × state × action × role."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
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
