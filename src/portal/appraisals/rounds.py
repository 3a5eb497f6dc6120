"""The rounds of appraisal: each move goes through the ROUND machine of portal.workflow
(check(Machine.ROUND, state, action, roles, campaign_state=…), the chair's moves while the
campaign is in appraisal), then through what the table cannot say: which round it is
(portal.workflow.round_move_refusal, and final_mark_refusals for choosing the final round).

    planned --open_round--> scoring --return_results--> returned --close_round--> closed
    (final round)           scoring --agree--> agreed --reopen_round--> scoring

A round opens once the office has set its deadlines and the round before it is closed; only
a round that is not final is returned to the units (and needs a supplement deadline); only
the final round is agreed. Every move is audited; returning results notifies the units."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from portal.accounts.models import Membership, User
from portal.accounts.permissions import roles_in
from portal.appraisals.models import Appraisal
from portal.appraisals.permissions import campaign_roles
from portal.appraisals.selectors import frameworks_of
from portal.audit.services import audit_record
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit
from portal.notifications.services import notify
from portal.roles import UNIT_ROLES, Role
from portal.workflow import (
    Machine,
    RoundFacts,
    check_or_refuse,
    final_mark_refusals,
    round_move_refusal,
)


def unit_results_url(campaign_unit: CampaignUnit | int) -> str:
    """The unit's page of returned results (the unit's side of the app)."""
    pk = campaign_unit if isinstance(campaign_unit, int) else campaign_unit.pk
    try:
        return reverse("appraisals:unit_results", args=[pk])
    except NoReverseMatch:
        return f"/tham-dinh/don-vi/{pk}/ket-qua/"


def round_facts(round: AppraisalRound) -> RoundFacts:
    """What portal.workflow's round rules read of a round."""
    return RoundFacts(
        number=round.number,
        state=round.state,
        final=round.final,
        supplement_due_set=round.supplement_due is not None,
    )


def move_block_reason(round: AppraisalRound, action: str, rounds: dict[int, AppraisalRound]) -> str:
    """Why this round cannot make this move, beyond the workflow table ('' when it can):
    portal.workflow's round rules, asked with this round and the one before it."""
    previous = rounds.get(round.number - 1)
    return round_move_refusal(
        action, round_facts(round), round_facts(previous) if previous is not None else None
    )


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


def _move(campaign: Campaign, number: int, actor: User, action: str) -> AppraisalRound:
    campaign, round, rounds = _locked(campaign, number)
    roles = campaign_roles(actor, campaign)
    target = check_or_refuse(
        Machine.ROUND, round.state, action, roles, campaign_state=campaign.state
    )
    reason = move_block_reason(round, action, rounds)
    if reason:
        raise ValidationError(reason)
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
        campaign=campaign,
        entity_id=round.pk,
    )
    return round


@transaction.atomic
def round_open(*, campaign: Campaign, number: int, actor: User) -> AppraisalRound:
    return _move(campaign, number, actor, "open_round")


@transaction.atomic
def round_return_results(*, campaign: Campaign, number: int, actor: User) -> AppraisalRound:
    """Send the round's results back to every unit, with the supplements asked of it."""
    round = _move(campaign, number, actor, "return_results")
    _notify_results(round)
    return round


@transaction.atomic
def round_close(*, campaign: Campaign, number: int, actor: User) -> AppraisalRound:
    return _move(campaign, number, actor, "close_round")


@transaction.atomic
def round_agree(*, campaign: Campaign, number: int, actor: User) -> AppraisalRound:
    return _move(campaign, number, actor, "agree")


@transaction.atomic
def round_reopen(*, campaign: Campaign, number: int, actor: User) -> AppraisalRound:
    return _move(campaign, number, actor, "reopen_round")


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


def _notify_results(round: AppraisalRound) -> None:
    campaign = round.campaign
    people = unit_people(campaign)
    requests: dict[int, list[Appraisal]] = defaultdict(list)
    for row in Appraisal.objects.filter(round=round, supplement_requested=True).order_by(
        "criterion"
    ):
        requests[row.campaign_unit_id].append(row)
    frameworks = frameworks_of(campaign) if requests else {}  # criteria named, not coded
    for campaign_unit in campaign.units.select_related("unit"):
        users = people.get(campaign_unit.unit_id, [])
        if not users:
            continue
        notify(
            users=users,
            kind="results_returned",
            campaign=campaign,
            title=gettext("Kết quả thẩm định vòng %(number)s của %(unit)s")
            % {"number": round.number, "unit": campaign_unit.unit},
            body=gettext(
                "Tổ thẩm định đã trả kết quả vòng %(number)s. Đơn vị xem từng tiêu "
                "chí, đồng ý hoặc giải trình, bổ sung trước %(due)s."
            )
            % {"number": round.number, "due": format_deadline(round.supplement_due)},
            url=unit_results_url(campaign_unit),
            key=f"results_returned:{round.pk}:{campaign_unit.pk}",
        )
        if requests.get(campaign_unit.pk):
            framework = frameworks.get(campaign_unit.level)
            names = {n.code: n.name for n in framework.all_nodes} if framework else {}
            _notify_supplements(round, campaign_unit, users, requests[campaign_unit.pk], names)


def _notify_supplements(
    round: AppraisalRound,
    campaign_unit: CampaignUnit,
    users: list[User],
    rows: list[Appraisal],
    names: dict[str, str],
) -> None:
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
    notify(
        users=users,
        kind="supplement_requested",
        campaign=round.campaign,
        title=gettext("Yêu cầu bổ sung %(count)s tiêu chí — %(unit)s, hạn %(due)s")
        % {"count": len(rows), "unit": campaign_unit.unit, "due": format_deadline(first_due)},
        body="\n".join(lines),
        url=unit_results_url(campaign_unit),
        key=f"supplement_requested:{round.pk}:{campaign_unit.pk}",
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
