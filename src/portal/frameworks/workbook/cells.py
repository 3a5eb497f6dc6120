"""Cells of the framework workbook: reading numbers (decimal comma accepted) and text,
writing numbers back, and locating a problem by sheet, row and column."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from dti.framework.documents import YAML_DECIMALS
from dti.numbers import read_number
from dti.tables.cells import NotANumber
from dti.text import typed_text


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in Vietnamese. `column` names the
    cell when the reader of a row knows better than the caller which one it is."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


def text(value: Any) -> str:
    """A cell as text: None -> '', 12 -> '12', 1.5 -> '1.5', "'=x" (as exported) -> '=x'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return typed_text(str(value).strip())


def number(value: Any) -> Decimal | int:
    """A number as the YAML loader would give it: an int when written without a decimal
    part, else an exact Decimal; read by the one number reader (dti.numbers), within its
    range, with a framework file's twelve decimals. Text may use the decimal comma ('0,5')
    and thousands separators ('1.000,5')."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        kind = " (ô định dạng ngày, giờ)" if isinstance(value, date | time | timedelta) else ""
        raise CellError(f"“{_shown(value)}” không phải là số{kind}")
    try:
        parsed = read_number(value, max_decimals=YAML_DECIMALS)
    except NotANumber:  # no number at all: said once, not twice ("“abc” … “abc”")
        raise CellError(f"“{_shown(value)}” không phải là số") from None
    except ValueError as error:  # NumberError, or CellError of the core's text reader
        raise CellError(f"“{_shown(value)}” không phải là số: {error}") from None
    if parsed.percent:
        raise CellError(f"“{_shown(value)}”: viết số, không kèm dấu %")
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that is this float: 57.14
    if isinstance(value, int) or (parsed.decimals == 0 and "." not in str(parsed.value)):
        return int(parsed.value)
    return parsed.value


def _shown(value: Any) -> str:
    shown = text(value) if isinstance(value, int | float | str | Decimal) else str(value)
    return shown if len(shown) <= 40 else shown[:40] + "…"


def whole_number(value: Any) -> int:
    parsed = number(value)
    if parsed != int(parsed):
        raise CellError(f"“{text(value)}” phải là số nguyên")
    return int(parsed)


def number_cell(value: Any) -> int | Decimal | None:
    """A number for a numeric cell (so Excel can sum the maxima)."""
    if value is None:
        return None
    return int(value) if isinstance(value, int) else Decimal(str(value))


def number_text(value: Any) -> str:
    """A number inside a text cell, the Vietnamese way: 0,5."""
    return format(Decimal(str(value)), "f").replace(".", ",")
