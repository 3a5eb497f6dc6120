"""A framework in plain Vietnamese for its page: the tree as indented lines (code, max
points, how a leaf is scored, when a node applies) and the ranking policy as sentences.
Built from the core's Framework alone: no database, no templates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dti.fixedpoint import format_vi
from dti.framework.describe import describe_rule, formula_text, points
from dti.framework.model import (
    ClassBasis,
    Comparability,
    FormulaRule,
    Framework,
    IndexCompare,
    IndexRanking,
    Node,
    RankingPolicy,
    Source,
    Ties,
)
from portal.frameworks.vocabulary import KIND_LABELS, SOURCE_LABELS
from portal.units.attributes import ATTRIBUTE_LABELS


@dataclass(frozen=True)
class Line:
    depth: int
    node: Node
    kind: str
    max: str
    weight: str
    rule: str  # leaves only
    applies: str
    source: str
    formula: str = ""  # a formula rule's expression, for the page's technical details


@dataclass(frozen=True)
class Group:
    name: str
    members: str
    policy: list[str]


@dataclass(frozen=True)
class Outline:
    lines: list[Line]
    total: str
    ranking: list[str]
    scores: list[str]
    groups: list[Group]
    adjustments: list[str]


def outline(framework: Framework) -> Outline:
    return Outline(
        lines=[line for root in framework.nodes for line in _lines(root, 0)],
        total=points(framework.max),
        ranking=ranking_sentences(framework.ranking, framework),
        scores=_score_sentences(framework),
        groups=[
            Group(g.name, describe_condition(g.when.source), _group_policy(g.ranking, framework))
            for g in framework.groups
        ],
        adjustments=[
            f"{a.name} [{a.code}]: {'trừ' if a.penalty else 'cộng'} tối đa {points(a.max)}, "
            "ngoài cây tiêu chí"
            for a in framework.adjustments
        ],
    )


def _lines(node: Node, depth: int) -> list[Line]:
    line = Line(
        depth=depth,
        node=node,
        kind=KIND_LABELS[node.kind.value],
        max=points(node.max),
        weight=format_vi(node.weight) if node.weight is not None else "",
        rule=describe_rule(node.rule, node.max) if node.is_leaf else "",
        applies=describe_condition(node.applies_when.source) if node.applies_when else "",
        source=SOURCE_LABELS[node.source.value] if node.source is not Source.UNIT else "",
        formula=formula_text(node.rule) if isinstance(node.rule, FormulaRule) else "",
    )
    return [line] + [sub for child in node.children for sub in _lines(child, depth + 1)]


_WORDS = {
    "and": "và", "or": "hoặc", "not": "không", "true": "đúng", "false": "sai",
    "==": "=", "!=": "≠", ">=": "≥", "<=": "≤", "if": "nếu", "else": "nếu không thì",
}  # fmt: skip
_TOKEN = re.compile(r"\"[^\"]*\"|'[^']*'|[A-Za-z_][A-Za-z0-9_]*|==|!=|>=|<=")


def describe_condition(source: str) -> str:
    """'has_online_public_services and not x' -> 'có dịch vụ công trực tuyến và không x':
    known attribute names and the operators in words, quoted text left as written."""

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        return _WORDS.get(token) or ATTRIBUTE_LABELS.get(token) or token

    return _TOKEN.sub(word, source)


_COMPARABILITY = {
    Comparability.RATIO_TO_APPLICABLE_MAX: "So sánh theo tỷ lệ: điểm đạt chia cho điểm tối đa "
    "của các tiêu chí áp dụng cho đơn vị, hiển thị dạng phần trăm.",
    Comparability.PLAIN_TOTAL: "So sánh theo tổng điểm.",
    Comparability.NATIONAL_WEIGHTED: "Tính như DTI quốc gia: mỗi chỉ số chính lấy điểm đạt chia "
    "điểm tối đa, nhân trọng số, cộng lại rồi chia 1000, được một số từ 0 đến 1.",
}
_TIES = {
    Ties.DENSE: "Đồng hạng: các đơn vị bằng nhau cùng hạng, hạng sau liền kề (ví dụ 6, 6, 7).",
    Ties.COMPETITION: "Đồng hạng: các đơn vị bằng nhau cùng hạng, bỏ qua các hạng kế tiếp "
    "(ví dụ 1, 2, 2, 4).",
}
_BASIS = {
    ClassBasis.VALUE: "giá trị xếp hạng hiển thị",
    ClassBasis.PERCENT_OF_FRAMEWORK_MAX: "tỷ lệ % điểm đạt trên tổng điểm tối đa của bộ chỉ số",
    ClassBasis.PERCENT_OF_APPLICABLE_MAX: "tỷ lệ % điểm đạt trên điểm tối đa áp dụng cho đơn vị",
    ClassBasis.PERCENT_OF_COMPARABLE_MAX: "tỷ lệ % điểm đạt trên điểm tối đa dùng để so sánh",
}


def ranking_sentences(policy: RankingPolicy, framework: Framework) -> list[str]:
    sentences = [_comparability(policy, framework)]
    sentences.append(
        f"Giá trị xếp hạng hiển thị {policy.decimals} chữ số thập phân"
        + (" (làm tròn nửa lên)." if policy.decimals else " (làm tròn đến số nguyên).")
    )
    sentences.append(
        "Các đơn vị có giá trị hiển thị (đã làm tròn) bằng nhau thì được coi là bằng nhau."
        if policy.compare_displayed
        else "So sánh theo giá trị chính xác, trước khi làm tròn."
    )
    sentences.append(_TIES[policy.ties])
    sentences.append(_classification(policy))
    return sentences


def _comparability(policy: RankingPolicy, framework: Framework) -> str:
    if policy.comparability is not Comparability.REMOVE_BLOCK:
        return _COMPARABILITY[policy.comparability]
    block = framework.by_code.get(policy.block or "")
    name = f"“{block.name}” [{block.code}]" if block else f"[{policy.block}]"
    removed = "điểm đơn vị đạt ở khối" if policy.subtract_block_score else "điểm tối đa của khối"
    return (
        f"Loại khối {name} khỏi so sánh: trừ {removed} ở mọi đơn vị có khối này, để các đơn vị "
        "so sánh trên cùng một mặt bằng."
    )


def _classification(policy: RankingPolicy) -> str:
    classes = policy.classification
    if classes is None:
        return "Không xếp loại."
    bands = "; ".join(
        f"{b.label}{' (' + ', '.join(b.aliases) + ')' if b.aliases else ''} từ {format_vi(b.min)}"
        for b in classes.bands
    )
    return (
        f"Xếp loại theo {_BASIS[classes.basis]}, làm tròn {classes.decimals} chữ số thập phân: "
        f"{bands}."
    )


def _group_policy(policy: RankingPolicy, framework: Framework) -> list[str]:
    if policy == framework.ranking:
        return ["Xếp hạng theo chính sách chung của bộ chỉ số."]
    return ranking_sentences(policy, framework)


def _score_sentences(framework: Framework) -> list[str]:
    decimals = framework.score_decimals
    sentences = [f"Điểm từng tiêu chí làm tròn nửa lên đến {decimals} chữ số thập phân."]
    if not framework.main_indices:
        return sentences
    default = framework.index_rankings.default
    sentences.append(f"Xếp hạng từng chỉ số chính theo {_index_ranking(default)}.")
    for index in framework.main_indices:
        own = framework.index_rankings.for_index(index.code)
        if own != default:
            sentences.append(f"Riêng “{index.name}”: xếp hạng theo {_index_ranking(own)}.")
    return sentences


def _index_ranking(ranking: IndexRanking) -> str:
    """An index ranking's comparison, decimals and ties, as a clause."""
    basis = (
        "điểm của chỉ số"
        if ranking.compare is IndexCompare.POINTS
        else "tỷ lệ % điểm chỉ số trên điểm tối đa áp dụng"
    )
    ties = _TIES[ranking.ties]
    return f"{basis}, {ranking.decimals} chữ số thập phân; {ties[0].lower()}{ties[1:-1]}"
