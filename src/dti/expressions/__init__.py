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

from dti.expressions.errors import ExpressionError, MissingInput
from dti.expressions.expression import Expression, compile_expression

# Public constants, re-exported explicitly (they are not in __all__).
from dti.expressions.limits import MAX_DEPTH as MAX_DEPTH
from dti.expressions.limits import MAX_DIGITS as MAX_DIGITS
from dti.expressions.limits import MAX_LENGTH as MAX_LENGTH
from dti.expressions.limits import MAX_ROUND_PLACES as MAX_ROUND_PLACES
from dti.expressions.limits import PRECISION as PRECISION
from dti.expressions.values import Value

__all__ = [
    "Expression",
    "ExpressionError",
    "MissingInput",
    "Value",
    "compile_expression",
]
