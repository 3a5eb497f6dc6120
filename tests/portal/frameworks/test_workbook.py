"""The framework workbook on its own: what it writes reads back to the same document, for
every example framework, and what an office types by hand becomes the expected document."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from portal.frameworks.documents import check_framework
from portal.frameworks.workbook import framework_workbook, read_framework_workbook
from portal.frameworks.workbook.policy import GROUP_COLUMNS
from portal.frameworks.workbook.tree import COLUMNS
from tests.portal.frameworks.conftest import example_frameworks

EXAMPLES = example_frameworks()


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_an_exported_framework_reads_back_to_the_same_document(name):
    document, _ = read_framework_workbook(framework_workbook(EXAMPLES[name]))
    assert document == EXAMPLES[name]
    check_framework(document, name)


def test_it_writes_the_sheets_the_office_fills():
    book = load_workbook(BytesIO(framework_workbook(EXAMPLES["mau-2025:xa"])))
    assert book.sheetnames == [
        "Tiêu chí",
        "Chính sách",
        "Nhóm xếp hạng",
        "Xếp hạng từng chỉ số",
        "Điểm thưởng, trừ",
        "Hướng dẫn",
    ]
    nodes = book["Tiêu chí"]
    assert tuple(c.value for c in nodes[1]) == COLUMNS
    assert nodes.freeze_panes == "A2"
    rows = {row[0]: row for row in nodes.iter_rows(min_row=2, values_only=True)}
    assert rows["nts_tuyen_truyen"][:7] == (
        "nts_tuyen_truyen",
        "nhan_thuc_so",
        "Số tin, bài tuyên truyền về chuyển đổi số",
        None,
        10,
        "số lần",
        "mỗi lần=0,5",
    )
    assert rows["tcs_quy_che"][5:7] == (
        "lựa chọn",
        "day_du=Ban hành đầy đủ:10; mot_phan=Ban hành một phần:5; chua=Chưa ban hành:0",
    )
    assert rows["cqs_so_hoa"][5:7] == ("mức", "90:15; 70:10; 50:5; 0:0")
    assert rows["cqs_ky_so"][5:7] == ("tỷ lệ", "mục tiêu=100")
    assert rows["cqs_dvctt"][5:9] == (
        "công thức",
        "đầu vào=online (Số hồ sơ trực tuyến),total (Tổng số hồ sơ); "
        "biểu thức=min(online / total * 100, 80) / 80 * 20 if total > 0 else 0",
        "has_online_public_services",
        "hệ thống dùng chung",
    )
    policy = {row[0]: row[1] for row in book["Chính sách"].iter_rows(min_row=2, values_only=True)}
    assert policy["Mã bộ chỉ số"] == "mau-2025-xa"
    assert policy["Cách so sánh"] == "ratio_to_applicable_max"
    assert policy["Đồng hạng"] == "dense"
    assert policy["Xếp loại"] == "Tốt:80; Khá:65; Trung bình [TB]:50; Yếu:0"
    assert policy["Cơ sở xếp loại"] == "percent_of_applicable_max"
    assert policy["Khối bị loại"] is None  # not stated: left blank
    adjustments = list(book["Điểm thưởng, trừ"].iter_rows(min_row=2, values_only=True))
    assert adjustments == [
        ("sang_kien", "Sáng kiến chuyển đổi số được công nhận", 5, "thưởng"),
        ("cham_bao_cao", "Chậm gửi báo cáo tự đánh giá", 5, "trừ"),
    ]


def filled(
    nodes: list[list[object]],
    policy: dict[str, object],
    groups: list[list[object]] | None = None,
    adjustments: list[list[object]] | None = None,
) -> bytes:
    """A workbook typed by hand, as an office would."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tiêu chí"
    sheet.append(list(COLUMNS))
    for row in nodes:
        sheet.append(row + [None] * (len(COLUMNS) - len(row)))
    other = book.create_sheet("Chính sách")
    other.append(["Tham số", "Giá trị"])
    for key, value in policy.items():
        other.append([key, value])
    if groups is not None:
        group_sheet = book.create_sheet("Nhóm xếp hạng")
        group_sheet.append(list(GROUP_COLUMNS))
        for row in groups:
            group_sheet.append(row)
    if adjustments is not None:
        adjustment_sheet = book.create_sheet("Điểm thưởng, trừ")
        adjustment_sheet.append(["Mã", "Tên", "Điểm tối đa", "Loại"])
        for row in adjustments:
            adjustment_sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


HAND_NODES = [
    ["nts", None, "Nhận thức số", "Chỉ số chính"],
    ["nts_1", "nts", "Ban hành kế hoạch", None, 5, "Có-Không"],
    [
        "nts_2",
        "nts",
        "Tin, bài tuyên truyền",
        None,
        "10",
        "số lần",
        "mỗi lần=0,5",
        None,
        None,
        "tin, bài",
    ],
    ["cqs", None, "Hoạt động chính quyền số", None, "57,5"],
    [
        "cqs_1",
        "cqs",
        "Văn bản ký số",
        "tiêu chí",
        15,
        "tỉ lệ",
        "mục tiêu=100; giới hạn=không; tối thiểu=20,5",
    ],
    ["cqs_2", "cqs", "Hồ sơ số hoá", None, 15, "mức", "90:15; 70:10; 0:0"],
    [
        "cqs_3",
        "cqs",
        "Quy chế",
        None,
        "7,5",
        "lựa chọn",
        "du=Đầy đủ:7,5; mot_phan:2,5",
        None,
        "tổ thẩm định",
    ],
    [
        "cqs_4",
        "cqs",
        "Hồ sơ trực tuyến",
        None,
        20,
        "công thức",
        "đầu vào=online, total; biểu thức=min(online / total * 100, 80) / 80 * 20 if total > 0 else 0",
        "has_online_public_services",
        "hệ thống dùng chung",
        "%",
        "Lấy từ cổng dịch vụ công",
        "DVCTT; Dịch vụ công",
        350,
    ],
]
HAND_POLICY = {
    "Mã bộ chỉ số": "tay-2026",
    "Tên bộ chỉ số": "Bộ chỉ số điền tay",
    "cách so sánh": "ratio_to_applicable_max",
    "Số chữ số thập phân": 1,
    "đồng hạng": "Dense",
    "Xếp loại": "Tốt:80; Khá:65; Trung bình [TB, T.B]:50; Yếu:0",
    "Cơ sở xếp loại": "percent_of_applicable_max",
    "Xếp hạng từng chỉ số: số chữ số thập phân riêng": "nts=1",
}


def test_a_hand_filled_workbook_becomes_the_expected_document():
    document, _ = read_framework_workbook(filled(HAND_NODES, HAND_POLICY))
    d = Decimal
    assert document == {
        "code": "tay-2026",
        "name": "Bộ chỉ số điền tay",
        "nodes": [
            {
                "code": "nts",
                "name": "Nhận thức số",
                "kind": "main_index",
                "children": [
                    {
                        "code": "nts_1",
                        "name": "Ban hành kế hoạch",
                        "max": 5,
                        "rule": {"type": "yes_no"},
                    },
                    {
                        "code": "nts_2",
                        "name": "Tin, bài tuyên truyền",
                        "max": 10,
                        "rule": {"type": "count", "points_each": d("0.5")},
                        "measure": "tin, bài",
                    },
                ],
            },
            {
                "code": "cqs",
                "name": "Hoạt động chính quyền số",
                "max": d("57.5"),
                "children": [
                    {
                        "code": "cqs_1",
                        "name": "Văn bản ký số",
                        "kind": "criterion",
                        "max": 15,
                        "rule": {
                            "type": "ratio",
                            "target": 100,
                            "cap": False,
                            "minimum": d("20.5"),
                        },
                    },
                    {
                        "code": "cqs_2",
                        "name": "Hồ sơ số hoá",
                        "max": 15,
                        "rule": {
                            "type": "bands",
                            "bands": [
                                {"min": 90, "points": 15},
                                {"min": 70, "points": 10},
                                {"min": 0, "points": 0},
                            ],
                        },
                    },
                    {
                        "code": "cqs_3",
                        "name": "Quy chế",
                        "max": d("7.5"),
                        "rule": {
                            "type": "choice",
                            "options": [
                                {"value": "du", "label": "Đầy đủ", "points": d("7.5")},
                                {"value": "mot_phan", "points": d("2.5")},
                            ],
                        },
                        "source": "appraisers",
                    },
                    {
                        "code": "cqs_4",
                        "name": "Hồ sơ trực tuyến",
                        "max": 20,
                        "weight": 350,
                        "aliases": ["DVCTT", "Dịch vụ công"],
                        "applies_when": "has_online_public_services",
                        "rule": {
                            "type": "formula",
                            "inputs": ["online", "total"],
                            "expression": "min(online / total * 100, 80) / 80 * 20 if total > 0 else 0",
                        },
                        "source": "system",
                        "measure": "%",
                        "guidance": "Lấy từ cổng dịch vụ công",
                    },
                ],
            },
        ],
        "ranking": {
            "comparability": "ratio_to_applicable_max",
            "decimals": 1,
            "ties": "dense",
            "classification": {
                "bands": [
                    {"label": "Tốt", "min": 80},
                    {"label": "Khá", "min": 65},
                    {"label": "Trung bình", "min": 50, "aliases": ["TB", "T.B"]},
                    {"label": "Yếu", "min": 0},
                ],
                "basis": "percent_of_applicable_max",
            },
        },
        "index_rankings": {"overrides": {"nts": 1}},
    }
    assert check_framework(document, "x").max == d("72.5")


def test_peer_groups_override_only_what_they_state():
    groups = [
        ["co", "Có DVCTT", "has_online_public_services", None, None, "competition"],
        ["khong", "Không có DVCTT", "not has_online_public_services"],
    ]
    document, _ = read_framework_workbook(filled(HAND_NODES, HAND_POLICY, groups))
    assert document["groups"] == [
        {
            "code": "co",
            "name": "Có DVCTT",
            "when": "has_online_public_services",
            "ranking": {"ties": "competition"},
        },
        {"code": "khong", "name": "Không có DVCTT", "when": "not has_online_public_services"},
    ]


def test_the_blank_template_names_every_parameter_and_reads_as_incomplete():
    data = framework_workbook({})
    policy = [
        row[0]
        for row in load_workbook(BytesIO(data))["Chính sách"].iter_rows(min_row=2, values_only=True)
    ]
    assert policy[:5] == [
        "Mã bộ chỉ số",
        "Tên bộ chỉ số",
        "Văn bản ban hành",
        "Số chữ số thập phân của điểm",
        "Cách so sánh",
    ]
    with pytest.raises(ValidationError) as error:
        read_framework_workbook(data)
    assert error.value.messages == [
        "Sheet Chính sách: chưa điền “Mã bộ chỉ số”",
        "Sheet Chính sách: chưa điền “Tên bộ chỉ số”",
        "Sheet Tiêu chí: chưa có tiêu chí nào",
    ]


def test_last_year_s_codes_go_out_and_come_back():
    from portal.frameworks.workbook.tree import COLUMNS, node_rows, read_node

    nodes = [
        {"code": "a", "name": "Gộp", "max": 10, "previous": ["x", "y"]},
        {"code": "b", "name": "Mới", "max": 10, "previous": []},
        {"code": "c", "name": "Như cũ", "max": 10},
    ]
    rows = list(node_rows(nodes))
    assert [row[COLUMNS.index("Mã năm trước")] for row in rows] == ["x; y", "(mới)", None]

    read = [read_node(dict(zip(COLUMNS, row, strict=True)), lambda *_: None) for row in rows]
    assert [node.get("previous") for node in read] == [["x", "y"], [], None]


def test_the_planner_s_cost_and_achievability_go_out_and_come_back():
    from portal.frameworks.workbook.tree import COLUMNS, node_rows, read_node

    nodes = [{"code": "a", "name": "Khó", "max": 10, "cost": 5, "achievable": False}]
    (row,) = node_rows(nodes)
    assert row[-2:] == [5, "không"]
    problems: list[str] = []
    node = read_node(dict(zip(COLUMNS, row, strict=True)), lambda c, m: problems.append(c))
    assert (node["cost"], node["achievable"], problems) == (5, False, [])
    bad = dict(zip(COLUMNS, row, strict=True)) | {"Công nâng điểm": "0", "Nâng được trong năm": "?"}
    read_node(bad, lambda column, message: problems.append(column))
    assert problems == ["Công nâng điểm", "Nâng được trong năm"]
