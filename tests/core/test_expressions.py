"""Tests for dti.expressions: the safe evaluator of framework formulas and conditions."""

from __future__ import annotations

import ast
import pickle
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Context, Decimal, DecimalException
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dti import expressions
from dti.expressions import (
    Expression,
    ExpressionError,
    MissingInput,
    Value,
    compile_expression,
)

D = Decimal
Env = Mapping[str, Value | None]


def evaluate(text: str, env: Env | None = None) -> Value:
    return compile_expression(text).evaluate(env or {})


def assert_exact(actual: Value, expected: Decimal) -> None:
    """Equal value *and* equal representation (digits and exponent), e.g. 2.68 not 2.680."""
    assert isinstance(actual, Decimal)
    assert actual.as_tuple() == expected.as_tuple(), f"{actual!r} != {expected!r}"


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

NUMERIC_CASES: list[tuple[str, dict[str, Value | None], Decimal]] = [
    ("1", {}, D("1")),
    ("0.1 + 0.2", {}, D("0.3")),
    ("0.1 * 3", {}, D("0.3")),
    (".5 + 5.", {}, D("5.5")),
    ("1 - 0.9", {}, D("0.1")),
    ("1 / 3", {}, D("0.3333333333333333333333333333")),
    ("2 / 3", {}, D("0.6666666666666666666666666667")),
    ("10 / 4", {}, D("2.5")),
    ("1 + 2 * 3", {}, D("7")),
    ("(1 + 2) * 3", {}, D("9")),
    ("10 - 2 - 3", {}, D("5")),
    ("100 / 10 / 5", {}, D("2")),
    ("8 / 2 * 4", {}, D("16")),
    ("-3 + 5", {}, D("2")),
    ("- -3", {}, D("3")),
    ("+x", {"x": D("4.50")}, D("4.50")),
    ("-x", {"x": D("0")}, D("0")),
    ("0 * -1", {}, D("0")),
    ("123456789012345678901234567890", {}, D("123456789012345678901234567890")),
    ("0.00000000000000000000000000001", {}, D("1E-29")),
    ("round(2.675, 2)", {}, D("2.68")),
    ("round(0.125, 2)", {}, D("0.13")),
    ("round(0.135, 2)", {}, D("0.14")),
    ("round(2.5)", {}, D("3")),
    ("round(3.5, 0)", {}, D("4")),
    ("round(-2.5)", {}, D("-3")),
    ("round(-0.125, 2)", {}, D("-0.13")),
    ("round(5, 2)", {}, D("5.00")),
    ("round(1.23456789012, 10)", {}, D("1.2345678901")),
    ("round(-0.001, 2)", {}, D("0.00")),
    ("round(1 / 3, 4)", {}, D("0.3333")),
    ("min(3, 1, 2)", {}, D("1")),
    ("max(3, 1, 2)", {}, D("3")),
    ("max(-1, -2)", {}, D("-1")),
    ("abs(-2.5)", {}, D("2.5")),
    ("abs(2.5)", {}, D("2.5")),
    ("floor(2.7)", {}, D("2")),
    ("floor(-2.1)", {}, D("-3")),
    ("ceil(2.1)", {}, D("3")),
    ("ceil(-0.5)", {}, D("0")),
    ("clamp(5, 0, 10)", {}, D("5")),
    ("clamp(-5, 0, 10)", {}, D("0")),
    ("clamp(15, 0, 10)", {}, D("10")),
    ("clamp(1, 2, 2)", {}, D("2")),
    (
        "round(min(signed / documents * 100, 100) / 10, 2)",
        {"signed": D(3), "documents": D(7)},
        D("4.29"),
    ),
    (
        "round(min(signed / documents * 100, 100) / 10, 2)",
        {"signed": D(9), "documents": D(7)},
        D("10.00"),
    ),
    ("a * b", {"a": D("1.5"), "b": D("2")}, D("3.0")),
    ("x if flag else y", {"flag": True, "x": D(1), "y": D(2)}, D("1")),
    ("x if flag else y", {"flag": False, "x": D(1), "y": D(2)}, D("2")),
    ("1 if a > b else 0", {"a": D(2), "b": D(1)}, D("1")),
    ("100 if level == 'tinh' else 50", {"level": "tinh"}, D("100")),
]


@pytest.mark.parametrize(("text", "env", "expected"), NUMERIC_CASES)
def test_numeric_results_are_exact(text: str, env: Env, expected: Decimal) -> None:
    assert_exact(evaluate(text, env), expected)


def test_long_sums_count_as_one_nesting_level() -> None:
    assert evaluate("+".join(["1"] * 300)) == D(300)
    assert evaluate("-".join(["x"] * 200), {"x": D(1)}) == D(-198)
    assert evaluate("*".join(["x"] * 50) + "/x", {"x": D(2)}) == D(2) ** 49


def test_evaluate_number_returns_decimal() -> None:
    expr = compile_expression("a / b")
    assert expr.evaluate_number({"a": D(1), "b": D(4)}) == D("0.25")


# --------------------------------------------------------------------------------------------
# Conditions, strings, booleans
# --------------------------------------------------------------------------------------------

CONDITION_CASES: list[tuple[str, dict[str, Value | None], bool]] = [
    ("True", {}, True),
    ("False", {}, False),
    ("true", {}, True),
    ("false", {}, False),
    ("not False", {}, True),
    ("not not True", {}, True),
    ("True and False", {}, False),
    ("True or False", {}, True),
    ("False or False or True", {}, True),
    ("True and True and True", {}, True),
    ("1 < 2", {}, True),
    ("2 <= 2", {}, True),
    ("3 > 4", {}, False),
    ("4 >= 4.0", {}, True),
    ("1 == 1.00", {}, True),
    ("1 != 1", {}, False),
    ("0 <= x < 10", {"x": D(5)}, True),
    ("0 <= x < 10", {"x": D(10)}, False),
    ("1 < 2 < 3 < 4", {}, True),
    ("1 < 3 < 2", {}, False),
    ("'xa' == 'xa'", {}, True),
    ('"xa" != "phuong"', {}, True),
    ("level == 'xa'", {"level": "xa"}, True),
    ("level != 'xa'", {"level": "tinh"}, True),
    # Precomposed "xã" in the text, decomposed in the data: NFC comparison makes them equal.
    ("level == 'x\u00e3'", {"level": "xa\u0303"}, True),
    ("flag == True", {"flag": True}, True),
    ("flag != true", {"flag": False}, True),
    (
        "has_online_public_services and level != 'xa'",
        {"has_online_public_services": True, "level": "huyen"},
        True,
    ),
    (
        "has_online_public_services and level != 'xa'",
        {"has_online_public_services": True, "level": "xa"},
        False,
    ),
    (
        "has_online_public_services and level != 'xa'",
        {"has_online_public_services": False, "level": "xa"},
        False,
    ),
    ("population > 100000 or is_city", {"population": D(5), "is_city": True}, True),
    ("not (a > b)", {"a": D(1), "b": D(2)}, True),
    ("(a if flag else b) > 1", {"flag": False, "a": D(0), "b": D(2)}, True),
]


@pytest.mark.parametrize(("text", "env", "expected"), CONDITION_CASES)
def test_conditions(text: str, env: Env, expected: bool) -> None:
    expr = compile_expression(text)
    assert expr.evaluate(env) is expected
    assert expr.evaluate_condition(env) is expected


def test_string_values_can_be_returned() -> None:
    assert evaluate("'a' if flag else 'b'", {"flag": False}) == "b"
    assert evaluate("level", {"level": "xa"}) == "xa"


SHORT_CIRCUIT_CASES = [
    ("False and missing", False),
    ("True or missing", True),
    ("False and missing > 1 / 0", False),
    ("flag or missing", True),
    ("2 < 1 < missing", False),
    ("not (False and missing)", True),
]


@pytest.mark.parametrize(("text", "expected"), SHORT_CIRCUIT_CASES)
def test_short_circuit_does_not_read_later_operands(text: str, expected: bool) -> None:
    assert compile_expression(text).evaluate({"flag": True}) is expected


def test_conditional_evaluates_only_the_chosen_branch() -> None:
    expr = compile_expression("x if flag else missing / 0")
    assert expr.evaluate({"flag": True, "x": D(7)}) == D(7)
    with pytest.raises(MissingInput):
        expr.evaluate({"flag": False, "x": D(7)})


def test_negative_zero_is_normalised() -> None:
    result = evaluate("x * -1", {"x": D("0.00")})
    assert isinstance(result, Decimal)
    assert not result.is_signed()
    assert str(result) == "0.00"


# --------------------------------------------------------------------------------------------
# Missing inputs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", [{}, {"documents": None}, {"other": D(1)}])
def test_missing_input(env: Env) -> None:
    expr = compile_expression("documents + 1")
    with pytest.raises(MissingInput) as info:
        expr.evaluate(env)
    error = info.value
    assert isinstance(error, ExpressionError)
    assert isinstance(error, ValueError)
    assert error.name == "documents"
    assert error.expression == "documents + 1"
    assert str(error) == 'Biểu thức "documents + 1": thiếu giá trị đầu vào "documents"'


def test_missing_input_in_condition() -> None:
    with pytest.raises(MissingInput, match="is_city"):
        compile_expression("True and is_city").evaluate_condition({})


# --------------------------------------------------------------------------------------------
# Forbidden syntax (compile time)
# --------------------------------------------------------------------------------------------

FORBIDDEN = [
    "__import__('os')",
    "__import__('os').system('ls')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "a.b",
    "x.__class__",
    "a[0]",
    "a[1:2]",
    "lambda: 1",
    "(lambda x: x)(1)",
    "[x for x in y]",
    "{x for x in y}",
    "{x: 1 for x in y}",
    "(x for x in y)",
    "2 ** 1000000",
    "9**9**9",
    "'a' * 10**9",
    "a ** 2",
    "f'{a}'",
    "f'x'",
    "a := 1",
    "(a := 1)",
    "a in b",
    "a not in b",
    "a is b",
    "a is not b",
    "1 << 2",
    "1 >> 2",
    "1 | 2",
    "1 & 2",
    "1 ^ 2",
    "~1",
    "7 % 2",
    "7 // 2",
    "a @ b",
    "open('x')",
    "eval('1')",
    "exec('1')",
    "compile('1', 'x', 'eval')",
    "getattr(a, 'b')",
    "sum(a, b)",
    "int(1)",
    "a.b(1)",
    "min(*a)",
    "min(a, b, key=c)",
    "round(x, ndigits=2)",
    "b'abc'",
    "1j",
    "1 + 2j",
    "None",
    "...",
    "[1, 2]",
    "(1, 2)",
    "{1: 2}",
    "{1}",
    "(yield)",
    "await x",
    "1e3",
    "1E-3",
    "0x10",
    "0o7",
    "0b1",
    "1_000",
    "min",
    "round + 1",
    "x if y",
    "1 +",
    "a b",
    "1 = 1",
    "import os",
    "x = 1",
    "",
    "   ",
    "a; b",
    "\x00",
    "1\x00",
    "(" * 300 + "1" + ")" * 300,
    "[" * 300,
    "-" * 500 + "1",
    "not " * 200 + "x",
    "'unterminated",
    "ﬁle",  # NFKC would silently turn this into the name "file"
]


@pytest.mark.parametrize("text", FORBIDDEN)
def test_forbidden_syntax_is_rejected_at_compile_time(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text)
    assert str(info.value).startswith("Biểu thức ")
    assert not isinstance(info.value, MissingInput)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a ** 2", "toán tử ** không được phép"),
        ("7 % 2", "toán tử % không được phép"),
        ("a in b", "toán tử in không được phép"),
        ("a is b", "toán tử is không được phép"),
        ("x.__class__", 'truy cập thuộc tính không được phép tại "x.__class__"'),
        ("a[0]", "truy cập phần tử theo chỉ số"),
        ("lambda: 1", "hàm lambda"),
        ("f'{a}'", "f-string"),
        ("open('x')", 'hàm "open" không được phép'),
        ("min(a, b, key=c)", "tham số có tên"),
        ("1e3", 'số "1e3" không hợp lệ'),
        ("min(x)", "hàm min() cần ít nhất 2 tham số nhưng nhận 1"),
        ("clamp(x, 1)", "hàm clamp() cần đúng 3 tham số nhưng nhận 2"),
        ("round(1, 2, 3)", "hàm round() cần từ 1 đến 2 tham số"),
        ("1 +", "biểu thức kết thúc đột ngột"),
        ("a b", 'cú pháp không hợp lệ tại vị trí 3 gần "b"'),
        ("(1 +\n 2", "'(' was never closed"),
        ("", "biểu thức rỗng"),
    ],
)
def test_compile_error_messages(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text)
    error = info.value
    assert error.expression == text
    assert fragment in error.message
    assert str(error) == f'Biểu thức "{text}": {error.message}'


def test_error_message_matches_documented_example() -> None:
    with pytest.raises(ExpressionError, match=r'^Biểu thức "a \*\* 2": toán tử \*\* không được'):
        compile_expression("a ** 2")


def test_long_expression_is_abbreviated_in_message_but_kept_in_attribute() -> None:
    text = "a" * 200 + " ** 2"
    with pytest.raises(ExpressionError) as info:
        compile_expression(text)
    assert info.value.expression == text
    assert len(str(info.value)) < 400


# --------------------------------------------------------------------------------------------
# Type errors: statically known ones at compile time, the others at evaluation
# --------------------------------------------------------------------------------------------

STATIC_TYPE_ERRORS = [
    "True + 1",
    "1 + 'a'",
    "-True",
    "not 1",
    "1 and True",
    "True or 'x'",
    "'a' < 'b'",
    "True < False",
    "True == 1",
    "1 != 'a'",
    "min(1, True)",
    "round('a', 2)",
    "1 if 2 else 3",
    "(1 < 2) + 1",
    "1 + 2 == 'x'",
]


@pytest.mark.parametrize("text", STATIC_TYPE_ERRORS)
def test_statically_wrong_types_are_rejected_at_compile_time(text: str) -> None:
    with pytest.raises(ExpressionError):
        compile_expression(text)


RUNTIME_ERRORS: list[tuple[str, dict[str, Value | None], str]] = [
    ("a + 1", {"a": True}, 'phép "+" cần số nhưng "a" là giá trị đúng/sai (True)'),
    ("1 - a", {"a": "x"}, 'phép "-" cần số nhưng "a" là chuỗi "x"'),
    ("a * b", {"a": D(1), "b": False}, 'phép "*" cần số'),
    ("-a", {"a": True}, 'phép "-" một ngôi cần số'),
    ("a == 1", {"a": True}, 'phép so sánh "=="'),
    ("a != 1", {"a": True}, 'phép so sánh "!="'),
    ("a == b", {"a": "1", "b": D(1)}, "không so sánh được"),
    ("a < b", {"a": "a", "b": "b"}, 'phép so sánh "<" chỉ dùng cho số, không dùng cho chuỗi'),
    ("a >= b", {"a": True, "b": False}, 'phép so sánh ">=" chỉ dùng cho số'),
    ("a and True", {"a": D(1)}, 'phép "and" cần giá trị đúng/sai nhưng "a" là số 1'),
    ("False or a", {"a": "yes"}, 'phép "or" cần giá trị đúng/sai'),
    ("not a", {"a": D(0)}, 'phép "not" cần giá trị đúng/sai'),
    ("1 if a else 2", {"a": D(1)}, 'điều kiện của "if ... else"'),
    ("min(a, 1)", {"a": True}, "hàm min() cần số"),
    ("round(a, 2)", {"a": "1.5"}, "hàm round() cần số"),
    ("signed / documents", {"signed": D(1), "documents": D(0)}, "chia cho 0"),
    ("1 / (a - a)", {"a": D(3)}, "chia cho 0"),
    ("0 / 0", {}, "chia cho 0"),
    ("a * a", {"a": D("9E+999990")}, "tràn số"),
    ("round(a, 2)", {"a": D("1E+30")}, "độ chính xác"),
    ("-a", {"a": D("9.99999999999999999999999999999999E+999999")}, "tràn số"),
    ("clamp(x, 10, 0)", {"x": D(5)}, "cận dưới 10 lớn hơn cận trên 0"),
    ("a + 1", {"a": D("NaN")}, "không hữu hạn"),
    ("a + 1", {"a": D("Infinity")}, "không hữu hạn"),
    ("a + 1", {"a": 1.5}, "kiểu float"),  # type: ignore[dict-item]
    ("a + 1", {"a": 1}, "kiểu int"),  # type: ignore[dict-item]
]


@pytest.mark.parametrize(("text", "env", "fragment"), RUNTIME_ERRORS)
def test_evaluation_errors(text: str, env: Env, fragment: str) -> None:
    expr = compile_expression(text)
    with pytest.raises(ExpressionError) as info:
        expr.evaluate(env)
    error = info.value
    assert not isinstance(error, MissingInput)
    assert fragment in error.message
    assert str(error).startswith(f'Biểu thức "{text}": ')


def test_bool_is_not_a_number_in_results() -> None:
    with pytest.raises(ExpressionError, match="kết quả phải là số"):
        compile_expression("a > 1").evaluate_number({"a": D(2)})
    with pytest.raises(ExpressionError, match="kết quả phải là số"):
        compile_expression("flag").evaluate_number({"flag": True})
    with pytest.raises(ExpressionError, match="kết quả phải là giá trị đúng/sai"):
        compile_expression("a + 1").evaluate_condition({"a": D(1)})
    with pytest.raises(ExpressionError, match="kết quả phải là giá trị đúng/sai"):
        compile_expression("level").evaluate_condition({"level": "xa"})


# --------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------


def test_length_limit() -> None:
    text = "10" + "+1" * 499
    assert len(text) == 1000
    assert evaluate(text) == D(509)
    with pytest.raises(ExpressionError, match="tối đa 1000"):
        compile_expression(text + "1")


def test_depth_limit() -> None:
    # 39 unary operators + the name = 40 levels.
    assert evaluate("-" * 39 + "x", {"x": D(1)}) == D(-1)
    with pytest.raises(ExpressionError, match="lồng quá sâu"):
        compile_expression("-" * 40 + "x")
    assert evaluate("abs(" * 39 + "1" + ")" * 39) == D(1)
    with pytest.raises(ExpressionError, match="lồng quá sâu"):
        compile_expression("abs(" * 40 + "1" + ")" * 40)
    with pytest.raises(ExpressionError, match="lồng quá sâu"):
        compile_expression("1 - (" * 45 + "1" + ")" * 45)


def test_redundant_parentheses_do_not_count_as_nesting() -> None:
    assert evaluate("(" * 150 + "1" + ")" * 150) == D(1)


def test_digit_limit() -> None:
    assert evaluate("9" * 30) == D("9" * 30)
    assert evaluate("0." + "0" * 28 + "1") == D("1E-29")
    with pytest.raises(ExpressionError, match="quá 30 chữ số"):
        compile_expression("9" * 31)
    with pytest.raises(ExpressionError, match="quá 30 chữ số"):
        compile_expression("0." + "0" * 29 + "1")


@pytest.mark.parametrize(
    "text",
    [
        "round(x, 11)",
        "round(x, -1)",
        "round(x, 2.0)",
        "round(x, n)",
        "round(x, True)",
        "round(x, 1+1)",
    ],
)
def test_round_places_must_be_a_small_integer_literal(text: str) -> None:
    with pytest.raises(ExpressionError, match="round"):
        compile_expression(text)


def test_round_places_boundaries() -> None:
    assert_exact(evaluate("round(1, 0)"), D("1"))
    assert_exact(evaluate("round(1, 10)"), D("1.0000000000"))


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def test_names_lists_every_input_read() -> None:
    expr = compile_expression(
        "round(min(signed / documents * 100, 100) / 10, 2) if enabled and true else fallback"
    )
    assert expr.names == frozenset({"signed", "documents", "enabled", "fallback"})
    assert compile_expression("1 + 2").names == frozenset()


def test_known_names_accepts_declared_names() -> None:
    expr = compile_expression("a + b", known_names=["a", "b", "c"])
    assert expr.names == frozenset({"a", "b"})


def test_known_names_rejects_unknown_name_and_lists_known() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("signed / documnets", known_names={"signed", "documents"})
    message = info.value.message
    assert 'tên không xác định "documnets"' in message
    assert 'có phải là "documents"?' in message
    assert "các tên hợp lệ: documents, signed" in message


def test_known_names_empty() -> None:
    assert compile_expression("1 + 1", known_names=()).evaluate({}) == D(2)
    with pytest.raises(ExpressionError, match="không có tên nào"):
        compile_expression("x", known_names=())


def test_known_names_must_not_be_a_plain_string() -> None:
    with pytest.raises(TypeError):
        compile_expression("a", known_names="abc")


def test_function_names_are_not_inputs() -> None:
    with pytest.raises(ExpressionError, match="là tên hàm"):
        compile_expression("max + 1")


def test_vietnamese_identifiers_are_allowed() -> None:
    assert evaluate("số_văn_bản + 1", {"số_văn_bản": D(2)}) == D(3)


# --------------------------------------------------------------------------------------------
# The Expression object
# --------------------------------------------------------------------------------------------


def test_source_is_stripped() -> None:
    expr = compile_expression("  a + 1\n")
    assert expr.source == "a + 1"
    assert expr.evaluate({"a": D(1)}) == D(2)


def test_multiline_inside_parentheses() -> None:
    assert evaluate("(1 +\n 2)") == D(3)


def test_non_string_text_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError):
        compile_expression(10)  # type: ignore[arg-type]


def test_expressions_compare_by_source_and_are_hashable() -> None:
    assert compile_expression("a + 1") == compile_expression(" a + 1 ")
    assert len({compile_expression("a + 1"), compile_expression("a + 1")}) == 1
    assert "a + 1" in repr(compile_expression("a + 1"))


def test_expression_is_immutable() -> None:
    expr = compile_expression("a")
    with pytest.raises(AttributeError):
        expr.source = "b"  # type: ignore[misc]


def test_expression_and_errors_pickle() -> None:
    expr = compile_expression("round(a / 3, 2)")
    clone = pickle.loads(pickle.dumps(expr))
    assert isinstance(clone, Expression)
    assert clone.evaluate({"a": D(1)}) == D("0.33")

    missing = MissingInput("a + 1", "a")
    missing_clone = pickle.loads(pickle.dumps(missing))
    assert isinstance(missing_clone, MissingInput)
    assert (missing_clone.name, str(missing_clone)) == ("a", str(missing))

    error = ExpressionError("a ** 2", "toán tử ** không được phép")
    error_clone = pickle.loads(pickle.dumps(error))
    assert (error_clone.expression, error_clone.message) == (error.expression, error.message)


def test_evaluation_does_not_depend_on_the_ambient_decimal_context() -> None:
    from decimal import localcontext

    expr = compile_expression("1 / 3")
    with localcontext(Context(prec=3)):
        result = expr.evaluate({})
    assert result == D("0.3333333333333333333333333333")


@pytest.mark.parametrize(
    "module", sorted(Path(expressions.__file__).parent.glob("*.py")), ids=lambda p: p.name
)
def test_no_module_of_the_evaluator_calls_eval_exec_or_compile(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "__import__"}


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

NAMES = ("a", "b", "c", "flag", "level")

finite_decimals = st.decimals(allow_nan=False, allow_infinity=False)
env_values = st.one_of(
    finite_decimals,
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.just(D(0)),
    st.booleans(),
    st.sampled_from(["xa", "tinh", ""]),
    st.none(),
)
envs = st.dictionaries(st.sampled_from(NAMES), env_values)

TOKENS = [
    *"ab01.+-*/%<>=!()[]{}, '\"\\:_\n\t#@~",
    "and ",
    "or ",
    "not ",
    " if ",
    " else ",
    "lambda ",
    "min(",
    "round(",
    "clamp(",
    "**",
    "__",
    "True",
    "false",
    "1e9",
    "\x00",
]
token_text = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)

leaves = st.one_of(
    st.sampled_from(NAMES),
    st.decimals(min_value=0, max_value=10**6, places=3).map(lambda d: format(d, "f")),
    st.sampled_from(["True", "False", "true", "'xa'", "0"]),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"])
    functions = st.sampled_from(["min", "max", "abs", "floor", "ceil", "clamp", "round"])
    return st.one_of(
        st.builds("({} {} {})".format, children, binary, children),
        st.builds("(-{})".format, children),
        st.builds("(not {})".format, children),
        st.builds("({} if {} else {})".format, children, children, children),
        st.builds(
            lambda name, args: f"{name}({', '.join(args)})",
            functions,
            st.lists(children, min_size=1, max_size=3),
        ),
        st.builds("round({}, {})".format, children, st.integers(0, 12)),
    )


grammar_text = st.recursive(leaves, _combine, max_leaves=25)


def _check_outcome(text: str, env: Env) -> Expression | None:
    """compile either fails with ExpressionError or evaluation gives a Value/ExpressionError."""
    try:
        expr = compile_expression(text)
    except ExpressionError:
        return None
    try:
        result = expr.evaluate(env)
    except ExpressionError:
        return expr
    assert isinstance(result, Decimal | bool | str)
    if isinstance(result, Decimal):
        assert result.is_finite()
    return expr


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), token_text), envs)
def test_fuzz_arbitrary_text(text: str, env: Env) -> None:
    _check_outcome(text, env)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(grammar_text, envs)
def test_fuzz_generated_expressions(text: str, env: Env) -> None:
    expr = _check_outcome(text, env)
    if expr is not None:
        assert expr.names <= frozenset(NAMES)


@given(st.text(min_size=1001, max_size=1100))
def test_fuzz_too_long_text(text: str) -> None:
    with pytest.raises(ExpressionError):
        compile_expression(text)


bounded = st.decimals(min_value=-(10**15), max_value=10**15, places=10)


@given(bounded, bounded)
def test_addition_is_exact(a: Decimal, b: Decimal) -> None:
    result = compile_expression("a + b").evaluate({"a": a, "b": b})
    assert isinstance(result, Decimal)
    assert result == a + b
    expected = a + b
    if not (expected.is_zero() and expected.is_signed()):
        assert result.as_tuple() == expected.as_tuple()


@pytest.mark.parametrize(
    ("text", "operation"),
    [("a + b", Context.add), ("a - b", Context.subtract), ("a * b", Context.multiply)],
)
@given(a=finite_decimals, b=finite_decimals)
def test_arithmetic_matches_28_digit_decimal_context(
    text: str, operation: Callable[[Context, Decimal, Decimal], Decimal], a: Decimal, b: Decimal
) -> None:
    context = Context(prec=28, Emax=999_999, Emin=-999_999)
    try:
        expected = operation(context, a, b)
    except DecimalException:
        with pytest.raises(ExpressionError):
            compile_expression(text).evaluate({"a": a, "b": b})
        return
    assert compile_expression(text).evaluate({"a": a, "b": b}) == expected


@given(finite_decimals, finite_decimals)
def test_division_matches_decimal_or_fails_cleanly(a: Decimal, b: Decimal) -> None:
    expr = compile_expression("a / b")
    if b.is_zero():
        with pytest.raises(ExpressionError, match="chia cho 0"):
            expr.evaluate({"a": a, "b": b})
        return
    try:
        expected = Context(prec=28, Emax=999_999, Emin=-999_999).divide(a, b)
    except DecimalException:
        with pytest.raises(ExpressionError):
            expr.evaluate({"a": a, "b": b})
        return
    assert expr.evaluate({"a": a, "b": b}) == expected


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=12), st.integers(0, 10))
def test_round_is_half_up(x: Decimal, places: int) -> None:
    result = compile_expression(f"round(x, {places})").evaluate({"x": x})
    expected = x.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert result == expected


@given(st.decimals(min_value=0, max_value=10**15, places=10))
def test_number_literals_are_read_exactly(value: Decimal) -> None:
    text = format(value, "f")
    assert_exact(compile_expression(text).evaluate({}), D(text))


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("text", "expected"), [("'\\d' == x", True), ("1if flag else 2", D(1))])
def test_parser_warnings_do_not_escape(text: str, expected: Value) -> None:
    assert compile_expression(text).evaluate({"x": "\\d", "flag": True}) == expected
