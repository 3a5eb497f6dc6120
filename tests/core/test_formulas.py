"""Formulas evaluated by column are exact: they agree with a plain Fraction evaluation,
unit by unit, including past int64 and where a division by zero is on an untaken branch."""

from __future__ import annotations

import ast
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dti.expressions import compile_expression
from dti.formulas import ColumnFormula, Fractions, Unsupported

FORMULAS = [
    "a + b * 2 - c / 3",
    "min(a / b * 100, 80) / 80 * 20 if b > 0 else 0",
    "max(a, b, c) - min(a, b, c)",
    "round(a / 3, 2) + floor(b / 7) - ceil(c / 9)",
    "clamp(a - b, 0, 10)",
    "abs(a - b) / (c + 1) if c >= 0 else -1",
    "a / b if b != 0 and a > 0 or c > 5 else 0",
    "(a * b * c) / 7 + 1 / 3",
    "not (a > b) and c >= 0",
]


def reference(source: str, env: dict[str, Fraction]) -> Fraction | bool | None:
    """Plain recursive Fraction evaluation; None where a division by zero is reached."""

    def run(node: ast.expr) -> Fraction | bool:
        match node:
            case ast.Constant(value=bool() as flag):
                return flag
            case ast.Constant():
                return Fraction(ast.get_source_segment(source, node) or "0")
            case ast.Name(id=name):
                return env[name]
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return -run(operand)
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                return not run(operand)
            case ast.BinOp(left=left, op=op, right=right):
                a, b = run(left), run(right)
                if isinstance(op, ast.Div) and b == 0:
                    raise ZeroDivisionError
                return (
                    {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}.get(type(op))
                    if not isinstance(op, ast.Div)
                    else Fraction(a) / b
                )
            case ast.BoolOp(op=ast.And(), values=values):
                return all(run(v) for v in values)
            case ast.BoolOp(op=ast.Or(), values=values):
                return any(run(v) for v in values)
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                items = [run(left)] + [run(c) for c in comparators]
                table = {
                    ast.Lt: lambda x, y: x < y,
                    ast.LtE: lambda x, y: x <= y,
                    ast.Gt: lambda x, y: x > y,
                    ast.GtE: lambda x, y: x >= y,
                    ast.Eq: lambda x, y: x == y,
                    ast.NotEq: lambda x, y: x != y,
                }
                return all(
                    table[type(o)](x, y) for o, x, y in zip(ops, items, items[1:], strict=False)
                )
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return run(body) if run(test) else run(orelse)
            case ast.Call(func=ast.Name(id=name), args=args):
                values = [run(a) for a in args]
                if name == "round":
                    places = int(values[1]) if len(values) > 1 else 0
                    scaled = values[0] * 10**places
                    whole = math.floor(abs(scaled) + Fraction(1, 2)) * (1 if scaled >= 0 else -1)
                    return Fraction(whole, 10**places)
                functions = {
                    "min": min,
                    "max": max,
                    "abs": lambda x: abs(x),
                    "floor": lambda x: Fraction(math.floor(x)),
                    "ceil": lambda x: Fraction(math.ceil(x)),
                    "clamp": lambda x, lo, hi: min(max(x, lo), hi),
                }
                return functions[name](*values)
        raise AssertionError(ast.dump(node))

    try:
        return run(ast.parse(source, mode="eval").body)
    except ZeroDivisionError:
        return None


def columns(values: list[tuple[Decimal, Decimal, Decimal]]) -> dict[str, Fractions]:
    size = len(values)
    out = {}
    for position, name in enumerate("abc"):
        nums = [int(v[position].scaleb(4)) for v in values]
        dtype = object if any(abs(n) >= 2**62 for n in nums) else np.int64
        out[name] = Fractions(
            np.array(nums, dtype=dtype),
            np.full(size, 10**4, dtype=np.int64),
            np.zeros(size, dtype=bool),
        )
    return out


numbers = st.decimals(
    min_value=-(10**6), max_value=10**6, places=4, allow_nan=False, allow_infinity=False
)


@pytest.mark.parametrize("source", FORMULAS)
@given(st.lists(st.tuples(numbers, numbers, numbers), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_column_formulas_equal_a_fraction_evaluation(source, values):
    compile_expression(source)  # the formula is valid in the framework language
    result = (
        ColumnFormula(source).evaluate(columns(values), len(values))
        if "not (" not in source
        else None
    )
    for position, row in enumerate(values):
        expected = reference(source, {n: Fraction(v) for n, v in zip("abc", row, strict=True)})
        if result is None:
            continue
        if expected is None:
            assert result.undefined[position]
        else:
            assert not result.undefined[position]
            assert Fraction(int(result.num[position]), int(result.den[position])) == expected


def test_boolean_results_are_not_numbers():
    with pytest.raises(Unsupported):
        ColumnFormula("not (a > b) and c >= 0").evaluate(
            columns([(Decimal(1), Decimal(2), Decimal(3))]), 1
        )


def test_huge_values_leave_int64_and_stay_exact():
    big = Decimal("999999999999.9999")
    values = [(big, big, Decimal(7))]
    result = ColumnFormula("(a * b * c) / 7 + 1 / 3").evaluate(columns(values), 1)
    assert Fraction(int(result.num[0]), int(result.den[0])) == Fraction(big) * Fraction(
        big
    ) + Fraction(1, 3)


def test_division_by_zero_only_counts_on_the_branch_taken():
    values = [(Decimal(5), Decimal(0), Decimal(0)), (Decimal(5), Decimal(2), Decimal(0))]
    guarded = ColumnFormula("a / b if b > 0 else 0").evaluate(columns(values), 2)
    assert not guarded.undefined.any()
    bare = ColumnFormula("a / b").evaluate(columns(values), 2)
    assert list(bare.undefined) == [True, False]


def test_clamp_with_inverted_bounds_is_undefined_as_in_the_unit_by_unit_evaluator():
    result = ColumnFormula("clamp(a, b, c)").evaluate(
        columns([(Decimal(5), Decimal(9), Decimal(1))]), 1
    )
    assert result.undefined[0]


def test_text_values_fall_back_to_the_unit_by_unit_evaluator():
    with pytest.raises(Unsupported):
        ColumnFormula("1 if 'x' == 'x' else 0")
