"""A level's full result: scores, the general ranking, peer-group and per-index rankings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dti.columns import LevelInputs, evaluate_condition
from dti.engine import LevelScores, compute
from dti.fixedpoint import IntArray
from dti.framework.model import Framework
from dti.rankings import Ranking, order_by_name, rank_index, rank_units


@dataclass
class LevelResult:
    framework: Framework
    scores: LevelScores
    names: tuple[str, ...]
    general: Ranking
    groups: dict[str, Ranking]
    indices: dict[str, Ranking]

    def ranking(self, key: str) -> Ranking:
        """'general', a group code or a main-index code."""
        if key == "general":
            return self.general
        if key in self.groups:
            return self.groups[key]
        if key in self.indices:
            return self.indices[key]
        raise KeyError(key)


def evaluate(framework: Framework, inputs: LevelInputs, names: Sequence[str]) -> LevelResult:
    """Scores, classes and every ranking for the units in `inputs` (`names` orders ties)."""
    scores = compute(framework, inputs)
    ties = order_by_name(names)
    everyone: IntArray = np.arange(inputs.size, dtype=np.int64)
    groups = {
        group.code: rank_units(
            scores,
            group.ranking,
            everyone[evaluate_condition(group.when, inputs)],
            ties,
            key=f"group:{group.code}",
        )
        for group in framework.groups
    }
    indices = {
        index.code: rank_index(scores, index.code, everyone, ties)
        for index in framework.main_indices
    }
    general = rank_units(scores, framework.ranking, everyone, ties)
    return LevelResult(framework, scores, tuple(names), general, groups, indices)
