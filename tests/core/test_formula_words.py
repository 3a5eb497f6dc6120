"""Formula rules in words: the common shapes become one sentence naming the inputs by the
framework's labels; the framework's own description wins; anything else falls back to a
plain phrase, and the expression never reaches the sentence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dti.campaign import load_campaign
from dti.expressions import compile_expression
from dti.framework.describe import FORMULA_FALLBACK, describe_formula, describe_rule, formula_text
from dti.framework.model import FormulaRule
from tests.conftest import EXAMPLES

DVC = ("Số hồ sơ trực tuyến", "Tổng số hồ sơ")


def rule(expression: str, inputs: tuple[str, ...], labels: tuple[str, ...] = ()) -> FormulaRule:
    return FormulaRule(inputs, compile_expression(expression, known_names=inputs), labels)


@pytest.mark.parametrize(
    ("expression", "inputs", "labels", "words"),
    [
        ("min(online / total * 100, 80) / 80 * 20 if total > 0 else 0", ("online", "total"), DVC,
         "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ, tối đa 80%, quy ra 20 điểm"),
        ("min(online / total * 100, 80) / 80 * 20", ("online", "total"), DVC,
         "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ, tối đa 80%, quy ra 20 điểm"),
        ("20 * min(100, online / total * 100) / 75", ("online", "total"), DVC,
         "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ, tối đa 100%, quy ra 26,67 điểm"),
        ("online / total * 20", ("online", "total"), DVC,
         "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ, 100% quy ra 20 điểm, tỷ lệ thuận"),
        ("15 if rate >= 90 else 10 if rate >= 70 else 0", ("rate",), ("Tỷ lệ số hoá",),
         "Tỷ lệ số hoá từ 90: 15 điểm; từ 70: 10 điểm; còn lại: 0 điểm"),
        ("5 if signed / total * 100 > 50 else 0", ("signed", "total"),
         ("Số văn bản ký số", "Tổng số văn bản"),
         "Tỷ lệ văn bản ký số trên tổng số văn bản (%) trên 50: 5 điểm; còn lại: 0 điểm"),
        ("min(events * 0.5, 5)", ("events",), ("Số sự kiện",), "0,5 điểm mỗi sự kiện, tối đa 5 điểm"),
        ("min(5, 2 * events)", ("events",), ("Số sáng kiến",), "2 điểm mỗi sáng kiến, tối đa 5 điểm"),
    ],
)  # fmt: skip
def test_common_shapes_are_written_in_words(expression, inputs, labels, words):
    assert describe_formula(rule(expression, inputs, labels)) == words


@pytest.mark.parametrize(
    "expression",
    [
        "round(online * total, 2)",
        "online - total",
        "5 if online >= 1 else 3 if total >= 1 else 0",  # two subjects: no one sentence
        "min(online / total * 100, total)",
        "max(online / total * 100, 80)",
    ],
)
def test_other_formulas_fall_back_to_a_plain_phrase(expression):
    text = describe_formula(rule(expression, ("online", "total"), DVC))
    assert text == FORMULA_FALLBACK == "Tính theo công thức của bộ chỉ số"


def test_without_labels_the_sentence_still_has_no_expression():
    text = describe_formula(rule("online / total * 20", ("online", "total")))
    assert text == "Tỷ lệ online trên total, 100% quy ra 20 điểm, tỷ lệ thuận"
    assert "/" not in text and "*" not in text


def test_the_frameworks_description_wins():
    described = FormulaRule(
        ("online", "total"),
        compile_expression("online / total * 20"),
        DVC,
        description="Hồ sơ trực tuyến so với tổng số hồ sơ, quy ra 20 điểm",
    )
    assert describe_rule(described, Decimal(20)) == (
        "Hồ sơ trực tuyến so với tổng số hồ sơ, quy ra 20 điểm"
    )


def test_the_technical_text_keeps_the_formula_and_names_each_input():
    text = formula_text(rule("online / total * 20", ("online", "total"), DVC))
    assert text == "online / total * 20 (online: Số hồ sơ trực tuyến; total: Tổng số hồ sơ)"


def test_the_example_framework_describes_its_formula_as_the_office_writes_it():
    framework = load_campaign(EXAMPLES / "mau-2025.yaml").level("xa").framework
    leaf = framework.by_code["cqs_dvctt"]
    assert describe_rule(leaf.rule, leaf.max) == (
        "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ, tối đa 80%, quy ra 20 điểm"
    )
