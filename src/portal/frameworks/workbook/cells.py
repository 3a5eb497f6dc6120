"""Cells of the framework workbook: reading numbers (decimal comma accepted) and text,
writing numbers back, and locating a problem by sheet, row and column."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from dti.text import typed_text

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in Vietnamese. `column` names the
    cell when the reader of a row knows better than the caller which one it is."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


def where(sheet: str, row: int, column: str | None = None) -> str:
    return f"Sheet {sheet}, dòng {row}" + (f", cột {column}" if column else "")


def text(value: Any) -> str:
    """A cell as text: None -> '', 12 -> '12', 1.5 -> '1.5', "'=x" (as exported) -> '=x'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return typed_text(str(value).strip())


def number(value: Any) -> Decimal | int:
    """A number as the YAML loader would give it: an int when written without a decimal
    part, else an exact Decimal. Text may use the decimal comma ('0,5'); with a comma,
    points are thousands separators ('1.000,5')."""
    if isinstance(value, bool):
        raise CellError(f"“{value}” không phải là số")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that is this float: 57.14, not 57.1399…
    typed = text(value).replace(" ", "").replace("\u00a0", "")
    if "," in typed:
        typed = typed.replace(".", "").replace(",", ".")
    if not _NUMBER.match(typed):
        raise CellError(f"“{text(value)}” không phải là số")
    return Decimal(typed) if "." in typed else int(typed)


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
