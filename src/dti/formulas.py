"""Formula rules evaluated for all units at once, exactly.

A formula (already checked by dti.expressions when the framework was loaded) is evaluated
on columns of exact fractions: integer numerators and positive denominators, reduced after
every operation, in int64 while that cannot overflow and in Python integers beyond. The
result is the exact rational value, which the engine rounds once, half up.

Division by zero does not stop the column: the units where it happened on the branch their
value comes from are marked, so `a / b if b > 0 else 0` is fine where b is 0, as in the
unit-by-unit evaluator. Formulas this module cannot take (text values) fall back to it.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from dti.fixedpoint import AnyIntArray

_INT64_SAFE = 2**62
_gcd_object = np.frompyfunc(math.gcd, 2, 1)


class Unsupported(Exception):
    """The formula uses something only the unit-by-unit evaluator handles."""


@dataclass(frozen=True)
class Fractions:
    """num / den per unit (den > 0), and where a division by zero made the value undefined."""

    num: AnyIntArray
    den: AnyIntArray
    undefined: np.ndarray

    @classmethod
    def of(cls, value: Decimal, size: int) -> Fractions:
        num, den = value.as_integer_ratio()
        return cls(
            np.full(size, num, dtype=_dtype(num)),
            np.full(size, den, dtype=_dtype(den)),
            np.zeros(size, dtype=bool),
        )


@dataclass(frozen=True)
class Truths:
    value: np.ndarray
    undefined: np.ndarray


Value = Fractions | Truths
Evaluator = Callable[[Mapping[str, Fractions], int], Value]


def _peak(array: AnyIntArray) -> int:
    return max(abs(int(array.max())), abs(int(array.min()))) if array.size else 0


def _dtype(number: int) -> type:
    return np.int64 if abs(number) < _INT64_SAFE else object


def _fits(*arrays: AnyIntArray) -> bool:
    """True when the product of these arrays' magnitudes stays inside int64."""
    bound = 1
    for array in arrays:
        if array.dtype == object:
            return False
        bound *= max(int(np.max(np.abs(array))) if array.size else 0, 1)
    return bound < _INT64_SAFE


def _mul(a: AnyIntArray, b: AnyIntArray) -> AnyIntArray:
    if _fits(a, b):
        return a * b
    return a.astype(object) * b.astype(object)  # type: ignore[no-any-return]  # numpy types a product of object arrays as Any


_REDUCE_ABOVE = 2**31


def _reduced(num: AnyIntArray, den: AnyIntArray, undefined: np.ndarray) -> Fractions:
    """num / den with the common factors taken out once the numbers grow: exactness never
    needs it (comparisons cross-multiply), but small numbers keep the arithmetic in int64."""
    small = num.dtype != object and den.dtype != object
    if small and max(_peak(num), _peak(den)) < _REDUCE_ABOVE:
        return Fractions(num, den, undefined)
    if not small:
        num, den = num.astype(object), den.astype(object)
        common = _gcd_object(num, den)
    else:
        common = np.gcd(num, den)
    common = np.where(common == 0, 1, common)
    num, den = num // common, den // common
    if num.dtype == object and _fits(num) and _fits(den):
        num, den = num.astype(np.int64), den.astype(np.int64)
    return Fractions(num, den, undefined)


def _add(a: Fractions, b: Fractions, sign: int) -> Fractions:
    # Each product is below 2**62 (or a Python integer), so their sum cannot overflow int64.
    num = _mul(a.num, b.den) + sign * _mul(b.num, a.den)
    return _reduced(num, _mul(a.den, b.den), a.undefined | b.undefined)


def _times(a: Fractions, b: Fractions) -> Fractions:
    return _reduced(_mul(a.num, b.num), _mul(a.den, b.den), a.undefined | b.undefined)


def _divide(a: Fractions, b: Fractions) -> Fractions:
    zero = b.num == 0
    sign = np.where(b.num < 0, -1, 1)
    safe_num = np.where(zero, 1, b.num * sign)
    return _reduced(
        _mul(a.num * sign, b.den), _mul(a.den, safe_num), a.undefined | b.undefined | zero
    )


def _compare(a: Fractions, b: Fractions, symbol: type[ast.cmpop]) -> Truths:
    left, right = _mul(a.num, b.den), _mul(b.num, a.den)
    compare: Callable[[Any, Any], Any] = _COMPARISONS[symbol]
    return Truths(np.asarray(compare(left, right), dtype=bool), a.undefined | b.undefined)


_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}  # fmt: skip


def _select(condition: Truths, yes: Value, no: Value) -> Value:
    undefined = condition.undefined | np.where(condition.value, yes.undefined, no.undefined)
    if isinstance(yes, Truths) and isinstance(no, Truths):
        return Truths(np.where(condition.value, yes.value, no.value), undefined)
    if isinstance(yes, Fractions) and isinstance(no, Fractions):
        wide = object in (yes.num.dtype, no.num.dtype, yes.den.dtype, no.den.dtype)
        kind: type = object if wide else np.int64
        num = np.where(condition.value, yes.num.astype(kind), no.num.astype(kind))
        den = np.where(condition.value, yes.den.astype(kind), no.den.astype(kind))
        return _reduced(num, den, undefined)
    raise Unsupported("nhánh trả về kiểu khác nhau")


def _extreme(values: Sequence[Fractions], larger: bool) -> Fractions:
    best = values[0]
    for other in values[1:]:
        take = _compare(other, best, ast.Gt if larger else ast.Lt).value
        best = _select(Truths(take, np.zeros_like(take)), other, best)  # type: ignore[assignment]  # _select of two Fractions is Fractions
        best = Fractions(best.num, best.den, best.undefined | other.undefined)
    return best


def _round(value: Fractions, places: int, mode: str) -> Fractions:
    """Half up (away from zero), floor or ceil at `places` decimals."""
    scale = 10**places
    num = _mul(value.num, np.array([scale]))
    if mode == "floor":
        whole = num // value.den
    elif mode == "ceil":
        whole = -((-num) // value.den)
    else:
        sign = np.where(num < 0, -1, 1)
        whole = sign * ((2 * (num * sign) + value.den) // (2 * value.den))
    return _reduced(whole, np.full_like(value.den, scale), value.undefined)


class ColumnFormula:
    """A compiled formula that evaluates whole columns of exact fractions."""

    def __init__(self, source: str):
        tree = ast.parse(source.strip(), mode="eval")
        self._source = source
        self._run = self._compile(tree.body)

    def evaluate(self, columns: Mapping[str, Fractions], size: int) -> Fractions:
        result = self._run(columns, size)
        if not isinstance(result, Fractions):
            raise Unsupported("công thức không trả về một số")
        return result

    def _compile(self, node: ast.expr) -> Evaluator:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise Unsupported(type(node).__name__)
        compiled: Evaluator = method(node)
        return compiled

    def _Constant(self, node: ast.Constant) -> Evaluator:
        if isinstance(node.value, bool):
            flag = node.value
            return lambda cols, size: Truths(np.full(size, flag), np.zeros(size, dtype=bool))
        if not isinstance(node.value, int | float):
            raise Unsupported("hằng không phải số")
        text = ast.get_source_segment(self._source.strip(), node) or repr(node.value)
        number = Decimal(text)
        return lambda cols, size: Fractions.of(number, size)

    def _Name(self, node: ast.Name) -> Evaluator:
        name = node.id
        if name in {"true", "false"}:
            flag = name == "true"
            return lambda cols, size: Truths(np.full(size, flag), np.zeros(size, dtype=bool))
        return lambda cols, size: cols[name]

    def _BinOp(self, node: ast.BinOp) -> Evaluator:
        left, right = self._compile(node.left), self._compile(node.right)
        operation: dict[type[ast.operator], Callable[[Fractions, Fractions], Fractions]] = {
            ast.Add: lambda a, b: _add(a, b, 1),
            ast.Sub: lambda a, b: _add(a, b, -1),
            ast.Mult: _times,
            ast.Div: _divide,
        }
        apply = operation.get(type(node.op))
        if apply is None:
            raise Unsupported(type(node.op).__name__)
        return lambda cols, size: apply(_number(left(cols, size)), _number(right(cols, size)))

    def _UnaryOp(self, node: ast.UnaryOp) -> Evaluator:
        operand = self._compile(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda cols, size: _negate(_truth(operand(cols, size)))
        sign = -1 if isinstance(node.op, ast.USub) else 1

        def run(cols: Mapping[str, Fractions], size: int) -> Value:
            value = _number(operand(cols, size))
            return Fractions(value.num * sign, value.den, value.undefined)

        return run

    def _Compare(self, node: ast.Compare) -> Evaluator:
        parts = [self._compile(n) for n in (node.left, *node.comparators)]
        symbols = [type(op) for op in node.ops]

        def run(cols: Mapping[str, Fractions], size: int) -> Value:
            values = [_number(part(cols, size)) for part in parts]
            result = Truths(np.ones(size, dtype=bool), np.zeros(size, dtype=bool))
            for left, right, symbol in zip(values, values[1:], symbols, strict=False):
                step = _compare(left, right, symbol)
                result = Truths(result.value & step.value, result.undefined | step.undefined)
            return result

        return run

    def _BoolOp(self, node: ast.BoolOp) -> Evaluator:
        parts = [self._compile(n) for n in node.values]
        is_and = isinstance(node.op, ast.And)

        def run(cols: Mapping[str, Fractions], size: int) -> Value:
            result = _truth(parts[0](cols, size))
            for part in parts[1:]:
                other = _truth(part(cols, size))
                decided = ~result.value if is_and else result.value  # short-circuit per unit
                value = (result.value & other.value) if is_and else (result.value | other.value)
                result = Truths(value, result.undefined | (~decided & other.undefined))
            return result

        return run

    def _IfExp(self, node: ast.IfExp) -> Evaluator:
        test, body, orelse = (self._compile(n) for n in (node.test, node.body, node.orelse))
        return lambda cols, size: _select(
            _truth(test(cols, size)), body(cols, size), orelse(cols, size)
        )

    def _Call(self, node: ast.Call) -> Evaluator:
        if not isinstance(node.func, ast.Name):
            raise Unsupported("lời gọi")
        name = node.func.id
        args = [self._compile(a) for a in node.args]
        if name == "round":
            places = int(ast.literal_eval(node.args[1])) if len(node.args) > 1 else 0
            return lambda cols, size: _round(_number(args[0](cols, size)), places, "half_up")
        functions: dict[str, Callable[[list[Fractions]], Fractions]] = {
            "min": lambda v: _extreme(v, larger=False),
            "max": lambda v: _extreme(v, larger=True),
            "abs": lambda v: Fractions(abs(v[0].num), v[0].den, v[0].undefined),
            "clamp": _clamp,
            "floor": lambda v: _round(v[0], 0, "floor"),
            "ceil": lambda v: _round(v[0], 0, "ceil"),
        }
        function = functions.get(name)
        if function is None:
            raise Unsupported(name)
        return lambda cols, size: function([_number(a(cols, size)) for a in args])


def _clamp(values: list[Fractions]) -> Fractions:
    """clamp(x, lo, hi); undefined where lo > hi, which the unit-by-unit evaluator refuses."""
    value, low, high = values
    clamped = _extreme([_extreme([value, low], larger=True), high], larger=False)
    inverted = _compare(low, high, ast.Gt).value
    return Fractions(clamped.num, clamped.den, clamped.undefined | inverted)


def _number(value: Value) -> Fractions:
    if not isinstance(value, Fractions):
        raise Unsupported("cần một số")
    return value


def _truth(value: Value) -> Truths:
    if not isinstance(value, Truths):
        raise Unsupported("cần đúng/sai")
    return value


def _negate(value: Truths) -> Truths:
    return Truths(~value.value, value.undefined)


def exceeds(value: Fractions, limit: Decimal) -> np.ndarray:
    """Where value > limit, exactly."""
    return _compare(value, Fractions.of(limit, len(value.num)), ast.Gt).value
