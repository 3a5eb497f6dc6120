"""What the team's pages show: the appraisal dashboard of a campaign, the team page and the
scoring sheet (its context, and its live score as JSON). Each reads in a fixed number of
queries, whatever the number of units or criteria."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dti.framework.model import Framework, Node
from portal.accounts.permissions import AnyUser, roles_in
from portal.answers import AnswerValue, Conflict
from portal.appraisals import sheet
from portal.appraisals.checks import finalize_blockers, round_blockers
from portal.appraisals.forms import AssignmentForm, MemberForm, SheetForm
from portal.appraisals.models import EvidenceVerdict
from portal.appraisals.moves import move_block_reason
from portal.appraisals.permissions import appraisable_codes, roles_of_member, team_member
from portal.appraisals.rounds import move_blockers
from portal.appraisals.selectors import (
    applicable_leaves,
    appraiser_todo,
    current_round,
    frameworks_of,
    progress_of,
    team_of,
)
from portal.appraisals.team import TEAM_STATES, main_indices_of
from portal.appraisals.values import trail_for
from portal.assessments.models import Evidence
from portal.assessments.pages import live_score, summary
from portal.assessments.selectors import framework_for
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit
from portal.frameworks.scoring import score_answers
from portal.moments import moment_text
from portal.roles import Role
from portal.workflow import (
    ACTION_LABELS,
    CAMPAIGN_STATE_LABELS,
    ROUND_STATE_LABELS,
    SCORING_CAMPAIGN_STATES,
    SCORING_STATES,
    CampaignState,
    Machine,
    RoundState,
    actions_for,
    final_mark_open,
)
from portal.workflow.confirm import Confirmation

# What each round move does, said on the page that asks first.
ROUND_MOVE_SUMMARIES = {
    "open_round": gettext_lazy(
        "Vòng %(number)s bắt đầu: tổ thẩm định chấm điểm %(units)s đơn vị trong đợt."
    ),
    "return_results": gettext_lazy(
        "Kết quả vòng %(number)s được gửi cho %(units)s đơn vị; tổ không sửa điểm vòng này được "
        "nữa. Đơn vị xem, đồng ý hoặc giải trình, bổ sung đến %(due)s."
    ),
    "close_round": gettext_lazy(
        "Vòng %(number)s kết thúc: %(units)s đơn vị không giải trình, bổ sung vòng này được nữa."
    ),
    "agree": gettext_lazy(
        "Tổ thống nhất điểm vòng cuối (vòng %(number)s) của %(units)s đơn vị: điểm không sửa "
        "được nữa, trừ khi tổ trưởng mở lại vòng."
    ),
    "reopen_round": gettext_lazy(
        "Vòng cuối (vòng %(number)s) mở lại để chấm: điểm đã thống nhất của %(units)s đơn vị "
        "có thể thay đổi."
    ),
}


@dataclass(frozen=True)
class RoundView:
    round: AppraisalRound
    state_label: str
    actions: list[tuple[str, str]]  # the moves the viewer may make now
    blocked: str  # why the chair's next move is not possible yet ('' when it is)
    final_editable: bool  # the office admin may still change whether it is final
    warnings: list[str]  # what the chair must give a reason to go over, beside his buttons


def _round_views(
    campaign: Campaign,
    rounds: list[AppraisalRound],
    roles: set[Any],
    office: bool,
    frameworks: dict[str, Framework],
) -> list[RoundView]:
    by_number = {r.number: r for r in rounds}
    now = timezone.now()
    views = []
    for round in rounds:
        allowed = actions_for(Machine.ROUND, round.state, roles, campaign.state)
        moves = [a for a in allowed if a not in ("score", "respond")]
        fitting = [a for a in moves if not move_block_reason(round, a, by_number)]
        reasons = [move_block_reason(round, a, by_number) for a in moves if a not in fitting]
        planned = round.state == RoundState.PLANNED
        final_editable = office and final_mark_open(campaign.state, round.state)
        warnings = [
            blocker.text
            for action in fitting
            for blocker in round_blockers(campaign, round, action, now, frameworks)
        ]
        view = RoundView(
            round=round,
            state_label=str(ROUND_STATE_LABELS[RoundState(round.state)]),
            actions=[(a, str(ACTION_LABELS[a])) for a in fitting],
            blocked=reasons[0] if reasons and not fitting and planned else "",
            final_editable=final_editable,
            warnings=list(dict.fromkeys(warnings)),
        )
        views.append(view)
    return views


PROGRESS_PAGE = 100  # units a page in the dashboard's progress table
TODO_SHOWN = 50  # rows of "Việc cần làm của tôi"; the rest are counted


def dashboard_context(user: AnyUser, campaign: Campaign, page: str | None = None) -> dict[str, Any]:
    member = team_member(user, campaign)
    roles = roles_in(user, campaign.province_id) | roles_of_member(member)
    rounds = list(AppraisalRound.objects.filter(campaign=campaign).order_by("number"))
    current = current_round(rounds)
    frameworks = frameworks_of(campaign)
    final = next((r for r in rounds if r.final), None)
    finalizable = (
        campaign.state == CampaignState.IN_APPRAISAL
        and final is not None
        and final.state == RoundState.AGREED
        and "finalize" in actions_for(Machine.CAMPAIGN, campaign.state, roles)
    )
    office = Role.OFFICE_ADMIN in roles
    todo = appraiser_todo(user, campaign) if member else []
    return {
        "campaign": campaign,
        "state_label": CAMPAIGN_STATE_LABELS[CampaignState(campaign.state)],
        "rounds": _round_views(campaign, rounds, roles, office, frameworks),
        "current": current,
        "final": final,
        "finalizable": finalizable,
        "team": team_of(campaign),
        "office": office,
        # at 3,300 communes: a page of the table, and the first of one's own tasks
        "progress": Paginator(progress_of(campaign, current, frameworks), PROGRESS_PAGE).get_page(
            page
        ),
        "todo": todo[:TODO_SHOWN],
        "todo_more": max(0, len(todo) - TODO_SHOWN),
    }


def round_confirmation(user: AnyUser, campaign: Campaign, number: int, action: str) -> Confirmation:
    """The page that asks before a round move: what it does, to how many units, and what
    stands in its way."""
    round = AppraisalRound.objects.filter(campaign=campaign, number=number).first()
    due = round.supplement_due if round is not None else None
    summary = ROUND_MOVE_SUMMARIES[action] % {
        "number": number,
        "units": campaign.units.count(),
        "due": moment_text(due) if due else "—",
    }
    assert user.is_authenticated  # the view required a sign-in
    return Confirmation(
        title=gettext("Vòng %(number)s: %(action)s")
        % {"number": number, "action": ACTION_LABELS[action]},
        summary=summary,
        action=reverse("appraisals:round_move", args=[campaign.pk]),
        back=reverse("appraisals:dashboard", args=[campaign.pk]),
        blockers=move_blockers(campaign, number, user, action),
    )


def finalize_confirmation(campaign: Campaign) -> Confirmation:
    return Confirmation(
        title=str(ACTION_LABELS["finalize"]),
        summary=gettext(
            "Kết quả của %(units)s đơn vị được tính theo điểm vòng cuối và khoá: không vòng, "
            "điểm hay phản hồi nào thay đổi được nữa; đơn vị được báo kết quả."
        )
        % {"units": campaign.units.count()},
        action=reverse("appraisals:finalize", args=[campaign.pk]),
        back=reverse("appraisals:dashboard", args=[campaign.pk]),
        blockers=finalize_blockers(campaign),
    )


def team_context(
    user: AnyUser,
    campaign: Campaign,
    member_form: MemberForm | None = None,
    assignment_form: AssignmentForm | None = None,
) -> dict[str, Any]:
    editable = Role.OFFICE_ADMIN in roles_in(user, campaign.province_id) and (
        campaign.state in TEAM_STATES
    )
    indices = main_indices_of(campaign)
    return {
        "campaign": campaign,
        "team": team_of(campaign),
        "editable": editable,
        "indices": dict(indices),
        "member_form": member_form or MemberForm(campaign),
        "assignment_form": assignment_form or AssignmentForm(campaign, indices),
    }


# ---- the scoring sheet -----------------------------------------------------------------


def round_of(campaign_unit: CampaignUnit, number: int) -> AppraisalRound:
    found = AppraisalRound.objects.filter(
        campaign_id=campaign_unit.campaign_id, number=number
    ).first()
    if found is None:
        raise Http404(gettext("Đợt đánh giá không có vòng thẩm định này."))
    found.campaign = campaign_unit.campaign
    return found


def sheet_context(
    user: AnyUser,
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    *,
    form: SheetForm | None = None,
    conflicts: Mapping[str, Conflict] | None = None,
    verdict_conflicts: Mapping[int, Conflict] | None = None,
) -> dict[str, Any]:
    framework = framework_for(campaign_unit)
    trail = trail_for(campaign_unit)
    rounds = list(
        AppraisalRound.objects.filter(campaign_id=campaign_unit.campaign_id).order_by("number")
    )
    codes = [leaf.code for leaf in framework.leaves]
    values = trail.values_at(round.number, codes)
    if form is not None:
        values.update({code: posted.value for code, posted in form.cleaned.items()})
    live = score_answers(framework, campaign_unit.unit, values)
    self_live = score_answers(framework, campaign_unit.unit, trail.values_at(0, codes))
    editable = _writable(user, campaign_unit, round, framework)
    data = sheet.SheetInput(
        framework,
        trail,
        round,
        rounds,
        _evidence(campaign_unit),
        _verdicts(campaign_unit),
        live,
        self_live,
        editable,
        form,
        conflicts or {},
        verdict_conflicts or {},
    )
    return {
        "campaign_unit": campaign_unit,
        "campaign": campaign_unit.campaign,
        "round": round,
        "rounds": rounds,
        "round_label": ROUND_STATE_LABELS[RoundState(round.state)],
        "framework": framework,
        "indices": sheet.build(data),
        "summary": summary(live),
        "self_summary": summary(self_live),
        "editable": bool(editable),
        "readonly_reason": _readonly_reason(campaign_unit, round, editable),
        "verdict_choices": sheet.VERDICT_CHOICES,
    }


def _writable(
    user: AnyUser, campaign_unit: CampaignUnit, round: AppraisalRound, framework: Framework
) -> set[str]:
    """The criteria the viewer may write on this sheet now."""
    if (
        round.state not in SCORING_STATES
        or campaign_unit.campaign.state not in SCORING_CAMPAIGN_STATES
    ):
        return set()
    return appraisable_codes(user, campaign_unit, framework)


def _readonly_reason(campaign_unit: CampaignUnit, round: AppraisalRound, editable: set[str]) -> str:
    """The sheet's words for why it is read-only; when the team scores is portal.workflow's
    rule (its table's "score" row)."""
    if campaign_unit.campaign.state not in SCORING_CAMPAIGN_STATES:
        return gettext("Đợt đánh giá không ở giai đoạn thẩm định: trang chỉ để xem.")
    if round.state not in SCORING_STATES:
        return gettext("Vòng %(number)s không ở giai đoạn chấm (%(state)s): trang chỉ để xem.") % {
            "number": round.number,
            "state": ROUND_STATE_LABELS[RoundState(round.state)],
        }
    if not editable:
        return gettext("Bạn không được phân công tiêu chí nào của đơn vị này: trang chỉ để xem.")
    return ""


def _evidence(campaign_unit: CampaignUnit) -> dict[str, list[Evidence]]:
    by_criterion: dict[str, list[Evidence]] = {}
    items = Evidence.objects.filter(submission__campaign_unit=campaign_unit).select_related("round")
    items = items.prefetch_related("signatures")
    for item in items.order_by("criterion", "uploaded_at", "pk"):
        by_criterion.setdefault(item.criterion, []).append(item)
    return by_criterion


def _verdicts(campaign_unit: CampaignUnit) -> dict[int, list[EvidenceVerdict]]:
    by_evidence: dict[int, list[EvidenceVerdict]] = {}
    rows = EvidenceVerdict.objects.filter(evidence__submission__campaign_unit=campaign_unit)
    for row in rows.select_related("round", "updated_by").order_by("round__number"):
        by_evidence.setdefault(row.evidence_id, []).append(row)
    return by_evidence


def sheet_leaves(campaign_unit: CampaignUnit) -> list[Node]:
    """The leaves a post of the sheet is read for: all that apply (the service refuses,
    naming it, any the person may not appraise)."""
    return applicable_leaves(framework_for(campaign_unit), campaign_unit.unit)


def score_live(
    campaign_unit: CampaignUnit, round: AppraisalRound, form: SheetForm, posted: Iterable[str]
) -> dict[str, Any]:
    """The round's score with the values on the page, for the live score (saves nothing)."""
    framework = framework_for(campaign_unit)
    codes = [leaf.code for leaf in framework.leaves]
    values: dict[str, AnswerValue] = trail_for(campaign_unit).values_at(round.number, codes)
    values.update({code: posted.value for code, posted in form.cleaned.items()})
    return live_score(framework, campaign_unit, values, form.answers, posted)
