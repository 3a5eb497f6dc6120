"""Exact decimal arithmetic on integers, and Vietnamese number formatting.

Scores are held as integers counting 1/10 000 of a point (``SCALE``), so sums of any
number of scores are exact and fast in numpy. Ratios are exact fractions of two such
integers, rounded once, half up, when they are displayed or compared at a precision.
The rounding rules are written down in docs/scoring.md.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

SCALE_DIGITS = 4
SCALE = 10**SCALE_DIGITS
# Products above this go to Python integers (numpy object arrays) so nothing overflows int64.
_INT64_SAFE = 2**62

IntArray = npt.NDArray[np.int64]
AnyIntArray = npt.NDArray[Any]  # int64, or object holding Python ints when int64 could overflow


def to_scaled(value: Decimal) -> int:
    """Points as an integer of 1/SCALE points; more than SCALE_DIGITS decimals is an error."""
    scaled = value.scaleb(SCALE_DIGITS)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} có quá {SCALE_DIGITS} chữ số thập phân")
    return int(scaled)


def from_scaled(scaled: int, decimals: int = SCALE_DIGITS) -> Decimal:
    """The Decimal for a scaled integer with at least `decimals` places: 481.45 -> 481.45,
    451 -> 451.00. Never rounds: a value with more digits keeps them all."""
    exact = Decimal(int(scaled)).scaleb(-SCALE_DIGITS)
    shown = exact.quantize(Decimal(1).scaleb(-decimals))
    return shown if shown == exact else exact.normalize()


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _peak(value: AnyIntArray | int) -> int:
    if isinstance(value, int):
        return abs(value)
    if value.size == 0:
        return 0
    return max(abs(int(value.max())), abs(int(value.min())))


def div_half_up(numerator: AnyIntArray, denominator: AnyIntArray | int) -> AnyIntArray:
    """Element-wise numerator / denominator rounded half up (away from zero at .5).

    Denominators must be positive. Works on int64 and on object arrays of Python ints.
    """
    if numerator.dtype != object and (numerator.size == 0 or numerator.min() >= 0):
        return (2 * numerator + denominator) // (2 * denominator)
    sign = np.where(numerator < 0, -1, 1)
    magnitude = numerator * sign
    result = (2 * magnitude + denominator) // (2 * denominator)
    return result * sign  # type: ignore[no-any-return]  # numpy types this product as Any


def mul_div_half_up(a: AnyIntArray, b: AnyIntArray | int, c: AnyIntArray | int) -> AnyIntArray:
    """round_half_up(a * b / c) without overflow: switches to Python integers when needed."""
    if a.dtype != object and 2 * max(_peak(a), 1) * max(_peak(b), 1) >= _INT64_SAFE:
        a = np.asarray(a).astype(object)
        if isinstance(b, np.ndarray):
            b = b.astype(object)
        if isinstance(c, np.ndarray):
            c = c.astype(object)
    return div_half_up(a * b, c)


def format_vi(value: Decimal, *, percent: bool = False) -> str:
    """A number the Vietnamese way: decimal comma, no thousands separator in tables."""
    text = f"{value:f}".replace(".", ",")
    return f"{text}%" if percent else text


def points_vi(scaled: int) -> str:
    """Scaled points for a message: '30', '37,24' (no trailing zeros, decimal comma)."""
    value = Decimal(int(scaled)).scaleb(-SCALE_DIGITS).normalize()
    return format_vi(value.quantize(Decimal(1)) if value == value.to_integral() else value)
