"""Safe evaluator for the small expressions written in framework files.

Framework files (YAML) contain two kinds of expressions:

* scoring formulas over named inputs, e.g. ``round(min(signed / documents * 100, 100) / 10, 2)``;
* applicability conditions over unit attributes, e.g.
  ``has_online_public_services and level != 'xa'``.

An expression is parsed once with :func:`compile_expression` and can then be evaluated many times
(once per unit and criterion) against an environment mapping names to values. Python's ``eval``,
``exec`` and ``compile`` are never used: the text is parsed with ``ast.parse(..., mode="eval")``
and every node is checked against the whitelist below and turned into a small evaluator closure.

Grammar
-------
::

    expr        := or_expr [ "if" or_expr "else" expr ]
    or_expr     := and_expr ( "or" and_expr )*
    and_expr    := not_expr ( "and" not_expr )*
    not_expr    := "not" not_expr | comparison
    comparison  := sum ( ("<" | "<=" | ">" | ">=" | "==" | "!=") sum )*
    sum         := term ( ("+" | "-") term )*
    term        := factor ( ("*" | "/") factor )*
    factor      := ("-" | "+") factor | atom
    atom        := NUMBER | STRING | "True" | "False" | "true" | "false" | NAME
                 | FUNCTION "(" expr ( "," expr )* ")" | "(" expr ")"
    FUNCTION    := "min" | "max" | "abs" | "round" | "clamp" | "floor" | "ceil"

Values and types
----------------
Every value is a :class:`~decimal.Decimal` (a *number*), a ``bool`` or a ``str``. A ``bool`` is
never a number: ``True + 1`` and ``flag == 1`` are errors instead of Python's silent ``2`` and
``True``.

* ``NUMBER`` is written in decimal notation only (``12``, ``0.5``, ``.5``, ``5.``), with at most 30
  digits. Exponents (``1e3``), hexadecimal/octal/binary, ``_`` separators and imaginary numbers
  are rejected. The literal is converted from its source text, never through ``float``, so
  ``0.1 + 0.2`` is exactly ``0.3``.
* ``STRING`` is a single- or double-quoted literal (no f-strings, no bytes). Strings only support
  ``==`` and ``!=``; both sides are compared after Unicode NFC normalisation because Vietnamese
  text arrives both precomposed and decomposed.
* ``NAME`` reads an input from the environment. A name that is absent or mapped to ``None`` raises
  :class:`MissingInput`. Input values must be finite ``Decimal``, ``bool`` or ``str``.
  ``true``/``false`` are spellings of the booleans, and function names cannot be used as inputs.
* ``+ - * /`` and unary ``-``/``+`` take numbers. Arithmetic runs in a local decimal context with
  28 significant digits and ``ROUND_HALF_EVEN``. Division by zero is an error.
* ``< <= > >=`` compare numbers; ``== !=`` compare two values of the same type. Comparisons
  may be chained (``0 <= x < 10``) and short-circuit like Python's.
* ``not``, ``and``, ``or`` and the condition of ``a if cond else b`` take booleans; ``and``/``or``
  short-circuit, so ``False and missing`` is ``False`` without reading ``missing``.
* Functions take numbers: ``min(a, b, ...)`` and ``max(a, b, ...)`` (two or more arguments),
  ``abs(x)``, ``floor(x)``, ``ceil(x)``, ``clamp(x, lo, hi)`` (``lo <= hi``) and ``round(x, n)``
  where ``n`` is an integer literal from 0 to 10 (default 0). ``round`` rounds half away from
  zero (``ROUND_HALF_UP``: ``round(2.675, 2) == 2.68``, ``round(-0.5) == -1``), not Python's
  banker's rounding, and keeps exactly ``n`` decimal places.

Everything else (attributes, subscripts, ``**``, ``%``, ``//``, bitwise operators, ``is``,
``in``, lambdas, comprehensions, ``:=``, containers, keyword or starred arguments, calls of any
other function, ``None``) is rejected when the expression is compiled. The text is limited to
1000 characters and the nesting depth to 40 levels; a run of the same-precedence operators
(``a + b - c + ...``, ``a * b / c ...``) counts as one level, so long sums stay valid.

Errors are :class:`ExpressionError` (a ``ValueError``) with a Vietnamese message that quotes the
expression and the offending part, e.g. ``Biểu thức "a ** 2": toán tử ** không được phép tại
"a ** 2"``.
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
import unicodedata
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any, Final, Literal

__all__ = [
    "Expression",
    "ExpressionError",
    "MissingInput",
    "Value",
    "compile_expression",
]

Value = Decimal | bool | str
Env = Mapping[str, Value | None]
Kind = Literal["number", "bool", "string"]
_Evaluator = Callable[[Env], Value]
_BinaryOp = Callable[[Decimal, Decimal], Decimal]
_FunctionImpl = Callable[[Sequence[Decimal]], Decimal]

MAX_LENGTH: Final = 1000
MAX_DEPTH: Final = 40
MAX_DIGITS: Final = 30
MAX_ROUND_PLACES: Final = 10
PRECISION: Final = 28

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

# Only plain decimal notation: exponents would let a 5-character literal denote a number with a
# million digits, and the other Python forms (0x.., 1_000) have no place in a scoring formula.
_NUMBER_LITERAL: Final = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_BOOL_NAMES: Final[Mapping[str, bool]] = {"true": True, "false": False}
_ROUND_QUANTA: Final = tuple(Decimal(1).scaleb(-places) for places in range(MAX_ROUND_PLACES + 1))
_QUOTE_LIMIT: Final = 120

_KIND_NAMES: Final[Mapping[Kind, str]] = {
    "number": "số",
    "bool": "giá trị đúng/sai",
    "string": "chuỗi",
}


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def _abbreviate(text: str) -> str:
    """Keep messages readable when quoting a long expression (texts go up to 1000 characters)."""
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"


class ExpressionError(ValueError):
    """Bad expression text, or a failure while evaluating it.

    ``str(error)`` is the full Vietnamese message, quoting the expression; ``message`` is the part
    after the quote and ``expression`` the expression text.
    """

    def __init__(self, expression: str, message: str) -> None:
        super().__init__(f'Biểu thức "{_abbreviate(expression)}": {message}')
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


class _DomainError(Exception):
    """Raised by function implementations; the call site adds the expression and location."""


def _describe(value: Value) -> str:
    if isinstance(value, bool):
        return f"giá trị đúng/sai ({value})"
    if isinstance(value, Decimal):
        return f"số {value}"
    return f'chuỗi "{_abbreviate(value)}"'


def _decimal_failure(exc: DecimalException) -> str:
    if isinstance(exc, Overflow):
        return "kết quả quá lớn (tràn số)"
    return f"kết quả vượt quá độ chính xác {PRECISION} chữ số"


# --------------------------------------------------------------------------------------------
# Runtime helpers used by the evaluator closures
# --------------------------------------------------------------------------------------------


def _kind_of(value: Value) -> Kind:
    # bool first: the checks must not depend on bool being an int subclass.
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Decimal):
        return "number"
    return "string"


def _expect_number(source: str, value: Value, operation: str, part: str) -> Decimal:
    if isinstance(value, Decimal):  # a bool is never a Decimal
        return value
    raise ExpressionError(
        source, f'{operation} cần số nhưng "{_abbreviate(part)}" là {_describe(value)}'
    )


def _expect_bool(source: str, value: Value, operation: str, part: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ExpressionError(
        source,
        f'{operation} cần giá trị đúng/sai nhưng "{_abbreviate(part)}" là {_describe(value)}',
    )


def _check_input(source: str, name: str, value: object) -> Value:
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


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


_ORDERINGS: Final[Mapping[str, Callable[[Decimal, Decimal], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _compare(source: str, symbol: str, left: Value, right: Value, part: str) -> bool:
    left_kind, right_kind = _kind_of(left), _kind_of(right)
    if left_kind != right_kind:
        raise ExpressionError(
            source,
            f'phép so sánh "{symbol}" không so sánh được {_describe(left)} với '
            f'{_describe(right)} tại "{_abbreviate(part)}"',
        )
    if symbol in ("==", "!="):
        if isinstance(left, str) and isinstance(right, str):
            equal = _nfc(left) == _nfc(right)
        else:
            equal = left == right
        return equal if symbol == "==" else not equal
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return _ORDERINGS[symbol](left, right)
    raise ExpressionError(
        source,
        f'phép so sánh "{symbol}" chỉ dùng cho số, không dùng cho {_KIND_NAMES[left_kind]} '
        f'tại "{_abbreviate(part)}"',
    )


# --------------------------------------------------------------------------------------------
# Functions
# --------------------------------------------------------------------------------------------


def _clamp(args: Sequence[Decimal]) -> Decimal:
    value, low, high = args
    if low > high:
        raise _DomainError(f"cận dưới {low} lớn hơn cận trên {high}")
    return min(max(value, low), high)


def _rounder(places: int) -> _FunctionImpl:
    quantum = _ROUND_QUANTA[places]

    def apply(args: Sequence[Decimal]) -> Decimal:
        return args[0].quantize(quantum, rounding=ROUND_HALF_UP)

    return apply


@dataclass(frozen=True, slots=True)
class _Function:
    min_args: int
    max_args: int | None  # None: no upper bound
    apply: _FunctionImpl


_FUNCTIONS: Final[Mapping[str, _Function]] = {
    "min": _Function(2, None, min),
    "max": _Function(2, None, max),
    "abs": _Function(1, 1, lambda args: abs(args[0])),
    "floor": _Function(1, 1, lambda args: args[0].to_integral_value(rounding=ROUND_FLOOR)),
    "ceil": _Function(1, 1, lambda args: args[0].to_integral_value(rounding=ROUND_CEILING)),
    "clamp": _Function(3, 3, _clamp),
    # round(x, n): n is a literal read at compile time, which swaps in _rounder(n); see
    # _Compiler._round. This entry serves round(x) and the argument count check.
    "round": _Function(1, 2, _rounder(0)),
}


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A compiled expression. Build it with :func:`compile_expression`.

    ``names`` holds every input name the expression may read (function names and boolean
    spellings excluded), whether or not a given evaluation reaches it.
    """

    source: str
    names: frozenset[str]
    _run: _Evaluator = field(repr=False, compare=False)

    def evaluate(self, env: Env) -> Value:
        """Evaluate against ``env``; ``None`` values count as missing (:class:`MissingInput`)."""
        try:
            with localcontext(_DECIMAL_CONTEXT):
                result = self._run(env)
        except DecimalException as exc:  # safety net; operations report their own failures
            raise ExpressionError(self.source, _decimal_failure(exc)) from None
        # "-0" is a valid Decimal but would surface in reports as a negative zero score.
        if isinstance(result, Decimal) and result.is_zero() and result.is_signed():
            return result.copy_abs()
        return result

    def evaluate_number(self, env: Env) -> Decimal:
        """Evaluate a formula; the result must be a number (a bool is not a number)."""
        result = self.evaluate(env)
        if isinstance(result, Decimal):
            return result
        raise ExpressionError(self.source, f"kết quả phải là số nhưng là {_describe(result)}")

    def evaluate_condition(self, env: Env) -> bool:
        """Evaluate a condition; the result must be a bool."""
        result = self.evaluate(env)
        if isinstance(result, bool):
            return result
        raise ExpressionError(
            self.source, f"kết quả phải là giá trị đúng/sai nhưng là {_describe(result)}"
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
    compiler = _Compiler(source, known)
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
    near = f' gần "{_abbreviate(rest)}"' if rest.strip() else ""
    return f"cú pháp không hợp lệ tại {where}{near} ({detail})"


# --------------------------------------------------------------------------------------------
# Compiler: AST -> evaluator closures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Node:
    run: _Evaluator
    kind: Kind | None  # result type when known at compile time; None when it depends on inputs
    text: str  # source segment, quoted in error messages


@dataclass(frozen=True, slots=True)
class _ArithStep:
    symbol: str
    apply: _BinaryOp
    operand: _Node
    text: str  # the whole "left <op> operand" segment, for division by zero and overflow


@dataclass(frozen=True, slots=True)
class _CompareStep:
    symbol: str
    operand: _Node
    text: str


_ARITHMETIC: Final[Mapping[type[ast.operator], tuple[str, _BinaryOp]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
}
_ADDITIVE: Final = (ast.Add, ast.Sub)
_MULTIPLICATIVE: Final = (ast.Mult, ast.Div)

_FORBIDDEN_OPERATORS: Final[Mapping[type[ast.AST], str]] = {
    ast.Pow: "**",
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Invert: "~",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}

_COMPARISONS: Final[Mapping[type[ast.cmpop], str]] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}

_FORBIDDEN_SYNTAX: Final[Mapping[type[ast.AST], str]] = {
    ast.Attribute: "truy cập thuộc tính",
    ast.Subscript: "truy cập phần tử theo chỉ số",
    ast.Slice: "lát cắt",
    ast.Lambda: "hàm lambda",
    ast.ListComp: "biểu thức bao hàm (comprehension)",
    ast.SetComp: "biểu thức bao hàm (comprehension)",
    ast.DictComp: "biểu thức bao hàm (comprehension)",
    ast.GeneratorExp: "biểu thức sinh (generator)",
    ast.NamedExpr: "phép gán :=",
    ast.JoinedStr: "chuỗi f-string",
    ast.FormattedValue: "chuỗi f-string",
    ast.List: "danh sách",
    ast.Tuple: "bộ giá trị (tuple)",
    ast.Set: "tập hợp",
    ast.Dict: "từ điển",
    ast.Starred: "giải nén bằng *",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
}


class _Compiler:
    """Checks one parsed expression against the whitelist and builds its evaluator closures.

    Closures only capture plain data (source text, operator functions, child closures), so an
    evaluation performs no AST inspection.
    """

    def __init__(self, source: str, known_names: frozenset[str] | None) -> None:
        self.source = source
        self.known_names = known_names
        self.names: set[str] = set()

    # -- helpers ------------------------------------------------------------------------------

    def _text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or ast.unparse(node)

    def _span(self, first: ast.expr, last: ast.expr) -> str:
        """Source text from the start of ``first`` to the end of ``last``."""
        span = ast.Pass(
            lineno=first.lineno,
            col_offset=first.col_offset,
            end_lineno=last.end_lineno,
            end_col_offset=last.end_col_offset,
        )
        return ast.get_source_segment(self.source, span) or ""

    def _error(self, message: str) -> ExpressionError:
        return ExpressionError(self.source, message)

    def _at(self, node: ast.AST) -> str:
        return f'tại "{_abbreviate(self._text(node))}"'

    def _require(self, node: _Node, kind: Kind, operation: str) -> None:
        """Reject operands whose type is known to be wrong before any input is seen."""
        if node.kind is not None and node.kind != kind:
            raise self._error(
                f'{operation} cần {_KIND_NAMES[kind]} nhưng "{_abbreviate(node.text)}" là '
                f"{_KIND_NAMES[node.kind]}"
            )

    # -- dispatch -----------------------------------------------------------------------------

    def compile(self, node: ast.expr, depth: int) -> _Node:
        # Checked before descending, so compilation recursion stays shallow whatever the input.
        if depth > MAX_DEPTH:
            raise self._error(f"biểu thức lồng quá sâu (tối đa {MAX_DEPTH} cấp) {self._at(node)}")
        match node:
            case ast.Constant():
                return self._constant(node)
            case ast.Name():
                return self._name(node)
            case ast.UnaryOp():
                return self._unary(node, depth)
            case ast.BinOp():
                return self._arithmetic(node, depth)
            case ast.Compare():
                return self._comparison(node, depth)
            case ast.BoolOp():
                return self._boolean(node, depth)
            case ast.IfExp():
                return self._conditional(node, depth)
            case ast.Call():
                return self._call(node, depth)
        description = _FORBIDDEN_SYNTAX.get(type(node), "cú pháp này")
        raise self._error(f"{description} không được phép {self._at(node)}")

    # -- leaves -------------------------------------------------------------------------------

    def _constant(self, node: ast.Constant) -> _Node:
        value = node.value
        text = self._text(node)
        if isinstance(value, bool):
            return _constant_node(value, "bool", text)
        if isinstance(value, str):
            return _constant_node(_nfc(value), "string", text)
        if isinstance(value, int | float):
            return _constant_node(self._number(text, node), "number", text)
        if isinstance(value, complex):
            raise self._error(f"số phức không được phép {self._at(node)}")
        if isinstance(value, bytes):
            raise self._error(f"chuỗi bytes không được phép {self._at(node)}")
        raise self._error(f"hằng {text} không được phép {self._at(node)}")

    def _number(self, text: str, node: ast.AST) -> Decimal:
        # From the source text, never from the float Python parsed: 0.1 must stay exactly 0.1.
        if not _NUMBER_LITERAL.fullmatch(text):
            raise self._error(
                f'số "{_abbreviate(text)}" không hợp lệ: chỉ dùng dạng thập phân như 12 hoặc 0.5'
            )
        if sum(char.isdigit() for char in text) > MAX_DIGITS:
            raise self._error(f"số có quá {MAX_DIGITS} chữ số {self._at(node)}")
        return Decimal(text)

    def _name(self, node: ast.Name) -> _Node:
        name = node.id
        if name in _BOOL_NAMES:
            return _constant_node(_BOOL_NAMES[name], "bool", name)
        if name in _FUNCTIONS:
            raise self._error(f'"{name}" là tên hàm, phải được gọi như {name}(...)')
        # Python NFKC-normalises identifiers; looking up a name other than the one written
        # would make inputs silently go missing.
        if self._text(node) != name:
            raise self._error(f'tên "{self._text(node)}" phải được viết ở dạng chuẩn NFKC')
        if self.known_names is not None and name not in self.known_names:
            raise self._error(self._unknown_name_message(name))
        self.names.add(name)
        return _Node(_input_reader(self.source, name), None, name)

    def _unknown_name_message(self, name: str) -> str:
        known = sorted(self.known_names or ())
        message = f'tên không xác định "{name}"'
        suggestions = difflib.get_close_matches(name, known, n=1)
        if suggestions:
            message += f'; có phải là "{suggestions[0]}"?'
        if not known:
            return message + "; không có tên nào được khai báo"
        listed = ", ".join(known[:50]) + (", …" if len(known) > 50 else "")
        return f"{message}; các tên hợp lệ: {listed}"

    # -- operators ----------------------------------------------------------------------------

    def _unary(self, node: ast.UnaryOp, depth: int) -> _Node:
        text = self._text(node)
        if isinstance(node.op, ast.Not):
            operand = self.compile(node.operand, depth + 1)
            self._require(operand, "bool", 'phép "not"')
            return _Node(_negation(self.source, operand), "bool", text)
        if isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.compile(node.operand, depth + 1)
            symbol = "-" if isinstance(node.op, ast.USub) else "+"
            self._require(operand, "number", f'phép "{symbol}" một ngôi')
            return _Node(_sign(self.source, symbol, operand, text), "number", text)
        raise self._forbidden_operator(node.op, node)

    def _forbidden_operator(self, op: ast.AST, node: ast.AST) -> ExpressionError:
        symbol = _FORBIDDEN_OPERATORS.get(type(op), type(op).__name__)
        return self._error(f"toán tử {symbol} không được phép {self._at(node)}")

    def _arithmetic(self, node: ast.BinOp, depth: int) -> _Node:
        if type(node.op) not in _ARITHMETIC:
            raise self._forbidden_operator(node.op, node)
        group = _ADDITIVE if isinstance(node.op, _ADDITIVE) else _MULTIPLICATIVE
        # Walk the left spine of a same-precedence run iteratively: "a + b + ... + z" is one
        # level deep for the nesting limit and costs no recursion, however long it is.
        spine: list[ast.BinOp] = []
        current: ast.expr = node
        while isinstance(current, ast.BinOp) and isinstance(current.op, group):
            spine.append(current)
            current = current.left
        first = self.compile(current, depth + 1)
        steps: list[_ArithStep] = []
        for binop in reversed(spine):
            symbol, apply = _ARITHMETIC[type(binop.op)]
            operand = self.compile(binop.right, depth + 1)
            steps.append(_ArithStep(symbol, apply, operand, self._text(binop)))
        self._require(first, "number", f'phép "{steps[0].symbol}"')
        for step in steps:
            self._require(step.operand, "number", f'phép "{step.symbol}"')
        return _Node(_arithmetic(self.source, first, tuple(steps)), "number", self._text(node))

    def _comparison(self, node: ast.Compare, depth: int) -> _Node:
        for op in node.ops:
            if type(op) not in _COMPARISONS:
                raise self._forbidden_operator(op, node)
        first = self.compile(node.left, depth + 1)
        steps: list[_CompareStep] = []
        previous_node, previous = node.left, first
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            symbol = _COMPARISONS[type(op)]
            right = self.compile(right_node, depth + 1)
            self._check_comparable(symbol, previous, right)
            steps.append(_CompareStep(symbol, right, self._span(previous_node, right_node)))
            previous_node, previous = right_node, right
        return _Node(_comparison(self.source, first, tuple(steps)), "bool", self._text(node))

    def _check_comparable(self, symbol: str, left: _Node, right: _Node) -> None:
        operation = f'phép so sánh "{symbol}"'
        if symbol in _ORDERINGS:
            self._require(left, "number", operation)
            self._require(right, "number", operation)
        elif left.kind is not None and right.kind is not None and left.kind != right.kind:
            raise self._error(
                f'{operation} không so sánh được {_KIND_NAMES[left.kind]} "{left.text}" với '
                f'{_KIND_NAMES[right.kind]} "{right.text}"'
            )

    def _boolean(self, node: ast.BoolOp, depth: int) -> _Node:
        word = "and" if isinstance(node.op, ast.And) else "or"
        operands = tuple(self.compile(value, depth + 1) for value in node.values)
        for operand in operands:
            self._require(operand, "bool", f'phép "{word}"')
        # "and" stops at the first False, "or" at the first True.
        stop_at = not isinstance(node.op, ast.And)
        return _Node(_short_circuit(self.source, word, stop_at, operands), "bool", self._text(node))

    def _conditional(self, node: ast.IfExp, depth: int) -> _Node:
        test = self.compile(node.test, depth + 1)
        self._require(test, "bool", 'điều kiện của "if ... else"')
        body = self.compile(node.body, depth + 1)
        orelse = self.compile(node.orelse, depth + 1)
        kind = body.kind if body.kind == orelse.kind else None
        return _Node(_conditional(self.source, test, body, orelse), kind, self._text(node))

    # -- calls --------------------------------------------------------------------------------

    def _call(self, node: ast.Call, depth: int) -> _Node:
        if not isinstance(node.func, ast.Name):
            raise self._error(f"chỉ được gọi các hàm cho phép theo tên {self._at(node)}")
        name = node.func.id
        function = _FUNCTIONS.get(name)
        if function is None:
            allowed = ", ".join(sorted(_FUNCTIONS))
            raise self._error(f'hàm "{name}" không được phép (chỉ cho phép: {allowed})')
        if node.keywords:
            raise self._error(f"không dùng tham số có tên khi gọi {name}() {self._at(node)}")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self._error(f"không dùng giải nén * khi gọi {name}() {self._at(node)}")
        self._check_arity(name, function, node)
        apply = function.apply
        values = node.args
        if name == "round":
            apply, values = self._round(node)
        args = tuple(self.compile(arg, depth + 1) for arg in values)
        for arg in args:
            self._require(arg, "number", f"hàm {name}()")
        text = self._text(node)
        return _Node(_call(self.source, name, apply, args, text), "number", text)

    def _check_arity(self, name: str, function: _Function, node: ast.Call) -> None:
        count = len(node.args)
        if function.min_args <= count and (function.max_args is None or count <= function.max_args):
            return
        if function.max_args is None:
            expected = f"ít nhất {function.min_args}"
        elif function.min_args == function.max_args:
            expected = f"đúng {function.min_args}"
        else:
            expected = f"từ {function.min_args} đến {function.max_args}"
        raise self._error(
            f"hàm {name}() cần {expected} tham số nhưng nhận {count} {self._at(node)}"
        )

    def _round(self, node: ast.Call) -> tuple[_FunctionImpl, list[ast.expr]]:
        """round(x) or round(x, n): n must be written as an integer literal from 0 to 10."""
        if len(node.args) == 1:
            return _rounder(0), node.args
        places = node.args[1]
        text = self._text(places)
        if (
            not isinstance(places, ast.Constant)
            or isinstance(places.value, bool)
            or not isinstance(places.value, int)
            or not text.isascii()
            or not text.isdigit()
            or int(text) > MAX_ROUND_PLACES
        ):
            raise self._error(
                f"số chữ số thập phân của round() phải là số nguyên viết trực tiếp từ 0 đến "
                f'{MAX_ROUND_PLACES}, không phải "{_abbreviate(text)}"'
            )
        return _rounder(int(text)), node.args[:1]


# --------------------------------------------------------------------------------------------
# Closure builders. Each returns the evaluator of one node; they are module-level functions so
# that closures capture only what they use.
# --------------------------------------------------------------------------------------------


def _constant_node(value: Value, kind: Kind, text: str) -> _Node:
    def run(env: Env) -> Value:
        return value

    return _Node(run, kind, text)


def _input_reader(source: str, name: str) -> _Evaluator:
    def run(env: Env) -> Value:
        value = env.get(name)
        if value is None:
            raise MissingInput(source, name)
        return _check_input(source, name, value)

    return run


def _negation(source: str, operand: _Node) -> _Evaluator:
    def run(env: Env) -> Value:
        return not _expect_bool(source, operand.run(env), 'phép "not"', operand.text)

    return run


def _sign(source: str, symbol: str, operand: _Node, text: str) -> _Evaluator:
    negate = symbol == "-"

    def run(env: Env) -> Value:
        value = _expect_number(source, operand.run(env), f'phép "{symbol}" một ngôi', operand.text)
        if not negate:
            return value
        try:
            return -value
        except DecimalException as exc:
            raise ExpressionError(source, f'{_decimal_failure(exc)} tại "{text}"') from None

    return run


def _arithmetic(source: str, first: _Node, steps: tuple[_ArithStep, ...]) -> _Evaluator:
    first_operation = f'phép "{steps[0].symbol}"'

    def run(env: Env) -> Value:
        result = _expect_number(source, first.run(env), first_operation, first.text)
        for step in steps:
            operand = step.operand
            right = _expect_number(source, operand.run(env), f'phép "{step.symbol}"', operand.text)
            if step.symbol == "/" and not right:
                raise ExpressionError(
                    source, f'chia cho 0 tại "{_abbreviate(step.text)}" ("{operand.text}" bằng 0)'
                )
            try:
                result = step.apply(result, right)
            except DecimalException as exc:
                message = f'{_decimal_failure(exc)} tại "{_abbreviate(step.text)}"'
                raise ExpressionError(source, message) from None
        return result

    return run


def _comparison(source: str, first: _Node, steps: tuple[_CompareStep, ...]) -> _Evaluator:
    def run(env: Env) -> Value:
        left = first.run(env)
        for step in steps:
            right = step.operand.run(env)
            if not _compare(source, step.symbol, left, right, step.text):
                return False  # like Python, "a < b < c" does not evaluate c when a >= b
            left = right
        return True

    return run


def _short_circuit(
    source: str, word: str, stop_at: bool, operands: tuple[_Node, ...]
) -> _Evaluator:
    operation = f'phép "{word}"'

    def run(env: Env) -> Value:
        for operand in operands:
            if _expect_bool(source, operand.run(env), operation, operand.text) is stop_at:
                return stop_at
        return not stop_at

    return run


def _conditional(source: str, test: _Node, body: _Node, orelse: _Node) -> _Evaluator:
    def run(env: Env) -> Value:
        if _expect_bool(source, test.run(env), 'điều kiện của "if ... else"', test.text):
            return body.run(env)
        return orelse.run(env)

    return run


def _call(
    source: str,
    name: str,
    apply: _FunctionImpl,
    args: tuple[_Node, ...],
    text: str,
) -> _Evaluator:
    operation = f"hàm {name}()"

    def run(env: Env) -> Value:
        values = [_expect_number(source, arg.run(env), operation, arg.text) for arg in args]
        try:
            return apply(values)
        except _DomainError as exc:
            message = f'{operation}: {exc} tại "{_abbreviate(text)}"'
        except DecimalException as exc:
            message = f'{operation}: {_decimal_failure(exc)} tại "{_abbreviate(text)}"'
        raise ExpressionError(source, message)

    return run
