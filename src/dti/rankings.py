"""From scores to rankings: the comparable value of each unit under a policy, its display,
its class, and ranks with the policy's ties.

A value is an exact fraction num/den per unit. It is displayed rounded half up to the
policy's decimals; ranks compare the displayed value (or the exact one), ties are dense
(6, 6, 7) or competition (1, 2, 2, 4); within a tie, units are listed by exact value and
then by name. See docs/scoring.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

import numpy as np

from dti.engine import LevelScores
from dti.fixedpoint import SCALE, AnyIntArray, IntArray, div_half_up, from_scaled, to_scaled
from dti.framework.model import (
    ClassBasis,
    Classification,
    Comparability,
    Framework,
    RankingPolicy,
    Ties,
)
from dti.names import loose_label


@dataclass(frozen=True)
class RankingRow:
    rank: int
    unit: str  # unit id
    total: Decimal  # points the ranking compares (after any block removal)
    applicable_max: Decimal
    value: Decimal  # as displayed: percent, points or 0–1 DTI
    percent: bool
    class_label: str | None


@dataclass
class Ranking:
    """One ranking of some units; positions are in rank order."""

    key: str  # "general", "group:<code>" or "index:<code>"
    policy: RankingPolicy
    units: IntArray  # unit positions in the level, in rank order
    rank: IntArray
    total: IntArray  # scaled points compared (after any block removal), per ranked unit
    maximum: IntArray  # scaled max shown beside it: comparable max, else the unit's applicable max
    displayed: IntArray  # value in units of 10^-decimals
    classes: np.ndarray  # class label (or None) per ranked unit, an object array

    def rows(self, unit_ids: Sequence[str]) -> list[RankingRow]:
        step = Decimal(1).scaleb(-self.policy.decimals)
        return [
            RankingRow(
                rank=int(self.rank[i]),
                unit=unit_ids[int(self.units[i])],
                total=from_scaled(int(self.total[i]), 2),
                applicable_max=from_scaled(int(self.maximum[i]), 2),
                value=Decimal(int(self.displayed[i])) * step,
                percent=self.policy.percent,
                class_label=self.classes[i],
            )
            for i in range(len(self.units))
        ]


@dataclass(frozen=True)
class _Values:
    """Comparable value num/den per unit (both scaled points), and what the ranking shows."""

    num: IntArray
    den: IntArray
    percent: bool
    raw_total: IntArray  # the total before any block removal, and its applicable max
    raw_max: IntArray
    shown_max: IntArray  # the max shown beside the compared total
    national: list[Fraction] | None = None


def rank_units(
    scores: LevelScores,
    policy: RankingPolicy,
    members: IntArray,
    tie_order: IntArray,
    key: str = "general",
    printed: IntArray | None = None,
) -> Ranking:
    """Rank the units at positions `members` under `policy`; `tie_order` (from
    `order_by_name`, one entry per unit of the level) orders units the policy ties.

    With `printed`, the compared totals are those (a published table's own totals, scaled,
    after any block removal) instead of the computed ones: the audit ranks a table on the
    numbers it prints."""
    values = _comparable(scores, policy, members)
    if printed is not None:
        removed = values.raw_total - values.num
        values = replace(values, num=printed, raw_total=printed + removed)
    return _rank(scores.framework, values, policy, members, tie_order, key)


def rank_index(
    scores: LevelScores,
    code: str,
    members: IntArray,
    tie_order: IntArray,
    printed: IntArray | None = None,
) -> Ranking:
    """Rank units on one main index as the framework states for it: its points, or its
    score over its applicable max as a percent, rounded to the stated decimals, with the
    stated ties (IndexRankings.for_index).

    Units for which the index does not apply at all are left out. `printed` replaces the
    index scores, as in rank_units."""
    framework = scores.framework
    row = scores.node_index[code]
    index_max = scores.max_of(row)
    keep = index_max[members] > 0
    members = members[keep]
    policy = framework.index_rankings.for_index(code).policy
    score, maximum = scores.score[row, members], index_max[members]
    if printed is not None:
        score = printed[keep]
    den = maximum if policy.percent else np.full(len(members), SCALE, dtype=np.int64)
    values = _Values(score, den, policy.percent, score, maximum, shown_max=maximum)
    return _rank(framework, values, policy, members, tie_order, f"index:{code}")


def _rank(
    framework: Framework,
    values: _Values,
    policy: RankingPolicy,
    members: IntArray,
    tie_order: IntArray,
    key: str,
) -> Ranking:
    displayed = _display(values, policy.decimals)
    exact = _exact(values)
    primary = displayed if policy.compare_displayed else exact
    order = _order(exact, tie_order[members])
    classes = classify(framework, policy.classification, values, displayed, policy)
    return Ranking(
        key=key,
        policy=policy,
        units=members[order],
        rank=ranks_in_order(primary[order], policy.ties),
        total=values.num[order],
        maximum=values.shown_max[order],
        displayed=displayed[order],
        classes=classes[order],
    )


def order_by_name(names: Sequence[str]) -> IntArray:
    """Each unit's place in name order (without diacritics). Names change far less often
    than scores, so the order is remembered for the last few lists of names."""
    return _order_by_name(tuple(names))


@lru_cache(maxsize=16)
def _order_by_name(names: tuple[str, ...]) -> IntArray:
    labels = np.array([loose_label(name) for name in names], dtype=object)
    order = np.empty(len(names), dtype=np.int64)
    order[np.argsort(labels, kind="stable")] = np.arange(len(names))
    order.flags.writeable = False  # shared between calls
    return order


def _comparable(scores: LevelScores, policy: RankingPolicy, members: IntArray) -> _Values:
    framework = scores.framework
    total = scores.total[members]
    maximum = scores.total_applicable_max[members]
    if policy.comparability is Comparability.RATIO_TO_APPLICABLE_MAX:
        return _Values(total, maximum, True, total, maximum, shown_max=maximum)
    full = np.full(len(members), to_scaled(framework.max), dtype=np.int64)
    if policy.comparability is Comparability.PLAIN_TOTAL:
        return _Values(total, full, False, total, maximum, shown_max=maximum)
    if policy.comparability is Comparability.REMOVE_BLOCK:
        assert policy.block is not None
        row = scores.node_index[policy.block]
        removed = scores.score[row] if policy.subtract_block_score else scores.max_of(row)
        base = full - to_scaled(framework.by_code[policy.block].max)
        return _Values(total - removed[members], base, False, total, maximum, shown_max=base)
    return _national(scores, members)


def _national(scores: LevelScores, members: IntArray) -> _Values:
    """Σ(index score / index max × weight) / Σ weights of applicable indices, on 0–1."""
    values: list[Fraction] = []
    rows = [scores.node_index[index.code] for index in scores.framework.main_indices]
    maxima = {row: scores.max_of(row) for row in rows}
    for unit in members:
        weighted, weights = Fraction(0), Fraction(0)
        for index, row in zip(scores.framework.main_indices, rows, strict=True):
            maximum = int(maxima[row][unit])
            if maximum > 0 and index.weight is not None:
                weight = Fraction(index.weight)
                weighted += Fraction(int(scores.score[row, unit]), maximum) * weight
                weights += weight
        values.append(weighted / weights if weights else Fraction(0))
    num = np.array([v.numerator for v in values], dtype=object)
    den = np.array([v.denominator for v in values], dtype=object)
    return _Values(
        num,
        den,
        percent=False,
        raw_total=scores.total[members],
        raw_max=scores.total_applicable_max[members],
        shown_max=scores.total_applicable_max[members],
        national=values,
    )


def _display(values: _Values, decimals: int) -> IntArray:
    """The value as displayed, in units of 10^-decimals, rounded half up."""
    if values.national is not None:
        return np.array(div_half_up(values.num * 10**decimals, values.den), dtype=np.int64)
    if values.percent:
        scaled = np.where(values.den > 0, values.num, 0) * (100 * 10**decimals)
        return np.array(div_half_up(scaled, np.maximum(values.den, 1)), dtype=np.int64)
    return np.array(div_half_up(values.num * 10**decimals, SCALE), dtype=np.int64)


def _exact(values: _Values) -> np.ndarray:
    """Exact order as floats: num and den are integers below 2**53, so distinct fractions
    of this size never round to the same double and equal ones always do."""
    if values.national is not None:
        return np.array([float(v) for v in values.national])
    exact: np.ndarray = values.num.astype(np.float64) / np.maximum(values.den, 1).astype(np.float64)
    return exact


def _order(exact: np.ndarray, ties: IntArray) -> IntArray:
    """Positions by exact value, high to low, then by `ties` (distinct numbers, so the key
    `dense rank of the value × (max tie + 1) + tie` is unique and one unstable sort
    suffices). The displayed value is a non-decreasing function of the exact one, so this
    order also sorts the displayed values."""
    if len(exact) == 0:
        return np.zeros(0, dtype=np.int64)
    _, dense = np.unique(-exact, return_inverse=True)
    key = dense.astype(np.int64) * (int(ties.max()) + 1) + ties
    order: IntArray = np.argsort(key)
    return order


def ranks_in_order(primary_sorted: np.ndarray, ties: Ties) -> IntArray:
    """Ranks of values sorted high to low (numbers or fractions): equal ones share a rank."""
    if len(primary_sorted) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([True], primary_sorted[1:] != primary_sorted[:-1]))
    if ties is Ties.DENSE:
        return np.cumsum(starts).astype(np.int64)
    positions = np.arange(1, len(primary_sorted) + 1)
    return np.maximum.accumulate(np.where(starts, positions, 0)).astype(np.int64)


def classify(
    framework: Framework,
    classification: Classification | None,
    values: _Values,
    displayed: IntArray,
    policy: RankingPolicy,
) -> np.ndarray:
    """Each unit's class: the first band whose min the rounded measure reaches."""
    if classification is None:
        return np.full(len(displayed), None, dtype=object)
    measure = _class_measure(framework, classification, values, displayed, policy)
    step = 10**classification.decimals
    # The measure is an integer of 10^-decimals, so a band's min rounds up to the next one.
    thresholds = np.array([math.ceil(b.min * step) for b in classification.bands])
    reached = np.argmax(measure[:, None] >= thresholds[None, :], axis=1)
    labels = np.array([b.label for b in classification.bands] + [None], dtype=object)
    below_all = ~(measure[:, None] >= thresholds[None, :]).any(axis=1)
    chosen: np.ndarray = labels[np.where(below_all, len(thresholds), reached)]
    return chosen


def _class_measure(
    framework: Framework,
    classification: Classification,
    values: _Values,
    displayed: IntArray,
    policy: RankingPolicy,
) -> IntArray:
    decimals = classification.decimals
    if classification.basis is ClassBasis.VALUE:
        shift = decimals - policy.decimals
        if shift >= 0:
            return np.asarray(displayed * 10**shift, dtype=np.int64)
        return np.array(div_half_up(displayed, 10**-shift), dtype=np.int64)
    num: AnyIntArray = values.num
    den: AnyIntArray | int = np.maximum(values.den, 1)
    if classification.basis is ClassBasis.PERCENT_OF_FRAMEWORK_MAX:
        den = to_scaled(framework.max)
    elif classification.basis is ClassBasis.PERCENT_OF_APPLICABLE_MAX:
        num, den = values.raw_total, np.maximum(values.raw_max, 1)
    return np.array(div_half_up(num * 100 * 10**decimals, den), dtype=np.int64)
