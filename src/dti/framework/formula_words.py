"""A formula rule in words a civil servant reads, written from the formula's parsed form.

Frameworks write a handful of shapes; each is recognised on the syntax tree of the compiled
expression (which dti.expressions has already checked) and put in one Vietnamese sentence:

- a ratio of two inputs, in percent, capped and scaled to points:
  ``min(online / total * 100, 80) / 80 * 20 if total > 0 else 0`` ->
  "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ, tối đa 80%, quy ra 20 điểm";
- a ratio without a cap: ``online / total * 20`` -> "…, 100% quy ra 20 điểm, tỷ lệ thuận";
- thresholds: ``15 if rate >= 90 else 10 if rate >= 70 else 0`` ->
  "Tỷ lệ số hoá từ 90: 15 điểm; từ 70: 10 điểm; còn lại: 0 điểm";
- a count times points, capped: ``min(events * 0.5, 5)`` ->
  "0,5 điểm mỗi sự kiện, tối đa 5 điểm".

Anything else is `None`: the caller says "Tính theo công thức của bộ chỉ số" and keeps the
formula for a technical view. Inputs are named by the framework's labels, never their names.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from dti.fixedpoint import format_vi
from dti.framework.model import FormulaRule

_ZERO = Fraction(0)
_COMPARISONS = {ast.GtE: "từ", ast.Gt: "trên", ast.LtE: "đến", ast.Lt: "dưới", ast.Eq: "bằng"}


@dataclass(frozen=True)
class _Ratio:
    """points = min(numerator / denominator × factor, cap) (cap None: no cap)."""

    numerator: str
    denominator: str
    factor: Fraction
    cap: Fraction | None = None

    def scaled(self, by: Fraction) -> _Ratio:
        cap = None if self.cap is None else self.cap * by
        return _Ratio(self.numerator, self.denominator, self.factor * by, cap)


@dataclass(frozen=True)
class _Count:
    """points = min(name × each, cap)."""

    name: str
    each: Fraction
    cap: Fraction | None = None


def formula_in_words(rule: FormulaRule) -> str | None:
    """The rule as one sentence, or None when its shape is not one of the common ones."""
    try:
        tree = ast.parse(rule.expression.source, mode="eval").body
    except SyntaxError:  # compiled already; kept for a source that would not parse again
        return None
    return _Words(rule).sentence(_without_guard(tree))


def _without_guard(node: ast.expr) -> ast.expr:
    """`X if total > 0 else 0` is X: the guard only keeps a ratio from dividing by zero."""
    if (
        isinstance(node, ast.IfExp)
        and _number(node.orelse) == _ZERO
        and isinstance(node.test, ast.Compare)
        and len(node.test.ops) == 1
        and isinstance(node.test.ops[0], ast.Gt | ast.NotEq)
        and isinstance(node.test.left, ast.Name)
        and _number(node.test.comparators[0]) == _ZERO
    ):
        return node.body
    return node


def _number(node: ast.expr) -> Fraction | None:
    """A literal, exactly (from its text as written, as dti.expressions reads it)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Fraction(Decimal(str(node.value)))
    return None


def _text(value: Fraction) -> str:
    """At most two decimals, half up, without trailing zeros: 20, 0,5, 26,67."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return format_vi(rounded.quantize(Decimal(1)) if rounded == rounded.to_integral() else rounded)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _counted(label: str) -> str:
    """'Số sáng kiến' counts 'sáng kiến': the thing itself, in the middle of a sentence."""
    text = _lower_first(label)
    return text[len("số ") :] if text.startswith("số ") else text


class _Words:
    def __init__(self, rule: FormulaRule):
        self.rule = rule

    def label(self, name: str) -> str:
        return self.rule.label(name)

    def sentence(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.IfExp):
            return self._thresholds(node)
        shape = _ratio(node) or _count(node)
        if isinstance(shape, _Ratio) and shape.factor > 0:
            return self._ratio_sentence(shape)
        if isinstance(shape, _Count) and shape.each > 0:
            text = f"{_text(shape.each)} điểm mỗi {_counted(self.label(shape.name))}"
            return text if shape.cap is None else f"{text}, tối đa {_text(shape.cap)} điểm"
        return None

    def ratio_name(self, ratio: _Ratio) -> str:
        """'Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ' from 'Số hồ sơ trực tuyến', 'Tổng số…'."""
        numerator = _counted(self.label(ratio.numerator))
        return f"Tỷ lệ {numerator} trên {_lower_first(self.label(ratio.denominator))}"

    def _ratio_sentence(self, ratio: _Ratio) -> str:
        name = self.ratio_name(ratio)
        if ratio.cap is None:
            return f"{name}, 100% quy ra {_text(ratio.factor)} điểm, tỷ lệ thuận"
        percent = ratio.cap / ratio.factor * 100
        return f"{name}, tối đa {_text(percent)}%, quy ra {_text(ratio.cap)} điểm"

    def _thresholds(self, node: ast.IfExp) -> str | None:
        """`p1 if x >= t1 else p2 if x >= t2 else p3`, x one input or a percent ratio."""
        subject: str | None = None
        steps: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.IfExp):
            test, points = current.test, _number(current.body)
            if not (isinstance(test, ast.Compare) and len(test.ops) == 1) or points is None:
                return None
            word = _COMPARISONS.get(type(test.ops[0]))
            limit = _number(test.comparators[0])
            name = self._subject(test.left)
            if word is None or limit is None or name is None or subject not in (None, name):
                return None
            subject = name
            steps.append(f"{word} {_text(limit)}: {_text(points)} điểm")
            current = current.orelse
        rest = _number(current)
        if rest is None or subject is None:
            return None
        return f"{subject} {'; '.join(steps)}; còn lại: {_text(rest)} điểm"

    def _subject(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.label(node.id)
        ratio = _ratio(node)
        if ratio is not None and ratio.cap is None and ratio.factor == 100:
            return f"{self.ratio_name(ratio)} (%)"
        return None


def _ratio(node: ast.expr) -> _Ratio | None:
    """a / b, scaled by constants (× k, / k) and capped by min(…, c) at any step."""
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Div)
        and isinstance(node.left, ast.Name)
        and isinstance(node.right, ast.Name)
    ):
        return _Ratio(node.left.id, node.right.id, Fraction(1))
    scaled = _scaled(node)
    if scaled is not None:
        inner, factor = scaled
        ratio = _ratio(inner)
        return ratio.scaled(factor) if ratio is not None else None
    capped = _capped(node)
    if capped is not None:
        inner, cap = capped
        ratio = _ratio(inner)
        if ratio is not None and ratio.cap is None:
            return _Ratio(ratio.numerator, ratio.denominator, ratio.factor, cap)
    return None


def _count(node: ast.expr) -> _Count | None:
    capped = _capped(node)
    if capped is not None:
        inner, cap = capped
        count = _count(inner)
        return _Count(count.name, count.each, cap) if count and count.cap is None else None
    scaled = _scaled(node)
    if scaled is not None and isinstance(scaled[0], ast.Name):
        return _Count(scaled[0].id, scaled[1])
    return None


def _scaled(node: ast.expr) -> tuple[ast.expr, Fraction] | None:
    """x * k, k * x or x / k (k a positive number) as (x, the factor)."""
    if not isinstance(node, ast.BinOp):
        return None
    right, left = _number(node.right), _number(node.left)
    if isinstance(node.op, ast.Mult) and right is not None and right > 0:
        return node.left, right
    if isinstance(node.op, ast.Mult) and left is not None and left > 0:
        return node.right, left
    if isinstance(node.op, ast.Div) and right is not None and right > 0:
        return node.left, 1 / right
    return None


def _capped(node: ast.expr) -> tuple[ast.expr, Fraction] | None:
    """min(x, c) or min(c, x) as (x, c)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "min"
        and len(node.args) == 2
        and not node.keywords
    ):
        first, second = node.args
        if (cap := _number(second)) is not None:
            return first, cap
        if (cap := _number(first)) is not None:
            return second, cap
    return None
