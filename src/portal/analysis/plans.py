"""What the unit's page reads: where the unit lost its points, main index by main index,
beside the best unit of its level, and the core's cheapest plan to the next class or up N
ranks (dti.planner). Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.http import Http404
from django.utils.translation import gettext

from dti.fixedpoint import points_vi
from dti.planner import Outcome, Target, options_for, plan_for
from dti.reports.model import BriefLoss, UnitBrief
from dti.weighting import holding_index
from portal.analysis.selectors import Analysed, share_text, shown_value


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
class CriterionLoss:
    name: str
    index: str  # the main index it belongs to
    score: str
    maximum: str
    lost: str
    best: str  # the best share of its max in the ranking
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
    criteria: list[CriterionLoss]  # criterion by criterion, most points lost first
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
            now=points_vi(step.option.score),
            to=points_vi(step.to),
            gain=points_vi(step.gain),
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
        criteria=criterion_losses(analysed, unit),
        outcome=outcome,
        steps=steps,
        needed=points_vi(outcome.needed) if outcome and outcome.needed else None,
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
                score=points_vi(score),
                maximum=points_vi(maximum),
                lost=points_vi(maximum - score),
                percent=share_text(Fraction(score, maximum)),
                best=share_text(shares[best]),
                best_unit=analysed.result.names[best],
            )
        )
    return rows


MAX_CRITERIA = 30  # the criteria where most points were lost, on the unit's page


def criterion_losses(analysed: Analysed, unit: int) -> list[CriterionLoss]:
    """The criteria where the unit lost points, most first, each against the best share of
    its max a unit of the ranking reached. Empty when the results hold main-index scores only
    (a published table imported): the main-index table says it all then."""
    scores = analysed.result.scores
    framework = analysed.result.framework
    indices = {index.code for index in framework.main_indices}
    options = [o for o in options_for(scores, unit) if o.code not in indices]
    members = [int(u) for u in analysed.ranking.units]
    rows = []
    for option in sorted(options, key=lambda o: -o.gain)[:MAX_CRITERIA]:
        row = scores.node_index[option.code]
        maxima = scores.max_of(row)
        shares = {
            u: Fraction(int(scores.score[row, u]), int(maxima[u])) for u in members if maxima[u] > 0
        }
        best = max(shares, key=lambda u: (shares[u], -u))
        holder = holding_index(
            framework.parent_of, [i.code for i in framework.main_indices], option.code
        )
        rows.append(
            CriterionLoss(
                name=option.name,
                index=framework.main_indices[holder].name if holder is not None else "",
                score=points_vi(option.score),
                maximum=points_vi(option.maximum),
                lost=points_vi(option.gain),
                best=share_text(shares[best]),
                best_unit=analysed.result.names[best],
            )
        )
    return rows


def unit_brief(analysed: Analysed, plan: UnitPlan) -> UnitBrief:
    """The page's figures as the one-page PDF for the unit's head (dti.reports.unit_brief)."""
    campaign = analysed.campaign
    size = len(analysed.ranking.units)
    standing = gettext("Hạng %(rank)s/%(size)s, %(value)s") % {
        "rank": plan.rank,
        "size": size,
        "value": plan.value,
    }
    if plan.class_label:
        standing += gettext(", xếp loại %(label)s") % {"label": plan.class_label}
    return UnitBrief(
        title=f"{campaign.title} ({campaign.year}) · {campaign.province.name} · {analysed.label}",
        unit=plan.name,
        standing=standing + ".",
        losses=tuple(
            BriefLoss(
                index=loss.name,
                score=f"{loss.score}/{loss.maximum}",
                lost=loss.lost,
                percent=loss.percent,
                best=f"{loss.best} ({loss.best_unit})",
            )
            for loss in plan.losses
        ),
        target=_target_sentence(plan),
        steps=tuple(_step_sentence(step) for step in plan.steps),
        note=gettext(
            "Lộ trình tính từ kết quả hiện có: các đơn vị khác giữ nguyên điểm; chọn ít công "
            "nhất theo công nâng điểm bộ chỉ số ghi cho mỗi tiêu chí (không ghi: như nhau), "
            "tránh tiêu chí không nâng được trong năm; mỗi tiêu chí chỉ nâng vừa đủ."
        ),
    )


def _target_sentence(plan: UnitPlan) -> str:
    outcome = plan.outcome
    if outcome is None:
        return gettext("Chưa chọn mục tiêu.")
    if outcome.target_class is None and outcome.target_rank is None:
        return gettext("Đơn vị đã ở loại cao nhất.")
    if outcome.target_rank == outcome.rank:
        return gettext("Đơn vị đã đứng đầu.")
    if outcome.plan is None:
        return gettext(
            "Không đạt được mục tiêu này, kể cả khi mọi tiêu chí còn thiếu đều đạt điểm tối đa."
        )
    if outcome.target_class:
        return gettext("Để lên loại %(label)s, đơn vị cần thêm %(points)s điểm.") % {
            "label": outcome.target_class,
            "points": plan.needed,
        }
    return gettext(
        "Để lên hạng %(rank)s, đơn vị cần thêm %(points)s điểm (các đơn vị khác giữ nguyên điểm)."
    ) % {"rank": outcome.target_rank, "points": plan.needed}


def _step_sentence(step: StepRow) -> str:
    if step.whole:
        return gettext("%(name)s: đạt đủ điểm tối đa %(to)s (nay %(now)s).") % {
            "name": step.name,
            "to": step.to,
            "now": step.now,
        }
    return gettext("%(name)s: từ %(now)s lên ít nhất %(to)s điểm (thêm %(gain)s).") % {
        "name": step.name,
        "now": step.now,
        "to": step.to,
        "gain": step.gain,
    }
