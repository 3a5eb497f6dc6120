"""The results finalization stores, computed before the campaign is locked and written in a
short transaction after (portal.appraisals.finalization).

Computing 3,300 communes' results takes seconds: their 264,000 values read, the level
evaluated by the core, every row prepared and checked. None of it needs the write lock. On
SQLite a transaction that writes holds the database's only write lock from its first
statement, so a finalization computed inside it made every sign-in and every save of the
province wait for seconds. Here the results are computed first, from what the database
holds; the write then only checks that nothing they were computed from has changed since
(`Fingerprint`) and stores them.

The fingerprint rests on the audit trail's own promise: every change of a value, a score, a
response, a round or the units in scope writes an entry of the campaign in the same
transaction (portal.audit). The campaign's entries are only ever appended, so their number
grows with any change committed. The units' names and attributes (which criteria apply)
are edited outside the campaign, so they are compared themselves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from dti.columns import InputError
from dti.expressions import ExpressionError
from dti.framework.model import Framework
from dti.inputs import UnitInput, build_inputs
from dti.results import LevelResult, evaluate
from portal.accounts.models import User
from portal.answers import AnswerValue
from portal.appraisals.values import values_of_units
from portal.audit.models import AuditEntry
from portal.audit.services import Record, audit_append, audit_entries
from portal.bulk import insert_rows, update_rows
from portal.campaigns.models import Campaign, CampaignUnit, HistoricResult
from portal.campaigns.selectors import units_as_scored
from portal.frameworks.scoring import applicability, core_value, unit_attributes

SOURCE_TABLE = "Kết quả thẩm định vòng cuối"
STORED = ["rank", "total", "applicable_max", "value", "percent", "class_label"]


@dataclass(frozen=True)
class Fingerprint:
    """What a campaign's results are computed from, as far as it can change: the number of
    the campaign's audit entries, and each unit in scope with its name and attributes."""

    entries: int
    units: tuple[tuple[Any, ...], ...]


def fingerprint(campaign: Campaign) -> Fingerprint:
    """Two queries, whatever the size of the trail (its index on the campaign) and of the
    level (one row per unit)."""
    return Fingerprint(
        entries=AuditEntry.objects.filter(campaign_id=campaign.pk).count(),
        units=units_as_scored(campaign),
    )


@dataclass(frozen=True)
class Prepared:
    """One unit's result, checked and ready to store, and its audit entry, built (the
    result's id is set on it once the result is stored)."""

    result: HistoricResult
    entry: AuditEntry


def prepared_results(campaign: Campaign, round_number: int, actor: User) -> list[Prepared]:
    """Every unit's result in the round, level by level, checked but not stored."""
    results: list[tuple[HistoricResult, dict[str, Any]]] = []
    for level in campaign.levels.select_related("framework").order_by("level"):
        campaign_units = list(campaign.units.filter(level=level.level).select_related("unit"))
        if campaign_units:
            result = level_result(level.framework.build(), campaign_units, round_number)
            results += _prepare(campaign_units, result)
    reason = gettext("Kết quả thẩm định vòng cuối (vòng %(number)s)") % {"number": round_number}
    entries = audit_entries(
        [
            Record(
                actor=actor,
                entity="result",
                action="finalize",
                new=values,
                campaign=campaign,
                unit=historic.campaign_unit.unit,
                reason=reason,
            )
            for historic, values in results
        ]
    )
    return [
        Prepared(historic, entry) for (historic, _), entry in zip(results, entries, strict=True)
    ]


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


def _core_input(
    framework: Framework, campaign_unit: CampaignUnit, values: Mapping[str, AnswerValue]
) -> UnitInput:
    """One unit's values as the core takes them (values of criteria that do not apply to
    the unit are left out, as in the self-score)."""
    attributes = unit_attributes(campaign_unit.unit)
    applies = applicability(framework, attributes)
    kept = {
        code: core_value(framework.by_code[code], value)
        for code, value in values.items()
        if value is not None and applies[code]
    }
    return UnitInput(unit=campaign_unit.unit.code, attributes=attributes, values=kept)


def _prepare(
    campaign_units: Sequence[CampaignUnit], result: LevelResult
) -> list[tuple[HistoricResult, dict[str, Any]]]:
    scores = result.scores
    position = {code: i for i, code in enumerate(scores.unit_ids)}
    by_code = {campaign_unit.unit.code: campaign_unit for campaign_unit in campaign_units}
    prepared = []
    for row in result.general.rows(scores.unit_ids):
        values = {
            "rank": row.rank,
            "total": row.total,
            "applicable_max": row.applicable_max,
            "value": row.value,
            "percent": row.percent,
            "class_label": row.class_label or "",
            "index_scores": {
                index.code: str(scores.node_score(index.code, position[row.unit]))
                for index in result.framework.main_indices
            },
            "source_table": SOURCE_TABLE,
        }
        # the row in hand: no query to name its unit
        historic = HistoricResult(campaign_unit=by_code[row.unit], **values)
        historic.clean_fields(exclude=["campaign_unit"])  # the unit: one of the campaign's
        prepared.append((historic, values))
    return prepared


def store_results(campaign: Campaign, prepared: Sequence[Prepared]) -> list[HistoricResult]:
    """Write the prepared results, each with its audit entry: a reopened campaign's units
    have a result already, which is updated (a few statements for the whole level)."""
    existing = dict(
        HistoricResult.objects.filter(campaign_unit__campaign=campaign).values_list(
            "campaign_unit_id", "pk"
        )
    )
    new: list[HistoricResult] = []
    changed: list[HistoricResult] = []
    for item in prepared:
        historic = item.result
        historic.pk = existing.get(historic.campaign_unit_id)
        (new if historic.pk is None else changed).append(historic)
    insert_rows(new)
    update_rows(changed, [*STORED, "index_scores", "source_table"])
    for item in prepared:
        item.entry.entity_id = str(item.result.pk)
    audit_append([item.entry for item in prepared])
    return [item.result for item in prepared]
