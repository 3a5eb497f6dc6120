"""How the report writes numbers: the Vietnamese way (dti.fixedpoint.format_vi: decimal
comma, percent sign after the number), counts on two digits as official reports print them
("05 đơn vị"), and exact fractions rounded once, half up."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from dti.fixedpoint import format_vi


def rounded(value: Fraction, decimals: int) -> Decimal:
    """An exact fraction rounded half up (away from zero) to `decimals` places."""
    scaled = abs(value) * 10**decimals
    units = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(-units if value < 0 else units).scaleb(-decimals)


def share(part: int, whole: int, decimals: int = 1) -> Decimal:
    """part / whole as a percent, rounded half up; 0 of nothing is 0."""
    return rounded(Fraction(100 * part, whole) if whole else Fraction(0), decimals)


def points_text(value: Decimal) -> str:
    """Points without trailing zeros, as the seeds print them: '50', '57,14', '427,8'."""
    if value == value.to_integral_value():
        return format_vi(value.quantize(Decimal(1)))
    return format_vi(value.normalize())


def percent_text(value: Decimal, *, trim: bool = False) -> str:
    """'99,3%'; with trim, a zero decimal is dropped as statements print it ('100%')."""
    text = format_vi(value, percent=True)
    if trim and value == value.to_integral_value():
        return format_vi(value.quantize(Decimal(1)), percent=True)
    return text


def count_text(number: int) -> str:
    """'05', '17', '150': counts in statements have at least two digits."""
    return f"{number:02d}"
