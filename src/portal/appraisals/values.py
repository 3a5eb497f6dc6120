"""Which value of a criterion counts, round by round (the rule is written in
portal.appraisals.models). Everything about one unit is loaded at once into a `Trail`; the
pages, the services and finalization all read values through it, so the self-assessment
page, the side-by-side view and the published results can never disagree.

Values have the shape of assessments.Answer.value; `score_values` scores any set of them
with the core, through the same rules as the self-score."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from portal.answers import AnswerValue
from portal.appraisals.models import Appraisal, Response
from portal.assessments.models import Answer
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.indicators.selectors import system_values_for


@dataclass(frozen=True)
class Trail:
    """One unit's values: self-assessed, supplemented and appraised, per round."""

    answers: Mapping[str, AnswerValue]  # the self-assessment (and system-sourced values)
    appraisals: Mapping[tuple[int, str], Appraisal] = field(default_factory=dict)
    responses: Mapping[tuple[int, str], Response] = field(default_factory=dict)
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

    def scored_in(self, code: str, round_number: int) -> Appraisal | None:
        """The team's row for this criterion in exactly this round, if any."""
        return self.appraisals.get((round_number, code))

    def values_at(self, round_number: int, codes: Iterable[str]) -> dict[str, AnswerValue]:
        """Every criterion's value that counts in the round (0: the self-assessment)."""
        if round_number == 0:
            return {code: self.answers.get(code) for code in codes}
        return {code: self.appraised(code, round_number) for code in codes}


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
