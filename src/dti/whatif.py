"""What-if: a published ranking recomputed under other main-index weights, without an
index, under another comparability policy or other class bands. Nothing published changes:
the result is a new ranking beside the published one, exact as the published one is
(the same rounding and ties, dti.weighting)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np

from dti.engine import LevelScores
from dti.fixedpoint import IntArray
from dti.framework.model import (
    ClassBand,
    ClassBasis,
    Classification,
    Comparability,
    RankingPolicy,
)
from dti.rankings import Ranking, ranks_in_order
from dti.weighting import class_of, exact_unit, multipliers, parts_of, refuse_index_ranking, shown

DEFAULT_DECIMALS = {  # shown decimals of a value whose kind the scenario changes
    Comparability.RATIO_TO_APPLICABLE_MAX: 2,
    Comparability.PLAIN_TOTAL: 2,
    Comparability.REMOVE_BLOCK: 2,
    Comparability.NATIONAL_WEIGHTED: 4,
}


@dataclass(frozen=True)
class Scenario:
    """What the office changes. A weight is a multiplier of the index's published weight
    (1 as published, 1.2 for 20 % more, 0 drops the index)."""

    weights: Mapping[str, Decimal] = field(default_factory=dict)
    comparability: Comparability | None = None  # None: as published
    bands: tuple[ClassBand, ...] | None = None  # None: as published (same basis and decimals)


@dataclass(frozen=True)
class WhatIfRow:
    unit: int  # the unit's position in the level
    rank: int
    displayed: int  # the value in units of 10^-decimals
    class_label: str | None


@dataclass(frozen=True)
class WhatIf:
    policy: RankingPolicy
    rows: tuple[WhatIfRow, ...]  # in the scenario's rank order

    def by_unit(self) -> dict[int, WhatIfRow]:
        return {row.unit: row for row in self.rows}


def scenario_policy(published: RankingPolicy, scenario: Scenario) -> RankingPolicy:
    """The policy the scenario ranks under; ValueError (in Vietnamese) for a switch the
    framework cannot make. Bands are read on the published scale, then restated with the
    published ones when the comparability changes."""
    classification = published.classification
    if scenario.bands is not None:
        if classification is None:
            raise ValueError("xếp hạng này không xếp loại")
        classification = replace(classification, bands=scenario.bands)
    comparability = scenario.comparability or published.comparability
    if comparability is published.comparability:
        return replace(published, classification=classification)
    if comparability is Comparability.REMOVE_BLOCK and published.block is None:
        raise ValueError("bộ chỉ số không nêu khối nào được loại trừ khi so sánh")
    if classification is not None and classification.basis is ClassBasis.VALUE:
        classification = _as_percent(classification, published)
    return replace(
        published,
        comparability=comparability,
        decimals=DEFAULT_DECIMALS[comparability],
        classification=classification,
    )


def _as_percent(classification: Classification, published: RankingPolicy) -> Classification:
    """Bands on the displayed value, restated on the percent of the comparable max: a 0–1
    DTI's 0.8 is 80 %, a percent stays itself. Points have no scale-free meaning: kept as
    points is wrong for another policy, so they are read as a percent of the comparable max."""
    factor = Decimal(100) if published.comparability is Comparability.NATIONAL_WEIGHTED else 1
    return Classification(
        ClassBasis.PERCENT_OF_COMPARABLE_MAX,
        classification.decimals,
        tuple(replace(band, min=band.min * factor) for band in classification.bands),
    )


def what_if(
    scores: LevelScores, published: Ranking, tie_order: IntArray, scenario: Scenario
) -> WhatIf:
    """The units of `published` ranked under `scenario`."""
    refuse_index_ranking(published)
    policy = scenario_policy(published.policy, scenario)
    members = published.units
    parts = parts_of(scores, policy, members)
    w = multipliers(parts.codes, scenario.weights)
    if not any(w):
        raise ValueError("cần giữ lại ít nhất một chỉ số chính")
    if policy.comparability is Comparability.NATIONAL_WEIGHTED and not all(parts.national):
        raise ValueError("cách tính của Bộ (có trọng số) cần trọng số ở mọi chỉ số chính")
    exact = [
        exact_unit(parts, w, [int(s) for s in parts.score[:, u]], u) for u in range(parts.size)
    ]
    displayed = [shown(e.value, policy) for e in exact]
    primary: list[object] = (
        list(displayed) if policy.compare_displayed else [e.value for e in exact]
    )
    order = sorted(range(parts.size), key=lambda u: (-exact[u].value, int(tie_order[members[u]])))
    ranks = [
        int(r)
        for r in ranks_in_order(np.array([primary[u] for u in order], dtype=object), policy.ties)
    ]
    rows = tuple(
        WhatIfRow(
            unit=int(members[u]),
            rank=rank,
            displayed=displayed[u],
            class_label=class_of(policy.classification, exact[u], displayed[u], policy.decimals),
        )
        for u, rank in zip(order, ranks, strict=True)
    )
    return WhatIf(policy, rows)
