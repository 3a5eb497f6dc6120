"""The compiler: checks each node of a parsed expression and builds its evaluator closures."""

from __future__ import annotations

import ast
import difflib
from decimal import Decimal

from dti.expressions import evaluators
from dti.expressions.errors import ExpressionError, abbreviate
from dti.expressions.evaluators import ArithStep, CompareStep, Node
from dti.expressions.functions import FUNCTIONS, Function, FunctionImpl, rounder
from dti.expressions.limits import MAX_DEPTH, MAX_DIGITS, MAX_ROUND_PLACES
from dti.expressions.syntax import (
    ADDITIVE,
    ARITHMETIC,
    BOOL_NAMES,
    COMPARISONS,
    FORBIDDEN_OPERATORS,
    FORBIDDEN_SYNTAX,
    MULTIPLICATIVE,
    NUMBER_LITERAL,
)
from dti.expressions.values import KIND_NAMES, ORDERINGS, Kind, nfc


class Compiler:
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
        return f'tại "{abbreviate(self._text(node))}"'

    def _require(self, node: Node, kind: Kind, operation: str) -> None:
        """Reject operands whose type is known to be wrong before any input is seen."""
        if node.kind is not None and node.kind != kind:
            raise self._error(
                f'{operation} cần {KIND_NAMES[kind]} nhưng "{abbreviate(node.text)}" là '
                f"{KIND_NAMES[node.kind]}"
            )

    # -- dispatch -----------------------------------------------------------------------------

    def compile(self, node: ast.expr, depth: int) -> Node:
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
        description = FORBIDDEN_SYNTAX.get(type(node), "cú pháp này")
        raise self._error(f"{description} không được phép {self._at(node)}")

    # -- leaves -------------------------------------------------------------------------------

    def _constant(self, node: ast.Constant) -> Node:
        value = node.value
        text = self._text(node)
        if isinstance(value, bool):
            return evaluators.constant_node(value, "bool", text)
        if isinstance(value, str):
            return evaluators.constant_node(nfc(value), "string", text)
        if isinstance(value, int | float):
            return evaluators.constant_node(self._number(text, node), "number", text)
        if isinstance(value, complex):
            raise self._error(f"số phức không được phép {self._at(node)}")
        if isinstance(value, bytes):
            raise self._error(f"chuỗi bytes không được phép {self._at(node)}")
        raise self._error(f"hằng {text} không được phép {self._at(node)}")

    def _number(self, text: str, node: ast.AST) -> Decimal:
        # From the source text, never from the float Python parsed: 0.1 must stay exactly 0.1.
        if not NUMBER_LITERAL.fullmatch(text):
            raise self._error(
                f'số "{abbreviate(text)}" không hợp lệ: chỉ dùng dạng thập phân như 12 hoặc 0.5'
            )
        if sum(char.isdigit() for char in text) > MAX_DIGITS:
            raise self._error(f"số có quá {MAX_DIGITS} chữ số {self._at(node)}")
        return Decimal(text)

    def _name(self, node: ast.Name) -> Node:
        name = node.id
        if name in BOOL_NAMES:
            return evaluators.constant_node(BOOL_NAMES[name], "bool", name)
        if name in FUNCTIONS:
            raise self._error(f'"{name}" là tên hàm, phải được gọi như {name}(...)')
        # Python NFKC-normalises identifiers; looking up a name other than the one written
        # would make inputs silently go missing.
        if self._text(node) != name:
            raise self._error(f'tên "{self._text(node)}" phải được viết ở dạng chuẩn NFKC')
        if self.known_names is not None and name not in self.known_names:
            raise self._error(self._unknown_name_message(name))
        self.names.add(name)
        return Node(evaluators.input_reader(self.source, name), None, name)

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

    def _unary(self, node: ast.UnaryOp, depth: int) -> Node:
        text = self._text(node)
        if isinstance(node.op, ast.Not):
            operand = self.compile(node.operand, depth + 1)
            self._require(operand, "bool", 'phép "not"')
            return Node(evaluators.negation(self.source, operand), "bool", text)
        if isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.compile(node.operand, depth + 1)
            symbol = "-" if isinstance(node.op, ast.USub) else "+"
            self._require(operand, "number", f'phép "{symbol}" một ngôi')
            return Node(evaluators.sign(self.source, symbol, operand, text), "number", text)
        raise self._forbidden_operator(node.op, node)

    def _forbidden_operator(self, op: ast.AST, node: ast.AST) -> ExpressionError:
        symbol = FORBIDDEN_OPERATORS.get(type(op), type(op).__name__)
        return self._error(f"toán tử {symbol} không được phép {self._at(node)}")

    def _arithmetic(self, node: ast.BinOp, depth: int) -> Node:
        if type(node.op) not in ARITHMETIC:
            raise self._forbidden_operator(node.op, node)
        group = ADDITIVE if isinstance(node.op, ADDITIVE) else MULTIPLICATIVE
        # Walk the left spine of a same-precedence run iteratively: "a + b + ... + z" is one
        # level deep for the nesting limit and costs no recursion, however long it is.
        spine: list[ast.BinOp] = []
        current: ast.expr = node
        while isinstance(current, ast.BinOp) and isinstance(current.op, group):
            spine.append(current)
            current = current.left
        first = self.compile(current, depth + 1)
        steps: list[ArithStep] = []
        for binop in reversed(spine):
            symbol, apply = ARITHMETIC[type(binop.op)]
            operand = self.compile(binop.right, depth + 1)
            steps.append(ArithStep(symbol, apply, operand, self._text(binop)))
        self._require(first, "number", f'phép "{steps[0].symbol}"')
        for step in steps:
            self._require(step.operand, "number", f'phép "{step.symbol}"')
        return Node(
            evaluators.arithmetic(self.source, first, tuple(steps)), "number", self._text(node)
        )

    def _comparison(self, node: ast.Compare, depth: int) -> Node:
        for op in node.ops:
            if type(op) not in COMPARISONS:
                raise self._forbidden_operator(op, node)
        first = self.compile(node.left, depth + 1)
        steps: list[CompareStep] = []
        previous_node, previous = node.left, first
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            symbol = COMPARISONS[type(op)]
            right = self.compile(right_node, depth + 1)
            self._check_comparable(symbol, previous, right)
            steps.append(CompareStep(symbol, right, self._span(previous_node, right_node)))
            previous_node, previous = right_node, right
        return Node(
            evaluators.comparison(self.source, first, tuple(steps)), "bool", self._text(node)
        )

    def _check_comparable(self, symbol: str, left: Node, right: Node) -> None:
        operation = f'phép so sánh "{symbol}"'
        if symbol in ORDERINGS:
            self._require(left, "number", operation)
            self._require(right, "number", operation)
        elif left.kind is not None and right.kind is not None and left.kind != right.kind:
            raise self._error(
                f'{operation} không so sánh được {KIND_NAMES[left.kind]} "{left.text}" với '
                f'{KIND_NAMES[right.kind]} "{right.text}"'
            )

    def _boolean(self, node: ast.BoolOp, depth: int) -> Node:
        word = "and" if isinstance(node.op, ast.And) else "or"
        operands = tuple(self.compile(value, depth + 1) for value in node.values)
        for operand in operands:
            self._require(operand, "bool", f'phép "{word}"')
        # "and" stops at the first False, "or" at the first True.
        stop_at = not isinstance(node.op, ast.And)
        return Node(
            evaluators.short_circuit(self.source, word, stop_at, operands), "bool", self._text(node)
        )

    def _conditional(self, node: ast.IfExp, depth: int) -> Node:
        test = self.compile(node.test, depth + 1)
        self._require(test, "bool", 'điều kiện của "if ... else"')
        body = self.compile(node.body, depth + 1)
        orelse = self.compile(node.orelse, depth + 1)
        kind = body.kind if body.kind == orelse.kind else None
        return Node(evaluators.conditional(self.source, test, body, orelse), kind, self._text(node))

    # -- calls --------------------------------------------------------------------------------

    def _call(self, node: ast.Call, depth: int) -> Node:
        if not isinstance(node.func, ast.Name):
            raise self._error(f"chỉ được gọi các hàm cho phép theo tên {self._at(node)}")
        name = node.func.id
        function = FUNCTIONS.get(name)
        if function is None:
            allowed = ", ".join(sorted(FUNCTIONS))
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
        return Node(evaluators.call(self.source, name, apply, args, text), "number", text)

    def _check_arity(self, name: str, function: Function, node: ast.Call) -> None:
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

    def _round(self, node: ast.Call) -> tuple[FunctionImpl, list[ast.expr]]:
        """round(x) or round(x, n): n must be written as an integer literal from 0 to 10."""
        if len(node.args) == 1:
            return rounder(0), node.args
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
                f'{MAX_ROUND_PLACES}, không phải "{abbreviate(text)}"'
            )
        return rounder(int(text)), node.args[:1]
