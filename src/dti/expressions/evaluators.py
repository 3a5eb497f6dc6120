"""Evaluator closures, one builder per kind of node.

The builders are module-level functions so that closures capture only what they use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, DecimalException

from dti.expressions.errors import (
    DomainError,
    ExpressionError,
    MissingInput,
    abbreviate,
    decimal_failure,
)
from dti.expressions.functions import FunctionImpl
from dti.expressions.values import (
    Env,
    Kind,
    Value,
    check_input,
    compare,
    expect_bool,
    expect_number,
)

Evaluator = Callable[[Env], Value]
BinaryOp = Callable[[Decimal, Decimal], Decimal]


@dataclass(frozen=True, slots=True)
class Node:
    run: Evaluator
    kind: Kind | None  # result type when known at compile time; None when it depends on inputs
    text: str  # source segment, quoted in error messages


@dataclass(frozen=True, slots=True)
class ArithStep:
    symbol: str
    apply: BinaryOp
    operand: Node
    text: str  # the whole "left <op> operand" segment, for division by zero and overflow


@dataclass(frozen=True, slots=True)
class CompareStep:
    symbol: str
    operand: Node
    text: str


def constant_node(value: Value, kind: Kind, text: str) -> Node:
    def run(env: Env) -> Value:
        return value

    return Node(run, kind, text)


def input_reader(source: str, name: str) -> Evaluator:
    def run(env: Env) -> Value:
        value = env.get(name)
        if value is None:
            raise MissingInput(source, name)
        return check_input(source, name, value)

    return run


def negation(source: str, operand: Node) -> Evaluator:
    def run(env: Env) -> Value:
        return not expect_bool(source, operand.run(env), 'phép "not"', operand.text)

    return run


def sign(source: str, symbol: str, operand: Node, text: str) -> Evaluator:
    negate = symbol == "-"

    def run(env: Env) -> Value:
        value = expect_number(source, operand.run(env), f'phép "{symbol}" một ngôi', operand.text)
        if not negate:
            return value
        try:
            return -value
        except DecimalException as exc:
            raise ExpressionError(source, f'{decimal_failure(exc)} tại "{text}"') from None

    return run


def arithmetic(source: str, first: Node, steps: tuple[ArithStep, ...]) -> Evaluator:
    first_operation = f'phép "{steps[0].symbol}"'

    def run(env: Env) -> Value:
        result = expect_number(source, first.run(env), first_operation, first.text)
        for step in steps:
            operand = step.operand
            right = expect_number(source, operand.run(env), f'phép "{step.symbol}"', operand.text)
            if step.symbol == "/" and not right:
                raise ExpressionError(
                    source, f'chia cho 0 tại "{abbreviate(step.text)}" ("{operand.text}" bằng 0)'
                )
            try:
                result = step.apply(result, right)
            except DecimalException as exc:
                message = f'{decimal_failure(exc)} tại "{abbreviate(step.text)}"'
                raise ExpressionError(source, message) from None
        return result

    return run


def comparison(source: str, first: Node, steps: tuple[CompareStep, ...]) -> Evaluator:
    def run(env: Env) -> Value:
        left = first.run(env)
        for step in steps:
            right = step.operand.run(env)
            if not compare(source, step.symbol, left, right, step.text):
                return False  # like Python, "a < b < c" does not evaluate c when a >= b
            left = right
        return True

    return run


def short_circuit(source: str, word: str, stop_at: bool, operands: tuple[Node, ...]) -> Evaluator:
    operation = f'phép "{word}"'

    def run(env: Env) -> Value:
        for operand in operands:
            if expect_bool(source, operand.run(env), operation, operand.text) is stop_at:
                return stop_at
        return not stop_at

    return run


def conditional(source: str, test: Node, body: Node, orelse: Node) -> Evaluator:
    def run(env: Env) -> Value:
        if expect_bool(source, test.run(env), 'điều kiện của "if ... else"', test.text):
            return body.run(env)
        return orelse.run(env)

    return run


def call(
    source: str,
    name: str,
    apply: FunctionImpl,
    args: tuple[Node, ...],
    text: str,
) -> Evaluator:
    operation = f"hàm {name}()"

    def run(env: Env) -> Value:
        values = [expect_number(source, arg.run(env), operation, arg.text) for arg in args]
        try:
            return apply(values)
        except DomainError as exc:
            message = f'{operation}: {exc} tại "{abbreviate(text)}"'
        except DecimalException as exc:
            message = f'{operation}: {decimal_failure(exc)} tại "{abbreviate(text)}"'
        raise ExpressionError(source, message)

    return run
