"""The one reader of numbers that enter the portal or the core, whatever carried them.

A number arrives as text a person typed or a table printed ("87,5", "1.234,5", "94 %"), as
a spreadsheet cell (int or float), as a JSON or YAML literal (Decimal) or as a Python int.
Every path (the self-assessment page, system-value imports in CSV, XLSX and JSON, the API,
framework files in YAML and XLSX, the units workbook, published tables) reads it here, so
every path accepts the same numbers and refuses the rest with the same Vietnamese message.

Accepted: finite numbers with |x| ≤ 10^12 (MAX_MAGNITUDE) and at most four decimal places
(the scoring core's scale, dti.fixedpoint). Nothing the DTI measures comes near 10^12: the
largest inputs are counts of records and amounts of money in millions of đồng. Refused:
NaN, infinities, 1e309 (an infinity once a float), 1E+999999999 (a Decimal whose scaling
overflows) and numbers of thousands of digits: stored, each of them made every page that
scores the unit fail. The bound is checked before any arithmetic, so no reading can
overflow, and a Python int is measured by its bits, never turned into text first.
"""

from __future__ import annotations

from decimal import Decimal

from dti.fixedpoint import SCALE_DIGITS
from dti.tables.cells import ParsedNumber, parse_number

MAX_MAGNITUDE = Decimal(10) ** 12
MAX_DECIMALS = SCALE_DIGITS
_MAX_BITS = MAX_MAGNITUDE.adjusted() * 4  # an int of more bits is far past the bound
_WHOLE_DIGITS = MAX_MAGNITUDE.adjusted()  # digits of a whole number below the bound, at most


class NumberError(ValueError):
    """A number outside what the DTI accepts; the message, in Vietnamese and without a
    final full stop (callers add where it was), says why. Text that is no number at all
    raises CellError (dti.tables.cells), also a ValueError."""


def read_number(
    raw: str | int | float | Decimal, *, max_decimals: int = MAX_DECIMALS
) -> ParsedNumber:
    """The exact number `raw` holds, within the accepted range; NumberError otherwise
    (CellError, also a ValueError, for text that is no number).
    Text is read as a printed table reads it (dti.tables.cells)."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise NumberError("Cần một số")
    if type(raw) is str and len(raw) <= _WHOLE_DIGITS and raw.isascii() and raw.isdigit():
        # the commonest text, a whole number of a few digits: what the reading below gives
        # it, without its steps (a self-assessment of 80 criteria reads 80 of them a save)
        return ParsedNumber(Decimal(raw), False, 0)
    if isinstance(raw, str):
        parsed = parse_number(raw)  # CellError names the typing mistake
        value = checked_number(parsed.value, max_decimals=max_decimals)
        return ParsedNumber(value, parsed.percent, parsed.decimals)
    if isinstance(raw, int) and abs(raw).bit_length() > _MAX_BITS:
        raise NumberError(_too_large())
    if isinstance(raw, float) and raw != raw:  # NaN: repr() would give "nan"
        raise NumberError("Không phải một số hữu hạn (NaN)")
    exact = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    value = checked_number(exact, max_decimals=max_decimals)
    return ParsedNumber(value, False, _decimals(value))


def checked_number(value: Decimal, *, max_decimals: int = MAX_DECIMALS) -> Decimal:
    """`value` when finite, within ±MAX_MAGNITUDE and with at most `max_decimals` decimals
    (framework files allow more than a score's four: a weight, a threshold of a ratio)."""
    if not value.is_finite():
        raise NumberError("Không phải một số hữu hạn (NaN hoặc vô cực)")
    # adjusted() first: abs() of 1E+999999999 overflows the decimal context.
    if value.adjusted() > MAX_MAGNITUDE.adjusted() or value.copy_abs() > MAX_MAGNITUDE:
        raise NumberError(_too_large())
    if _decimals(value) > max_decimals:
        raise NumberError(f"Tối đa {max_decimals} chữ số thập phân")
    return Decimal(f"{value:f}")  # 1E+3 as 1000: stored text never has an exponent


def _decimals(value: Decimal) -> int:
    """Decimal places that matter: 1.50 has one, 1E+3 none (value is finite and bounded)."""
    _, digits, exponent = value.as_tuple()  # not normalize(): it rounds to 28 digits
    assert isinstance(exponent, int)
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing_zeros)


def _too_large() -> str:
    return "Số quá lớn: giá trị tuyệt đối tối đa 1.000.000.000.000 (10^12)"
