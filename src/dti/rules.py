"""Scoring leaves: each rule applied to a whole column of raw inputs at once, exactly.

The rules' meaning is in docs/frameworks.md; their rounding (half up to the framework's
score decimals) in docs/scoring.md."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import numpy as np

from dti.columns import Column, InputProblem, LevelInputs
from dti.expressions import ExpressionError
from dti.fixedpoint import (
    SCALE,
    SCALE_DIGITS,
    IntArray,
    from_scaled,
    mul_div_half_up,
    round_half_up,
    to_scaled,
)
from dti.formulas import ColumnFormula, Fractions, Unsupported, exceeds
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


def leaf_points(
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
        # Bands are high to low: the number of mins a value reaches, counted from the bottom,
        # gives the first band (from the top) it reaches; reaching none gives the trailing 0.
        table = np.array([to_scaled(b.points) for b in rule.bands] + [0], dtype=np.int64)
        ascending = np.array([to_scaled(b.min) for b in reversed(rule.bands)], dtype=np.int64)
        reached = np.zeros(len(values), dtype=np.int64)
        for minimum in ascending:
            reached += values >= minimum
        banded: IntArray = table[len(rule.bands) - reached]
        return banded
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
    """A formula over whole columns, exactly; rounded half up and clamped to [0, max].

    Units where it is undefined (a division by zero) are evaluated again one by one, for
    the evaluator's own message."""
    columns = {name: inputs.values.get(f"{node.code}.{name}") for name in rule.inputs}
    given = [column for column in columns.values() if column is not None]
    if len(given) < len(columns):  # an input nobody answered: no unit can be scored
        return np.zeros(inputs.size, dtype=np.int64), np.zeros(inputs.size, dtype=bool)
    present = np.logical_and.reduce([column.present for column in given])
    denominator = np.full(inputs.size, SCALE, dtype=np.int64)
    fractions = {
        name: Fractions(c.values, denominator, ~present)
        for name, c in zip(columns, given, strict=True)
    }
    try:
        value = _column_formula(rule.expression.source).evaluate(fractions, inputs.size)
    except Unsupported:
        return _formula_by_unit(framework, node, rule, inputs, present, problems)
    for unit in np.flatnonzero(present & value.undefined):
        problems.append(
            InputProblem(inputs.unit_ids[unit], node.code, _formula_error(rule, inputs, node, unit))
        )
    present &= ~value.undefined
    quantum = _quantum(framework)
    num = np.where(present & (value.num > 0), value.num, 0)  # below zero clamps to 0
    den = np.where(present, value.den, 1)
    points = mul_div_half_up(num, SCALE // quantum, den) * quantum
    over = exceeds(Fractions(num, den, value.undefined), node.max)
    capped = to_scaled(round_half_up(node.max, framework.score_decimals))
    return np.asarray(np.where(over, capped, points), dtype=np.int64), present


@lru_cache(maxsize=256)
def _column_formula(source: str) -> ColumnFormula:
    return ColumnFormula(source)


def _formula_env(
    rule: FormulaRule, inputs: LevelInputs, node: Node, unit: int
) -> dict[str, Decimal]:
    return {
        name: from_scaled(int(inputs.values[f"{node.code}.{name}"].values[unit]))
        for name in rule.inputs
    }


def _formula_error(rule: FormulaRule, inputs: LevelInputs, node: Node, unit: int) -> str:
    try:
        rule.expression.evaluate_number(_formula_env(rule, inputs, node, unit))
    except ExpressionError as error:
        return str(error)
    return f'Biểu thức "{rule.expression.source}": không xác định (chia cho 0)'


def _formula_by_unit(
    framework: Framework,
    node: Node,
    rule: FormulaRule,
    inputs: LevelInputs,
    present: np.ndarray,
    problems: list[InputProblem],
) -> tuple[IntArray, np.ndarray]:
    """The unit-by-unit path with exact Decimals, for formulas the column path cannot take."""
    score = np.zeros(inputs.size, dtype=np.int64)
    done = np.zeros(inputs.size, dtype=bool)
    places = Decimal(1).scaleb(-framework.score_decimals)
    for unit in np.flatnonzero(present):
        try:
            value = rule.expression.evaluate_number(_formula_env(rule, inputs, node, unit))
        except ExpressionError as error:
            problems.append(InputProblem(inputs.unit_ids[unit], node.code, str(error)))
            continue
        clamped = min(max(value, Decimal(0)), node.max).quantize(places, rounding="ROUND_HALF_UP")
        score[unit], done[unit] = to_scaled(clamped), True
    return score, done
