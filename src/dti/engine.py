"""The scoring engine: a framework and every unit's inputs in, every node's score and
applicable max out, for all units of a level at once.

The tree is laid out level by level (all nodes of one depth together, children of one parent
side by side), so each depth's parents are summed in one numpy call. Work is on integers
counting 1/10 000 of a point, exact, and a national-scale level (11 000 units x 100
criteria) computes in milliseconds. See docs/scoring.md for the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

import numpy as np

from dti.columns import Column, InputProblem, LevelInputs
from dti.expressions import Expression
from dti.fixedpoint import IntArray, from_scaled, points_vi, to_scaled
from dti.framework.model import EnteredRule, Framework, Node
from dti.rules import leaf_points


@dataclass
class LevelScores:
    """Every node's score and applicable max for every unit (rows: nodes, columns: units).

    Applicable maxima depend only on a unit's attributes, so they are kept per distinct set
    of attributes (`max_by_set`, columns: sets) and spread to units when asked for."""

    framework: Framework
    unit_ids: tuple[str, ...]
    node_index: Mapping[str, int]
    score: IntArray
    set_ids: IntArray  # each unit's set of attributes
    max_by_set: IntArray
    leaf_answered: np.ndarray  # leaves' rows: the score came from an input or a given score
    bonus: IntArray
    penalty: IntArray
    problems: tuple[InputProblem, ...]
    given: Mapping[int, np.ndarray] = field(default_factory=dict)  # row -> where a score was given

    @property
    def root_rows(self) -> list[int]:
        return [self.node_index[root.code] for root in self.framework.nodes]

    @cached_property
    def applicable_max(self) -> IntArray:
        spread: IntArray = self.max_by_set[:, self.set_ids]
        return spread

    def max_of(self, row: int) -> IntArray:
        """One node's applicable max per unit, without spreading the whole table."""
        spread: IntArray = self.max_by_set[row, self.set_ids]
        return spread

    @cached_property
    def total(self) -> IntArray:
        roots: IntArray = self.score[self.root_rows].sum(axis=0)
        return roots + self.bonus - self.penalty

    @cached_property
    def total_applicable_max(self) -> IntArray:
        per_set: IntArray = self.max_by_set[self.root_rows].sum(axis=0)
        return per_set[self.set_ids]

    @cached_property
    def answered(self) -> np.ndarray:
        """True where every leaf under the node was answered, or its score was given."""
        layout = _layout(self.framework)
        answered = self.leaf_answered.copy()
        for row, present in self.given.items():
            answered[row] |= present
        for parent, first, stop in reversed(layout.spans):
            np.all(answered[first:stop], axis=0, out=answered[parent])
            if parent in self.given:
                answered[parent] |= self.given[parent]
        return answered

    def node_score(self, code: str, unit: int) -> Decimal:
        return from_scaled(int(self.score[self.node_index[code], unit]))

    def node_max(self, code: str, unit: int) -> Decimal:
        return from_scaled(int(self.max_by_set[self.node_index[code], self.set_ids[unit]]))


@dataclass(frozen=True)
class _Layout:
    """The tree breadth first: depth by depth, each parent's children side by side, so a
    parent sums one contiguous block of rows. `spans` lists (parent, first child row, end)
    with parents in layout order: summing them in reverse goes from the leaves up."""

    nodes: tuple[Node, ...]
    index: Mapping[str, int]
    spans: tuple[tuple[int, int, int], ...]
    full_max: IntArray
    conditions: tuple[tuple[Expression, ...], ...]  # per row: its own and its ancestors'


@lru_cache(maxsize=32)
def _layout(framework: Framework) -> _Layout:
    ordered = [(root, _own(root, ())) for root in framework.nodes]
    spans: list[tuple[int, int, int]] = []
    position = 0
    while position < len(ordered):  # a queue: children are appended as parents are visited
        node, path = ordered[position]
        if node.children:
            spans.append((position, len(ordered), len(ordered) + len(node.children)))
            ordered.extend((child, _own(child, path)) for child in node.children)
        position += 1
    nodes = tuple(node for node, _ in ordered)
    return _Layout(
        nodes=nodes,
        index={node.code: row for row, node in enumerate(nodes)},
        spans=tuple(spans),
        full_max=np.array([to_scaled(n.max) for n in nodes], dtype=np.int64),
        conditions=tuple(path for _, path in ordered),
    )


def _own(node: Node, path: tuple[Expression, ...]) -> tuple[Expression, ...]:
    return path + ((node.applies_when,) if node.applies_when is not None else ())


def compute(framework: Framework, inputs: LevelInputs) -> LevelScores:
    """Scores of every node for every unit. Input problems are returned, not raised."""
    layout = _layout(framework)
    ids, chains, max_by_set = _per_attribute_set(layout, inputs)
    score = np.zeros((len(layout.nodes), inputs.size), dtype=np.int64)
    answered = np.zeros(score.shape, dtype=bool)
    problems: list[InputProblem] = []
    leaves_by_chain: dict[tuple[Expression, ...], list[int]] = {}
    for row, node in enumerate(layout.nodes):
        if node.is_leaf:
            score[row], answered[row] = leaf_points(framework, node, inputs, problems)
            leaves_by_chain.setdefault(layout.conditions[row], []).append(row)
    applies = {chain: by_set[ids] for chain, by_set in chains.items()}
    for chain, rows in leaves_by_chain.items():
        if chain:  # a leaf that does not apply scores nothing, and neither do its ancestors
            score[rows] *= applies[chain]
    given: dict[int, np.ndarray] = {}
    check = _Given(layout, inputs, score, given, applies, ids, max_by_set, problems)
    for parent, first, stop in reversed(layout.spans):  # children are complete: sum them
        for row in range(first, stop):
            check.apply(row)
        np.sum(score[first:stop], axis=0, out=score[parent])
    for row in range(len(framework.nodes)):  # the roots, first in the layout
        check.apply(row)
    bonus, penalty = _adjustments(framework, inputs, problems)
    return LevelScores(
        framework,
        inputs.unit_ids,
        layout.index,
        score,
        ids,
        max_by_set,
        answered,
        bonus,
        penalty,
        tuple(problems),
        given,
    )


def _per_attribute_set(
    layout: _Layout, inputs: LevelInputs
) -> tuple[IntArray, dict[tuple[Expression, ...], np.ndarray], IntArray]:
    """Applicability and applicable maxima depend only on a unit's attributes: they are
    computed once per distinct set of attributes (columns), to be spread to the units."""
    ids, samples = inputs.attribute_sets
    chains = {
        chain: np.array([all(c.evaluate_condition(s) for c in chain) for s in samples], dtype=bool)
        for chain in set(layout.conditions)
    }
    applicable = np.stack([chains[chain] for chain in layout.conditions])
    maximum: IntArray = np.where(applicable, layout.full_max[:, None], 0)
    for parent, first, stop in reversed(layout.spans):
        maximum[parent] = maximum[first:stop].sum(axis=0)
    return ids, chains, maximum


@dataclass
class _Given:
    """Scores given at nodes: they replace the computed score where the node applies, and
    must lie in [0, applicable max]. Raw rule inputs (a percentage, a count, an option) are
    not scores: only scores given at a node, or entered as a leaf's score, are checked."""

    layout: _Layout
    inputs: LevelInputs
    score: IntArray
    rows: dict[int, np.ndarray]
    applies: Mapping[tuple[Expression, ...], np.ndarray]
    set_ids: IntArray
    max_by_set: IntArray
    problems: list[InputProblem]

    def apply(self, row: int) -> None:
        node = self.layout.nodes[row]
        applicable = self.applies[self.layout.conditions[row]]
        given = self.inputs.scores.get(node.code)
        if given is not None:
            self.score[row] = np.where(given.present & applicable, given.values, self.score[row])
            self.rows[row] = given.present
        elif node.is_leaf and isinstance(node.rule, EnteredRule):
            given = self.inputs.values.get(node.code)
        if given is not None:
            maximum = self.max_by_set[row, self.set_ids]
            _check_range(node, self.inputs, given, maximum, applicable, self.problems)


def _check_range(
    node: Node,
    inputs: LevelInputs,
    given: Column,
    applicable_max: IntArray,
    applicable: np.ndarray,
    problems: list[InputProblem],
) -> None:
    wrong = given.present & ((given.values < 0) | (given.values > applicable_max))
    for unit in np.flatnonzero(wrong):
        value = points_vi(int(given.values[unit]))
        limit = points_vi(int(applicable_max[unit]))
        reason = "tiêu chí không áp dụng cho đơn vị" if not applicable[unit] else "vượt điểm tối đa"
        problems.append(
            InputProblem(
                inputs.unit_ids[unit],
                node.code,
                f"điểm {value} ngoài khoảng 0–{limit} ({reason})",
            )
        )


def _adjustments(
    framework: Framework, inputs: LevelInputs, problems: list[InputProblem]
) -> tuple[IntArray, IntArray]:
    bonus = np.zeros(inputs.size, dtype=np.int64)
    penalty = np.zeros(inputs.size, dtype=np.int64)
    for adjustment in framework.adjustments:
        column = inputs.adjustments.get(adjustment.code)
        if column is None:
            continue
        limit = to_scaled(adjustment.max)
        for unit in np.flatnonzero(
            column.present & ((column.values < 0) | (column.values > limit))
        ):
            problems.append(
                InputProblem(
                    inputs.unit_ids[unit],
                    adjustment.code,
                    f"điểm {points_vi(int(column.values[unit]))} ngoài khoảng 0–{adjustment.max}",
                )
            )
        points = np.where(column.present, np.clip(column.values, 0, limit), 0)
        if adjustment.penalty:
            penalty += points
        else:
            bonus += points
    return bonus, penalty
