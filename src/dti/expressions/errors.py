"""Errors raised by compiling or evaluating an expression, and their message helpers."""

from __future__ import annotations

from decimal import DecimalException, Overflow
from typing import Any, Final

from dti.expressions.limits import PRECISION

_QUOTE_LIMIT: Final = 120


def abbreviate(text: str) -> str:
    """Keep messages readable when quoting a long expression (texts go up to 1000 characters)."""
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"


class ExpressionError(ValueError):
    """Bad expression text, or a failure while evaluating it.

    ``str(error)`` is the full Vietnamese message, quoting the expression; ``message`` is the part
    after the quote and ``expression`` the expression text.
    """

    def __init__(self, expression: str, message: str) -> None:
        super().__init__(f'Biểu thức "{abbreviate(expression)}": {message}')
        self.expression = expression
        self.message = message

    # Exceptions pickle through ``args``, which holds the formatted text, not our constructor
    # arguments; without this, errors raised in worker processes could not be sent back.
    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.expression, self.message))


class MissingInput(ExpressionError):
    """A name read by the expression has no value (absent or ``None``) in the environment."""

    def __init__(self, expression: str, name: str) -> None:
        super().__init__(expression, f'thiếu giá trị đầu vào "{name}"')
        self.name = name

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.expression, self.name))


class DomainError(Exception):
    """Raised by function implementations; the call site adds the expression and location."""


def decimal_failure(exc: DecimalException) -> str:
    if isinstance(exc, Overflow):
        return "kết quả quá lớn (tràn số)"
    return f"kết quả vượt quá độ chính xác {PRECISION} chữ số"
