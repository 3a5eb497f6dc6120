"""Finalization: the team chair locks the campaign's scores once the final round is agreed.

Each level is evaluated by the core at once, from the values that count in the final round
for every unit in scope (portal.appraisals.values), so ranks and classes are computed among
the units of the level, exactly as the self-score computes one unit
(portal.frameworks.scoring.score_answers). Each unit's result is stored in
campaigns.HistoricResult, where the campaign's report, charts and downloads read it. Then
the campaign is "finalized": no round, score, verdict or response changes any more (the
workflow table refuses them outside "in appraisal")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from dti.columns import InputError
from dti.expressions import ExpressionError
from dti.framework.model import Framework
from dti.inputs import UnitInput, build_inputs
from dti.results import LevelResult, evaluate
from portal.accounts.models import User
from portal.answers import AnswerValue
from portal.appraisals.checks import unscored
from portal.appraisals.permissions import campaign_roles
from portal.appraisals.rounds import team_people, unit_people, unit_results_url
from portal.appraisals.values import trail_for, values_of_units
from portal.audit.services import Record, audit_record, audit_records
from portal.bulk import update_rows
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit, HistoricResult
from portal.campaigns.selectors import number_vi
from portal.campaigns.services import record
from portal.frameworks.scoring import applicability, core_value, unit_attributes
from portal.notifications.events import campaign_finalized
from portal.notifications.models import Kind
from portal.notifications.services import Message, notify_many
from portal.workflow import Machine, RoundState, check_or_refuse
from portal.workflow.guards import RoundGuardFacts, enforce, override_note, unscored_blockers

SOURCE_TABLE = "Kết quả thẩm định vòng cuối"


def unit_input(framework: Framework, campaign_unit: CampaignUnit, round_number: int) -> UnitInput:
    """One unit's values that count in the round, as the core takes them (values of
    criteria that do not apply to the unit are left out, as in the self-score)."""
    codes = [leaf.code for leaf in framework.leaves]
    values = trail_for(campaign_unit).values_at(round_number, codes)
    return _core_input(framework, campaign_unit, values)


def _core_input(
    framework: Framework, campaign_unit: CampaignUnit, values: Mapping[str, AnswerValue]
) -> UnitInput:
    attributes = unit_attributes(campaign_unit.unit)
    applies = applicability(framework, attributes)
    kept = {
        code: core_value(framework.by_code[code], value)
        for code, value in values.items()
        if value is not None and applies[code]
    }
    return UnitInput(unit=campaign_unit.unit.code, attributes=attributes, values=kept)


def level_result(
    framework: Framework, campaign_units: Sequence[CampaignUnit], round_number: int
) -> LevelResult:
    """The level evaluated from every unit's values in the round; ValidationError naming the
    unit and the criterion when a value cannot be scored."""
    names = {campaign_unit.unit.code: campaign_unit.unit.name for campaign_unit in campaign_units}
    codes = [leaf.code for leaf in framework.leaves]
    values = values_of_units(campaign_units, round_number, codes)  # a few queries in all
    try:
        inputs = [
            _core_input(framework, campaign_unit, values[campaign_unit.pk])
            for campaign_unit in campaign_units
        ]
        return evaluate(framework, build_inputs(framework, inputs), list(names.values()))
    except ExpressionError as error:
        raise ValidationError(
            gettext("Không tính được điểm: thuộc tính của đơn vị chưa đủ (%(error)s).")
            % {"error": error}
        ) from None
    except InputError as error:
        raise ValidationError(
            [f"{names.get(p.unit, p.unit)}, {p.code}: {p.message}" for p in error.problems]
        ) from None


@transaction.atomic
def campaign_finalize(
    *, campaign: Campaign, actor: User, override_reason: str = ""
) -> list[HistoricResult]:
    """Compute and store every unit's result from the agreed final round, then lock. Units
    with criteria the team never scored keep the values they declared: that needs the
    chair's reason (portal.workflow.guards), kept in the trail."""
    campaign, target, final, note = _may_finalize(campaign, actor, override_reason)
    stored = []
    for level in campaign.levels.select_related("framework").order_by("level"):
        campaign_units = list(campaign.units.filter(level=level.level).select_related("unit"))
        if campaign_units:
            result = level_result(level.framework.build(), campaign_units, final.number)
            stored += _store(campaign, campaign_units, result, final, actor)
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
            [gettext("Chốt kết quả từ vòng %(number)s") % {"number": final.number}, note]
        ).strip(),
    )
    record(campaign, "finalize", actor, f"vòng cuối: vòng {final.number} {note}".strip())
    _notify(campaign, stored, actor)
    return stored


@transaction.atomic
def finalize_precheck(*, campaign: Campaign, actor: User, override_reason: str = "") -> None:
    """What finalizing would refuse, said before it is queued (the chair's page shows the
    blockers at once); the job checks it all again in its own transaction."""
    _may_finalize(campaign, actor, override_reason)


def _may_finalize(
    campaign: Campaign, actor: User, override_reason: str
) -> tuple[Campaign, str, AppraisalRound, str]:
    """The campaign locked, its next state, the agreed final round and what the trail keeps
    of an override; ValidationError (MoveBlocked for the guard rails) when it may not be."""
    campaign = Campaign.objects.select_for_update().select_related("province").get(pk=campaign.pk)
    if campaign.historic:
        raise ValidationError(gettext("Đợt này là kết quả năm cũ nhập từ bảng đã công bố."))
    roles = campaign_roles(actor, campaign)
    target = check_or_refuse(Machine.CAMPAIGN, campaign.state, "finalize", roles)
    final = _agreed_final_round(campaign)
    facts = RoundGuardFacts(final.number, unscored=unscored(campaign, final.number))
    note = override_note(override_reason, enforce(unscored_blockers(facts), override_reason))
    return campaign, target, final, note


def _agreed_final_round(campaign: Campaign) -> AppraisalRound:
    rounds = list(AppraisalRound.objects.select_for_update().filter(campaign=campaign))
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


def _store(
    campaign: Campaign,
    campaign_units: Sequence[CampaignUnit],
    result: LevelResult,
    final: AppraisalRound,
    actor: User,
) -> list[HistoricResult]:
    scores = result.scores
    position = {code: i for i, code in enumerate(scores.unit_ids)}
    by_code = {campaign_unit.unit.code: campaign_unit for campaign_unit in campaign_units}
    existing = {
        historic.campaign_unit_id: historic
        for historic in HistoricResult.objects.filter(
            campaign_unit__campaign=campaign,
            campaign_unit__level__in={campaign_unit.level for campaign_unit in campaign_units},
        )
    }
    stored: list[tuple[HistoricResult, dict[str, Any]]] = []
    new: list[HistoricResult] = []
    changed: list[HistoricResult] = []
    for row in result.general.rows(scores.unit_ids):
        campaign_unit = by_code[row.unit]
        indices = {
            index.code: str(scores.node_score(index.code, position[row.unit]))
            for index in result.framework.main_indices
        }
        values = {
            "rank": row.rank,
            "total": row.total,
            "applicable_max": row.applicable_max,
            "value": row.value,
            "percent": row.percent,
            "class_label": row.class_label or "",
            "index_scores": indices,
            "source_table": SOURCE_TABLE,
        }
        historic = existing.get(campaign_unit.pk)
        if historic is None:  # finalized for the first time (reopened campaigns have one)
            historic = HistoricResult(campaign_unit=campaign_unit)
            new.append(historic)
        else:
            changed.append(historic)
        for name, value in values.items():
            setattr(historic, name, value)
        historic.campaign_unit = campaign_unit  # the row in hand: no query to name its unit
        historic.clean_fields(exclude=["campaign_unit"])  # the unit: one of the campaign's
        stored.append((historic, values))
    HistoricResult.objects.bulk_create(new)
    update_rows(changed, [*_STORED, "index_scores", "source_table"])
    reason = gettext("Kết quả thẩm định vòng cuối (vòng %(number)s)") % {"number": final.number}
    audit_records(
        [
            Record(
                actor=actor,
                entity="result",
                action="finalize",
                new=values,
                campaign=campaign,
                unit=historic.campaign_unit.unit,
                entity_id=historic.pk,
                reason=reason,
            )
            for historic, values in stored
        ]
    )
    return [historic for historic, _ in stored]


_STORED = ["rank", "total", "applicable_max", "value", "percent", "class_label"]


def _notify(campaign: Campaign, results: list[HistoricResult], actor: User) -> None:
    """Each unit's people are told its result; the office, the leadership and the team that
    the campaign is finalized (portal.notifications.events)."""
    people = unit_people(campaign)
    messages = []
    for result in results:
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
    notify_many(messages=messages, kind=Kind.FINALIZED, campaign=campaign, actor=actor)
    campaign_finalized(campaign=campaign, actor=actor, team=team_people(campaign))
