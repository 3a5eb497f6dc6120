"""Last year's criteria in this year's framework (dti.framework.correspondence): the change of
each node derived from the links the framework file declares (or an equal code), what was
dropped, and main-index trends read through the links."""

from __future__ import annotations

from fractions import Fraction

import pytest

from dti.framework.correspondence import Change, correspondence, index_trends
from dti.framework.documents import schema_problems
from dti.framework.loader import build_framework
from dti.inputs import UnitInput, build_inputs
from dti.results import evaluate
from tests.core.reports import results
from tests.core.seeds import BINHDINH


def framework(nodes: list[dict]) -> object:
    data = {
        "code": "f",
        "name": "Bộ chỉ số",
        "ranking": {"comparability": "plain_total", "decimals": 2},
        "nodes": nodes,
    }
    return build_framework(data, file="<test>", path="framework")


def leaf(code: str, name: str, **extra: object) -> dict:
    return {"code": code, "name": name, "max": 10, "rule": {"type": "entered"}, **extra}


LAST = framework(
    [
        leaf("a", "Kế hoạch"),
        leaf("b", "Nhân lực"),
        leaf("c", "Hạ tầng"),
        leaf("d", "An toàn"),
        leaf("e", "Cũ"),
    ]
)
NOW = framework(
    [
        leaf("a", "Kế hoạch"),  # same code, same name
        leaf("b", "Nhân lực số"),  # same code, renamed
        leaf("c1", "Hạ tầng mạng", previous=["c"]),  # c split in two
        leaf("c2", "Hạ tầng dữ liệu", previous=["c"]),
        leaf("ad", "Kế hoạch và an toàn", previous=["d", "x"]),  # merged; x unknown
        leaf("f", "Mới hẳn", previous=[]),
    ]
)


def test_each_node_s_change_follows_from_its_links():
    links = correspondence(NOW, LAST)
    changes = {code: link.change for code, link in links.links.items()}
    assert changes == {
        "a": Change.SAME,
        "b": Change.RENAMED,
        "c1": Change.SPLIT,
        "c2": Change.SPLIT,
        "ad": Change.RENAMED,  # of its two codes, last year had one: one to one, renamed
        "f": Change.NEW,
    }
    assert links.links["ad"].previous == ("d",)  # the unknown code is left out…
    assert links.unknown == (("ad", "x"),)  # …and named
    assert links.dropped == ("e",)
    assert links.links["b"].previous_names == ("Nhân lực",)
    assert not links.links["a"].declared and links.links["c1"].declared


def test_a_merge_of_two_is_merged():
    now = framework([leaf("ab", "Gộp", previous=["a", "b"])])
    assert correspondence(now, LAST).links["ab"].change is Change.MERGED


@pytest.mark.parametrize("previous", ["a", ["a", "a"], ["bad code!"]])
def test_a_malformed_previous_is_refused_by_the_format(previous):
    data = {
        "code": "f",
        "name": "Bộ chỉ số",
        "ranking": {"comparability": "plain_total", "decimals": 2},
        "nodes": [leaf("a", "Kế hoạch", previous=previous)],
    }
    problems = schema_problems({"dti": 1, "kind": "framework", "framework": data}, "bo-chi-so.yaml")
    assert problems and any("previous" in problem.path for problem in problems)


def test_trends_of_an_unchanged_framework_compare_each_index_with_itself():
    result = results(BINHDINH)["so"]
    trends = index_trends(result, result, correspondence(result.framework, result.framework))
    assert [t.code for t in trends] == [i.code for i in result.framework.main_indices]
    assert all(t.now == t.before and t.link.change is Change.SAME for t in trends)


def test_a_merged_index_is_compared_with_its_predecessors_together():
    last = results(BINHDINH)["so"]
    first, second = last.framework.main_indices[:2]
    nodes = [
        {"code": "nen_tang", "name": "Nền tảng", "kind": "main_index", "max": 90, "previous": [first.code, second.code],
         "children": [leaf("k", "Một tiêu chí", max=90)]},
    ]  # fmt: skip
    now_framework = framework(nodes)
    now = evaluate(
        now_framework, build_inputs(now_framework, [UnitInput("u", values={"k": 45})]), ["Đơn vị"]
    )
    (trend,) = index_trends(now, last, correspondence(now_framework, last.framework))
    assert trend.link.change is Change.MERGED and trend.now == Fraction(1, 2)
    scores = last.scores
    total = sum(int(scores.score[scores.node_index[c]].sum()) for c in (first.code, second.code))
    maximum = sum(int(scores.max_of(scores.node_index[c]).sum()) for c in (first.code, second.code))
    assert trend.before == Fraction(total, maximum)
