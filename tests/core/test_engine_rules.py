"""Every scoring rule, applicability, bonus/penalty and each comparability policy, on the
illustrative campaign examples/mau-2025.yaml, with exact expected values."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest

from dti.campaign import load_campaign
from dti.columns import InputError
from dti.engine import compute
from dti.inputs import UnitInput, build_inputs
from dti.results import evaluate
from tests.conftest import EXAMPLES

CAMPAIGN = load_campaign(EXAMPLES / "mau-2025.yaml")
XA = CAMPAIGN.level("xa").framework
BO = CAMPAIGN.level("bo").framework
WITH = {"has_online_public_services": True}
WITHOUT = {"has_online_public_services": False}


def leaf_score(code: str, value: object, attributes: dict[str, bool] = WITH) -> D:
    scores = compute(XA, build_inputs(XA, [UnitInput("u", attributes, values={code: value})]))
    return scores.node_score(code, 0)


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("nts_ke_hoach", True, D(5)),
        ("nts_ke_hoach", False, D(0)),
        ("nts_tuyen_truyen", D(7), D("3.5")),  # 7 × 0,5
        ("nts_tuyen_truyen", D(25), D(10)),  # capped at the max
        ("nts_tuyen_truyen", D(0), D(0)),
        ("tcs_quy_che", "mot_phan", D(5)),
        ("tcs_quy_che", "chua", D(0)),
        ("cqs_ky_so", D("87.5"), D("13.13")),  # 15 × 0,875 = 13,125 -> half up
        ("cqs_ky_so", D("120"), D(15)),  # capped
        ("cqs_ky_so", D("33.3333"), D("5")),  # 4,999995 -> 5,00
        ("cqs_so_hoa", D("90"), D(15)),  # bands: from 90
        ("cqs_so_hoa", D("89.99"), D(10)),
        ("cqs_so_hoa", D("50"), D(5)),
        ("cqs_so_hoa", D("49.99"), D(0)),
        ("cqs_dvctt", {"online": D(30), "total": D(40)}, D("18.75")),  # 75 % of an 80 % target
        ("cqs_dvctt", {"online": D(50), "total": D(40)}, D(20)),
        ("cqs_dvctt", {"online": D(0), "total": D(0)}, D(0)),
        ("cqs_dvctt", {"online": D(1), "total": D(3)}, D("8.33")),  # 33,33… % -> 8,333… -> 8,33
        ("xhs_danh_gia", D("22.5"), D("22.5")),  # entered by the appraisers
    ],
)
def test_each_rule_gives_its_exact_points(code, value, expected):
    assert leaf_score(code, value) == expected


def test_a_node_that_does_not_apply_scores_zero_and_leaves_the_applicable_max():
    unit = UnitInput("u", WITHOUT, values={"cqs_dvctt": {"online": D(30), "total": D(40)}})
    scores = compute(XA, build_inputs(XA, [unit]))
    assert scores.node_score("cqs_dvctt", 0) == 0
    assert scores.node_max("hoat_dong_chinh_quyen_so", 0) == 30
    assert int(scores.total_applicable_max[0]) == 80 * 10**4


def test_missing_inputs_score_zero_and_are_not_answered():
    scores = compute(XA, build_inputs(XA, [UnitInput("u", WITH, values={"nts_ke_hoach": True})]))
    assert scores.node_score("nhan_thuc_so", 0) == 5
    assert bool(scores.answered[scores.node_index["nts_ke_hoach"], 0])
    assert not bool(scores.answered[scores.node_index["nhan_thuc_so"], 0])


def test_bonus_and_penalty_points_sit_outside_the_tree():
    unit = UnitInput(
        "u",
        WITH,
        values={"xhs_danh_gia": D(20)},
        adjustments={"sang_kien": D(3), "cham_bao_cao": D(2)},
    )
    scores = compute(XA, build_inputs(XA, [unit]))
    assert int(scores.total[0]) == 21 * 10**4


def full_marks(attributes: dict[str, bool]) -> dict[str, object]:
    values: dict[str, object] = {
        "nts_ke_hoach": True, "nts_tuyen_truyen": D(40), "tcs_quy_che": "day_du",
        "cqs_ky_so": D(100), "cqs_so_hoa": D(95), "xhs_danh_gia": D(25),
    }  # fmt: skip
    if attributes["has_online_public_services"]:
        values["cqs_dvctt"] = {"online": D(9), "total": D(10)}
    return values


def test_ratio_policy_and_classes_use_each_units_applicable_max():
    units = [
        UnitInput("a", WITH, values=full_marks(WITH)),
        UnitInput("b", WITHOUT, values={**full_marks(WITHOUT), "cqs_ky_so": D(50)}),
        UnitInput("c", WITH, values={"xhs_danh_gia": D(10)}),
    ]
    result = evaluate(XA, build_inputs(XA, units), ["A", "B", "C"])
    rows = {r.unit: r for r in result.general.rows(("a", "b", "c"))}
    assert (rows["a"].value, rows["a"].class_label, rows["a"].rank) == (D("100.0"), "Tốt", 1)
    # 72,5 of an applicable 80 points: 90,625 % -> 90,6
    assert (rows["b"].total, rows["b"].applicable_max, rows["b"].value) == (
        D("72.50"),
        D("80.00"),
        D("90.6"),
    )
    assert (rows["c"].value, rows["c"].class_label) == (D("10.0"), "Yếu")


def test_index_rankings_leave_out_units_to_which_the_index_does_not_apply():
    units = [
        UnitInput("a", WITH, values=full_marks(WITH)),
        UnitInput("b", WITHOUT, values=full_marks(WITHOUT)),
    ]
    result = evaluate(XA, build_inputs(XA, units), ["A", "B"])
    assert [r.unit for r in result.indices["hoat_dong_chinh_quyen_so"].rows(("a", "b"))] == [
        "a",
        "b",
    ]


def national_unit(unit: str, attributes: dict[str, bool], scores: dict[str, D]) -> UnitInput:
    return UnitInput(unit, attributes, scores=scores)


def test_national_policy_is_the_weighted_mean_of_index_values_with_four_decimals():
    scores = {
        "nhan_thuc_so": D(40), "the_che_so": D(60), "ha_tang_so": D(60), "nhan_luc_so": D(30),
        "an_toan_thong_tin_mang": D(80), "cqs_chung": D(100), "cqs_dvctt": D(50),
    }  # fmt: skip
    result = evaluate(BO, build_inputs(BO, [national_unit("x", WITH, scores)]), ["Bộ X"])
    expected = (
        Fraction(40, 50) * 100
        + Fraction(60, 60) * 100
        + Fraction(60, 80) * 150
        + Fraction(30, 60) * 150
        + Fraction(80, 80) * 150
        + Fraction(150, 200) * 350
    ) / 1000
    row = result.general.rows(("x",))[0]
    assert expected == Fraction(78, 100)
    assert row.value == D("0.7800")


def test_national_policy_ties_are_competition_ranks():
    same = {"nhan_thuc_so": D(50), "the_che_so": D(30)}
    units = [
        national_unit("x", WITH, same), national_unit("y", WITH, same),
        national_unit("z", WITHOUT, {"nhan_thuc_so": D(10)}),
    ]  # fmt: skip
    result = evaluate(BO, build_inputs(BO, units), ["Bộ X", "Bộ Y", "Bộ Z"])
    assert [(r.unit, r.rank) for r in result.general.rows(("x", "y", "z"))] == [
        ("x", 1),
        ("y", 1),
        ("z", 3),
    ]
    assert [r.unit for r in result.groups["khong_dvctt"].rows(("x", "y", "z"))] == ["z"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"nts_ke_hoach": D(1)}, "cần trả lời có/không"),
        ({"tcs_quy_che": "tot"}, "lựa chọn 'tot' không hợp lệ"),
        ({"nts_tuyen_truyen": D("2.5")}, "số lần phải là số nguyên không âm"),
        ({"cqs_ky_so": "tám mươi"}, "cần một số"),
        ({"cqs_ky_so": D("1.000001")}, "quá 4 chữ số thập phân"),
        ({"khong_co": D(1)}, "không phải tiêu chí lá"),
        ({"cqs_dvctt": D(3)}, "cần các đầu vào: Số hồ sơ trực tuyến, Tổng số hồ sơ"),
    ],
)
def test_bad_inputs_are_refused_with_the_unit_and_criterion(values, message):
    with pytest.raises(InputError) as caught:
        build_inputs(XA, [UnitInput("xa-a1", WITH, values=values)])
    assert message in str(caught.value)
    assert "xa-a1" in str(caught.value)


def test_a_converted_answer_is_reused_only_for_the_same_value_of_the_same_type():
    """Each distinct answer of a criterion is converted once; True == 1 in Python, but a
    yes/no criterion answered 1 is still refused after a unit answered True, and a hostile
    value that cannot be a key is still refused by name."""
    units = [
        UnitInput("xa-a1", WITH, values={"nts_ke_hoach": True}),
        UnitInput("xa-a2", WITH, values={"nts_ke_hoach": D(1)}),
        UnitInput("xa-a3", WITH, values={"nts_ke_hoach": ["có"]}),  # type: ignore[dict-item]  # hostile: not a RawValue
    ]
    with pytest.raises(InputError) as caught:
        build_inputs(XA, units)
    said = str(caught.value)
    assert "xa-a2, nts_ke_hoach: cần trả lời có/không" in said
    assert "xa-a3, nts_ke_hoach: cần trả lời có/không" in said
    assert "xa-a1" not in said
    same = build_inputs(
        XA, [UnitInput(f"x{n}", WITH, values={"nts_ke_hoach": n % 2 == 0}) for n in range(4)]
    )
    assert list(same.values["nts_ke_hoach"].values) == [1, 0, 1, 0]


def test_scores_outside_the_applicable_range_are_reported_not_clamped():
    units = [
        UnitInput("a", WITH, values={"xhs_danh_gia": D(30)}),
        UnitInput("b", WITHOUT, scores={"cqs_dvctt": D(5)}),
        UnitInput("c", WITH, adjustments={"sang_kien": D(9)}),
    ]
    problems = [str(p) for p in compute(XA, build_inputs(XA, units)).problems]
    assert "a, xhs_danh_gia: điểm 30 ngoài khoảng 0–25 (vượt điểm tối đa)" in problems
    assert any(p.startswith("b, cqs_dvctt") and "không áp dụng" in p for p in problems)
    assert any(p.startswith("c, sang_kien") for p in problems)


def test_a_formula_error_is_reported_for_its_unit():
    broken = XA.by_code["cqs_dvctt"]
    assert broken.rule.type == "formula"
    unit = UnitInput("u", WITH, values={"cqs_dvctt": {"online": D(1), "total": D(-1)}})
    scores = compute(XA, build_inputs(XA, [unit]))
    assert scores.node_score("cqs_dvctt", 0) == 0  # a negative result is clamped to 0
    assert scores.problems == ()


def test_raw_rule_inputs_above_the_leaf_max_are_not_score_problems():
    # 120 % signed and 25 articles are inputs, not scores: they score 15 and 10 points.
    unit = UnitInput(
        "u", WITH, values={"cqs_ky_so": D(120), "nts_tuyen_truyen": D(25), "tcs_quy_che": "chua"}
    )
    scores = compute(XA, build_inputs(XA, [unit]))
    assert scores.problems == ()
    assert (scores.node_score("cqs_ky_so", 0), scores.node_score("nts_tuyen_truyen", 0)) == (15, 10)


def test_a_division_by_zero_is_reported_for_its_unit_with_the_evaluators_message():
    from dti.framework.loader import build_framework

    framework = build_framework(
        {
            "code": "f",
            "name": "F",
            "ranking": {"comparability": "plain_total"},
            "nodes": [
                {
                    "code": "a",
                    "name": "A",
                    "max": 10,
                    "rule": {"type": "formula", "inputs": ["x", "y"], "expression": "x / y * 10"},
                }
            ],
        },
        file="<test>",
        path="framework",
    )
    units = [
        UnitInput("u1", values={"a": {"x": D(1), "y": D(0)}}),
        UnitInput("u2", values={"a": {"x": D(1), "y": D(4)}}),
    ]
    scores = compute(framework, build_inputs(framework, units))
    assert [p.unit for p in scores.problems] == ["u1"]
    assert "chia cho 0" in scores.problems[0].message
    assert (scores.node_score("a", 0), scores.node_score("a", 1)) == (0, D("2.5"))
    assert not scores.answered[scores.node_index["a"], 0]
