"""Beside the table, the rules it cannot say, as data with one function each that the apps
ask with their models' fields: deadlines (`deadline_passed`), when a unit's self-assessment
may change (`self_assessment_refusal`, `submission_edit_refusal`), when a campaign takes
system values (`system_values_refusal`), which round may move given the others
(`round_move_refusal`), which round may be made the final one (`final_mark_refusals`) and
when a round's results are the unit's to see (`results_returned_to_unit`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from portal.workflow.table import (
    CAMPAIGN_STATE_LABELS,
    CampaignState,
    Machine,
    RoundState,
    SubmissionState,
    campaign_states_allowing,
    states_allowing,
)

# What a unit sees of the appraisal: a round's results once the team returned them (or the
# round closed); the final round's only when the campaign is finalized or published.
RESULTS_RETURNED_STATES = frozenset({RoundState.RETURNED, RoundState.CLOSED})
RESULTS_FINAL_CAMPAIGN_STATES = frozenset({CampaignState.FINALIZED, CampaignState.PUBLISHED})


def results_returned_to_unit(*, round_state: str, final: bool, campaign_state: str) -> bool:
    """Whether a round's results are the unit's to see."""
    if final:
        return campaign_state in RESULTS_FINAL_CAMPAIGN_STATES
    return round_state in RESULTS_RETURNED_STATES


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
# Each refusal names the state by its one label (SUBMISSION_STATE_LABELS), never another.
SUBMISSION_EDIT_REFUSALS: dict[str, Promise] = {
    SubmissionState.SUBMITTED: gettext_lazy(
        "Bản tự đánh giá “Đã gửi, chờ phê duyệt”: không sửa được."
    ),
    SubmissionState.APPROVED: gettext_lazy("Bản tự đánh giá “Đã phê duyệt”: không sửa được."),
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
