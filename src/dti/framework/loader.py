"""Building a Framework from a schema-valid document, with the checks a schema cannot make.

Every problem is collected (not just the first) and names the file and the path in the
tree: a parent whose max is not the sum of its children, a rule whose points exceed the
node's max, a formula that reads an input it does not declare, unknown codes in policies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dti.expressions import Expression, ExpressionError, compile_expression
from dti.framework.documents import DocumentError, Problem, load_yaml, schema_problems
from dti.framework.index_rankings import Inherited, index_rankings
from dti.framework.model import (
    Adjustment,
    Band,
    BandsRule,
    ChoiceOption,
    ChoiceRule,
    ClassBand,
    ClassBasis,
    Classification,
    Comparability,
    CountRule,
    EnteredRule,
    FormulaRule,
    Framework,
    Node,
    NodeKind,
    PeerGroup,
    RankingPolicy,
    RatioRule,
    Rule,
    Source,
    Ties,
    YesNoRule,
)
from dti.names import normalize_label

_CHILD_KIND = {
    None: NodeKind.MAIN_INDEX,
    NodeKind.GROUP: NodeKind.MAIN_INDEX,
    NodeKind.MAIN_INDEX: NodeKind.COMPONENT,
    NodeKind.COMPONENT: NodeKind.CRITERION,
    NodeKind.CRITERION: NodeKind.CRITERION,
}


@dataclass
class _Context:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))


def load_framework_file(path: Path) -> Framework:
    """A framework from a `kind: framework` file; DocumentError lists every problem."""
    document = load_yaml(path)
    problems = schema_problems(document, str(path))
    if problems:
        raise DocumentError(problems)
    if document["kind"] != "framework":
        raise DocumentError([Problem(str(path), "kind", "tệp này không phải bộ chỉ số")])
    return build_framework(document["framework"], file=str(path), path="framework")


def build_framework(data: Mapping[str, Any], *, file: str, path: str) -> Framework:
    context = _Context(file)
    nodes = tuple(
        _node(context, raw, f"{path}.nodes[{raw['code']}]", None) for raw in data["nodes"]
    )
    _check_unique_codes(context, nodes, path)
    ranking = _ranking(context, data["ranking"], f"{path}.ranking")
    score_decimals = int(data.get("score_decimals", 2))
    groups = tuple(
        _group(context, raw, data["ranking"], f"{path}.groups") for raw in data.get("groups", [])
    )
    framework = Framework(
        code=data["code"],
        name=data["name"],
        source=data.get("source", ""),
        nodes=nodes,
        ranking=ranking,
        score_decimals=score_decimals,
        index_rankings=index_rankings(
            data.get("index_rankings", {}),
            Inherited(ranking, score_decimals),
            f"{path}.index_rankings",
            context.fail,
        ),
        groups=groups,
        adjustments=tuple(_adjustment(raw) for raw in data.get("adjustments", [])),
    )
    _check_policies(context, framework, path)
    if context.problems:
        raise DocumentError(context.problems)
    return framework


def _node(context: _Context, raw: Mapping[str, Any], path: str, parent: NodeKind | None) -> Node:
    kind = NodeKind(raw["kind"]) if "kind" in raw else _CHILD_KIND[parent]
    children = tuple(
        _node(context, child, f"{path}.children[{child['code']}]", kind)
        for child in raw.get("children", [])
    )
    rule = _rule(context, raw.get("rule"), f"{path}.rule")
    if children and "rule" in raw:
        context.fail(f"{path}.rule", "chỉ tiêu chí lá (không có tiêu chí con) mới có quy tắc chấm")
    max_points = _max_points(context, raw, children, path)
    if not children:
        _check_rule_points(context, rule, max_points, f"{path}.rule")
    return Node(
        code=raw["code"],
        name=raw["name"],
        kind=kind,
        max=max_points,
        children=children,
        aliases=tuple(raw.get("aliases", ())),
        weight=Decimal(str(raw["weight"])) if "weight" in raw else None,
        applies_when=_expression(context, raw.get("applies_when"), f"{path}.applies_when"),
        rule=rule,
        source=Source(raw.get("source", "unit")),
        measure=raw.get("measure", ""),
        guidance=raw.get("guidance", ""),
        previous=tuple(raw["previous"]) if "previous" in raw else None,
        cost=int(raw.get("cost", 1)),
        achievable=bool(raw.get("achievable", True)),
    )


def _max_points(
    context: _Context, raw: Mapping[str, Any], children: Sequence[Node], path: str
) -> Decimal:
    """A leaf states its max; a parent's max is the sum of its children's (stated or not)."""
    stated: Decimal | None = raw.get("max")
    if not children:
        if stated is None:
            context.fail(path, "tiêu chí lá phải có điểm tối đa (max)")
            return Decimal(0)
        return Decimal(stated)
    total = sum((child.max for child in children), Decimal(0))
    if stated is not None and Decimal(stated) != total:
        context.fail(
            f"{path}.max",
            f"điểm tối đa {stated} khác tổng điểm tối đa của các tiêu chí con ({total})",
        )
    return total


def _rule(context: _Context, raw: Mapping[str, Any] | None, path: str) -> Rule:
    if raw is None or raw["type"] == "entered":
        return EnteredRule()
    kind = raw["type"]
    if kind == "yes_no":
        return YesNoRule()
    if kind == "choice":
        return ChoiceRule(
            tuple(
                ChoiceOption(o["value"], o.get("label", o["value"]), Decimal(o["points"]))
                for o in raw["options"]
            )
        )
    if kind == "ratio":
        return RatioRule(
            target=Decimal(raw["target"]),
            cap=bool(raw.get("cap", True)),
            minimum=Decimal(raw.get("minimum", 0)),
        )
    if kind == "bands":
        bands = tuple(Band(Decimal(b["min"]), Decimal(b["points"])) for b in raw["bands"])
        if [b.min for b in bands] != sorted((b.min for b in bands), reverse=True):
            context.fail(f"{path}.bands", "các mức phải xếp từ cao xuống thấp theo 'min'")
        return BandsRule(bands)
    if kind == "count":
        return CountRule(Decimal(raw["points_each"]))
    return _formula(context, raw, path)


def _formula(context: _Context, raw: Mapping[str, Any], path: str) -> Rule:
    inputs = tuple(item if isinstance(item, str) else item["name"] for item in raw["inputs"])
    labels = tuple("" if isinstance(item, str) else item["label"] for item in raw["inputs"])
    expression = _expression(context, raw["expression"], f"{path}.expression", inputs)
    if expression is None:
        return EnteredRule()
    unused = sorted(set(inputs) - expression.names)
    if unused:
        context.fail(f"{path}.inputs", f"đầu vào khai báo nhưng không dùng: {', '.join(unused)}")
    if len(set(inputs)) != len(inputs):
        context.fail(f"{path}.inputs", "tên đầu vào bị trùng")
    labels = labels if any(labels) else ()
    return FormulaRule(inputs, expression, labels, raw.get("description", ""))


def _expression(
    context: _Context, text: str | None, path: str, known: Sequence[str] | None = None
) -> Expression | None:
    if text is None:
        return None
    try:
        return compile_expression(text, known_names=known)
    except ExpressionError as error:
        context.fail(path, str(error))
        return None


def _check_rule_points(context: _Context, rule: Rule, max_points: Decimal, path: str) -> None:
    points: list[Decimal] = []
    if isinstance(rule, ChoiceRule):
        points = [option.points for option in rule.options]
    elif isinstance(rule, BandsRule):
        points = [band.points for band in rule.bands]
    for value in points:
        if value > max_points:
            context.fail(path, f"mức {value} điểm vượt điểm tối đa {max_points} của tiêu chí")


def _check_unique_codes(context: _Context, nodes: Sequence[Node], path: str) -> None:
    codes: set[str] = set()
    labels: dict[str, str] = {}
    for root in nodes:
        for node in root.walk():
            if node.code in codes:
                context.fail(f"{path}.nodes", f"mã tiêu chí '{node.code}' bị trùng")
            codes.add(node.code)
            for label in (node.name, *node.aliases):
                other = labels.setdefault(normalize_label(label), node.code)
                if other != node.code and node.kind is NodeKind.MAIN_INDEX:
                    context.fail(
                        f"{path}.nodes[{node.code}]",
                        f"tên hoặc tên khác '{label}' trùng với tiêu chí '{other}'",
                    )


def _ranking(context: _Context, raw: Mapping[str, Any], path: str) -> RankingPolicy:
    comparability = Comparability(raw.get("comparability", "plain_total"))
    default_decimals = 1 if comparability is Comparability.RATIO_TO_APPLICABLE_MAX else 2
    if comparability is Comparability.NATIONAL_WEIGHTED:
        default_decimals = 4
    if comparability is Comparability.REMOVE_BLOCK and "block" not in raw:
        context.fail(path, "chính sách remove_block cần 'block': mã khối điểm bị loại")
    return RankingPolicy(
        comparability=comparability,
        decimals=int(raw.get("decimals", default_decimals)),
        ties=Ties(raw.get("ties", "dense")),
        compare_displayed=raw.get("compare", "displayed") == "displayed",
        block=raw.get("block"),
        subtract_block_score=raw.get("subtract", "max") == "score",
        classification=_classification(context, raw.get("classification"), path),
    )


def _classification(
    context: _Context, raw: Mapping[str, Any] | None, path: str
) -> Classification | None:
    if raw is None:
        return None
    bands = tuple(
        ClassBand(b["label"], Decimal(b["min"]), tuple(b.get("aliases", ()))) for b in raw["bands"]
    )
    if [b.min for b in bands] != sorted((b.min for b in bands), reverse=True):
        context.fail(f"{path}.classification.bands", "các mức xếp loại phải xếp từ cao xuống thấp")
    return Classification(ClassBasis(raw["basis"]), int(raw.get("decimals", 0)), bands)


def _group(
    context: _Context, raw: Mapping[str, Any], level_ranking: Mapping[str, Any], path: str
) -> PeerGroup:
    """A peer group ranks with the level's policy unless it overrides some of it."""
    merged = {**level_ranking, **raw.get("ranking", {})}
    where = f"{path}[{raw['code']}]"
    when = _expression(context, raw["when"], f"{where}.when")
    return PeerGroup(
        code=raw["code"],
        name=raw["name"],
        when=when if when is not None else compile_expression("False"),
        ranking=_ranking(context, merged, f"{where}.ranking"),
    )


def _adjustment(raw: Mapping[str, Any]) -> Adjustment:
    return Adjustment(
        code=raw["code"],
        name=raw["name"],
        max=Decimal(raw["max"]),
        penalty=raw.get("kind", "bonus") == "penalty",
    )


def _check_policies(context: _Context, framework: Framework, path: str) -> None:
    policies = [(f"{path}.ranking", framework.ranking)] + [
        (f"{path}.groups[{g.code}].ranking", g.ranking) for g in framework.groups
    ]
    for where, policy in policies:
        if policy.block is not None and policy.block not in framework.by_code:
            context.fail(f"{where}.block", f"không có tiêu chí mã '{policy.block}'")
        if policy.comparability is Comparability.NATIONAL_WEIGHTED:
            _check_weights(context, framework, where)
    main_codes = {n.code for n in framework.main_indices}
    for code in framework.index_rankings.per_index:
        if code not in main_codes:
            context.fail(
                f"{path}.index_rankings.overrides.{code}", f"'{code}' không phải chỉ số chính"
            )
    if len({g.code for g in framework.groups}) != len(framework.groups):
        context.fail(f"{path}.groups", "mã nhóm xếp hạng bị trùng")


def _check_weights(context: _Context, framework: Framework, where: str) -> None:
    weights = [n.weight for n in framework.main_indices]
    if any(w is None for w in weights):
        context.fail(where, "chính sách national_weighted cần trọng số (weight) ở mọi chỉ số chính")
        return
    total = sum((w for w in weights if w is not None), Decimal(0))
    if total != 1000:
        context.fail(where, f"tổng trọng số các chỉ số chính phải là 1000, không phải {total}")
