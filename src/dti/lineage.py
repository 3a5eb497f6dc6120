"""A past level's results recomputed under today's units: each of today's units takes, on
each main index of the past framework (each root, where a framework has none), the mean of
its predecessors' index values (score over applicable max), as the national DTI scored the
merged provinces of 2024, or a mean weighted by a number the office gives each predecessor
(its population, say). The level is
then evaluated again with the past framework: the ranking the past would have had with
today's units (docs/scoring.md, "History under today's units").

A unit that is its own only predecessor keeps its scores exactly, so an identity lineage
gives back the published ranking (tested on generated campaigns and the seeds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from dti.campaign import AttributeValue
from dti.engine import LevelScores, compute
from dti.fixedpoint import from_scaled
from dti.framework.model import Framework, Node
from dti.inputs import UnitInput, build_inputs
from dti.results import LevelResult, evaluate
from dti.weighting import half_up


class MergeRule(str, Enum):
    MEAN = "mean"  # the mean of the predecessors' index values
    WEIGHTED = "weighted"  # weighted by each predecessor's weight


@dataclass(frozen=True)
class Successor:
    """One of today's units: its id, name and attributes (which decide what applies to it
    under the past framework), and the past units it was formed from."""

    unit: str
    name: str
    attributes: Mapping[str, AttributeValue]
    predecessors: tuple[str, ...]
    weights: tuple[Decimal, ...] = ()  # MergeRule.WEIGHTED: one per predecessor, positive


def recompute_under(
    past: LevelResult, successors: Sequence[Successor], rule: MergeRule = MergeRule.MEAN
) -> LevelResult:
    """The past level evaluated with `successors` in place of its units; ValueError (in
    Vietnamese) naming the unit for a predecessor the past level does not hold, a missing
    weight, or a main index that applies to a unit but to none of its predecessors."""
    framework = past.framework
    scores = past.scores
    position = {unit: i for i, unit in enumerate(scores.unit_ids)}
    empty = [UnitInput(s.unit, s.attributes) for s in successors]
    maxima = compute(framework, build_inputs(framework, empty))
    inputs = []
    for column, successor in enumerate(successors):
        weights = _weights(successor, rule, position)
        given: dict[str, Decimal] = {}
        for index in carried(framework):
            row = scores.node_index[index.code]
            today_max = int(maxima.max_of(row)[column])
            if today_max <= 0:
                continue
            value = _mean(scores, row, weights)
            if value is None:
                raise ValueError(
                    f"{successor.name}: chỉ số {index.name} áp dụng cho đơn vị nhưng không "
                    "áp dụng cho đơn vị tiền thân nào"
                )
            given[index.code] = _on_grid(value * today_max)
        inputs.append(UnitInput(successor.unit, successor.attributes, scores=given))
    return evaluate(framework, build_inputs(framework, inputs), [s.name for s in successors])


def carried(framework: Framework) -> list[Node]:
    """The nodes whose values a successor takes: the main indices, each root that holds
    none (a framework without main indices carries its roots), and a block whose score a
    ranking removes (its own value, so that what is removed is the successor's own)."""
    indices = {index.code for index in framework.main_indices}
    nodes: list[Node] = []
    for root in framework.nodes:
        inside = [node for node in root.walk() if node.code in indices]
        nodes.extend(inside or [root])
    policies = [framework.ranking, *(group.ranking for group in framework.groups)]
    for policy in policies:
        block = policy.block if policy.subtract_block_score else None
        if block is not None and all(node.code != block for node in nodes):
            nodes.append(framework.by_code[block])
    return nodes


def _weights(
    successor: Successor, rule: MergeRule, position: Mapping[str, int]
) -> list[tuple[int, Fraction]]:
    """(past unit position, weight) per predecessor."""
    if not successor.predecessors:
        raise ValueError(f"{successor.name}: chưa có đơn vị tiền thân")
    missing = [p for p in successor.predecessors if p not in position]
    if missing:
        raise ValueError(f"{successor.name}: không có {', '.join(missing)} trong kết quả năm trước")
    if rule is MergeRule.MEAN or (len(successor.predecessors) == 1 and not successor.weights):
        return [(position[p], Fraction(1)) for p in successor.predecessors]
    if len(successor.weights) != len(successor.predecessors) or any(
        not w.is_finite() or w <= 0 for w in successor.weights
    ):
        raise ValueError(f"{successor.name}: cần một trọng số dương cho mỗi đơn vị tiền thân")
    return [
        (position[p], Fraction(w))
        for p, w in zip(successor.predecessors, successor.weights, strict=True)
    ]


def _mean(
    scores: LevelScores, row: int, weights: Sequence[tuple[int, Fraction]]
) -> Fraction | None:
    """The weighted mean of score / applicable max over the predecessors the index applies to."""
    total, weight = Fraction(0), Fraction(0)
    maxima = scores.max_of(row)
    for unit, w in weights:
        maximum = int(maxima[unit])
        if maximum > 0:
            total += w * Fraction(int(scores.score[row, unit]), maximum)
            weight += w
    return total / weight if weight else None


def _on_grid(scaled: Fraction) -> Decimal:
    """Scaled points (1/10 000 of a point) rounded half up to the grid, as a Decimal."""
    return from_scaled(half_up(scaled))
