"""The framework: a tree of criteria with maximum points, scoring rules and the policies
that turn scores into comparable values, classes and ranks. Immutable, Django-free.

The YAML format that builds these objects is described in docs/frameworks.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cached_property

from dti.expressions import Expression


class NodeKind(str, Enum):
    GROUP = "group"  # nhóm chỉ số
    MAIN_INDEX = "main_index"  # chỉ số chính
    COMPONENT = "component"  # chỉ số thành phần
    CRITERION = "criterion"  # tiêu chí con


class Source(str, Enum):
    """Who provides a leaf's value."""

    UNIT = "unit"  # declared by the unit in its self-assessment
    SYSTEM = "system"  # measured from the province's shared systems
    APPRAISERS = "appraisers"  # scored directly by the appraisal team


# ---- scoring rules for leaves ------------------------------------------------------------


@dataclass(frozen=True)
class EnteredRule:
    """The score itself is entered (by appraisers, or printed in a published table)."""

    type: str = "entered"


@dataclass(frozen=True)
class YesNoRule:
    """Yes gives the full points, no gives zero."""

    type: str = "yes_no"


@dataclass(frozen=True)
class ChoiceOption:
    value: str
    label: str
    points: Decimal


@dataclass(frozen=True)
class ChoiceRule:
    options: tuple[ChoiceOption, ...]
    type: str = "choice"


@dataclass(frozen=True)
class RatioRule:
    """Points proportional to value / target, capped at the maximum when `cap` is set.

    Values below `minimum` score zero (a threshold some frameworks set).
    """

    target: Decimal
    cap: bool = True
    minimum: Decimal = Decimal(0)
    type: str = "ratio"


@dataclass(frozen=True)
class Band:
    min: Decimal
    points: Decimal


@dataclass(frozen=True)
class BandsRule:
    """The points of the first band whose `min` the value reaches (bands sorted high to low)."""

    bands: tuple[Band, ...]
    type: str = "bands"


@dataclass(frozen=True)
class CountRule:
    """n events x points each, up to the maximum."""

    points_each: Decimal
    type: str = "count"


@dataclass(frozen=True)
class FormulaRule:
    """A formula over named inputs, evaluated exactly by dti.expressions, clamped to [0, max].

    `labels` are the inputs' names for people ("Số hồ sơ trực tuyến"), in the order of
    `inputs` ('' where the file gives none); `description` is the rule in the framework's own
    words, shown instead of the sentence dti.framework.describe would write from the formula.
    """

    inputs: tuple[str, ...]
    expression: Expression
    labels: tuple[str, ...] = ()
    description: str = ""
    type: str = "formula"

    def label(self, name: str) -> str:
        """The input's label, or its name when the framework gives none."""
        labels = dict(zip(self.inputs, self.labels, strict=False))
        return labels.get(name) or name


Rule = EnteredRule | YesNoRule | ChoiceRule | RatioRule | BandsRule | CountRule | FormulaRule


# ---- the tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    kind: NodeKind
    max: Decimal
    children: tuple[Node, ...] = ()
    aliases: tuple[str, ...] = ()
    weight: Decimal | None = None
    applies_when: Expression | None = None
    rule: Rule = field(default_factory=EnteredRule)
    source: Source = Source.UNIT
    measure: str = ""  # unit of measure shown next to the input, e.g. "%", "hồ sơ"
    guidance: str = ""
    # Codes of last year's framework this node continues (dti.framework.correspondence):
    # None when not declared (the node of the same code, if any), () for a new node.
    previous: tuple[str, ...] | None = None
    # For the improvement planner (dti.planner): the work of raising it, and whether it can
    # be raised within a year (the office's judgement).
    cost: int = 1
    achievable: bool = True

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Node]:
        """This node and its descendants, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()


# ---- policies -----------------------------------------------------------------------------


class Comparability(str, Enum):
    RATIO_TO_APPLICABLE_MAX = "ratio_to_applicable_max"  # Bình Định 2023
    REMOVE_BLOCK = "remove_block"  # Bình Phước 2024: minus 80 points of online public services
    PLAIN_TOTAL = "plain_total"  # 100-point frameworks
    NATIONAL_WEIGHTED = "national_weighted"  # Σ(index value × weight) / 1000, on 0–1


class Ties(str, Enum):
    DENSE = "dense"  # 6, 6, 7 (Bình Định)
    COMPETITION = "competition"  # 1, 2, 2, 4 (the national DTI)


class ClassBasis(str, Enum):
    """What a class band's `min` is compared with."""

    VALUE = "value"  # the ranking's displayed value itself (percent, points or DTI)
    PERCENT_OF_FRAMEWORK_MAX = "percent_of_framework_max"
    PERCENT_OF_APPLICABLE_MAX = "percent_of_applicable_max"
    PERCENT_OF_COMPARABLE_MAX = "percent_of_comparable_max"


@dataclass(frozen=True)
class ClassBand:
    label: str
    min: Decimal
    aliases: tuple[str, ...] = ()  # "TB" for "Trung bình"


@dataclass(frozen=True)
class Classification:
    basis: ClassBasis
    decimals: int  # the measure is rounded half up to this many decimals before comparing
    bands: tuple[ClassBand, ...]  # high to low; the last band's min is the floor

    def labels(self) -> tuple[str, ...]:
        return tuple(band.label for band in self.bands)


@dataclass(frozen=True)
class RankingPolicy:
    """How one ranking turns totals into a comparable value, displays it and ranks it."""

    comparability: Comparability
    decimals: int  # displayed decimals of the value (percent, points or 0–1 DTI)
    ties: Ties = Ties.DENSE
    compare_displayed: bool = True  # rank on the value as displayed (rounded) rather than exact
    block: str | None = None  # REMOVE_BLOCK: the node whose points are removed
    subtract_block_score: bool = False  # REMOVE_BLOCK: remove the block's score, not its max
    classification: Classification | None = None

    @property
    def percent(self) -> bool:
        return self.comparability is Comparability.RATIO_TO_APPLICABLE_MAX


@dataclass(frozen=True)
class PeerGroup:
    """Units ranked among themselves (e.g. with / without online public services)."""

    code: str
    name: str
    when: Expression
    ranking: RankingPolicy


@dataclass(frozen=True)
class Adjustment:
    """Bonus or penalty points outside the criteria tree (e.g. the PAR index)."""

    code: str
    name: str
    max: Decimal
    penalty: bool = False


class IndexCompare(str, Enum):
    """What a per-main-index ranking compares."""

    POINTS = "points"  # the index score, in points
    RATIO = "ratio"  # the index score over the unit's applicable max of the index, as a percent


@dataclass(frozen=True)
class IndexRanking:
    """One main index's ranking: what it compares, to how many decimals, and its ties.

    Units are ranked on the compared value rounded half up to `decimals`: equal rounded
    values share a rank under `ties`."""

    compare: IndexCompare = IndexCompare.RATIO
    decimals: int = 0
    ties: Ties = Ties.DENSE

    @property
    def policy(self) -> RankingPolicy:
        """The ranking policy that ranks the index's scores this way."""
        comparability = (
            Comparability.RATIO_TO_APPLICABLE_MAX
            if self.compare is IndexCompare.RATIO
            else Comparability.PLAIN_TOTAL
        )
        return RankingPolicy(comparability=comparability, decimals=self.decimals, ties=self.ties)


@dataclass(frozen=True)
class IndexRankings:
    """Per-main-index rankings: the framework's default and each index's own, as the
    loader resolved them (docs/frameworks.md, "Per-index rankings")."""

    default: IndexRanking = field(default_factory=IndexRanking)
    per_index: Mapping[str, IndexRanking] = field(default_factory=dict)  # index code -> its own

    def for_index(self, code: str) -> IndexRanking:
        return self.per_index.get(code, self.default)

    @property
    def decimals(self) -> int:
        return self.default.decimals

    @property
    def ties(self) -> Ties:
        return self.default.ties

    @property
    def overrides(self) -> Mapping[str, int]:
        """The decimals of each index that states its own ranking."""
        return {code: ranking.decimals for code, ranking in self.per_index.items()}

    def decimals_for(self, code: str) -> int:
        return self.for_index(code).decimals


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: engines cache per framework
class Framework:
    code: str
    name: str
    nodes: tuple[Node, ...]  # the roots
    ranking: RankingPolicy
    score_decimals: int = 2
    index_rankings: IndexRankings = field(default_factory=IndexRankings)
    groups: tuple[PeerGroup, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    source: str = ""  # the decision that issued it, e.g. "Quyết định số 1901/QĐ-UBND"

    @cached_property
    def all_nodes(self) -> tuple[Node, ...]:
        """Every node, parents before children, in document order."""
        return tuple(node for root in self.nodes for node in root.walk())

    @cached_property
    def by_code(self) -> Mapping[str, Node]:
        return {node.code: node for node in self.all_nodes}

    @cached_property
    def parent_of(self) -> Mapping[str, Node]:
        return {child.code: node for node in self.all_nodes for child in node.children}

    @cached_property
    def main_indices(self) -> tuple[Node, ...]:
        return tuple(n for n in self.all_nodes if n.kind is NodeKind.MAIN_INDEX)

    @cached_property
    def leaves(self) -> tuple[Node, ...]:
        return tuple(n for n in self.all_nodes if n.is_leaf)

    @property
    def max(self) -> Decimal:
        return sum((root.max for root in self.nodes), Decimal(0))

    def group(self, code: str) -> PeerGroup:
        for group in self.groups:
            if group.code == code:
                return group
        known = ", ".join(g.code for g in self.groups) or "(không có)"
        raise KeyError(f"Không có nhóm xếp hạng '{code}'; các nhóm: {known}")
