"""`dti score` reproduces Bình Định 2023's published tables from their component scores."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from click.testing import CliRunner

from dti.cli import main
from tests.core.seeds import BINHDINH, printed_rows, table


def score_csv(table_name: str, level: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(
        main,
        [
            "score",
            str(BINHDINH),
            str(table("binhdinh-2023", table_name)),
            "--level",
            level,
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


@pytest.mark.parametrize(
    ("table_name", "level", "total_column"),
    [
        ("bang-1-tong-the-cap-so.tsv", "so", "Tổng điểm"),
        ("bang-2-tong-the-cap-huyen.tsv", "huyen", "Tổng"),
    ],
)
def test_overall_tables_reproduce_totals_ratios_and_ranks(table_name, level, total_column):
    computed = {row["unit"]: row for row in score_csv(table_name, level)}
    rank = None
    mismatched_totals = []
    for printed in printed_rows(table("binhdinh-2023", table_name)):
        rank = int(printed.cells["Xếp hạng"]) if printed.cells["Xếp hạng"].strip() else rank
        row = computed[printed.name]
        assert Decimal(row["ratio"]) == printed.number("Tỷ lệ"), printed.name
        assert int(row["rank"]) == rank, printed.name
        if Decimal(row["total"]) != printed.number(total_column):
            mismatched_totals.append(printed.name)
    # The one printed total that is not the sum of its row (see test_audit_seeds).
    assert mismatched_totals == ([] if level == "so" else ["UBND huyện Hoài Ân"])


def test_table_1_ties_are_dense_and_follow_the_displayed_percent():
    rows = score_csv("bang-1-tong-the-cap-so.tsv", "so")
    assert [(r["rank"], r["ratio"]) for r in rows[5:8]] == [
        ("6", "94.9"),
        ("6", "94.9"),
        ("7", "94.8"),
    ]
    assert [r["unit"] for r in rows[5:7]] == ["Sở Ngoại vụ", "Ban Quản lý Khu Kinh tế"]
    assert [r["applicable_max"] for r in rows[:3]] == ["485.00", "445.00", "475.00"]


INDEX_TABLES = [(f"bang-1.{i}.tsv", "so") for i in range(1, 8)] + [
    (f"bang-2.{i}.tsv", "huyen") for i in range(1, 9)
]
# Rows whose printed score is itself wrong ("7" for 70): its percent and place follow the
# correct score, so they cannot follow from the printed one. dti audit names them.
PRINTED_ERRORS = {("bang-1.7.tsv", "Sở Nội vụ")}


@pytest.mark.parametrize(("table_name", "level"), INDEX_TABLES)
def test_index_tables_reproduce_percentages_and_order(table_name, level):
    computed = {row["unit"].casefold(): row for row in score_csv(table_name, level)}
    ranks = []
    for printed in printed_rows(table("binhdinh-2023", table_name)):
        if (table_name, printed.name) in PRINTED_ERRORS:
            continue
        row = computed[printed.name.casefold()]
        assert Decimal(row["ratio"]) == printed.number("Tỷ lệ"), printed.name
        ranks.append(int(row["rank"]))
    assert ranks == sorted(ranks), "the printed order follows the computed ranks"


def test_index_percent_rounds_half_up():
    # 34,6 / 40 = 86,5 % is printed 87 %: half up, not to even.
    rows = {r["unit"]: r for r in score_csv("bang-1.4.tsv", "so")}
    assert rows["Sở Giáo dục và Đào tạo"]["ratio"] == "87"
    assert rows["Sở Tư pháp"]["ratio"] == "90"  # 35,8 / 40 = 89,5 %


def test_hoat_dong_chinh_quyen_so_is_ranked_on_each_units_applicable_max():
    rows = {r["unit"]: r for r in score_csv("bang-1.6.tsv", "so")}
    assert rows["Văn phòng UBND tỉnh"]["applicable_max"] == "125.00"
    assert rows["Sở Nội vụ"]["applicable_max"] == "155.00"
    assert rows["Sở Thông tin và Truyền thông"]["applicable_max"] == "165.00"
    assert rows["Sở Tư pháp"]["applicable_max"] == "180.00"
    assert rows["Sở Thông tin và Truyền thông"]["ratio"] == "99.9"
