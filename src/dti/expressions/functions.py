"""The functions an expression may call: min, max, abs, floor, ceil, clamp and round."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Final

from dti.expressions.errors import DomainError
from dti.expressions.limits import MAX_ROUND_PLACES

FunctionImpl = Callable[[Sequence[Decimal]], Decimal]

_ROUND_QUANTA: Final = tuple(Decimal(1).scaleb(-places) for places in range(MAX_ROUND_PLACES + 1))


def _clamp(args: Sequence[Decimal]) -> Decimal:
    value, low, high = args
    if low > high:
        raise DomainError(f"cận dưới {low} lớn hơn cận trên {high}")
    return min(max(value, low), high)


def rounder(places: int) -> FunctionImpl:
    quantum = _ROUND_QUANTA[places]

    def apply(args: Sequence[Decimal]) -> Decimal:
        return args[0].quantize(quantum, rounding=ROUND_HALF_UP)

    return apply


@dataclass(frozen=True, slots=True)
class Function:
    min_args: int
    max_args: int | None  # None: no upper bound
    apply: FunctionImpl


FUNCTIONS: Final[Mapping[str, Function]] = {
    "min": Function(2, None, min),
    "max": Function(2, None, max),
    "abs": Function(1, 1, lambda args: abs(args[0])),
    "floor": Function(1, 1, lambda args: args[0].to_integral_value(rounding=ROUND_FLOOR)),
    "ceil": Function(1, 1, lambda args: args[0].to_integral_value(rounding=ROUND_CEILING)),
    "clamp": Function(3, 3, _clamp),
    # round(x, n): n is a literal read at compile time, which swaps in rounder(n); see
    # compiler.Compiler._round. This entry serves round(x) and the argument count check.
    "round": Function(1, 2, rounder(0)),
}
