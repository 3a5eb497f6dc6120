"""Finalization: the team chair locks the campaign's scores once the final round is agreed.

Each level is evaluated by the core at once, from the values that count in the final round
for every unit in scope (portal.appraisals.values), so ranks and classes are computed among
the units of the level, exactly as the self-score computes one unit
(portal.frameworks.scoring.score_answers). Each unit's result is stored in
campaigns.HistoricResult, where the campaign's report, charts and downloads read it. Then
the campaign is "finalized": no round, score, verdict or response changes any more (the
workflow table refuses them outside "in appraisal").

The results are computed before the write transaction, which only stores them
(portal.appraisals.final_results): a sign-in or a save elsewhere in the province waits for
the writing, not for the computing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.appraisals.checks import unscored
from portal.appraisals.final_results import (
    Fingerprint,
    Prepared,
    fingerprint,
    prepared_results,
    store_results,
)
from portal.appraisals.permissions import campaign_roles
from portal.appraisals.rounds import team_people, unit_people, unit_results_url
from portal.audit.services import audit_record
from portal.campaigns.models import AppraisalRound, Campaign, HistoricResult
from portal.campaigns.selectors import number_vi
from portal.campaigns.services import record
from portal.notifications.events import campaign_finalized
from portal.notifications.models import Kind, Notification
from portal.notifications.services import Message, notifications_for, notify_prepared
from portal.workflow import Machine, RoundState, check_or_refuse
from portal.workflow.guards import RoundGuardFacts, enforce, override_note, unscored_blockers

ATTEMPTS = 3  # computed outside the lock while the campaign keeps changing; then under it


def campaign_finalize(
    *, campaign: Campaign, actor: User, override_reason: str = ""
) -> list[HistoricResult]:
    """Compute and store every unit's result from the agreed final round, then lock. Units
    with criteria the team never scored keep the values they declared: that needs the
    chair's reason (portal.workflow.guards), kept in the trail.

    The results are computed before the write transaction (portal.appraisals.final_results)
    and stored in it only if nothing they come from changed meanwhile; otherwise they are
    computed again, and after ATTEMPTS tries inside the transaction, as one step."""
    for _ in range(ATTEMPTS):
        computed = _compute(campaign, actor, override_reason, lock=False)
        with transaction.atomic():
            stored = _commit(campaign, actor, computed)
        if stored is not None:
            return stored
    with transaction.atomic():
        computed = _compute(campaign, actor, override_reason, lock=True)
        stored = _commit(campaign, actor, replace(computed, fingerprint=None))
    if stored is None:  # pragma: no cover - nothing is compared when computed under the lock
        raise RuntimeError("finalization computed under the lock was refused")
    return stored


@dataclass(frozen=True)
class Computed:
    """The results of the agreed final round, and what they were computed from (None: in
    the transaction that stores them)."""

    fingerprint: Fingerprint | None
    final: int
    note: str
    results: list[Prepared]
    told: list[Notification]  # each unit's people told its result, not written yet


def _compute(campaign: Campaign, actor: User, override_reason: str, *, lock: bool) -> Computed:
    found = fingerprint(campaign)  # first: whatever changes after is seen as a change
    campaign, _, final, note = _may_finalize(campaign, actor, override_reason, lock=lock)
    results = prepared_results(campaign, final.number, actor)
    return Computed(found, final.number, note, results, _told(campaign, results, actor))


def _commit(campaign: Campaign, actor: User, computed: Computed) -> list[HistoricResult] | None:
    """Store the computed results and lock the campaign, in the caller's transaction; None
    (nothing written) when what they were computed from has changed."""
    campaign = Campaign.objects.select_for_update().select_related("province").get(pk=campaign.pk)
    target = check_or_refuse(
        Machine.CAMPAIGN, campaign.state, "finalize", campaign_roles(actor, campaign)
    )
    final = _agreed_final_round(campaign)
    if final.number != computed.final or (
        computed.fingerprint is not None and fingerprint(campaign) != computed.fingerprint
    ):
        return None
    stored = store_results(campaign, computed.results)
    old = campaign.state
    campaign.state = target
    campaign.full_clean()
    campaign.save(update_fields=["state"])
    audit_record(
        actor=actor,
        entity="campaign",
        action="finalize",
        old={"state": old},
        new={"state": target},
        campaign=campaign,
        entity_id=campaign.pk,
        reason=" ".join(
            [gettext("Chốt kết quả từ vòng %(number)s") % {"number": final.number}, computed.note]
        ).strip(),
    )
    record(campaign, "finalize", actor, f"vòng cuối: vòng {final.number} {computed.note}".strip())
    # each unit's people told its result; the office, the leadership and the team that the
    # campaign is finalized (portal.notifications.events)
    notify_prepared(computed.told)
    campaign_finalized(campaign=campaign, actor=actor, team=team_people(campaign))
    return stored


def finalize_precheck(*, campaign: Campaign, actor: User, override_reason: str = "") -> None:
    """What finalizing would refuse, said before it is queued (the chair's page shows the
    blockers at once); the job checks it all again in its own transaction. Only reads, and
    locks nothing: on SQLite a transaction here would hold the write lock while every
    unit's scores are counted."""
    _may_finalize(campaign, actor, override_reason, lock=False)


def _may_finalize(
    campaign: Campaign, actor: User, override_reason: str, *, lock: bool
) -> tuple[Campaign, str, AppraisalRound, str]:
    """The campaign (locked if `lock`), its next state, the agreed final round and what the
    trail keeps of an override; ValidationError (MoveBlocked for the guard rails) when it
    may not be."""
    campaigns = Campaign.objects.select_for_update() if lock else Campaign.objects
    campaign = campaigns.select_related("province").get(pk=campaign.pk)
    if campaign.historic:
        raise ValidationError(gettext("Đợt này là kết quả năm cũ nhập từ bảng đã công bố."))
    roles = campaign_roles(actor, campaign)
    target = check_or_refuse(Machine.CAMPAIGN, campaign.state, "finalize", roles)
    final = _agreed_final_round(campaign, lock=lock)
    facts = RoundGuardFacts(final.number, unscored=unscored(campaign, final.number))
    note = override_note(override_reason, enforce(unscored_blockers(facts), override_reason))
    return campaign, target, final, note


def _agreed_final_round(campaign: Campaign, *, lock: bool = True) -> AppraisalRound:
    found = AppraisalRound.objects.select_for_update() if lock else AppraisalRound.objects
    rounds = list(found.filter(campaign=campaign))
    finals = [r for r in rounds if r.final]
    if not finals:
        raise ValidationError(
            gettext("Đợt chưa có vòng cuối: Sở chủ trì chọn vòng cuối trên trang thẩm định.")
        )
    final = finals[0]
    if final.state != RoundState.AGREED:
        raise ValidationError(
            gettext("Vòng cuối (vòng %(number)s) chưa được tổ thống nhất điểm.")
            % {"number": final.number}
        )
    return final


def _told(campaign: Campaign, results: Sequence[Prepared], actor: User) -> list[Notification]:
    """Each unit's people told its result: built before the transaction, which writes it."""
    people = unit_people(campaign)
    messages = []
    for item in results:
        result = item.result
        campaign_unit = result.campaign_unit
        users = people.get(campaign_unit.unit_id, [])
        if not users:
            continue
        messages.append(
            Message(
                users,
                gettext("Đã chốt kết quả đánh giá của %(unit)s") % {"unit": campaign_unit.unit},
                gettext("Tổng điểm %(total)s / %(max)s; xếp loại %(class)s.")
                % {
                    "total": number_vi(result.total),
                    "max": number_vi(result.applicable_max),
                    "class": result.class_label or "—",
                },
                unit_results_url(campaign_unit),
                f"campaign_finalized:{campaign.pk}:{campaign_unit.pk}",
            )
        )
    return notifications_for(messages=messages, kind=Kind.FINALIZED, campaign=campaign, actor=actor)
