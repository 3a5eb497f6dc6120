"""How sure a rank is (dti.robustness) and what-if rankings (dti.whatif), on the published
seed tables and on generated campaigns."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given

from dti.framework.model import ClassBand, Comparability
from dti.rankings import order_by_name
from dti.results import LevelResult
from dti.robustness import Uncertainty, rank_spread
from dti.whatif import Scenario, what_if
from tests.core.reports import results
from tests.core.seeds import BINHDINH, BINHPHUOC
from tests.core.test_properties import SETTINGS, scenarios

STILL = Uncertainty(weight_spread=Decimal(0), draws=20)


def seed_rankings() -> list[tuple[str, str, str]]:
    return [
        (path.name, level, key)
        for path in (BINHDINH, BINHPHUOC)
        for level, result in results(path).items()
        for key in ["general", *result.groups]
    ]


def seed_result(name: str, level: str) -> LevelResult:
    path = BINHDINH if name == BINHDINH.name else BINHPHUOC
    return results(path)[level]


@pytest.mark.parametrize(("seed", "level", "key"), seed_rankings())
def test_without_spread_every_draw_gives_the_published_ranks(seed, level, key):
    result = seed_result(seed, level)
    published = result.ranking(key)
    spread = rank_spread(result.scores, published, STILL)
    assert list(spread.units) == list(published.units)
    for drawn in (spread.low, spread.median, spread.high):
        assert list(drawn) == list(published.rank)


@pytest.mark.parametrize(("seed", "level", "key"), seed_rankings())
def test_what_if_with_published_weights_is_the_published_ranking(seed, level, key):
    result = seed_result(seed, level)
    published = result.ranking(key)
    same = what_if(result.scores, published, order_by_name(result.names), Scenario())
    assert [row.unit for row in same.rows] == list(published.units)
    assert [row.rank for row in same.rows] == list(published.rank)
    assert [row.displayed for row in same.rows] == list(published.displayed)
    assert [row.class_label for row in same.rows] == list(published.classes)


def test_binh_dinh_ties_at_a_rounding_boundary_stay_exact():
    """Bình Định 2023's agencies share ranks on one-decimal percents (dense 6, 6, 7): the
    draws round each value exactly, as the published table does."""
    result = results(BINHDINH)["so"]
    ranks = list(result.general.rank)
    assert len(set(ranks)) < len(ranks)  # the table has ties
    spread = rank_spread(result.scores, result.general, Uncertainty(Decimal(0), draws=3))
    assert list(spread.median) == ranks


def test_spread_gives_intervals_around_the_published_rank_that_widen_with_it():
    result = results(BINHDINH)["so"]
    narrow = rank_spread(result.scores, result.general, Uncertainty(Decimal("0.05"), seed=1))
    wide = rank_spread(result.scores, result.general, Uncertainty(Decimal("0.5"), seed=1))
    assert (narrow.low <= narrow.median).all() and (narrow.median <= narrow.high).all()
    assert (narrow.low <= narrow.published).all() and (narrow.published <= narrow.high).all()
    assert (wide.high - wide.low).sum() > (narrow.high - narrow.low).sum()
    assert wide.draws == 1000


def test_appraisal_spread_moves_ranks_and_the_seed_repeats_a_run():
    result = results(BINHDINH)["so"]
    leaves = {leaf.code: Decimal(2) for leaf in result.framework.leaves}
    uncertain = Uncertainty(Decimal(0), criterion_spread=leaves, draws=200, seed=7)
    first = rank_spread(result.scores, result.general, uncertain)
    again = rank_spread(result.scores, result.general, uncertain)
    assert (first.high - first.low).sum() > 0
    assert (first.low == again.low).all() and (first.high == again.high).all()


@pytest.mark.parametrize(
    ("uncertainty", "message"),
    [
        (Uncertainty(draws=0), "số lần thử"),
        (Uncertainty(draws=10_001), "số lần thử"),
        (Uncertainty(Decimal("0.95")), "biên độ trọng số"),
        (Uncertainty(Decimal("-0.1")), "biên độ trọng số"),
        (Uncertainty(criterion_spread={"khong_co": Decimal(1)}), "không có tiêu chí khong_co"),
        (Uncertainty(criterion_spread={"nhan_thuc_so": Decimal(-1)}), "độ lệch của nhan_thuc_so"),
    ],
)
def test_bounds_are_refused_in_plain_words(uncertainty, message):
    result = results(BINHDINH)["so"]
    with pytest.raises(ValueError, match=message):
        rank_spread(result.scores, result.general, uncertainty)


def test_a_ranking_on_one_main_index_is_refused():
    result = results(BINHDINH)["so"]
    ranking = result.ranking("nhan_thuc_so")
    with pytest.raises(ValueError, match="xếp hạng chung"):
        rank_spread(result.scores, ranking, STILL)
    with pytest.raises(ValueError, match="xếp hạng chung"):
        what_if(result.scores, ranking, order_by_name(result.names), Scenario())


def test_what_if_weights_match_a_hand_computed_ratio():
    """Doubling one index on the ratio policy: (Σ wᵢsᵢ) / (Σ wᵢmᵢ), computed here unit by
    unit with fractions from the published table's index scores."""
    result = results(BINHDINH)["so"]
    scores, code = result.scores, "nhan_luc_so"
    scenario = Scenario(weights={code: Decimal(2)})
    changed = what_if(scores, result.general, order_by_name(result.names), scenario)
    for row in changed.rows:
        num = den = Fraction(0)
        for index in result.framework.main_indices:
            weight = 2 if index.code == code else 1
            num += weight * Fraction(scores.node_score(index.code, row.unit))
            den += weight * Fraction(scores.node_max(index.code, row.unit))
        expected = num / den * 100 * 10**changed.policy.decimals
        assert row.displayed == int(expected + Fraction(1, 2)), row.unit
    ranks = [row.rank for row in changed.rows]
    assert ranks == sorted(ranks)
    assert [row.unit for row in changed.rows] != list(result.general.units)


def test_what_if_drops_an_index_switches_policy_and_bands():
    result = results(BINHPHUOC)["so"]
    names = order_by_name(result.names)
    dropped = what_if(
        result.scores, result.general, names, Scenario(weights={"nhan_thuc_so": Decimal(0)})
    )
    assert len(dropped.rows) == len(result.general.units)
    ratio = what_if(
        result.scores,
        result.general,
        names,
        Scenario(comparability=Comparability.RATIO_TO_APPLICABLE_MAX),
    )
    assert ratio.policy.percent and ratio.policy.decimals == 2
    classification = result.general.policy.classification
    assert classification is not None
    everyone_good = tuple(ClassBand(b.label, Decimal(0)) for b in classification.bands)
    banded = what_if(result.scores, result.general, names, Scenario(bands=everyone_good))
    assert {row.class_label for row in banded.rows} == {classification.bands[0].label}
    zero = Scenario(weights={index.code: Decimal(0) for index in result.framework.main_indices})
    with pytest.raises(ValueError, match="ít nhất một chỉ số"):
        what_if(result.scores, result.general, names, zero)
    fine = Scenario(weights={"nhan_thuc_so": Decimal("0.00001")})
    with pytest.raises(ValueError, match="trọng số của nhan_thuc_so"):
        what_if(result.scores, result.general, names, fine)
    with pytest.raises(ValueError, match="không có chỉ số chính x"):
        what_if(result.scores, result.general, names, Scenario(weights={"x": Decimal(1)}))


@pytest.mark.slow
@SETTINGS
@given(scenarios(classified=True))
def test_generated_campaigns_without_spread_keep_their_published_ranks(scenario):
    """Every policy, ties and rounding the generator draws: no spread gives the published
    ranks, and what-if at the published weights the published ranking row for row."""
    result = scenario.evaluate()
    for published in [result.general, *result.groups.values()]:
        spread = rank_spread(result.scores, published, Uncertainty(Decimal(0), draws=2))
        assert (spread.median == published.rank).all()
        same = what_if(result.scores, published, order_by_name(result.names), Scenario())
        assert [r.rank for r in same.rows] == list(published.rank)
        assert [r.unit for r in same.rows] == list(published.units)
        assert [r.class_label for r in same.rows] == list(published.classes)
        assert [r.displayed for r in same.rows] == list(np.asarray(published.displayed))


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_non_finite_numbers_are_refused_in_plain_words(value):
    result = results(BINHDINH)["so"]
    number = Decimal(value)
    with pytest.raises(ValueError, match="biên độ trọng số"):
        rank_spread(result.scores, result.general, Uncertainty(number))
    with pytest.raises(ValueError, match="độ lệch của nhan_luc_so"):
        rank_spread(
            result.scores, result.general, Uncertainty(criterion_spread={"nhan_luc_so": number})
        )
    with pytest.raises(ValueError, match="trọng số của nhan_luc_so"):
        what_if(
            result.scores,
            result.general,
            order_by_name(result.names),
            Scenario(weights={"nhan_luc_so": number}),
        )
