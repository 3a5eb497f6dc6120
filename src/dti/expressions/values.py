"""The three value types (number, bool, string) and the checks made on them at run time."""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Final, Literal

from dti.expressions.errors import ExpressionError, abbreviate

Value = Decimal | bool | str
Env = Mapping[str, Value | None]
Kind = Literal["number", "bool", "string"]

KIND_NAMES: Final[Mapping[Kind, str]] = {
    "number": "số",
    "bool": "giá trị đúng/sai",
    "string": "chuỗi",
}


def describe(value: Value) -> str:
    if isinstance(value, bool):
        return f"giá trị đúng/sai ({value})"
    if isinstance(value, Decimal):
        return f"số {value}"
    return f'chuỗi "{abbreviate(value)}"'


def _kind_of(value: Value) -> Kind:
    # bool first: the checks must not depend on bool being an int subclass.
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Decimal):
        return "number"
    return "string"


def expect_number(source: str, value: Value, operation: str, part: str) -> Decimal:
    if isinstance(value, Decimal):  # a bool is never a Decimal
        return value
    raise ExpressionError(
        source, f'{operation} cần số nhưng "{abbreviate(part)}" là {describe(value)}'
    )


def expect_bool(source: str, value: Value, operation: str, part: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ExpressionError(
        source,
        f'{operation} cần giá trị đúng/sai nhưng "{abbreviate(part)}" là {describe(value)}',
    )


def check_input(source: str, name: str, value: object) -> Value:
    """Validate a value taken from the environment; callers' data is not trusted either."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, Decimal):
        if value.is_finite():
            return value
        raise ExpressionError(source, f'giá trị đầu vào "{name}" không hữu hạn ({value})')
    raise ExpressionError(
        source,
        f'giá trị đầu vào "{name}" có kiểu {type(value).__name__} không được hỗ trợ '
        "(chỉ nhận Decimal, bool hoặc str)",
    )


def nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


ORDERINGS: Final[Mapping[str, Callable[[Decimal, Decimal], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compare(source: str, symbol: str, left: Value, right: Value, part: str) -> bool:
    left_kind, right_kind = _kind_of(left), _kind_of(right)
    if left_kind != right_kind:
        raise ExpressionError(
            source,
            f'phép so sánh "{symbol}" không so sánh được {describe(left)} với '
            f'{describe(right)} tại "{abbreviate(part)}"',
        )
    if symbol in ("==", "!="):
        if isinstance(left, str) and isinstance(right, str):
            equal = nfc(left) == nfc(right)
        else:
            equal = left == right
        return equal if symbol == "==" else not equal
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return ORDERINGS[symbol](left, right)
    raise ExpressionError(
        source,
        f'phép so sánh "{symbol}" chỉ dùng cho số, không dùng cho {KIND_NAMES[left_kind]} '
        f'tại "{abbreviate(part)}"',
    )
