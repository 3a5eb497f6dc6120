"""A past level recomputed under today's units (dti.lineage): an identity lineage gives the
published ranking back, on the seeds and on generated campaigns; a merged unit takes the
mean (or weighted mean) of its predecessors' index values, checked by hand with fractions."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given

from dti.lineage import MergeRule, Successor, recompute_under
from dti.results import LevelResult
from tests.core.reports import campaign, results
from tests.core.seeds import BINHDINH, BINHPHUOC
from tests.core.test_properties import SETTINGS, scenarios


def same_ranking(a: LevelResult, b: LevelResult) -> None:
    for key in ["general", *a.groups]:
        first, second = a.ranking(key), b.ranking(key)
        assert list(first.units) == list(second.units), key
        assert list(first.rank) == list(second.rank), key
        assert list(first.displayed) == list(second.displayed), key
        assert list(first.classes) == list(second.classes), key


def identity(path, level: str) -> list[Successor]:
    units = {u.id: u for u in campaign(path).level(level).units}
    return [
        Successor(u, units[u].name, units[u].attributes, (u,))
        for u in results(path)[level].scores.unit_ids
    ]


@pytest.mark.parametrize(
    ("path", "level"),
    [(BINHDINH, "so"), (BINHDINH, "huyen"), (BINHPHUOC, "so"), (BINHPHUOC, "huyen")],
)
def test_the_seeds_under_an_identity_lineage_are_their_published_rankings(path, level):
    past = results(path)[level]
    same_ranking(recompute_under(past, identity(path, level)), past)


@pytest.mark.slow
@SETTINGS
@given(scenarios(classified=True))
def test_generated_campaigns_under_an_identity_lineage_keep_their_rankings(scenario):
    past = scenario.evaluate()
    assume(not past.scores.problems)  # a score the rules refuse (above its max) is not carried
    successors = [
        Successor(unit.unit, name, unit.attributes, (unit.unit,))
        for unit, name in zip(scenario.units, scenario.names, strict=True)
    ]
    same_ranking(recompute_under(past, successors), past)


def index_value(past: LevelResult, code: str, unit: str) -> Fraction:
    position = list(past.scores.unit_ids).index(unit)
    return Fraction(past.scores.node_score(code, position)) / Fraction(
        past.scores.node_max(code, position)
    )


@pytest.mark.parametrize("rule", [MergeRule.MEAN, MergeRule.WEIGHTED])
def test_a_merged_unit_takes_the_mean_of_its_predecessors_index_values(rule):
    past = results(BINHDINH)["so"]
    ids = list(past.scores.unit_ids)
    first, second = ids[0], ids[5]
    merged = Successor(
        "so-moi",
        "Sở Mới",
        identity(BINHDINH, "so")[0].attributes,
        (first, second),
        weights=(Decimal(3), Decimal(1)) if rule is MergeRule.WEIGHTED else (),
    )
    others = [s for s in identity(BINHDINH, "so") if s.unit not in (first, second)]
    now = recompute_under(past, [merged, *others], rule)
    weights = (
        (Fraction(3), Fraction(1)) if rule is MergeRule.WEIGHTED else (Fraction(1), Fraction(1))
    )
    for index in past.framework.main_indices:
        expected = (
            weights[0] * index_value(past, index.code, first)
            + weights[1] * index_value(past, index.code, second)
        ) / sum(weights)
        got = Fraction(now.scores.node_score(index.code, 0)) / Fraction(
            now.scores.node_max(index.code, 0)
        )
        assert abs(got - expected) <= Fraction(1, 2 * 10_000) / Fraction(
            now.scores.node_max(index.code, 0)
        ), index.code
    assert len(now.general.units) == len(ids) - 1


def test_what_cannot_be_recomputed_is_refused_naming_the_unit():
    past = results(BINHDINH)["so"]
    attributes = identity(BINHDINH, "so")[0].attributes
    with pytest.raises(ValueError, match="Sở Mới: không có so-khong-co"):
        recompute_under(past, [Successor("x", "Sở Mới", attributes, ("so-khong-co",))])
    with pytest.raises(ValueError, match="Sở Mới: chưa có đơn vị tiền thân"):
        recompute_under(past, [Successor("x", "Sở Mới", attributes, ())])
    two = tuple(past.scores.unit_ids[:2])
    with pytest.raises(ValueError, match="trọng số dương"):
        recompute_under(past, [Successor("x", "Sở Mới", attributes, two)], MergeRule.WEIGHTED)
    zero = Successor("x", "Sở Mới", attributes, two, (Decimal(1), Decimal(0)))
    with pytest.raises(ValueError, match="trọng số dương"):
        recompute_under(past, [zero], MergeRule.WEIGHTED)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-1"])
def test_a_weight_that_is_not_a_positive_number_is_refused(value):
    past = results(BINHDINH)["so"]
    attributes = identity(BINHDINH, "so")[0].attributes
    two = tuple(past.scores.unit_ids[:2])
    merged = Successor("x", "Sở Mới", attributes, two, (Decimal(1), Decimal(value)))
    with pytest.raises(ValueError, match="trọng số dương"):
        recompute_under(past, [merged], MergeRule.WEIGHTED)
