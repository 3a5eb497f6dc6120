"""A ranking's compared value written as a weighted sum over the main indices: what the
what-if sandbox changes and what the rank robustness draws perturb.

Every comparability policy compares a value built from the main indices' scores sᵢ and
applicable maxima mᵢ of a unit, and what its total holds outside them, r (bonus, penalty,
roots without a main index). Weighting index i by a multiplier wᵢ (1 = as published):

- ratio to applicable max: (Σ wᵢsᵢ + r) / (Σ wᵢmᵢ + r_max), shown as a percent;
- plain total: Σ wᵢsᵢ + r, in points;
- remove a block: Σ wᵢsᵢ + r − w_b·b, in points (b the block's score or max, w_b the weight
  of the main index that holds it);
- national weighted: Σ wᵢWᵢ·sᵢ/mᵢ / Σ wᵢWᵢ over the indices that apply, on 0–1.

With every wᵢ = 1 each is exactly the value dti.rankings ranks (tests/core/test_weighting.py).
Multipliers are integers of 1/WEIGHT_SCALE so that every sum stays an exact integer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from dti.engine import LevelScores
from dti.fixedpoint import SCALE, IntArray, to_scaled
from dti.framework.model import (
    ClassBasis,
    Classification,
    Comparability,
    Node,
    RankingPolicy,
)
from dti.rankings import Ranking

WEIGHT_SCALE = 10_000  # a multiplier of 1 is 10 000: weights to 0.01 %


@dataclass(frozen=True)
class Parts:
    """A ranking's units decomposed by main index (k indices × n units, scaled points)."""

    policy: RankingPolicy
    codes: tuple[str, ...]  # the main indices, in framework order
    score: IntArray  # k × n
    maximum: IntArray  # k × n: applicable max
    full: IntArray  # k: each index's framework max
    rest: IntArray  # n: the total outside the main indices
    rest_max: IntArray  # n
    rest_full: int
    national: tuple[Fraction, ...]  # k: national weights (0 where none is stated)
    block: IntArray  # n: what REMOVE_BLOCK removes (zeros under other policies)
    block_index: int | None  # the main index holding the block, None when outside any
    block_full: int

    @property
    def size(self) -> int:
        return int(self.score.shape[1])


def refuse_index_ranking(ranking: Ranking) -> None:
    """Weights move units between indices: a ranking on one main index has none to move."""
    if ranking.key.startswith("index:"):
        raise ValueError("chỉ xét được xếp hạng chung và xếp hạng theo nhóm")


def parts_of(scores: LevelScores, policy: RankingPolicy, members: IntArray) -> Parts:
    """The units at positions `members`, decomposed for `policy`."""
    framework = scores.framework
    indices = framework.main_indices
    rows = [scores.node_index[index.code] for index in indices]
    score = scores.score[rows][:, members]
    maximum = np.array([scores.max_of(row)[members] for row in rows], dtype=np.int64)
    maximum = maximum.reshape(len(rows), len(members))
    full = np.array([to_scaled(index.max) for index in indices], dtype=np.int64)
    block = np.zeros(len(members), dtype=np.int64)
    block_index, block_full = None, 0
    if policy.comparability is Comparability.REMOVE_BLOCK and policy.block is not None:
        row = scores.node_index[policy.block]
        removed = scores.score[row] if policy.subtract_block_score else scores.max_of(row)
        block = removed[members].astype(np.int64)
        block_index = holding_index(framework.parent_of, [i.code for i in indices], policy.block)
        block_full = to_scaled(framework.by_code[policy.block].max)
    return Parts(
        policy=policy,
        codes=tuple(index.code for index in indices),
        score=score.astype(np.int64),
        maximum=maximum,
        full=full,
        rest=(scores.total[members] - score.sum(axis=0)).astype(np.int64),
        rest_max=(scores.total_applicable_max[members] - maximum.sum(axis=0)).astype(np.int64),
        rest_full=to_scaled(framework.max) - int(full.sum()),
        national=tuple(
            Fraction(i.weight) if i.weight is not None else Fraction(0) for i in indices
        ),
        block=block,
        block_index=block_index,
        block_full=block_full,
    )


def holding_index(parent_of: Mapping[str, Node], codes: Sequence[str], code: str) -> int | None:
    """The position in `codes` of the main index that is `code` or holds it."""
    current: str | None = code
    while current is not None:
        if current in codes:
            return list(codes).index(current)
        parent = parent_of.get(current)
        current = parent.code if parent is not None else None
    return None


def multipliers(codes: Sequence[str], weights: Mapping[str, Decimal]) -> tuple[int, ...]:
    """Each index's multiplier in 1/WEIGHT_SCALE (1 where `weights` names none); an index
    not in `codes`, or a multiplier below 0 or finer than 0.0001, is refused."""
    unknown = sorted(set(weights) - set(codes))
    if unknown:
        raise ValueError(f"không có chỉ số chính {', '.join(unknown)} trong bộ chỉ số")
    result = []
    for code in codes:
        weight = Decimal(weights.get(code, Decimal(1)))
        scaled = weight * WEIGHT_SCALE if weight.is_finite() else Decimal(-1)  # sNaN: no arithmetic
        if scaled < 0 or scaled != scaled.to_integral_value():
            raise ValueError(f"trọng số của {code} phải là số không âm, tối đa 4 chữ số thập phân")
        result.append(int(scaled))
    return tuple(result)


@dataclass(frozen=True)
class Exact:
    """One unit's exact values under one set of multipliers."""

    value: Fraction  # what the policy compares: a 0–1 ratio, points, or the 0–1 DTI
    comparable: Fraction  # value over the comparable max, 0–1 (the classes' default basis)
    applicable: Fraction  # the raw total over the applicable max, 0–1
    of_framework: Fraction  # the raw total over the framework's max, 0–1


def exact_unit(parts: Parts, w: Sequence[int], score: Sequence[int], unit: int) -> Exact:
    """Exact values of unit `unit` with multipliers `w` and index scores `score` (its own
    column of parts.score, or a perturbed one)."""
    policy = parts.policy
    maxima = [int(m) for m in parts.maximum[:, unit]]
    base = WEIGHT_SCALE
    raw = sum(wi * si for wi, si in zip(w, score, strict=True)) + base * int(parts.rest[unit])
    raw_max = sum(wi * mi for wi, mi in zip(w, maxima, strict=True)) + base * int(
        parts.rest_max[unit]
    )
    full = sum(wi * int(f) for wi, f in zip(w, parts.full, strict=True)) + base * parts.rest_full
    applicable = Fraction(raw, raw_max) if raw_max > 0 else Fraction(0)
    of_framework = Fraction(raw, full) if full > 0 else Fraction(0)
    comparability = policy.comparability
    if comparability is Comparability.RATIO_TO_APPLICABLE_MAX:
        return Exact(applicable, applicable, applicable, of_framework)
    if comparability is Comparability.NATIONAL_WEIGHTED:
        value = _national(parts, w, score, maxima)
        return Exact(value, value, applicable, of_framework)
    comparable_max = full
    if comparability is Comparability.REMOVE_BLOCK:
        held = base if parts.block_index is None else w[parts.block_index]
        raw -= held * int(parts.block[unit])
        comparable_max -= held * parts.block_full
        of_framework = Fraction(raw, full) if full > 0 else Fraction(0)
    comparable = Fraction(raw, comparable_max) if comparable_max > 0 else Fraction(0)
    return Exact(Fraction(raw, base * SCALE), comparable, applicable, of_framework)


def _national(
    parts: Parts, w: Sequence[int], score: Sequence[int], maxima: Sequence[int]
) -> Fraction:
    weighted, weights = Fraction(0), Fraction(0)
    for wi, national, si, mi in zip(w, parts.national, score, maxima, strict=True):
        if mi > 0 and national:
            weighted += Fraction(si, mi) * national * wi
            weights += national * wi
    return weighted / weights if weights else Fraction(0)


def shown(value: Fraction, policy: RankingPolicy) -> int:
    """The value as the ranking displays it, in units of 10^-decimals, rounded half up."""
    factor = 10**policy.decimals * (100 if policy.percent else 1)
    return half_up(value * factor)


def half_up(value: Fraction) -> int:
    """Rounded half up (away from zero at .5), as dti.fixedpoint.div_half_up."""
    magnitude = (2 * abs(value.numerator) + value.denominator) // (2 * value.denominator)
    return -magnitude if value < 0 else magnitude


def class_of(
    classification: Classification | None, exact: Exact, displayed: int, decimals: int
) -> str | None:
    """The first band whose min the rounded measure reaches (as dti.rankings.classify)."""
    if classification is None:
        return None
    digits = classification.decimals
    basis = classification.basis
    if basis is ClassBasis.VALUE:
        measure = half_up(Fraction(displayed, 10**decimals) * 10**digits)
    else:
        share = {
            ClassBasis.PERCENT_OF_FRAMEWORK_MAX: exact.of_framework,
            ClassBasis.PERCENT_OF_APPLICABLE_MAX: exact.applicable,
            ClassBasis.PERCENT_OF_COMPARABLE_MAX: exact.comparable,
        }[basis]
        measure = half_up(share * 100 * 10**digits)
    for band in classification.bands:
        if measure >= band.min * 10**digits:
            return band.label
    return None
