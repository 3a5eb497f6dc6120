"""The syntax whitelist: allowed literals and operators, and how refused syntax is named."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Mapping
from typing import Final

from dti.expressions.evaluators import BinaryOp

# Only plain decimal notation: exponents would let a 5-character literal denote a number with a
# million digits, and the other Python forms (0x.., 1_000) have no place in a scoring formula.
NUMBER_LITERAL: Final = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
BOOL_NAMES: Final[Mapping[str, bool]] = {"true": True, "false": False}

ARITHMETIC: Final[Mapping[type[ast.operator], tuple[str, BinaryOp]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
}
ADDITIVE: Final = (ast.Add, ast.Sub)
MULTIPLICATIVE: Final = (ast.Mult, ast.Div)

FORBIDDEN_OPERATORS: Final[Mapping[type[ast.AST], str]] = {
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

COMPARISONS: Final[Mapping[type[ast.cmpop], str]] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}

FORBIDDEN_SYNTAX: Final[Mapping[type[ast.AST], str]] = {
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
