"""A level's inputs held by column: one criterion across all units, as the engine reads
them. dti.inputs builds them from per-unit inputs; the benchmark builds them directly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np

from dti.campaign import AttributeValue
from dti.expressions import Expression
from dti.fixedpoint import IntArray

RawValue = Decimal | bool | str


@dataclass(frozen=True)
class InputProblem:
    unit: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.unit}, {self.code}: {self.message}"


class InputError(ValueError):
    def __init__(self, problems: Sequence[InputProblem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(map(str, self.problems)))


@dataclass
class Column:
    """One criterion's values across units: scaled integers (or option numbers) and a mask."""

    values: IntArray
    present: np.ndarray

    @classmethod
    def empty(cls, size: int) -> Column:
        return cls(np.zeros(size, dtype=np.int64), np.zeros(size, dtype=bool))


@dataclass
class LevelInputs:
    """Inputs of every unit of a level, by column.

    `values` are raw leaf inputs by leaf code (a formula's inputs by "leaf.input"); `scores`
    are scores given directly at any node (a published table with main-index scores only).
    """

    unit_ids: tuple[str, ...]
    attributes: tuple[Mapping[str, AttributeValue], ...]
    values: dict[str, Column] = field(default_factory=dict)
    scores: dict[str, Column] = field(default_factory=dict)
    adjustments: dict[str, Column] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.unit_ids)

    @cached_property
    def attribute_sets(self) -> tuple[IntArray, list[Mapping[str, AttributeValue]]]:
        """Each unit's number among the distinct sets of attributes, and one of each set:
        conditions are evaluated once per set, not once per unit."""
        seen: dict[tuple[tuple[str, object], ...], int] = {}
        ids = np.empty(self.size, dtype=np.int64)
        samples: list[Mapping[str, AttributeValue]] = []
        for position, attrs in enumerate(self.attributes):
            key = tuple(sorted(attrs.items()))
            if key not in seen:
                seen[key] = len(samples)
                samples.append(attrs)
            ids[position] = seen[key]
        return ids, samples


def evaluate_condition(condition: Expression, inputs: LevelInputs) -> np.ndarray:
    """The condition for each unit, evaluated once per distinct set of attributes."""
    ids, samples = inputs.attribute_sets
    return np.array([condition.evaluate_condition(attrs) for attrs in samples], dtype=bool)[ids]
