"""Per-index rankings in the framework workbook: `compare` as a row of "Chính sách", an
index's own ranking given as a mapping as a row of "Xếp hạng từng chỉ số", the older numbers
in their row. Exported and imported, a framework gives back the same document and the same
IndexRankings; a bad cell is named by sheet, row and column."""

from __future__ import annotations

import copy
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from dti.framework.documents import DocumentError
from portal.frameworks.documents import check_framework
from portal.frameworks.workbook import framework_workbook, read_framework_workbook
from portal.frameworks.workbook.policy import INDEX_COLUMNS, INDEX_SHEET
from tests.portal.frameworks.conftest import example_frameworks

STATED = {
    "compare": "points",
    "decimals": 2,
    "ties": "competition",
    "overrides": {
        "hoat_dong_chinh_quyen_so": {"compare": "ratio", "decimals": 1},
        "the_che_so": {"ties": "dense"},
        "nhan_thuc_so": 0,  # the older form: the ratio in whole percents
    },
}


def stating(index_rankings: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(example_frameworks()["binhdinh-2023:so"])
    document["index_rankings"] = copy.deepcopy(index_rankings)
    return document


@pytest.mark.parametrize(
    "index_rankings",
    [
        STATED,
        {"compare": "ratio"},
        {"overrides": {"ha_tang_so": {"compare": "points", "ties": "competition"}}},
        {"ties": "dense", "overrides": {"ha_tang_so": {}}},  # stated, changing nothing
    ],
)
def test_a_framework_stating_compare_and_mappings_reads_back_the_same(index_rankings):
    document = stating(index_rankings)
    read, _ = read_framework_workbook(framework_workbook(document))
    assert read == document
    assert (
        check_framework(read, "x").index_rankings == check_framework(document, "x").index_rankings
    )


@pytest.mark.parametrize("name", list(example_frameworks()))
def test_every_examples_index_rankings_read_back_equal(name):
    document = example_frameworks()[name]
    read, _ = read_framework_workbook(framework_workbook(document))
    assert (
        check_framework(read, "x").index_rankings == check_framework(document, "x").index_rankings
    )


def test_the_workbook_writes_compare_and_one_row_per_mapping():
    book = load_workbook(BytesIO(framework_workbook(stating(STATED))))
    policy = {row[0]: row[1] for row in book["Chính sách"].iter_rows(min_row=2, values_only=True)}
    assert policy["Xếp hạng từng chỉ số: giá trị so sánh"] == "points"
    assert policy["Xếp hạng từng chỉ số: số chữ số thập phân"] == 2
    assert policy["Xếp hạng từng chỉ số: số chữ số thập phân riêng"] == "nhan_thuc_so=0"
    sheet = book[INDEX_SHEET]
    assert tuple(cell.value for cell in sheet[1]) == INDEX_COLUMNS
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("hoat_dong_chinh_quyen_so", "ratio", 1, None),
        ("the_che_so", None, None, "dense"),
    ]


def rewritten(document: dict[str, Any], rows: list[list[object]]) -> bytes:
    """The document's workbook with the rows of the index sheet replaced by `rows`."""
    book = load_workbook(BytesIO(framework_workbook(document)))
    sheet = book[INDEX_SHEET]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def refusals(data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as error:
        read_framework_workbook(data)
    return error.value.messages


def test_bad_cells_are_named_by_sheet_row_and_column():
    data = rewritten(
        stating({}),
        [
            ["nhan_thuc_so", "phần trăm", "hai", None],
            [None, "points"],
            ["ha_tang_so", None, None, "olympic"],
        ],
    )
    assert refusals(data) == [
        "Sheet Xếp hạng từng chỉ số, dòng 2, cột Giá trị so sánh: “phần trăm” không hợp lệ; "
        "chọn một trong: points, ratio",
        "Sheet Xếp hạng từng chỉ số, dòng 2, cột Số chữ số thập phân: “hai” không phải là số",
        "Sheet Xếp hạng từng chỉ số, dòng 3, cột Mã chỉ số chính: không được để trống",
        "Sheet Xếp hạng từng chỉ số, dòng 4, cột Đồng hạng: “olympic” không hợp lệ; chọn một "
        "trong: dense, competition",
    ]


def test_an_index_stated_twice_is_refused_at_its_second_row():
    document = stating({"overrides": {"nhan_thuc_so": 1}})
    data = rewritten(
        document, [["the_che_so", "points"], ["the_che_so", "ratio"], ["nhan_thuc_so"]]
    )
    assert refusals(data) == [
        "Sheet Xếp hạng từng chỉ số, dòng 3, cột Mã chỉ số chính: chỉ số “the_che_so” đã khai "
        "báo (dòng 2)",
        "Sheet Xếp hạng từng chỉ số, dòng 4, cột Mã chỉ số chính: chỉ số “nhan_thuc_so” đã khai "
        "báo (sheet Chính sách)",
    ]


@pytest.mark.parametrize(
    ("rows", "place"),
    [
        (
            [["nhan_thuc_so", "points", 7]],
            "Sheet Xếp hạng từng chỉ số, dòng 2, cột Số chữ số thập phân",
        ),
        (
            [["the_che_so"], ["khong_co", "ratio"]],
            "Sheet Xếp hạng từng chỉ số, dòng 3, cột Mã chỉ số chính",
        ),
    ],
)
def test_the_cores_problems_point_at_the_row_and_column(rows, place):
    """Read cell by cell, then checked by the core (decimals 0–4, a main index's code), as
    the upload does: each problem is pointed back at its row."""
    document, locator = read_framework_workbook(rewritten(stating({}), rows))
    with pytest.raises(DocumentError) as error:
        check_framework(document, "tệp Excel")
    described = [locator.describe(problem) for problem in error.value.problems]
    assert len(described) == 1 and described[0].startswith(f"{place}: ")
