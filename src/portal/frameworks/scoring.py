"""The self-score of one unit, computed by the scoring core from its answers.

Nothing here saves anything: the page's live score, the "what is missing" list and the
submission's snapshot all call `score_answers` with the answers they have."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from dti.campaign import AttributeValue
from dti.columns import InputError, RawValue
from dti.engine import LevelScores
from dti.expressions import ExpressionError
from dti.fixedpoint import format_vi, round_half_up
from dti.framework.model import ChoiceRule, Framework, Node, Source, YesNoRule
from dti.inputs import UnitInput, build_inputs
from dti.results import LevelResult, evaluate
from portal.answers import AnswerValue
from portal.units.core import core_attributes
from portal.units.models import Unit

RATIO_DECIMALS = 1


@dataclass(frozen=True)
class IndexScore:
    code: str
    name: str
    score: Decimal
    max: Decimal
    answered: int  # leaves answered among those the unit must answer
    required: int


@dataclass(frozen=True)
class LiveScore:
    """Every node's self-score and applicable max, the total, the ratio and what is missing."""

    scores: dict[str, Decimal] = field(default_factory=dict)
    maxima: dict[str, Decimal] = field(default_factory=dict)
    applies: dict[str, bool] = field(default_factory=dict)
    answered: dict[str, bool] = field(default_factory=dict)
    indices: tuple[IndexScore, ...] = ()
    total: Decimal = Decimal(0)
    applicable_max: Decimal = Decimal(0)
    ratio: Decimal = Decimal(0)  # percent of the applicable max, one decimal
    class_label: str | None = None
    problems: dict[str, str] = field(default_factory=dict)  # criterion code -> message
    missing: tuple[Node, ...] = ()
    error: str = ""  # the unit cannot be scored at all (an attribute is missing)


def unit_attributes(unit: Unit) -> dict[str, AttributeValue]:
    """The unit's attributes as the core reads them (JSON numbers become exact decimals)."""
    return core_attributes(unit.attributes)


def required(node: Node) -> bool:
    """The unit answers every leaf except those measured from the shared systems (it
    self-scores even the appraisers' criteria first, as in the seed reports)."""
    return node.is_leaf and node.source is not Source.SYSTEM


def core_value(node: Node, value: AnswerValue) -> RawValue | Mapping[str, Decimal]:
    """A stored answer as the core's UnitInput takes it."""
    if isinstance(value, dict):
        return {name: Decimal(number) for name, number in value.items()}
    if isinstance(node.rule, YesNoRule | ChoiceRule) or value is None:
        return value if value is not None else ""
    return Decimal(str(value))


def score_answers(
    framework: Framework, unit: Unit, answers: Mapping[str, AnswerValue]
) -> LiveScore:
    attributes = unit_attributes(unit)
    values: dict[str, RawValue | Mapping[str, Decimal]] = {
        code: core_value(framework.by_code[code], value)
        for code, value in answers.items()
        if value is not None and code in framework.by_code and framework.by_code[code].is_leaf
    }
    try:
        applies = applicability(framework, attributes)
        values = {code: value for code, value in values.items() if applies[code]}
        unit_input = UnitInput(unit=unit.code, attributes=attributes, values=values)
        result = evaluate(framework, build_inputs(framework, [unit_input]), [unit.name])
    except ExpressionError as error:
        message = gettext("Không tính được điểm: thuộc tính của đơn vị chưa đủ (%(error)s).")
        return LiveScore(error=message % {"error": error})
    except InputError as error:
        problems = {_leaf_code(framework, p.code): p.message for p in error.problems}
        message = gettext("Có giá trị không dùng được để tính điểm.")
        return LiveScore(problems=problems, error=message)
    return _live(framework, result, applies)


def applicability(
    framework: Framework, attributes: Mapping[str, AttributeValue]
) -> dict[str, bool]:
    """Whether each node applies: its own condition and every ancestor's hold."""
    applies: dict[str, bool] = {}
    for node in framework.all_nodes:  # parents come before their children
        parent = framework.parent_of.get(node.code)
        inherited = applies[parent.code] if parent is not None else True
        own = node.applies_when is None or node.applies_when.evaluate_condition(attributes)
        applies[node.code] = inherited and own
    return applies


def _live(framework: Framework, result: LevelResult, applies: dict[str, bool]) -> LiveScore:
    scores = result.scores
    answered = {code: bool(scores.answered[row, 0]) for code, row in scores.node_index.items()}
    missing = tuple(
        leaf
        for leaf in framework.leaves
        if required(leaf) and applies[leaf.code] and not answered[leaf.code]
    )
    total = sum((scores.node_score(root.code, 0) for root in framework.nodes), Decimal(0))
    maximum = sum((scores.node_max(root.code, 0) for root in framework.nodes), Decimal(0))
    return LiveScore(
        scores={code: scores.node_score(code, 0) for code in framework.by_code},
        maxima={code: scores.node_max(code, 0) for code in framework.by_code},
        applies=applies,
        answered=answered,
        indices=tuple(_index(scores, i, answered, applies) for i in framework.main_indices),
        total=total,
        applicable_max=maximum,
        ratio=round_half_up(total * 100 / maximum, RATIO_DECIMALS) if maximum else Decimal(0),
        class_label=result.general.rows(scores.unit_ids)[0].class_label,
        problems={_leaf_code(framework, p.code): p.message for p in scores.problems},
        missing=missing,
    )


def _index(
    scores: LevelScores, index: Node, answered: dict[str, bool], applies: dict[str, bool]
) -> IndexScore:
    leaves = [node for node in index.walk() if required(node) and applies[node.code]]
    return IndexScore(
        code=index.code,
        name=index.name,
        score=scores.node_score(index.code, 0),
        max=scores.node_max(index.code, 0),
        answered=sum(1 for leaf in leaves if answered[leaf.code]),
        required=len(leaves),
    )


def _leaf_code(framework: Framework, code: str) -> str:
    """A problem's criterion: formula inputs are reported as "<leaf>.<input>"."""
    return code if code in framework.by_code else code.rsplit(".", 1)[0]


def points_text(value: Decimal) -> str:
    """Points the Vietnamese way, without trailing zeros: 13,13; 5; 60,6."""
    value = value.normalize()
    return format_vi(value.quantize(Decimal(1)) if value == value.to_integral_value() else value)
