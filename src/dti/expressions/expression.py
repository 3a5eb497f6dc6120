"""Compiled expressions: :class:`Expression` and :func:`compile_expression`."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any, Final

from dti.expressions.compiler import Compiler
from dti.expressions.errors import ExpressionError, abbreviate, decimal_failure
from dti.expressions.evaluators import Evaluator
from dti.expressions.limits import MAX_LENGTH, PRECISION
from dti.expressions.values import Env, Value, describe

# One shared template; localcontext() copies it, so evaluation never mutates it and each thread
# gets its own flags.
_DECIMAL_CONTEXT: Final = Context(
    prec=PRECISION,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


@dataclass(frozen=True)
class Expression:
    """A compiled expression. Build it with :func:`compile_expression`.

    ``names`` holds every input name the expression may read (function names and boolean
    spellings excluded), whether or not a given evaluation reaches it.
    """

    source: str
    names: frozenset[str]
    _run: Evaluator = field(repr=False, compare=False)

    def evaluate(self, env: Env) -> Value:
        """Evaluate against ``env``; ``None`` values count as missing (:class:`MissingInput`)."""
        try:
            with localcontext(_DECIMAL_CONTEXT):
                result = self._run(env)
        except DecimalException as exc:  # safety net; operations report their own failures
            raise ExpressionError(self.source, decimal_failure(exc)) from None
        # "-0" is a valid Decimal but would surface in reports as a negative zero score.
        if isinstance(result, Decimal) and result.is_zero() and result.is_signed():
            return result.copy_abs()
        return result

    def evaluate_number(self, env: Env) -> Decimal:
        """Evaluate a formula; the result must be a number (a bool is not a number)."""
        result = self.evaluate(env)
        if isinstance(result, Decimal):
            return result
        raise ExpressionError(self.source, f"kết quả phải là số nhưng là {describe(result)}")

    def evaluate_condition(self, env: Env) -> bool:
        """Evaluate a condition; the result must be a bool."""
        result = self.evaluate(env)
        if isinstance(result, bool):
            return result
        raise ExpressionError(
            self.source, f"kết quả phải là giá trị đúng/sai nhưng là {describe(result)}"
        )

    # Closures cannot be pickled; recompiling from the source is cheap and gives the same object.
    def __reduce__(self) -> tuple[Any, ...]:
        return (compile_expression, (self.source,))


def compile_expression(text: str, *, known_names: Collection[str] | None = None) -> Expression:
    """Parse and check ``text`` once; evaluation is then cheap.

    Surrounding whitespace is stripped and is not part of ``Expression.source``. With
    ``known_names``, reading any other name is an :class:`ExpressionError` listing the known
    ones. Any problem with the text raises :class:`ExpressionError`, never another exception.
    """
    if not isinstance(text, str):
        raise ExpressionError(
            repr(text), f"biểu thức phải là chuỗi, không phải {type(text).__name__}"
        )
    if isinstance(known_names, str):  # a str is a Collection[str] of its characters
        raise TypeError("known_names must be a collection of names, not a str")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(text, f"biểu thức dài {len(text)} ký tự, tối đa {MAX_LENGTH}")
    source = text.strip()
    tree = _parse(source)
    known = None if known_names is None else frozenset(known_names)
    compiler = Compiler(source, known)
    root = compiler.compile(tree.body, 1)
    return Expression(source, frozenset(compiler.names), root.run)


def _parse(source: str) -> ast.Expression:
    if not source:
        raise ExpressionError(source, "biểu thức rỗng")
    try:
        # The parser warns about things like "1if" or "'\\d'" in the user's text; those are not
        # the program's problem and must not end up in its logs (or fail a -W error run).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(source, _syntax_message(source, exc)) from None
    # ValueError: NUL bytes on some versions; RecursionError/MemoryError: pathological nesting.
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(source, f"cú pháp không hợp lệ ({type(exc).__name__})") from None


def _syntax_message(source: str, exc: SyntaxError) -> str:
    detail = exc.msg or "invalid syntax"
    if not exc.lineno or exc.offset is None:
        return f"cú pháp không hợp lệ ({detail})"
    if exc.offset < 1:  # the parser reports offset 0 when the text ends too early
        return f"cú pháp không hợp lệ: biểu thức kết thúc đột ngột ({detail})"
    where = f"vị trí {exc.offset}"
    if "\n" in source:
        where = f"dòng {exc.lineno}, {where}"
    lines = source.splitlines()
    rest = lines[exc.lineno - 1][exc.offset - 1 :] if exc.lineno <= len(lines) else ""
    near = f' gần "{abbreviate(rest)}"' if rest.strip() else ""
    return f"cú pháp không hợp lệ tại {where}{near} ({detail})"
