"""Sub-criteria in the report: the per-index appendix's columns and maxima for the nodes below
a main index, and the statistics of each part, at the depth the office asks. The illustrative
commune framework (examples/mau-2025.yaml) scores components from raw inputs; the expected
points are worked out by hand from its rules, the statistics from them, here."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from dti.campaign import Campaign, Level, Unit, load_campaign
from dti.framework.loader import build_framework
from dti.inputs import UnitInput, build_inputs
from dti.reports.data import build_report
from dti.reports.model import AppendixTable, IndexSummary, Report
from dti.reports.statements import part_sentence, part_sentences
from dti.reports.texts import ReportTexts
from dti.results import evaluate
from tests.conftest import EXAMPLES
from tests.core.reports import report as seed_report
from tests.core.seeds import BINHDINH

D = Decimal
MAU = load_campaign(EXAMPLES / "mau-2025.yaml")
XA = MAU.level("xa").framework
WITH = {"has_online_public_services": True}
WITHOUT = {"has_online_public_services": False}

INPUTS = {
    "xa-1": (WITH, {
        "nts_ke_hoach": True, "nts_tuyen_truyen": D(7), "tcs_quy_che": "day_du",
        "cqs_ky_so": D(100), "cqs_so_hoa": D(95), "cqs_dvctt": {"online": D(9), "total": D(10)},
        "xhs_danh_gia": D(25),
    }),
    "xa-2": (WITHOUT, {
        "nts_ke_hoach": False, "nts_tuyen_truyen": D(30), "tcs_quy_che": "mot_phan",
        "cqs_ky_so": D(40), "cqs_so_hoa": D(60), "xhs_danh_gia": D(12),
    }),
    "xa-3": (WITH, {
        "nts_ke_hoach": True, "nts_tuyen_truyen": D(0), "tcs_quy_che": "chua",
        "cqs_ky_so": D(50), "cqs_so_hoa": D(75), "cqs_dvctt": {"online": D(1), "total": D(4)},
        "xhs_danh_gia": D(13),
    }),
    "xa-4": (WITH, {"xhs_danh_gia": D(20)}),  # nothing else answered: zeros
}  # fmt: skip
NAMES = {"xa-1": "UBND xã Một", "xa-2": "UBND xã Hai", "xa-3": "UBND xã Ba", "xa-4": "UBND xã Bốn"}
# Each component's points, by hand from the framework's rules (None: does not apply).
POINTS: dict[str, dict[str, Decimal | None]] = {
    # yes/no 5; 0,5 per item up to 10; choice 10/5/0
    "nts_ke_hoach": {"xa-1": D(5), "xa-2": D(0), "xa-3": D(5), "xa-4": D(0)},
    "nts_tuyen_truyen": {"xa-1": D("3.5"), "xa-2": D(10), "xa-3": D(0), "xa-4": D(0)},
    "tcs_quy_che": {"xa-1": D(10), "xa-2": D(5), "xa-3": D(0), "xa-4": D(0)},
    # 15 × value / 100; bands 90 → 15, 70 → 10, 50 → 5; min(online/total, 80 %) / 80 % × 20
    "cqs_ky_so": {"xa-1": D(15), "xa-2": D(6), "xa-3": D("7.5"), "xa-4": D(0)},
    "cqs_so_hoa": {"xa-1": D(15), "xa-2": D(5), "xa-3": D(10), "xa-4": D(0)},
    "cqs_dvctt": {"xa-1": D(20), "xa-2": None, "xa-3": D("6.25"), "xa-4": D(0)},
    "xhs_danh_gia": {"xa-1": D(25), "xa-2": D(12), "xa-3": D(13), "xa-4": D(20)},
}
MAXIMA = {
    "nts_ke_hoach": 5, "nts_tuyen_truyen": 10, "tcs_quy_che": 10, "cqs_ky_so": 15,
    "cqs_so_hoa": 15, "cqs_dvctt": 20, "xhs_danh_gia": 25,
}  # fmt: skip


def campaign_of(framework=XA) -> Campaign:
    units = tuple(
        Unit(unit, NAMES[unit], "xa", attributes) for unit, (attributes, _) in INPUTS.items()
    )
    return replace(MAU, levels={"xa": Level("xa", "UBND xã, phường", framework, units)})


def built(texts: ReportTexts | None = None, framework=XA, scores=None) -> Report:
    inputs = [
        UnitInput(unit, attributes, values=values, scores=(scores or {}).get(unit, {}))
        for unit, (attributes, values) in INPUTS.items()
    ]
    result = evaluate(framework, build_inputs(framework, inputs), list(NAMES.values()))
    return build_report(campaign_of(framework), {"xa": result}, texts=texts)


def index_table(report: Report, code: str) -> AppendixTable:
    return next(t for a in report.appendices for t in a.tables if t.key == f"index:{code}")


def expected_summary(code: str) -> tuple[int, int, Decimal]:
    """(applicable, reached, average percent), from the hand-worked points."""
    points = [p for p in POINTS[code].values() if p is not None]
    maximum = MAXIMA[code]
    reached = sum(1 for p in points if 2 * p >= maximum)
    mean = sum((Fraction(p) * 100 / maximum for p in points), Fraction(0)) / len(points)
    average = (D(mean.numerator) / D(mean.denominator)).quantize(D("0.1"), ROUND_HALF_UP)
    return len(points), reached, average


def by_code(summaries: tuple[IndexSummary, ...]) -> dict[str, IndexSummary]:
    return {summary.code: summary for summary in summaries}


def test_each_main_index_table_has_a_column_per_component_between_unit_and_points():
    report = built()
    for index in XA.main_indices:
        table = index_table(report, index.code)
        headers = [column.header for column in table.columns]
        children = [child.name for child in index.children]
        assert headers[:2] == ["Hạng", "Đơn vị"]
        assert headers[2 : 2 + len(children)] == children
        assert headers[2 + len(children)] == "Điểm"
        for row, unit in zip(table.rows, table.unit_ids, strict=True):
            cells = row[2 : 2 + len(children)]
            expected = [POINTS[child.code][unit] for child in index.children]
            assert [cell.value for cell in cells] == expected
            assert [cell.text for cell in cells if cell.value is None] == ["–"] * expected.count(
                None
            )
            assert sum(p for p in expected if p is not None) == row[2 + len(children)].value


def test_the_max_row_gives_each_components_max_and_the_index_max_under_points():
    table = index_table(built(), "hoat_dong_chinh_quyen_so")
    assert table.max_row is not None
    assert [cell.text for cell in table.max_row[:6]] == ["", "Điểm tối đa", "15", "15", "20", "50"]
    assert len(table.max_row) == len(table.columns)


def test_component_points_print_the_vietnamese_way():
    table = index_table(built(), "hoat_dong_chinh_quyen_so")
    row = table.rows[table.unit_ids.index("xa-3")]
    assert [cell.text for cell in row[2:5]] == ["7,5", "10", "6,25"]
    row = table.rows[table.unit_ids.index("xa-2")]
    assert row[4].text == "–"


def test_the_statistics_of_each_component_at_depth_one():
    report = built()
    indices = by_code(report.level("xa").indices)
    assert set(indices) == {index.code for index in XA.main_indices}
    for index in XA.main_indices:
        parts = by_code(indices[index.code].parts)
        assert list(parts) == [child.code for child in index.children]
        for code, part in parts.items():
            applicable, reached, average = expected_summary(code)
            assert (part.applicable, part.reached, part.average_percent) == (
                applicable,
                reached,
                average,
            ), code
            assert part.parts == ()


def test_statistics_at_depth_one_worked_out():
    # cqs_dvctt applies to three units: 20/20, 6,25/20, 0/20 -> 1 of 3 at half or more,
    # mean (100 + 31,25 + 0) / 3 = 43,75 -> 43,8 %
    part = by_code(by_code(built().level("xa").indices)["hoat_dong_chinh_quyen_so"].parts)
    dvctt = part["cqs_dvctt"]
    assert (dvctt.applicable, dvctt.reached, dvctt.reached_percent) == (3, 1, D("33.3"))
    assert (dvctt.below_percent, dvctt.average_percent) == (D("66.7"), D("43.8"))
    assert part_sentence(dvctt) == (
        "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ: có 1/3 đơn vị đạt điểm trung bình trở lên "
        "(33,3%); tỷ lệ điểm bình quân đạt 43,8% điểm tối đa."
    )


def test_depth_zero_keeps_the_main_indices_only():
    report = built(ReportTexts(detail_depth=0))
    for index in XA.main_indices:
        table = index_table(report, index.code)
        assert [c.header for c in table.columns][:3] == ["Hạng", "Đơn vị", "Điểm"]
        assert table.max_row is None
    assert all(summary.parts == () for summary in report.level("xa").indices)


DEEP = {
    "code": "sau",
    "name": "Bộ chỉ số ba tầng",
    "nodes": [
        {
            "code": "cqs",
            "name": "Chính quyền số",
            "kind": "main_index",
            "children": [
                {
                    "code": "cqs_dvc",
                    "name": "Dịch vụ công",
                    "children": [
                        {
                            "code": "dvc_a",
                            "name": "Tiêu chí A",
                            "max": 4,
                            "rule": {"type": "yes_no"},
                        },
                        {
                            "code": "dvc_b",
                            "name": "Tiêu chí B",
                            "max": 6,
                            "rule": {"type": "yes_no"},
                        },
                    ],
                },
                {"code": "cqs_ky_so", "name": "Ký số", "max": 10, "rule": {"type": "yes_no"}},
            ],
        }
    ],
    "ranking": {"comparability": "plain_total", "decimals": 2},
}


def deep_report(depth: int, given: bool = False) -> Report:
    framework = build_framework(DEEP, file="test", path="framework")
    units = (Unit("a", "UBND xã A", "xa"), Unit("b", "UBND xã B", "xa"))
    campaign = replace(MAU, levels={"xa": Level("xa", "UBND xã", framework, units)})
    inputs = [
        UnitInput("a", values={"dvc_a": True, "dvc_b": False, "cqs_ky_so": True}),
        UnitInput(
            "b",
            values={"dvc_a": True, "dvc_b": True, "cqs_ky_so": False},
            scores={"cqs_dvc": D(7)} if given else {},
        ),
    ]
    result = evaluate(framework, build_inputs(framework, inputs), ["UBND xã A", "UBND xã B"])
    return build_report(campaign, {"xa": result}, texts=ReportTexts(detail_depth=depth))


def test_depth_two_goes_to_the_sub_criteria_and_stops_at_a_leaf_component():
    report = deep_report(2)
    table = index_table(report, "cqs")
    assert [c.header for c in table.columns][2:5] == ["Tiêu chí A", "Tiêu chí B", "Ký số"]
    assert [cell.text for cell in table.max_row[2:6]] == ["4", "6", "10", "20"]
    (summary,) = report.level("xa").indices
    assert [part.code for part in summary.parts] == ["cqs_dvc", "cqs_ky_so"]
    assert [part.code for part in summary.parts[0].parts] == ["dvc_a", "dvc_b"]
    assert [(d, s.split(":")[0]) for d, s in part_sentences(summary)] == [
        (1, "Dịch vụ công"),
        (2, "Tiêu chí A"),
        (2, "Tiêu chí B"),
        (1, "Ký số"),
    ]


def test_a_score_given_at_a_node_stops_the_detail_there():
    # Unit b's "Dịch vụ công" is given (7), not made from its criteria: they are not shown.
    report = deep_report(2, given=True)
    table = index_table(report, "cqs")
    assert [c.header for c in table.columns][2:4] == ["Dịch vụ công", "Ký số"]
    row = table.rows[table.unit_ids.index("b")]
    assert [cell.value for cell in row[2:5]] == [D(7), D(0), D(7)]
    (summary,) = report.level("xa").indices
    assert summary.parts[0].parts == ()


@pytest.mark.parametrize("level", ["so", "huyen"])
def test_main_index_scores_alone_show_no_components(level):
    # The Bình Định tables give main-index scores only: the components of "Hoạt động chính
    # quyền số" would all be zeros, so neither columns nor statistics are made of them.
    report = seed_report(BINHDINH)
    for table in (t for a in report.appendices if a.level == level for t in a.tables):
        if table.key.startswith("index:"):
            assert [c.header for c in table.columns][2] == "Điểm"
            assert table.max_row is None
    assert all(summary.parts == () for summary in report.level(level).indices)
