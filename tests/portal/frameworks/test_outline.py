"""The framework page's words: conditions and policies in plain Vietnamese."""

from __future__ import annotations

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
