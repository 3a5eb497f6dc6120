"""`dti score` reproduces Bình Phước 2024's appendices I–IV: totals, the general ranking's
subtraction of the 80 points of online public services, and classes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from click.testing import CliRunner

from dti.cli import main
from tests.core.seeds import BINHPHUOC, printed_rows, table

APPENDICES = {
    "phu-luc-1-cap-tinh.tsv": ("so", "Xếp hạng 2024"),
    "phu-luc-2-co-dvctt.tsv": ("so", "Nhóm mức độ năm 2024"),
    "phu-luc-3-khong-dvctt.tsv": ("so", "Nhóm mức độ"),
    "phu-luc-4-cap-huyen.tsv": ("huyen", "Xếp hạng năm 2024"),
}
# Rows whose printed total is not the sum of the components printed beside it; dti audit
# reports each of them (test_audit_seeds), everything else must match to the cent.
NOT_ADDING_UP = {
    "phu-luc-1-cap-tinh.tsv": {
        "Sở Xây dựng", "Sở Văn hóa thể thao và Du lịch", "Ban dân tộc",
        "Trung tâm xúc tiến đầu tư và Du lịch", "Ban quản lý khu kinh tế", "Sở Giáo dục và Đào tạo",
    },
    "phu-luc-2-co-dvctt.tsv": set(),
    "phu-luc-3-khong-dvctt.tsv": set(),
    "phu-luc-4-cap-huyen.tsv": {
        "UBND thành phố Đồng Xoài", "UBND thị xã Bình Long", "UBND huyện Bù Đốp",
        "UBND huyện Phú Riềng", "UBND huyện Bù Đăng", "UBND thị xã Phước Long",
        "UBND huyện Đồng Phú", "UBND huyện Hớn Quản", "UBND huyện Lộc Ninh", "UBND huyện Bù Gia Mập",
    },
}  # fmt: skip


def score_csv(table_name: str) -> dict[str, dict[str, str]]:
    level = APPENDICES[table_name][0]
    result = CliRunner().invoke(
        main,
        [
            "score",
            str(BINHPHUOC),
            str(table("binhphuoc-2024", table_name)),
            "--level",
            level,
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    return {row["unit"].casefold(): row for row in csv.DictReader(io.StringIO(result.output))}


@pytest.mark.parametrize("table_name", sorted(APPENDICES))
def test_totals_match_where_the_printed_row_adds_up(table_name):
    computed = score_csv(table_name)
    total_column = next(
        c
        for c in printed_rows(table("binhphuoc-2024", table_name))[0].cells
        if c.startswith("Tổng")
    )
    differing = {
        p.name
        for p in printed_rows(table("binhphuoc-2024", table_name))
        if Decimal(computed[p.name.casefold()]["total"]) != p.number(total_column)
    }
    assert differing == NOT_ADDING_UP[table_name]


@pytest.mark.parametrize("table_name", sorted(APPENDICES))
def test_classes_match_every_printed_class(table_name):
    computed = score_csv(table_name)
    class_column = APPENDICES[table_name][1]
    for printed in printed_rows(table("binhphuoc-2024", table_name)):
        expected = {"TB": "Trung bình"}.get(
            printed.cells[class_column], printed.cells[class_column]
        )
        assert computed[printed.name.casefold()]["class"] == expected, printed.name


def test_general_ranking_removes_80_points_from_units_with_online_public_services():
    computed = score_csv("phu-luc-1-cap-tinh.tsv")
    khdt = computed["sở kế hoạch và đầu tư"]  # 50+70+57,14+40+50+183,02+30+96 = 576,16
    assert (khdt["total"], khdt["applicable_max"]) == ("496.16", "520.00")
    vp = computed["văn phòng ubnd tỉnh"]  # no online public services: nothing removed
    assert vp["total"] == "494.14"
    assert [r["rank"] for r in list(computed.values())[:3]] == ["1", "2", "3"]


def test_group_rankings_compare_raw_totals_within_the_group():
    with_services = score_csv("phu-luc-2-co-dvctt.tsv")
    assert list(with_services)[:3] == [
        "sở công thương",
        "sở kế hoạch và đầu tư",
        "sở thông tin và truyền thông",
    ]
    assert with_services["sở y tế"]["class"] == "Khá"
    without = score_csv("phu-luc-3-khong-dvctt.tsv")
    assert without["văn phòng ubnd tỉnh"]["applicable_max"] == "520.00"


def test_class_bands_follow_the_rounded_percent_of_the_full_maximum():
    # 479,93 / 600 = 79,99 % -> 80 % -> Tốt; 558,32 / 700 = 79,76 % -> 80 % -> Tốt;
    # 553,38 / 700 = 79,05 % -> 79 % -> Khá; 326,84 / 600 = 54,5 % -> 54 % -> Trung bình.
    assert score_csv("phu-luc-1-cap-tinh.tsv")["sở nội vụ"]["class"] == "Tốt"
    districts = score_csv("phu-luc-4-cap-huyen.tsv")
    assert districts["ubnd huyện phú riềng"]["class"] == "Tốt"
    assert districts["ubnd huyện bù đăng"]["class"] == "Khá"
