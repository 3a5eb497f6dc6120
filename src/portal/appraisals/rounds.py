"""The rounds of appraisal: each move goes through the ROUND machine of portal.workflow
(check(Machine.ROUND, state, action, roles, campaign_state=…), the chair's moves while the
campaign is in appraisal), then through what the table cannot say: which round it is
(portal.workflow.round_move_refusal, and final_mark_refusals for choosing the final round).

    planned --open_round--> scoring --return_results--> returned --close_round--> closed
    (final round)           scoring --agree--> agreed --reopen_round--> scoring

A round opens once the office has set its deadlines and the round before it is closed; only
a round that is not final is returned to the units (and needs a supplement deadline); only
the final round is agreed. Then the guard rails of portal.workflow.guards, with the facts
of portal.appraisals.checks: units never scored, a supplement deadline to come, requests
unanswered; the chair goes on over them only with a reason (`override_reason`), kept in the
audit entry. Every move is audited; returning results notifies the units."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from portal.accounts.models import Membership, User
from portal.accounts.permissions import roles_in
from portal.appraisals.checks import round_blockers
from portal.appraisals.models import Appraisal, TeamMember
from portal.appraisals.moves import move_block_reason, round_facts
from portal.appraisals.permissions import campaign_roles
from portal.appraisals.selectors import frameworks_of
from portal.audit.services import audit_record
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit
from portal.notifications.events import round_moved
from portal.notifications.models import Kind
from portal.notifications.services import Message, notify_many
from portal.roles import UNIT_ROLES, Role
from portal.workflow import (
    Machine,
    WorkflowError,
    check,
    check_or_refuse,
    final_mark_refusals,
)
from portal.workflow.guards import Blocker, enforce, override_note


def unit_results_url(campaign_unit: CampaignUnit | int) -> str:
    """The unit's page of returned results (the unit's side of the app)."""
    pk = campaign_unit if isinstance(campaign_unit, int) else campaign_unit.pk
    try:
        return reverse("appraisals:unit_results", args=[pk])
    except NoReverseMatch:
        return f"/tham-dinh/don-vi/{pk}/ket-qua/"


def _locked(
    campaign: Campaign, number: int
) -> tuple[Campaign, AppraisalRound, dict[int, AppraisalRound]]:
    """The campaign and its rounds, locked in that order (finalization locks the same way)."""
    campaign = Campaign.objects.select_for_update().select_related("province").get(pk=campaign.pk)
    rounds = {
        r.number: r for r in AppraisalRound.objects.select_for_update().filter(campaign=campaign)
    }
    round = rounds.get(number)
    if round is None:
        raise ValidationError(
            gettext(
                "Chưa đặt hạn thẩm định vòng %(number)s: Sở chủ trì đặt hạn ở trang "
                "“Hạn các vòng thẩm định” của đợt."
            )
            % {"number": number}
        )
    return campaign, round, rounds


def move_blockers(campaign: Campaign, number: int, actor: User, action: str) -> list[Blocker]:
    """Everything that stands in the way of this move now, for the page that asks first:
    the workflow table and the round order (hard), then the move's guard rails."""
    rounds = {r.number: r for r in AppraisalRound.objects.filter(campaign=campaign)}
    round = rounds.get(number)
    if round is None:
        return [Blocker(gettext("Không có vòng thẩm định này."), hard=True)]
    try:
        check(Machine.ROUND, round.state, action, campaign_roles(actor, campaign),
              campaign_state=campaign.state)  # fmt: skip
    except WorkflowError as error:
        return [Blocker(str(error), hard=True)]
    reason = move_block_reason(round, action, rounds)
    if reason:
        return [Blocker(reason, hard=True)]
    return round_blockers(campaign, round, action, timezone.now())


def _move(
    campaign: Campaign, number: int, actor: User, action: str, override_reason: str = ""
) -> AppraisalRound:
    campaign, round, rounds = _locked(campaign, number)
    roles = campaign_roles(actor, campaign)
    target = check_or_refuse(
        Machine.ROUND, round.state, action, roles, campaign_state=campaign.state
    )
    reason = move_block_reason(round, action, rounds)
    if reason:
        raise ValidationError(reason)
    blockers = round_blockers(campaign, round, action, timezone.now())
    note = override_note(override_reason, enforce(blockers, override_reason))
    old = round.state
    round.state = target
    round.full_clean()
    round.save(update_fields=["state"])
    audit_record(
        actor=actor,
        entity="round",
        action=action,
        old={"round": number, "state": old},
        new={"round": number, "state": target},
        reason=note,
        campaign=campaign,
        entity_id=round.pk,
    )
    return round


@transaction.atomic
def round_open(
    *, campaign: Campaign, number: int, actor: User, override_reason: str = ""
) -> AppraisalRound:
    round = _move(campaign, number, actor, "open_round", override_reason)
    round_moved(round=round, action="open_round", actor=actor, team=team_people(campaign))
    return round


@transaction.atomic
def round_return_results(
    *, campaign: Campaign, number: int, actor: User, override_reason: str = ""
) -> AppraisalRound:
    """Send the round's results back to every unit, with the supplements asked of it."""
    round = _move(campaign, number, actor, "return_results", override_reason)
    _notify_results(round, actor)
    return round


@transaction.atomic
def round_close(
    *, campaign: Campaign, number: int, actor: User, override_reason: str = ""
) -> AppraisalRound:
    round = _move(campaign, number, actor, "close_round", override_reason)
    round_moved(round=round, action="close_round", actor=actor, team=team_people(campaign))
    return round


@transaction.atomic
def round_agree(
    *, campaign: Campaign, number: int, actor: User, override_reason: str = ""
) -> AppraisalRound:
    round = _move(campaign, number, actor, "agree", override_reason)
    round_moved(round=round, action="agree", actor=actor, team=[])
    return round


@transaction.atomic
def round_reopen(
    *, campaign: Campaign, number: int, actor: User, override_reason: str = ""
) -> AppraisalRound:
    round = _move(campaign, number, actor, "reopen_round", override_reason)
    round_moved(round=round, action="reopen_round", actor=actor, team=team_people(campaign))
    return round


MOVES = {
    "open_round": round_open,
    "return_results": round_return_results,
    "close_round": round_close,
    "agree": round_agree,
    "reopen_round": round_reopen,
}


def unit_people(campaign: Campaign) -> dict[int, list[User]]:
    """The reporters and approvers of every unit in scope (unit id -> people), one query."""
    people: dict[int, list[User]] = defaultdict(list)
    held = Membership.objects.filter(
        province_id=campaign.province_id,
        role__in=UNIT_ROLES,
        unit__campaign_units__campaign=campaign,
    ).select_related("user")
    for membership in held:
        assert membership.unit_id is not None  # filtered on the unit's campaign units above
        if membership.user not in people[membership.unit_id]:
            people[membership.unit_id].append(membership.user)
    return people


def team_people(campaign: Campaign) -> list[User]:
    """The people of the campaign's appraisal team, chair included, in one query."""
    members = TeamMember.objects.filter(campaign=campaign).select_related("user")
    return [member.user for member in members]


def _notify_results(round: AppraisalRound, actor: User) -> None:
    """Each unit's people are told of its results, and of the supplements asked of it: two
    writes for all the units (portal.notifications.services.notify_many)."""
    campaign = round.campaign
    people = unit_people(campaign)
    requests: dict[int, list[Appraisal]] = defaultdict(list)
    for row in Appraisal.objects.filter(round=round, supplement_requested=True).order_by(
        "criterion"
    ):
        requests[row.campaign_unit_id].append(row)
    results, supplements = [], []
    frameworks = frameworks_of(campaign) if requests else {}  # criteria named, not coded
    for campaign_unit in campaign.units.select_related("unit"):
        users = people.get(campaign_unit.unit_id, [])
        if not users:
            continue
        results.append(
            Message(
                users,
                gettext("Kết quả thẩm định vòng %(number)s của %(unit)s")
                % {"number": round.number, "unit": campaign_unit.unit},
                gettext(
                    "Tổ thẩm định đã trả kết quả vòng %(number)s. Đơn vị xem từng tiêu "
                    "chí, đồng ý hoặc giải trình, bổ sung trước %(due)s."
                )
                % {"number": round.number, "due": format_deadline(round.supplement_due)},
                unit_results_url(campaign_unit),
                f"results_returned:{round.pk}:{campaign_unit.pk}",
            )
        )
        if requests.get(campaign_unit.pk):
            framework = frameworks.get(campaign_unit.level)
            names = {n.code: n.name for n in framework.all_nodes} if framework else {}
            supplements.append(
                _supplements(round, campaign_unit, users, requests[campaign_unit.pk], names)
            )
    notify_many(messages=results, kind=Kind.RESULTS_RETURNED, campaign=campaign, actor=actor)
    kind = Kind.SUPPLEMENT_REQUESTED
    notify_many(messages=supplements, kind=kind, campaign=campaign, actor=actor)


def _supplements(
    round: AppraisalRound,
    campaign_unit: CampaignUnit,
    users: list[User],
    rows: list[Appraisal],
    names: dict[str, str],
) -> Message:
    lines = [
        gettext("%(name)s: %(request)s (hạn %(due)s)")
        % {
            "name": names.get(row.criterion, row.criterion),
            "request": row.supplement_request,
            "due": format_deadline(row.supplement_due or round.supplement_due),
        }
        for row in rows
    ]
    assert (
        round.supplement_due is not None
    )  # results are returned only with one (move_block_reason)
    first_due = min(row.supplement_due or round.supplement_due for row in rows)
    return Message(
        users,
        gettext("Yêu cầu bổ sung %(count)s tiêu chí — %(unit)s, hạn %(due)s")
        % {"count": len(rows), "unit": campaign_unit.unit, "due": format_deadline(first_due)},
        "\n".join(lines),
        unit_results_url(campaign_unit),
        f"supplement_requested:{round.pk}:{campaign_unit.pk}",
    )


# ---- the final round -------------------------------------------------------------------


@transaction.atomic
def round_final_set(*, campaign: Campaign, number: int, final: bool, actor: User) -> AppraisalRound:
    """Mark round `number` as the final one (or not): the office admin, while the round has
    not been returned or agreed; the final round is the last round set, and there is one."""
    campaign, round, rounds = _locked(campaign, number)
    if Role.OFFICE_ADMIN not in roles_in(actor, campaign.province_id):
        raise PermissionDenied(gettext("Chỉ quản trị của Sở chủ trì chọn vòng cuối."))
    problems = final_mark_refusals(
        campaign.state, round_facts(round), final, [round_facts(r) for r in rounds.values()]
    )
    if problems:
        raise ValidationError(problems)
    if round.final == final:  # read under the lock: a second request finds it done
        return round
    for other in rounds.values():
        if other.final and other.pk != round.pk and final:
            other.final = False
            other.save(update_fields=["final"])
    old = round.final
    round.final = final
    round.save(update_fields=["final"])
    audit_record(
        actor=actor,
        entity="round",
        action="final_set",
        old={"round": number, "final": old},
        new={"round": number, "final": final},
        campaign=campaign,
        entity_id=round.pk,
    )
    return round
