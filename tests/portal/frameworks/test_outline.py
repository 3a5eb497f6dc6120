"""The framework page's words: conditions and policies in plain Vietnamese."""

from __future__ import annotations

import copy

import pytest

from portal.frameworks.documents import check_framework
from portal.frameworks.outline import describe_condition, outline
from tests.portal.frameworks.conftest import example_frameworks


@pytest.mark.parametrize(("source", "words"), [
    ("has_online_public_services", "có dịch vụ công trực tuyến"),
    ("not has_online_public_services", "không có dịch vụ công trực tuyến"),
    ("has_online_public_services and has_online_applications",
     "có dịch vụ công trực tuyến và có hồ sơ trực tuyến phát sinh"),
    ("dan_so >= 10000 or vung == 'and'", "dan_so ≥ 10000 hoặc vung = 'and'"),
])  # fmt: skip
def test_conditions_read_as_words(source, words):
    assert describe_condition(source) == words


def test_every_node_of_a_framework_is_a_line_in_tree_order():
    framework = check_framework(example_frameworks()["binhdinh-2023:so"], "x")
    lines = outline(framework).lines
    assert [line.node.code for line in lines] == [node.code for node in framework.all_nodes]
    assert lines[0].depth == 0 and max(line.depth for line in lines) >= 2


def test_a_remove_block_policy_says_what_is_subtracted():
    framework = check_framework(example_frameworks()["binhphuoc-2024:so"], "x")
    sentences = outline(framework).ranking
    assert sentences[0].startswith("Loại khối “")
    assert "trừ điểm tối đa của khối" in sentences[0]


def _with_index_rankings(index_rankings: dict[str, object]):
    document = copy.deepcopy(example_frameworks()["binhdinh-2023:so"])
    document["index_rankings"] = index_rankings
    return check_framework(document, "x")


def test_index_rankings_read_as_each_index_ranks():
    """Bình Phước 2024: indices on points, "Hoạt động chính quyền số" on its ratio."""
    framework = check_framework(example_frameworks()["binhphuoc-2024:so"], "x")
    scores = outline(framework).scores
    default = framework.index_rankings.default
    assert scores[1].startswith(
        f"Xếp hạng từng chỉ số chính theo điểm của chỉ số, {default.decimals} chữ số thập phân; "
    )
    own = framework.index_rankings.for_index("hoat_dong_chinh_quyen_so")
    assert scores[2].startswith(
        "Riêng “Hoạt động chính quyền số”: xếp hạng theo tỷ lệ % điểm chỉ số trên điểm tối đa "
        f"áp dụng, {own.decimals} chữ số thập phân; "
    )
    assert "1, 2, 2, 4" in scores[1] and len(scores) == 3


def test_an_index_ranking_stated_as_a_mapping_reads_with_its_own_ties():
    framework = _with_index_rankings(
        {
            "compare": "points",
            "decimals": 1,
            "ties": "competition",
            "overrides": {
                "nhan_thuc_so": {"compare": "ratio", "decimals": 3, "ties": "dense"},
                "the_che_so": {"ties": "competition"},  # the default's own: not repeated
            },
        }
    )
    assert outline(framework).scores[1:] == [
        "Xếp hạng từng chỉ số chính theo điểm của chỉ số, 1 chữ số thập phân; đồng hạng: các "
        "đơn vị bằng nhau cùng hạng, bỏ qua các hạng kế tiếp (ví dụ 1, 2, 2, 4).",
        "Riêng “Nhận thức số”: xếp hạng theo tỷ lệ % điểm chỉ số trên điểm tối đa áp dụng, 3 "
        "chữ số thập phân; đồng hạng: các đơn vị bằng nhau cùng hạng, hạng sau liền kề (ví dụ "
        "6, 6, 7).",
    ]
