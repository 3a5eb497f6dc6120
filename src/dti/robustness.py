"""How sure a rank is: Monte Carlo draws over the main-index weights and the appraisal's
uncertainty, each draw ranked exactly as the published ranking is, and per unit the median
rank and the 5th–95th percentile interval (docs/scoring.md, "How sure a rank is").

A draw multiplies each main index's weight by a factor drawn uniformly in [1 − x, 1 + x]
(dti.weighting: a weight is what the index counts for in the compared value), and adds to
each main index's score a normal error whose variance is the sum of the squared spreads of
the unit's applicable criteria under it (independent criteria: their sum is normal with
that variance), rounded to the scoring grid and kept within [0, the index's applicable
max]. The draws are vectorised (numpy, a block of draws at a time); where a value falls
within a hair of a display rounding boundary it is recomputed exactly, so with no spread
every draw gives the published ranks exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from math import ceil

import numpy as np
import numpy.typing as npt

from dti.engine import LevelScores
from dti.fixedpoint import SCALE, IntArray
from dti.framework.model import Comparability, Framework, Ties
from dti.rankings import Ranking
from dti.weighting import (
    WEIGHT_SCALE,
    Parts,
    exact_unit,
    holding_index,
    parts_of,
    refuse_index_ranking,
    shown,
)

FloatArray = npt.NDArray[np.float64]
MAX_DRAWS = 10_000
MAX_WEIGHT_SPREAD = Decimal("0.9")
BLOCK = 50  # draws computed together: 50 x 8 x 3,300 floats is 10 MB
NEAR = 1e-6  # a displayed value this close to .5 of its last digit is recomputed exactly


@dataclass(frozen=True)
class Uncertainty:
    weight_spread: Decimal = Decimal("0.1")  # each main index's weight x U(1 - x, 1 + x)
    criterion_spread: Mapping[str, Decimal] = field(default_factory=dict)  # code -> SD, points
    draws: int = 1000
    seed: int = 0

    def check(self, framework: Framework) -> None:
        """ValueError, in Vietnamese, naming what is out of bounds."""
        if not 1 <= self.draws <= MAX_DRAWS:
            raise ValueError(f"số lần thử phải từ 1 đến {MAX_DRAWS}")
        if not self.weight_spread.is_finite() or not 0 <= self.weight_spread <= MAX_WEIGHT_SPREAD:
            raise ValueError("biên độ trọng số phải từ 0% đến 90%")
        for code, spread in self.criterion_spread.items():
            if code not in framework.by_code:
                raise ValueError(f"không có tiêu chí {code} trong bộ chỉ số")
            if not spread.is_finite() or not 0 <= spread <= framework.by_code[code].max:
                raise ValueError(f"độ lệch của {code} phải từ 0 đến điểm tối đa của tiêu chí")


@dataclass(frozen=True)
class RankSpread:
    """Per unit of a ranking (in published rank order): its published rank, the median
    rank over the draws and the 5th and 95th percentile ranks (ranks that were drawn)."""

    units: IntArray  # the units' positions in the level
    published: IntArray
    median: IntArray
    low: IntArray
    high: IntArray
    draws: int


def rank_spread(scores: LevelScores, published: Ranking, uncertainty: Uncertainty) -> RankSpread:
    refuse_index_ranking(published)
    uncertainty.check(scores.framework)
    parts = parts_of(scores, published.policy, published.units)
    sigma = _sigma(scores, parts, published.units, uncertainty.criterion_spread)
    rng = np.random.default_rng(uncertainty.seed)
    spread = float(uncertainty.weight_spread)
    ranks = np.empty((uncertainty.draws, parts.size), dtype=np.int32)
    for start in range(0, uncertainty.draws, BLOCK):
        count = min(BLOCK, uncertainty.draws - start)
        factors = rng.uniform(1 - spread, 1 + spread, (count, len(parts.codes)))
        weights = np.rint(factors * WEIGHT_SCALE)
        index_scores = _drawn_scores(rng, parts, sigma, count)
        ranks[start : start + count] = _draw_ranks(parts, weights, index_scores)
    ordered = np.sort(ranks, axis=0)

    def percentile(share: float) -> IntArray:
        row = max(ceil(share * uncertainty.draws) - 1, 0)
        chosen: IntArray = ordered[row].astype(np.int64)
        return chosen

    return RankSpread(
        units=published.units,
        published=published.rank,
        median=percentile(0.5),
        low=percentile(0.05),
        high=percentile(0.95),
        draws=uncertainty.draws,
    )


def _sigma(
    scores: LevelScores, parts: Parts, members: IntArray, spreads: Mapping[str, Decimal]
) -> FloatArray:
    """Per main index and unit, the standard deviation of its score's error (scaled)."""
    framework = scores.framework
    variance = np.zeros(parts.score.shape, dtype=np.float64)
    removed = _removed_codes(framework, parts)
    for code, spread in spreads.items():
        index = holding_index(framework.parent_of, parts.codes, code)
        if index is None or code in removed or not spread:
            continue
        applies = scores.max_of(scores.node_index[code])[members] > 0
        variance[index] += applies * float(spread * SCALE) ** 2
    root: FloatArray = np.sqrt(variance)
    return root


def _removed_codes(framework: Framework, parts: Parts) -> set[str]:
    """Criteria whose score the policy removes from every unit: an error there moves nothing."""
    policy = parts.policy
    if policy.comparability is not Comparability.REMOVE_BLOCK or policy.block is None:
        return set()
    if not policy.subtract_block_score:
        return set()
    return {node.code for node in framework.by_code[policy.block].walk()}


def _drawn_scores(
    rng: np.random.Generator, parts: Parts, sigma: FloatArray, count: int
) -> FloatArray:
    """count x k x n index scores (integers held as floats)."""
    base = parts.score.astype(np.float64)[None]
    if not sigma.any():
        return base
    noise = rng.standard_normal((count, *sigma.shape)) * sigma[None]
    drawn: FloatArray = np.clip(np.rint(base + noise), 0, parts.maximum[None])
    return drawn


def _draw_ranks(parts: Parts, weights: FloatArray, index_scores: FloatArray) -> IntArray:
    """count x n ranks, with the policy's rounding and ties."""
    policy = parts.policy
    x = _values(parts, weights, index_scores) * _display_factor(parts)
    displayed = np.floor(x + 0.5)
    near = np.abs(x - np.floor(x) - 0.5) < NEAR
    known: dict[tuple[int, tuple[int, ...], tuple[int, ...]], int] = {}  # draws often repeat
    for draw, unit in zip(*np.nonzero(near), strict=True):
        w = tuple(int(v) for v in weights[draw])
        column = index_scores[draw if len(index_scores) > 1 else 0][:, unit]
        key = (int(unit), w, tuple(int(v) for v in column))
        if key not in known:
            known[key] = shown(exact_unit(parts, key[1], key[2], key[0]).value, policy)
        displayed[draw, unit] = known[key]
    primary = displayed if policy.compare_displayed else np.round(x, 6)
    return _ranks(primary, policy.ties)


def _display_factor(parts: Parts) -> float:
    policy = parts.policy
    if policy.percent:
        return float(100 * 10**policy.decimals)
    if policy.comparability is Comparability.NATIONAL_WEIGHTED:
        return float(10**policy.decimals)
    return float(10**policy.decimals) / float(WEIGHT_SCALE * SCALE)


def _values(parts: Parts, weights: FloatArray, index_scores: FloatArray) -> FloatArray:
    """count x n compared values: the ratio (0–1), the points x WEIGHT_SCALE x SCALE, or
    the 0–1 DTI, as dti.weighting.exact_unit defines them."""
    comparability = parts.policy.comparability
    maximum = parts.maximum.astype(np.float64)
    if comparability is Comparability.NATIONAL_WEIGHTED:
        national = np.array([float(n) for n in parts.national])[None] * weights
        applies = maximum > 0
        ratios = np.divide(index_scores, maximum, out=np.zeros_like(index_scores), where=applies)
        num = np.matmul(national[:, None, :], ratios)[:, 0, :]
        den = national @ applies.astype(np.float64)
        return _divide(num, den)
    raw = np.matmul(weights[:, None, :], index_scores)[:, 0, :] + WEIGHT_SCALE * parts.rest
    if comparability is Comparability.RATIO_TO_APPLICABLE_MAX:
        den = weights @ maximum + WEIGHT_SCALE * parts.rest_max
        return _divide(raw, den)
    if comparability is Comparability.REMOVE_BLOCK:
        if parts.block_index is None:
            held = np.full((len(weights), 1), float(WEIGHT_SCALE))
        else:
            held = weights[:, parts.block_index : parts.block_index + 1]
        raw = raw - held * parts.block[None]
    values: FloatArray = raw
    return values


def _divide(num: FloatArray, den: FloatArray) -> FloatArray:
    result: FloatArray = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return result


def _ranks(primary: FloatArray, ties: Ties) -> IntArray:
    """Each row ranked high to low: dense (6, 6, 7) or competition (1, 2, 2, 4)."""
    order = np.argsort(-primary, axis=1, kind="stable")
    ordered = np.take_along_axis(primary, order, axis=1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    if ties is Ties.DENSE:
        sorted_ranks = np.cumsum(starts, axis=1)
    else:
        positions = np.arange(1, ordered.shape[1] + 1)[None]
        sorted_ranks = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    ranks = np.empty(ordered.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, sorted_ranks, axis=1)
    return ranks
