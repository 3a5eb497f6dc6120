"""The scoring engine: a framework and every unit's inputs in, every node's score and
applicable max out, for all units of a level at once.

Work is column by column (one criterion across all units) on integers counting
1/10 000 of a point, so the result is exact and a national-scale level (11 000 units x
100 criteria) computes in a fraction of a second. See docs/scoring.md for the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np

from dti.campaign import AttributeValue
from dti.expressions import Expression, ExpressionError
from dti.fixedpoint import (
    SCALE,
    SCALE_DIGITS,
    IntArray,
    from_scaled,
    mul_div_half_up,
    points_vi,
    to_scaled,
)
from dti.framework.model import (
    BandsRule,
    ChoiceRule,
    CountRule,
    EnteredRule,
    FormulaRule,
    Framework,
    Node,
    RatioRule,
    YesNoRule,
)

RawValue = Decimal | bool | str


@dataclass(frozen=True)
class InputProblem:
    unit: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.unit}, {self.code}: {self.message}"


class InputError(ValueError):
    def __init__(self, problems: Sequence[InputProblem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(map(str, self.problems)))


@dataclass
class Column:
    """One criterion's values across units: scaled integers (or option numbers) and a mask."""

    values: IntArray
    present: np.ndarray

    @classmethod
    def empty(cls, size: int) -> Column:
        return cls(np.zeros(size, dtype=np.int64), np.zeros(size, dtype=bool))


@dataclass
class LevelInputs:
    """Inputs of every unit of a level, by column.

    `values` are raw leaf inputs by leaf code (for a formula, by "leaf.input"); `scores` are
    scores given directly at any node (a published table with main-index scores only);
    `formula_values` hold formula inputs as Decimals, evaluated unit by unit.
    """

    unit_ids: tuple[str, ...]
    attributes: tuple[Mapping[str, AttributeValue], ...]
    values: dict[str, Column] = field(default_factory=dict)
    scores: dict[str, Column] = field(default_factory=dict)
    adjustments: dict[str, Column] = field(default_factory=dict)
    formula_values: dict[str, list[Decimal | None]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.unit_ids)

    @cached_property
    def attribute_sets(self) -> tuple[IntArray, list[Mapping[str, AttributeValue]]]:
        """Each unit's number among the distinct sets of attributes, and one of each set:
        conditions are evaluated once per set, not once per unit."""
        seen: dict[tuple[tuple[str, object], ...], int] = {}
        ids = np.empty(self.size, dtype=np.int64)
        samples: list[Mapping[str, AttributeValue]] = []
        for position, attrs in enumerate(self.attributes):
            key = tuple(sorted(attrs.items()))
            if key not in seen:
                seen[key] = len(samples)
                samples.append(attrs)
            ids[position] = seen[key]
        return ids, samples


@dataclass
class LevelScores:
    """Every node's score and applicable max for every unit (rows: nodes, columns: units)."""

    framework: Framework
    unit_ids: tuple[str, ...]
    node_index: Mapping[str, int]
    score: IntArray
    applicable_max: IntArray
    answered: np.ndarray  # True where the node's score came from an input or a given score
    bonus: IntArray
    penalty: IntArray
    problems: tuple[InputProblem, ...]

    @property
    def root_rows(self) -> list[int]:
        return [self.node_index[root.code] for root in self.framework.nodes]

    @property
    def total(self) -> IntArray:
        return self.score[self.root_rows].sum(axis=0) + self.bonus - self.penalty  # type: ignore[no-any-return]

    @property
    def total_applicable_max(self) -> IntArray:
        return self.applicable_max[self.root_rows].sum(axis=0)  # type: ignore[no-any-return]

    def node_score(self, code: str, unit: int) -> Decimal:
        return from_scaled(int(self.score[self.node_index[code], unit]))

    def node_max(self, code: str, unit: int) -> Decimal:
        return from_scaled(int(self.applicable_max[self.node_index[code], unit]))


def compute(framework: Framework, inputs: LevelInputs) -> LevelScores:
    """Scores of every node for every unit. Input problems are returned, not raised."""
    nodes = framework.all_nodes
    index = {node.code: row for row, node in enumerate(nodes)}
    size = inputs.size
    applicable = _applicability(framework, inputs, index)
    score = np.zeros((len(nodes), size), dtype=np.int64)
    answered = np.zeros((len(nodes), size), dtype=bool)
    problems: list[InputProblem] = []
    full_max = np.array([to_scaled(n.max) for n in nodes], dtype=np.int64)
    applicable_max = np.where(applicable, full_max[:, None], 0)
    for node in reversed(nodes):  # children before parents
        row = index[node.code]
        if node.is_leaf:
            score[row], answered[row] = _leaf(framework, node, inputs, problems)
        else:
            children = [index[c.code] for c in node.children]
            applicable_max[row] = applicable_max[children].sum(axis=0)
            score[row] = score[children].sum(axis=0)
            answered[row] = answered[children].all(axis=0)
        _apply_given(node, inputs, row, score, answered)
        score[row] = np.where(applicable[row], score[row], 0)
        _check_range(node, inputs, score[row], applicable_max[row], applicable[row], problems)
    bonus, penalty = _adjustments(framework, inputs, problems)
    return LevelScores(
        framework, inputs.unit_ids, index, score, applicable_max, answered, bonus, penalty,
        tuple(problems),
    )  # fmt: skip


def _applicability(
    framework: Framework, inputs: LevelInputs, index: Mapping[str, int]
) -> np.ndarray:
    """A node applies when its own condition holds and its parent applies."""
    applicable = np.ones((len(index), inputs.size), dtype=bool)
    for node in framework.all_nodes:
        row = index[node.code]
        parent = framework.parent_of.get(node.code)
        if parent is not None:
            applicable[row] = applicable[index[parent.code]]
        if node.applies_when is not None:
            applicable[row] &= evaluate_condition(node.applies_when, inputs)
    return applicable


def evaluate_condition(condition: Expression, inputs: LevelInputs) -> np.ndarray:
    """The condition for each unit, evaluated once per distinct set of attributes."""
    ids, samples = inputs.attribute_sets
    return np.array([condition.evaluate_condition(attrs) for attrs in samples], dtype=bool)[ids]


def _leaf(
    framework: Framework, node: Node, inputs: LevelInputs, problems: list[InputProblem]
) -> tuple[IntArray, np.ndarray]:
    rule = node.rule
    if isinstance(rule, FormulaRule):
        return _formula(framework, node, rule, inputs, problems)
    column = inputs.values.get(node.code)
    if column is None or isinstance(rule, EnteredRule):
        column = column or Column.empty(inputs.size)
        return np.where(column.present, column.values, 0), column.present.copy()
    points = _rule_points(framework, node, column.values)
    return np.where(column.present, points, 0), column.present.copy()


def _quantum(framework: Framework) -> int:
    """Rule results are rounded half up to the framework's score decimals."""
    return int(10 ** (SCALE_DIGITS - framework.score_decimals))


def _rule_points(framework: Framework, node: Node, values: IntArray) -> IntArray:
    rule, max_points, quantum = node.rule, to_scaled(node.max), _quantum(framework)
    if isinstance(rule, YesNoRule):
        return np.where(values != 0, max_points, 0)
    if isinstance(rule, ChoiceRule):
        table = np.array([to_scaled(o.points) for o in rule.options] + [0], dtype=np.int64)
        return table[np.clip(values, -1, len(rule.options) - 1)]
    if isinstance(rule, RatioRule):
        value = np.maximum(values, 0)
        points = mul_div_half_up(value, max_points, to_scaled(rule.target) * quantum) * quantum
        points = np.where(value < to_scaled(rule.minimum), 0, points)
        return np.minimum(points, max_points) if rule.cap else points.astype(np.int64)
    if isinstance(rule, BandsRule):
        choices = [np.int64(to_scaled(b.points)) for b in rule.bands]
        conditions = [values >= to_scaled(b.min) for b in rule.bands]
        return np.select(conditions, choices, default=0).astype(np.int64)
    assert isinstance(rule, CountRule)
    points = mul_div_half_up(np.maximum(values, 0), to_scaled(rule.points_each), SCALE * quantum)
    capped: IntArray = np.minimum(points * quantum, max_points).astype(np.int64)
    return capped


def _formula(
    framework: Framework,
    node: Node,
    rule: FormulaRule,
    inputs: LevelInputs,
    problems: list[InputProblem],
) -> tuple[IntArray, np.ndarray]:
    """Formulas are evaluated unit by unit with exact Decimals, then rounded and clamped."""
    columns = [inputs.formula_values.get(f"{node.code}.{name}") for name in rule.inputs]
    score = np.zeros(inputs.size, dtype=np.int64)
    present = np.zeros(inputs.size, dtype=bool)
    places = Decimal(1).scaleb(-framework.score_decimals)
    for unit in range(inputs.size):
        env = {
            n: (c[unit] if c is not None else None)
            for n, c in zip(rule.inputs, columns, strict=True)
        }
        if any(v is None for v in env.values()):
            continue
        try:
            value = rule.expression.evaluate_number(env)
        except ExpressionError as error:
            problems.append(InputProblem(inputs.unit_ids[unit], node.code, str(error)))
            continue
        clamped = min(max(value, Decimal(0)), node.max).quantize(places, rounding="ROUND_HALF_UP")
        score[unit], present[unit] = to_scaled(clamped), True
    return score, present


def _apply_given(
    node: Node, inputs: LevelInputs, row: int, score: IntArray, answered: np.ndarray
) -> None:
    given = inputs.scores.get(node.code)
    if given is not None:
        score[row] = np.where(given.present, given.values, score[row])
        answered[row] |= given.present


def _check_range(
    node: Node,
    inputs: LevelInputs,
    score: IntArray,
    applicable_max: IntArray,
    applicable: np.ndarray,
    problems: list[InputProblem],
) -> None:
    """A given score must lie in [0, applicable max] and only on applicable nodes.

    Raw rule inputs (a percentage, a count, an option) are not scores: only scores given at
    a node, or entered as a leaf's score, are checked here."""
    given = inputs.scores.get(node.code)
    if given is None and node.is_leaf and isinstance(node.rule, EnteredRule):
        given = inputs.values.get(node.code)
    if given is None:
        return
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
