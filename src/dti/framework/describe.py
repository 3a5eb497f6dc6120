"""Frameworks in plain Vietnamese: what a rule gives, when a node applies. Used by the
CLI's `framework show` and by the portal's tree view."""

from __future__ import annotations

from decimal import Decimal

from dti.fixedpoint import format_vi
from dti.framework.formula_words import formula_in_words
from dti.framework.model import (
    BandsRule,
    ChoiceRule,
    CountRule,
    EnteredRule,
    FormulaRule,
    Node,
    RatioRule,
    Rule,
    Source,
    YesNoRule,
)

_SOURCES = {
    Source.UNIT: "đơn vị kê khai",
    Source.SYSTEM: "lấy từ hệ thống dùng chung",
    Source.APPRAISERS: "tổ thẩm định chấm",
}


def points(value: Decimal) -> str:
    return f"{format_vi(value.normalize() if value == value.to_integral() else value)} đ"


def describe_rule(rule: Rule, maximum: Decimal) -> str:
    if isinstance(rule, EnteredRule):
        return "nhập trực tiếp điểm"
    if isinstance(rule, YesNoRule):
        return f"Có: {points(maximum)}; Không: 0 đ"
    if isinstance(rule, ChoiceRule):
        return "chọn một mức: " + "; ".join(f"{o.label} ({points(o.points)})" for o in rule.options)
    if isinstance(rule, RatioRule):
        text = f"tỷ lệ so với mục tiêu {format_vi(rule.target)}, điểm tỷ lệ thuận"
        text += f", tối đa {points(maximum)}" if rule.cap else ", không giới hạn trên"
        return text + (f"; dưới {format_vi(rule.minimum)}: 0 đ" if rule.minimum else "")
    if isinstance(rule, BandsRule):
        return "theo mức: " + "; ".join(
            f"từ {format_vi(b.min)}: {points(b.points)}" for b in rule.bands
        )
    if isinstance(rule, CountRule):
        return f"{points(rule.points_each)} mỗi lần, tối đa {points(maximum)}"
    assert isinstance(rule, FormulaRule)
    return describe_formula(rule)


FORMULA_FALLBACK = "Tính theo công thức của bộ chỉ số"


def describe_formula(rule: FormulaRule) -> str:
    """The framework's own description, else the formula in words for the common shapes, else
    a plain fallback; never the expression (formula_text gives it to those who need it)."""
    return rule.description or formula_in_words(rule) or FORMULA_FALLBACK


def formula_text(rule: FormulaRule) -> str:
    """The expression and its inputs, for a technical view: 'online / total * 20 (online:
    Số hồ sơ trực tuyến; total: Tổng số hồ sơ)'."""
    inputs = "; ".join(
        f"{name}: {rule.label(name)}" if rule.label(name) != name else name for name in rule.inputs
    )
    return f"{rule.expression.source} ({inputs})"


def describe_node(node: Node) -> str:
    """One line: name, max points, and for leaves how they are scored."""
    parts = [f"{node.name} [{node.code}] — tối đa {points(node.max)}"]
    if node.weight is not None:
        parts.append(f"trọng số {format_vi(node.weight)}")
    if node.applies_when is not None:
        parts.append(f"chỉ áp dụng khi: {node.applies_when.source}")
    if node.is_leaf:
        parts.append(describe_rule(node.rule, node.max))
        if node.source is not Source.UNIT:
            parts.append(_SOURCES[node.source])
    return "; ".join(parts)
