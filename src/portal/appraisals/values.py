"""Which value of a criterion counts, round by round (the rule is written in
portal.appraisals.models). Everything about one unit is loaded at once into a `Trail`; the
pages, the services and finalization all read values through it, so the self-assessment
page, the side-by-side view and the published results can never disagree.

Values have the shape of assessments.Answer.value; `score_values` scores any set of them
with the core, through the same rules as the self-score."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.db.models import QuerySet

from portal.answers import AnswerValue
from portal.appraisals.models import Appraisal, Response
from portal.assessments.models import Answer
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.indicators.models import SystemValue
from portal.indicators.selectors import system_values_for


class Valued(Protocol):
    """A team's or a unit's row of a round, as far as which value counts is concerned."""

    @property
    def value(self) -> Any: ...


@dataclass(frozen=True)
class Kept:
    """A stored value alone: finalization reads thousands of units' values, not their rows."""

    value: AnswerValue


A = TypeVar("A", bound=Valued)
R = TypeVar("R", bound=Valued)


@dataclass(frozen=True)
class ValueTrail(Generic[A, R]):
    """One unit's values: self-assessed, supplemented and appraised, per round. The pages
    hold the rows (Appraisal, Response: who, when, the notes); finalization the values."""

    answers: Mapping[str, AnswerValue]  # the self-assessment (and system-sourced values)
    appraisals: Mapping[tuple[int, str], A] = field(default_factory=dict)
    responses: Mapping[tuple[int, str], R] = field(default_factory=dict)
    rounds: tuple[int, ...] = ()  # round numbers, ascending

    def declared(self, code: str, round_number: int) -> AnswerValue:
        """What the unit declares when round `round_number` is scored: its latest
        supplemented value from an earlier round, else its self-assessed value."""
        for number in reversed(self.rounds):
            response = self.responses.get((number, code))
            if number < round_number and response is not None and response.value is not None:
                return response.value  # type: ignore[no-any-return]  # a JSONField: Any to django-stubs
        return self.answers.get(code)

    def appraised(self, code: str, round_number: int) -> AnswerValue:
        """The value that counts in round `round_number`: the team's latest value in a
        round up to this one, else what the unit declares."""
        for number in reversed(self.rounds):
            appraisal = self.appraisals.get((number, code))
            if number <= round_number and appraisal is not None and appraisal.value is not None:
                return appraisal.value  # type: ignore[no-any-return]  # a JSONField: Any to django-stubs
        return self.declared(code, round_number)

    def scored_in(self, code: str, round_number: int) -> A | None:
        """The team's row for this criterion in exactly this round, if any."""
        return self.appraisals.get((round_number, code))

    def values_at(self, round_number: int, codes: Iterable[str]) -> dict[str, AnswerValue]:
        """Every criterion's value that counts in the round (0: the self-assessment)."""
        if round_number == 0:
            return {code: self.answers.get(code) for code in codes}
        return {code: self.appraised(code, round_number) for code in codes}


Trail = ValueTrail[Appraisal, Response]  # a unit's trail with its rows, as the pages read it


def trail_for(campaign_unit: CampaignUnit) -> Trail:
    """The unit's trail, in four queries: its answers, and the values of system-sourced
    criteria imported from the province's systems (the unit never answers those, so the
    two never overlap), then the team's values and the unit's responses per round."""
    answers: dict[str, AnswerValue] = {
        code: system.value for code, system in system_values_for(campaign_unit).items()
    }
    answers.update(
        Answer.objects.filter(submission__campaign_unit=campaign_unit).values_list(
            "criterion", "value"
        )
    )
    appraisals = {
        (a.round.number, a.criterion): a
        for a in Appraisal.objects.filter(campaign_unit=campaign_unit).select_related(
            "round", "updated_by"
        )
    }
    responses = {
        (r.round.number, r.criterion): r
        for r in Response.objects.filter(campaign_unit=campaign_unit).select_related(
            "round", "updated_by"
        )
    }
    numbers = tuple(
        AppraisalRound.objects.filter(campaign_id=campaign_unit.campaign_id)
        .order_by("number")
        .values_list("number", flat=True)
    )
    return Trail(answers, appraisals, responses, numbers)


def values_of_units(
    campaign_units: Sequence[CampaignUnit], round_number: int, codes: Sequence[str]
) -> dict[int, dict[str, AnswerValue]]:
    """Every unit's values that count in the round, by campaign unit id: what `trail_for`
    gives one unit, for units of one campaign and level, in five queries whatever their
    number (finalization of 3,300 communes)."""
    if not campaign_units:
        return {}
    campaign_id = campaign_units[0].campaign_id
    levels = {campaign_unit.level for campaign_unit in campaign_units}
    ids = {campaign_unit.pk for campaign_unit in campaign_units}
    scope = {"campaign_unit__campaign_id": campaign_id, "campaign_unit__level__in": levels}
    answers: defaultdict[int, dict[str, AnswerValue]] = defaultdict(dict)
    for unit_id, code, value in SystemValue.objects.filter(**scope).values_list(
        "campaign_unit_id", "criterion", "value"
    ):
        answers[unit_id][code] = value
    rows = Answer.objects.filter(
        submission__campaign_unit__campaign_id=campaign_id,
        submission__campaign_unit__level__in=levels,
    ).values_list("submission__campaign_unit_id", "criterion", "value")
    for unit_id, code, value in rows:
        answers[unit_id][code] = value
    appraisals = _kept(Appraisal.objects.filter(**scope))
    responses = _kept(Response.objects.filter(**scope))
    numbers = tuple(
        AppraisalRound.objects.filter(campaign_id=campaign_id)
        .order_by("number")
        .values_list("number", flat=True)
    )
    return {
        unit_id: ValueTrail(
            answers[unit_id], appraisals[unit_id], responses[unit_id], numbers
        ).values_at(round_number, codes)
        for unit_id in ids
    }


def _kept(rows: QuerySet[Any]) -> defaultdict[int, dict[tuple[int, str], Kept]]:
    found: defaultdict[int, dict[tuple[int, str], Kept]] = defaultdict(dict)
    for unit_id, number, code, value in rows.values_list(
        "campaign_unit_id", "round__number", "criterion", "value"
    ):
        found[unit_id][(number, code)] = Kept(value)
    return found
