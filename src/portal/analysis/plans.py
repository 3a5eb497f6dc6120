"""What the unit's page reads: where the unit lost its points, main index by main index,
beside the best unit of its level, and the core's cheapest plan to the next class or up N
ranks (dti.planner). Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.http import Http404
from django.utils.translation import gettext

from dti.fixedpoint import format_vi, from_scaled
from dti.planner import Outcome, Target, plan_for, points_text
from portal.analysis.selectors import Analysed, shown_value


@dataclass(frozen=True)
class IndexLoss:
    name: str
    score: str
    maximum: str
    lost: str
    percent: str  # the unit's score over its max
    best: str  # the best percent of the level on this index
    best_unit: str


@dataclass(frozen=True)
class StepRow:
    name: str
    now: str
    to: str
    gain: str
    whole: bool  # raised to its max


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    rank: int
    value: str
    class_label: str | None
    losses: list[IndexLoss]
    outcome: Outcome | None  # None: no target asked for (or one refused)
    steps: list[StepRow]
    needed: str | None


def unit_position(analysed: Analysed, code: str) -> int:
    """The unit's position in the level; 404 for a unit the ranking does not hold."""
    ids = list(analysed.result.scores.unit_ids)
    if code not in ids or ids.index(code) not in {int(u) for u in analysed.ranking.units}:
        raise Http404(gettext("Đơn vị không có trong xếp hạng này."))
    return ids.index(code)


def unit_plan(analysed: Analysed, code: str, target: Target | None) -> UnitPlan:
    """The unit's losses and, for a target, its plan; ValueError (Vietnamese) for a target
    the ranking cannot plan."""
    unit = unit_position(analysed, code)
    ranking = analysed.ranking
    place = [int(u) for u in ranking.units].index(unit)
    outcome = plan_for(analysed.result.scores, ranking, unit, target) if target else None
    steps = [
        StepRow(
            name=step.option.name,
            now=points_text(step.option.score),
            to=points_text(step.to),
            gain=points_text(step.gain),
            whole=step.to == step.option.maximum,
        )
        for step in (outcome.plan.steps if outcome and outcome.plan else ())
    ]
    return UnitPlan(
        code=code,
        name=analysed.result.names[unit],
        rank=int(ranking.rank[place]),
        value=shown_value(int(ranking.displayed[place]), ranking.policy),
        class_label=ranking.classes[place],
        losses=losses(analysed, unit),
        outcome=outcome,
        steps=steps,
        needed=points_text(outcome.needed) if outcome and outcome.needed else None,
    )


def losses(analysed: Analysed, unit: int) -> list[IndexLoss]:
    """Per main index that applies to the unit: its points, what it lost, and the best
    share of the index's max any unit of the ranking reached."""
    scores = analysed.result.scores
    members = [int(u) for u in analysed.ranking.units]
    rows = []
    for index in analysed.result.framework.main_indices:
        row = scores.node_index[index.code]
        maxima = scores.max_of(row)
        maximum = int(maxima[unit])
        if maximum <= 0:
            continue
        score = int(scores.score[row, unit])
        shares = {
            u: Fraction(int(scores.score[row, u]), int(maxima[u])) for u in members if maxima[u] > 0
        }
        best = max(shares, key=lambda u: (shares[u], -u))
        rows.append(
            IndexLoss(
                name=index.name,
                score=points_text(score),
                maximum=points_text(maximum),
                lost=points_text(maximum - score),
                percent=_percent(Fraction(score, maximum)),
                best=_percent(shares[best]),
                best_unit=analysed.result.names[best],
            )
        )
    return rows


def _percent(share: Fraction) -> str:
    tenths = (share * 1000 * 2 + 1) // 2  # half up, one decimal
    return format_vi(from_scaled(int(tenths) * 1000, 1), percent=True)
