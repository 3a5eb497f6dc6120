"""What it would take: the cheapest set of criterion gains that takes a unit to the next
class or up N ranks, exactly.

Two steps (docs/scoring.md, "What it would take"):

1. the points needed: under the ratio, plain-total and remove-a-block policies, every
   measure a rank or a class compares grows with the unit's total and nothing else (the
   others' values stay as published), so the smallest total gain that reaches the target is
   found by bisection on an exact recomputation of the unit's value, display, class and rank;
2. the cheapest cover: which criteria to raise so that their gains add up to at least that,
   at the least cost (the office's cost per criterion, 1 by default), then the fewest
   criteria: a 0/1 knapsack solved exactly by dynamic programming over (cost, count). A
   criterion the office marks as not achievable in a year is used only when no plan exists
   without it. Each chosen criterion is then raised only as far as needed: a yes/no all the
   way, a choice or a band to the lowest level that suffices, a ratio or a count by the points
   missing (on the framework's score grid).

The national weighted policy weighs a point differently per main index and is not planned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np

from dti.engine import LevelScores
from dti.fixedpoint import SCALE_DIGITS, to_scaled
from dti.framework.model import (
    BandsRule,
    ChoiceRule,
    Comparability,
    Node,
    RankingPolicy,
    Ties,
    YesNoRule,
)
from dti.rankings import Ranking
from dti.weighting import (
    WEIGHT_SCALE,
    Parts,
    class_of,
    exact_unit,
    parts_of,
    refuse_index_ranking,
    shown,
)

MAX_COST = 100


@dataclass(frozen=True)
class Option:
    """A criterion (or a node whose score was given as a whole) the unit can raise."""

    code: str
    name: str
    score: int  # scaled points now
    maximum: int  # scaled applicable max
    steps: tuple[int, ...]  # the scores it can be raised to, ascending, the last the max
    continuous: bool  # any score on the grid up to the max (ratio, count, entered, formula)
    cost: int = 1
    achievable: bool = True

    @property
    def gain(self) -> int:
        return self.maximum - self.score


class Goal(str, Enum):
    NEXT_CLASS = "next_class"
    RANKS = "ranks"


@dataclass(frozen=True)
class Target:
    goal: Goal
    ranks: int = 1  # Goal.RANKS: how many ranks to gain


@dataclass(frozen=True)
class Step:
    option: Option
    to: int  # scaled score to reach

    @property
    def gain(self) -> int:
        return self.to - self.option.score


@dataclass(frozen=True)
class Plan:
    needed: int  # scaled points the unit's total must gain
    steps: tuple[Step, ...]
    cost: int
    achievable_only: bool  # no criterion the office marked not achievable in a year

    @property
    def gain(self) -> int:
        return sum(step.gain for step in self.steps)


@dataclass(frozen=True)
class Outcome:
    """The unit under a target: where it stands, what it aims at, and the plan (None when
    no set of criteria reaches the target; `needed` is then None too)."""

    rank: int
    class_label: str | None
    target_rank: int | None
    target_class: str | None
    needed: int | None
    plan: Plan | None


def options_for(
    scores: LevelScores,
    unit: int,
    costs: Mapping[str, int] | None = None,
    achievable: Mapping[str, bool] | None = None,
    excluded: frozenset[str] = frozenset(),
) -> list[Option]:
    """Every criterion of the unit below its applicable max, with the cost and the
    achievability the framework states for it (`costs` and `achievable` override them).
    Where a score was given for a whole node (a table printing main-index scores only), that
    node is the option."""
    costs, achievable = costs or {}, achievable or {}
    for code, cost in costs.items():
        if code not in scores.node_index:
            raise ValueError(f"không có tiêu chí {code} trong bộ chỉ số")
        if not 1 <= cost <= MAX_COST:
            raise ValueError(f"chi phí của {code} phải từ 1 đến {MAX_COST}")
    options = []
    for root in scores.framework.nodes:
        for node in _raisable(scores, unit, root, excluded):
            row = scores.node_index[node.code]
            score, maximum = int(scores.score[row, unit]), int(scores.max_of(row)[unit])
            if maximum <= score:
                continue
            steps, continuous = _steps(node, score, maximum)
            cost = costs.get(node.code, node.cost)
            options.append(
                Option(
                    node.code,
                    node.name,
                    score,
                    maximum,
                    steps,
                    continuous,
                    cost,
                    achievable.get(node.code, node.achievable),
                )
            )
    return options


def _raisable(scores: LevelScores, unit: int, node: Node, excluded: frozenset[str]) -> list[Node]:
    if node.code in excluded:
        return []
    row = scores.node_index[node.code]
    given = scores.given.get(row)
    if node.is_leaf or (given is not None and bool(given[unit])):
        return [node]
    return [found for child in node.children for found in _raisable(scores, unit, child, excluded)]


def _steps(node: Node, score: int, maximum: int) -> tuple[tuple[int, ...], bool]:
    rule = node.rule
    points: list[int] | None = None  # a node whose score was given whole is continuous
    if not node.is_leaf:
        pass
    elif isinstance(rule, YesNoRule):
        points = [maximum]
    elif isinstance(rule, ChoiceRule):
        points = [to_scaled(option.points) for option in rule.options]
    elif isinstance(rule, BandsRule):
        points = [to_scaled(band.points) for band in rule.bands]
    if points is None:
        return (maximum,), True
    above = sorted({p for p in points if score < p <= maximum})
    return tuple(above) or (maximum,), False


# ---- 1. the points needed ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Standing:
    """The unit's place among the others of a ranking, recomputed for a gain."""

    parts: Parts
    position: int  # the unit's column in parts
    others: list[object]  # the others' compared values (displayed, or exact)

    def measure(self, gain: int) -> tuple[object, int, str | None]:
        policy = self.parts.policy
        column = [int(v) for v in self.parts.score[:, self.position]]
        column[0] += gain  # only the total counts under the policies planned
        weights = [WEIGHT_SCALE] * len(column)
        exact = exact_unit(self.parts, weights, column, self.position)
        displayed = shown(exact.value, policy)
        label = class_of(policy.classification, exact, displayed, policy.decimals)
        primary: object = displayed if policy.compare_displayed else exact.value
        return primary, displayed, label

    def rank(self, gain: int) -> int:
        primary = self.measure(gain)[0]
        above = [v for v in self.others if _greater(v, primary)]
        if self.parts.policy.ties is Ties.DENSE:
            return 1 + len(set(above))
        return 1 + len(above)


def _greater(a: object, b: object) -> bool:
    """a > b for two compared values of one ranking (both ints, or both fractions)."""
    return bool(a > b)  # type: ignore[operator]  # object: mypy cannot see both are one type


def _standing(scores: LevelScores, ranking: Ranking, unit: int) -> _Standing:
    refuse_index_ranking(ranking)
    policy = ranking.policy
    if policy.comparability is Comparability.NATIONAL_WEIGHTED:
        raise ValueError("chưa lập được lộ trình cho cách tính có trọng số của Bộ")
    members = [int(u) for u in ranking.units]
    if unit not in members:
        raise ValueError("đơn vị không có trong xếp hạng này")
    parts = parts_of(scores, policy, ranking.units)
    if not parts.codes:
        raise ValueError("bộ chỉ số không có chỉ số chính")
    position = members.index(unit)
    weights = [WEIGHT_SCALE] * len(parts.codes)
    others: list[object] = []
    for i in range(len(members)):
        if i == position:
            continue
        if policy.compare_displayed:
            others.append(int(ranking.displayed[i]))
        else:
            column = [int(v) for v in parts.score[:, i]]
            others.append(exact_unit(parts, weights, column, i).value)
    return _Standing(parts, position, others)


def _reached(
    standing: _Standing, target: Target, goal_rank: int | None, label: str | None
) -> Callable[[int], bool]:
    def reached(gain: int) -> bool:
        if target.goal is Goal.RANKS:
            assert goal_rank is not None
            return standing.rank(gain) <= goal_rank
        return standing.measure(gain)[2] in _labels_from(standing, label)

    return reached


def _labels_from(standing: _Standing, label: str | None) -> set[str | None]:
    """The target class and every class above it."""
    classification = standing.parts.policy.classification
    assert classification is not None
    labels = [band.label for band in classification.bands]
    return set(labels[: labels.index(label) + 1]) if label in labels else set()


def points_needed(reached: Callable[[int], bool], most: int) -> int | None:
    """The least gain in [0, most] for which `reached(gain)` holds (it only turns true as
    the gain grows), or None."""
    if not reached(most):
        return None
    low, high = 0, most
    while low < high:
        middle = (low + high) // 2
        if reached(middle):
            high = middle
        else:
            low = middle + 1
    return low


# ---- 2. the cheapest cover ---------------------------------------------------------------------


def cheapest(options: Sequence[Option], needed: int, grid: int = 1) -> Plan | None:
    """The least-cost, then fewest, options whose gains reach `needed` (achievable ones
    only when that is possible), each raised only as far as needed on a `grid` of points."""
    if needed <= 0:
        return Plan(max(needed, 0), (), 0, True)
    for achievable_only in (True, False):
        pool = [o for o in options if o.achievable or not achievable_only]
        chosen = _knapsack(pool, needed)
        if chosen is not None:
            steps = _trimmed([pool[i] for i in chosen], needed, grid)
            cost = sum(step.option.cost for step in steps)
            return Plan(needed, steps, cost, achievable_only or all(o.achievable for o in pool))
    return None


def _knapsack(options: Sequence[Option], needed: int) -> list[int] | None:
    """Indices of the options of least total cost, then fewest, with gains ≥ `needed`:
    best[c, k] is the largest gain of exactly k options of total cost c."""
    if sum(o.gain for o in options) < needed:
        return None
    total_cost, n = sum(o.cost for o in options), len(options)
    best = np.full((total_cost + 1, n + 1), -1, dtype=np.int64)
    best[0, 0] = 0
    took = np.zeros((n, total_cost + 1, n + 1), dtype=bool)
    for i, option in enumerate(options):
        shifted = np.full_like(best, -1)
        shifted[option.cost :, 1:] = best[: total_cost + 1 - option.cost, :n]
        candidate = np.where(shifted >= 0, shifted + option.gain, -1)
        took[i] = candidate > best
        best = np.maximum(best, candidate)
    enough = np.argwhere(best >= needed)  # rows sorted by cost, then count
    cost, count = (int(v) for v in enough[0])
    chosen = []
    for i in range(n - 1, -1, -1):
        if took[i, cost, count]:
            chosen.append(i)
            cost, count = cost - options[i].cost, count - 1
    return sorted(chosen)


def _trimmed(options: Sequence[Option], needed: int, grid: int) -> tuple[Step, ...]:
    """Each option raised to the lowest score that keeps the sum of gains ≥ needed, the
    discrete ones first (their levels are fixed), then the continuous."""
    surplus = sum(o.gain for o in options) - needed
    targets = {o.code: o.maximum for o in options}
    for option in sorted(options, key=lambda o: o.continuous):
        if option.continuous:
            cut = min(surplus, option.gain) // grid * grid
        else:
            lower = [s for s in option.steps if option.maximum - s <= surplus]
            cut = option.maximum - min(lower) if lower else 0
        targets[option.code] -= cut
        surplus -= cut
    return tuple(Step(o, targets[o.code]) for o in options if targets[o.code] > o.score)


# ---- the two together --------------------------------------------------------------------------


def plan_for(
    scores: LevelScores,
    ranking: Ranking,
    unit: int,
    target: Target,
    costs: Mapping[str, int] | None = None,
    achievable: Mapping[str, bool] | None = None,
) -> Outcome:
    """The plan that takes the unit at level position `unit` to `target` in `ranking`."""
    standing = _standing(scores, ranking, unit)
    policy = ranking.policy
    rank, label = standing.rank(0), standing.measure(0)[2]
    goal_rank = goal_class = None
    if target.goal is Goal.RANKS:
        if target.ranks < 1:
            raise ValueError("số hạng muốn tăng phải từ 1 trở lên")
        goal_rank = max(rank - target.ranks, 1)
    else:
        if policy.classification is None:
            raise ValueError("xếp hạng này không xếp loại")
        labels = [band.label for band in policy.classification.bands]
        at = labels.index(label) if label in labels else len(labels)
        goal_class = labels[at - 1] if at > 0 else None
    excluded = _block_codes(scores, policy)
    options = options_for(scores, unit, costs, achievable, excluded)
    none = Outcome(rank, label, goal_rank, goal_class, None, None)
    if (target.goal is Goal.NEXT_CLASS and goal_class is None) or goal_rank == rank:
        return none
    reached = _reached(standing, target, goal_rank, goal_class)
    needed = points_needed(reached, sum(o.gain for o in options))
    if needed is None:
        return none
    grid = 10 ** max(SCALE_DIGITS - scores.framework.score_decimals, 0)
    plan = cheapest(options, needed, grid)
    return Outcome(rank, label, goal_rank, goal_class, needed, plan)


def _block_codes(scores: LevelScores, policy: RankingPolicy) -> frozenset[str]:
    """Criteria whose points the policy removes from every unit: raising them moves nothing."""
    if policy.block is None or not policy.subtract_block_score:
        return frozenset()
    return frozenset(node.code for node in scores.framework.by_code[policy.block].walk())
