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
    """Every node's score and applicable max for every unit (rows: nodes, columns: units)."""

    framework: Framework
    unit_ids: tuple[str, ...]
    node_index: Mapping[str, int]
    score: IntArray
    applicable_max: IntArray
    leaf_answered: np.ndarray  # leaves' rows: the score came from an input or a given score
    bonus: IntArray
    penalty: IntArray
    problems: tuple[InputProblem, ...]
    given: Mapping[int, np.ndarray] = field(default_factory=dict)  # row -> where a score was given

    @cached_property
    def answered(self) -> np.ndarray:
        """True where every leaf under the node was answered, or its score was given."""
        layout = _layout(self.framework)
        answered = self.leaf_answered.copy()
        for depth, below in _bottom_up(layout, everything=True):
            if below is not None and len(depth.parents):
                answered[depth.parents] = np.logical_and.reduceat(
                    answered[below.rows], depth.starts, axis=0
                )
            for row in range(depth.rows.start, depth.rows.stop):
                if row in self.given:
                    answered[row] |= self.given[row]
        return answered

    @property
    def root_rows(self) -> list[int]:
        return [self.node_index[root.code] for root in self.framework.nodes]

    @cached_property
    def total(self) -> IntArray:
        roots: IntArray = self.score[self.root_rows].sum(axis=0)
        return roots + self.bonus - self.penalty

    @cached_property
    def total_applicable_max(self) -> IntArray:
        maximum: IntArray = self.applicable_max[self.root_rows].sum(axis=0)
        return maximum

    def node_score(self, code: str, unit: int) -> Decimal:
        return from_scaled(int(self.score[self.node_index[code], unit]))

    def node_max(self, code: str, unit: int) -> Decimal:
        return from_scaled(int(self.applicable_max[self.node_index[code], unit]))


@dataclass(frozen=True)
class _Depth:
    """One depth of the tree: its rows, and how its parents sum the next depth's rows."""

    rows: slice
    parents: IntArray  # rows of this depth's nodes that have children
    starts: IntArray  # where each parent's children begin, relative to the next depth's rows


@dataclass(frozen=True)
class _Layout:
    nodes: tuple[Node, ...]  # breadth first: depth by depth, siblings together
    index: Mapping[str, int]
    depths: tuple[_Depth, ...]
    full_max: IntArray
    conditions: tuple[tuple[Expression, ...], ...]  # per row: its own and its ancestors'


@lru_cache(maxsize=32)
def _layout(framework: Framework) -> _Layout:
    levels: list[list[tuple[Node, tuple[Expression, ...]]]] = [
        [(root, _own(root, ())) for root in framework.nodes]
    ]
    while any(not node.is_leaf for node, _ in levels[-1]):
        levels.append([(c, _own(c, path)) for n, path in levels[-1] for c in n.children])
    ordered = [entry for level in levels for entry in level]
    nodes = tuple(node for node, _ in ordered)
    depths, offset = [], 0
    for level in levels:
        parents, starts, child = [], [], 0
        for position, (node, _) in enumerate(level):
            if node.children:
                parents.append(offset + position)
                starts.append(child)
                child += len(node.children)
        depths.append(_Depth(slice(offset, offset + len(level)), np.array(parents, dtype=np.int64),
                             np.array(starts, dtype=np.int64)))  # fmt: skip
        offset += len(level)
    return _Layout(
        nodes=nodes,
        index={node.code: row for row, node in enumerate(nodes)},
        depths=tuple(depths),
        full_max=np.array([to_scaled(n.max) for n in nodes], dtype=np.int64),
        conditions=tuple(path for _, path in ordered),
    )


def _own(node: Node, path: tuple[Expression, ...]) -> tuple[Expression, ...]:
    return path + ((node.applies_when,) if node.applies_when is not None else ())


def compute(framework: Framework, inputs: LevelInputs) -> LevelScores:
    """Scores of every node for every unit. Input problems are returned, not raised."""
    layout = _layout(framework)
    ids, applicable_by_set, max_by_set = _per_attribute_set(layout, inputs)
    applicable = applicable_by_set[:, ids]
    score = np.zeros(applicable.shape, dtype=np.int64)
    answered = np.zeros(applicable.shape, dtype=bool)
    problems: list[InputProblem] = []
    for row, node in enumerate(layout.nodes):
        if node.is_leaf:
            score[row], answered[row] = leaf_points(framework, node, inputs, problems)
    applicable_max = max_by_set[:, ids]
    given: dict[int, np.ndarray] = {}
    for depth, below in _bottom_up(layout, everything=True):
        if below is not None and len(depth.parents):
            score[depth.parents] = np.add.reduceat(score[below.rows], depth.starts, axis=0)
        score[depth.rows] *= applicable[depth.rows]
        for row in range(depth.rows.start, depth.rows.stop):
            _given(
                layout.nodes[row], inputs, row, score, given, applicable, applicable_max, problems
            )
    bonus, penalty = _adjustments(framework, inputs, problems)
    return LevelScores(
        framework, inputs.unit_ids, layout.index, score, applicable_max, answered, bonus, penalty,
        tuple(problems), given,
    )  # fmt: skip


def _bottom_up(layout: _Layout, everything: bool = False) -> list[tuple[_Depth, _Depth | None]]:
    """(depth, the depth below it), deepest first: only depths with parents, or, with
    `everything`, every depth (the deepest paired with None)."""
    pairs = list(zip(layout.depths, (*layout.depths[1:], None), strict=True))
    return [
        (depth, below)
        for depth, below in reversed(pairs)
        if everything or (below is not None and len(depth.parents))
    ]


def _per_attribute_set(
    layout: _Layout, inputs: LevelInputs
) -> tuple[IntArray, np.ndarray, IntArray]:
    """Applicability and applicable maxima depend only on a unit's attributes: they are
    computed once per distinct set of attributes, then spread to the units."""
    ids, samples = inputs.attribute_sets
    chains = {
        chain: np.array([all(c.evaluate_condition(s) for c in chain) for s in samples], dtype=bool)
        for chain in set(layout.conditions)
    }
    applicable = np.stack([chains[chain] for chain in layout.conditions])
    maximum: IntArray = np.where(applicable, layout.full_max[:, None], 0)
    for depth, below in _bottom_up(layout):
        assert below is not None
        maximum[depth.parents] = np.add.reduceat(maximum[below.rows], depth.starts, axis=0)
    return ids, applicable, maximum


def _given(
    node: Node,
    inputs: LevelInputs,
    row: int,
    score: IntArray,
    given_rows: dict[int, np.ndarray],
    applicable: np.ndarray,
    applicable_max: IntArray,
    problems: list[InputProblem],
) -> None:
    """A score given at a node replaces the computed one; it must lie in [0, applicable max].

    Raw rule inputs (a percentage, a count, an option) are not scores: only scores given at
    a node, or entered as a leaf's score, are checked."""
    given = inputs.scores.get(node.code)
    entered = node.is_leaf and isinstance(node.rule, EnteredRule)
    if given is not None:
        score[row] = np.where(given.present & applicable[row], given.values, score[row])
        given_rows[row] = given.present
    elif entered:
        given = inputs.values.get(node.code)
    if given is not None:
        _check_range(node, inputs, given, applicable_max[row], applicable[row], problems)


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
