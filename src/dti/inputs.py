"""Turning per-unit inputs (a self-assessment, a row of a published table) into the
engine's columns, with a clear problem for every value of the wrong kind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dti.campaign import AttributeValue
from dti.columns import Column, InputError, InputProblem, LevelInputs, RawValue
from dti.fixedpoint import to_scaled
from dti.framework.model import (
    ChoiceRule,
    CountRule,
    FormulaRule,
    Framework,
    Node,
    YesNoRule,
)


@dataclass(frozen=True)
class UnitInput:
    """One unit's inputs: raw leaf values, scores given at any node, bonus/penalty points.

    A formula leaf's value is a mapping of its input names to numbers."""

    unit: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    values: Mapping[str, RawValue | Mapping[str, Decimal]] = field(default_factory=dict)
    scores: Mapping[str, Decimal] = field(default_factory=dict)
    adjustments: Mapping[str, Decimal] = field(default_factory=dict)


def build_inputs(framework: Framework, units: Sequence[UnitInput]) -> LevelInputs:
    """Columns for the engine; InputError lists every value that cannot be used."""
    inputs = LevelInputs(
        unit_ids=tuple(u.unit for u in units), attributes=tuple(u.attributes for u in units)
    )
    problems: list[InputProblem] = []
    converted: dict[tuple[str, type, object], int | str] = {}
    size = len(units)
    adjustment_codes = {a.code for a in framework.adjustments}
    for position, unit in enumerate(units):
        for code, raw in unit.values.items():
            _put_value(framework, inputs, position, unit.unit, code, raw, problems, converted)
        for code, score in unit.scores.items():
            if code not in framework.by_code:
                problems.append(InputProblem(unit.unit, code, "không có tiêu chí mã này"))
                continue
            _put(inputs.scores, code, size, position, score, unit.unit, problems)
        for code, points in unit.adjustments.items():
            if code not in adjustment_codes:
                problems.append(InputProblem(unit.unit, code, "không có mục cộng/trừ điểm mã này"))
                continue
            _put(inputs.adjustments, code, size, position, points, unit.unit, problems)
    if problems:
        raise InputError(problems)
    return inputs


def _column(columns: dict[str, Column], code: str, size: int) -> Column:
    """The code's column, made the first time only: `setdefault` would allocate two arrays
    of the level's size for every value put (264,000 of them for 3,300 communes)."""
    column = columns.get(code)
    if column is None:
        column = columns[code] = Column.empty(size)
    return column


def _put(
    columns: dict[str, Column],
    code: str,
    size: int,
    position: int,
    value: Decimal,
    unit: str,
    problems: list[InputProblem],
) -> None:
    try:
        scaled = to_scaled(Decimal(value))
    except (ValueError, ArithmeticError) as error:
        problems.append(InputProblem(unit, code, str(error)))
        return
    column = _column(columns, code, size)
    column.values[position] = scaled
    column.present[position] = True


def _put_value(
    framework: Framework,
    inputs: LevelInputs,
    position: int,
    unit: str,
    code: str,
    raw: RawValue | Mapping[str, Decimal],
    problems: list[InputProblem],
    converted: dict[tuple[str, type, object], int | str],
) -> None:
    node = framework.by_code.get(code)
    if node is None or not node.is_leaf:
        problems.append(InputProblem(unit, code, "không phải tiêu chí lá của bộ chỉ số"))
        return
    if isinstance(node.rule, FormulaRule):
        _put_formula(node, node.rule, inputs, position, unit, raw, problems)
        return
    # A criterion's answers repeat (0 to 4 times, yes or no, one of three options): each
    # distinct one is converted once. The type is in the key: True == 1, but not as answers.
    key = (code, type(raw), raw)
    try:
        number = converted.get(key)
    except TypeError:  # not a value an input may hold (a list, say): said below, not kept
        number = _number_for(node, raw)
    if number is None:
        number = converted[key] = _number_for(node, raw)
    if isinstance(number, str):
        problems.append(InputProblem(unit, code, number))
        return
    column = _column(inputs.values, code, inputs.size)
    column.values[position] = number
    column.present[position] = True


def _number_for(node: Node, raw: object) -> int | str:
    """The column value for a raw input, or a message saying why it cannot be used."""
    rule = node.rule
    if isinstance(rule, YesNoRule):
        return int(raw) if isinstance(raw, bool) else "cần trả lời có/không"
    if isinstance(rule, ChoiceRule):
        values = [o.value for o in rule.options]
        if raw in values:
            return values.index(str(raw))
        return f"lựa chọn '{raw}' không hợp lệ; chọn một trong: {', '.join(values)}"
    if isinstance(raw, bool) or not isinstance(raw, Decimal | int):
        return f"cần một số, không phải {raw!r}"
    if isinstance(rule, CountRule) and (raw < 0 or Decimal(raw) != int(raw)):
        return f"số lần phải là số nguyên không âm, không phải {raw}"
    try:
        return to_scaled(Decimal(raw))
    except ValueError as error:
        return str(error)


def _put_formula(
    node: Node,
    rule: FormulaRule,
    inputs: LevelInputs,
    position: int,
    unit: str,
    raw: object,
    problems: list[InputProblem],
) -> None:
    if not isinstance(raw, Mapping):
        names = ", ".join(rule.label(name) for name in rule.inputs)  # as the framework names them
        problems.append(InputProblem(unit, node.code, f"cần các đầu vào: {names}"))
        return
    for name in rule.inputs:
        value = raw.get(name)
        code = f"{node.code}.{name}"
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            problems.append(InputProblem(unit, code, f"cần một số, không phải {value!r}"))
            continue
        try:
            scaled = to_scaled(Decimal(value))
        except ValueError as error:
            problems.append(InputProblem(unit, code, str(error)))
            continue
        column = _column(inputs.values, code, inputs.size)
        column.values[position] = scaled
        column.present[position] = True
