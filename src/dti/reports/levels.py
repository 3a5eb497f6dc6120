"""One level's part of the report: counts and names per class, peer groups, main-index
statistics (and their parts, as deep as the office asks), top and bottom units, the average
and its change, commendation proposals. Everything is read from a LevelResult; see
docs/reports.md for each definition."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction

from dti.campaign import Campaign
from dti.fixedpoint import SCALE, format_vi
from dti.framework.model import Comparability, Framework, Node
from dti.rankings import Ranking
from dti.reports.appendices import level_appendices
from dti.reports.details import known_children
from dti.reports.model import (
    Average,
    ClassCount,
    GroupSummary,
    IndexSummary,
    LevelReport,
    RankedLine,
    UnitProfile,
)
from dti.reports.numbers import percent_text, points_text, rounded, share
from dti.reports.statements import class_text, ranking_text
from dti.reports.texts import CommendationRule, ReportTexts
from dti.results import LevelResult

EDGE = 3  # top and bottom three


def level_report(
    campaign: Campaign,
    code: str,
    result: LevelResult,
    *,
    texts: ReportTexts,
    numbering: Iterator[int],
    previous: tuple[int, LevelResult] | None = None,
) -> LevelReport:
    level = campaign.level(code)
    framework = result.framework
    appendices = level_appendices(
        campaign,
        code,
        result,
        numbering,
        depth=texts.detail_depth,
        grouping=texts.grouping_of(code),
        robustness=texts.robustness,
    )
    labels = {table.key: a.label for a in appendices for table in a.tables}
    lines = ranked_lines(result, result.general)
    rule = texts.commendation
    return LevelReport(
        code=code,
        name=level.name,
        framework_name=framework.name,
        framework_source=framework.source,
        framework_max=framework.max,
        indices_max=tuple((index.name, index.max) for index in framework.main_indices),
        unit_count=len(lines),
        ranking_text=ranking_text(framework),
        class_text=class_text(framework, framework.ranking),
        classes=class_counts(result.general, lines),
        groups=tuple(_group(result, g.code, g.name, labels) for g in framework.groups),
        indices=tuple(
            _summary(result, code, index, texts, texts.detail_depth)
            for index in framework.main_indices
        ),
        top=_top(lines),
        bottom=_bottom(lines),
        average=_average(result, previous),
        commendations=_commended(result.general, lines, rule),
        commendation_basis=_commendation_basis(result.general, rule),
        appendices=appendices,
        profiles=_profiles(result, lines),
    )


def ranked_lines(result: LevelResult, ranking: Ranking) -> list[RankedLine]:
    names = dict(zip(result.scores.unit_ids, result.names, strict=True))
    return [
        RankedLine(
            rank=row.rank,
            unit=row.unit,
            name=names[row.unit],
            value=row.value,
            text=value_text(ranking, row.value),
            class_label=row.class_label,
        )
        for row in ranking.rows(result.scores.unit_ids)
    ]


def value_text(ranking: Ranking, value: Decimal) -> str:
    """A ranking's displayed value as a statement prints it. A main index's points keep
    their ranking's decimals: two units it ranks apart never read the same."""
    if ranking.policy.comparability is Comparability.NATIONAL_WEIGHTED:
        return format_vi(value)
    if ranking.policy.percent:
        return percent_text(value)
    if ranking.key.startswith("index:"):
        step = Decimal(1).scaleb(-ranking.policy.decimals)
        return f"{format_vi(value.quantize(step))} điểm"
    return f"{points_text(value)} điểm"


def class_counts(ranking: Ranking, lines: Sequence[RankedLine]) -> tuple[ClassCount, ...]:
    """Every band of the ranking's classification, in band order, with its units."""
    classification = ranking.policy.classification
    if classification is None:
        return ()
    return tuple(
        ClassCount(
            label=label,
            units=members,
            share=share(len(members), len(lines)),
        )
        for label in classification.labels()
        for members in [tuple(line for line in lines if line.class_label == label)]
    )


def _group(result: LevelResult, code: str, name: str, labels: dict[str, str]) -> GroupSummary:
    ranking = result.groups[code]
    lines = ranked_lines(result, ranking)
    return GroupSummary(
        code=code,
        name=name,
        size=len(lines),
        classes=class_counts(ranking, lines),
        appendix=labels.get(f"group:{code}", ""),
    )


def _summary(
    result: LevelResult, level: str, node: Node, texts: ReportTexts, depth: int
) -> IndexSummary:
    """'Trung bình trở lên': a score of at least half the unit's applicable max. With
    `depth` > 0, the same for each child, as far as the scores know them (dti.reports.
    details)."""
    scores = result.scores
    row = scores.node_index[node.code]
    maxima = scores.max_of(row)
    applies = maxima > 0
    points = scores.score[row][applies]
    limits = maxima[applies]
    applicable = int(applies.sum())
    reached = int((2 * points >= limits).sum())
    ratios = sum(
        (Fraction(100 * int(p), int(m)) for p, m in zip(points, limits, strict=True)), Fraction(0)
    )
    parts: tuple[IndexSummary, ...] = ()
    if depth > 0 and known_children(scores, node):
        parts = tuple(_summary(result, level, child, texts, depth - 1) for child in node.children)
    return IndexSummary(
        code=node.code,
        name=node.name,
        applicable=applicable,
        reached=reached,
        reached_percent=share(reached, applicable),
        below_percent=share(applicable - reached, applicable),
        average_percent=rounded(ratios / applicable if applicable else Fraction(0), 1),
        remark=texts.remark(level, node.code),
        parts=parts,
    )


def _top(lines: Sequence[RankedLine]) -> tuple[RankedLine, ...]:
    """The first three places, with every unit tied with the third."""
    if not lines:
        return ()
    last = lines[min(EDGE, len(lines)) - 1].rank
    return tuple(line for line in lines if line.rank <= last)


def _bottom(lines: Sequence[RankedLine]) -> tuple[RankedLine, ...]:
    """The last three places, with every unit tied with the third from last."""
    if not lines:
        return ()
    first = lines[max(len(lines) - EDGE, 0)].rank
    return tuple(line for line in lines if line.rank >= first)


def _exact_average(ranking: Ranking) -> Fraction:
    """The mean of the compared values, exactly: percents of applicable max, points, or
    the DTI as displayed (the national value is only kept rounded)."""
    size = len(ranking.units)
    if size == 0:
        return Fraction(0)
    policy = ranking.policy
    if policy.comparability is Comparability.NATIONAL_WEIGHTED:
        values = [Fraction(int(d), 10**policy.decimals) for d in ranking.displayed]
    elif policy.percent:
        values = [
            Fraction(100 * int(t), int(m)) if m else Fraction(0)
            for t, m in zip(ranking.total, ranking.maximum, strict=True)
        ]
    else:
        values = [Fraction(int(t), SCALE) for t in ranking.total]
    return sum(values, Fraction(0)) / size


def _scale(framework: Framework) -> tuple[str, object]:
    """What the average is measured in: two years compare only on the same scale."""
    policy = framework.ranking
    if policy.comparability is Comparability.NATIONAL_WEIGHTED:
        return "", None
    if policy.percent:
        return "%", None
    return "điểm", (policy.comparability, framework.max, policy.block)


def _scale_text(framework: Framework) -> str:
    """' (thang 520 điểm)' after an average of points: the scale the totals compare on."""
    policy = framework.ranking
    if policy.percent or policy.comparability is Comparability.NATIONAL_WEIGHTED:
        return ""
    base = framework.max
    if policy.comparability is Comparability.REMOVE_BLOCK and policy.block is not None:
        base -= framework.by_code[policy.block].max
    return f" (thang {points_text(base)} điểm)"


def _average(result: LevelResult, previous: tuple[int, LevelResult] | None) -> Average:
    decimals = result.framework.ranking.decimals
    exact = _exact_average(result.general)
    value = rounded(exact, decimals)
    unit, scale = _scale(result.framework)
    text = value_text(result.general, value) + _scale_text(result.framework)
    if previous is None:
        return Average(value=value, text=text, unit=unit)
    year, before = previous
    if _scale(before.framework) != (unit, scale):
        return Average(value=value, text=text, unit=unit, previous_year=year)
    earlier = _exact_average(before.general)
    return Average(
        value=value,
        text=text,
        unit=unit,
        previous_year=year,
        previous=rounded(earlier, decimals),
        change=rounded(exact - earlier, decimals),
    )


def _commended(
    ranking: Ranking, lines: Sequence[RankedLine], rule: CommendationRule
) -> tuple[RankedLine, ...]:
    if ranking.policy.classification is not None:
        return tuple(line for line in lines if line.class_label in rule.classes)
    return tuple(line for line in lines if line.rank <= rule.top)


def _commendation_basis(ranking: Ranking, rule: CommendationRule) -> str:
    if ranking.policy.classification is not None:
        return "xếp loại " + " hoặc ".join(rule.classes)
    return f"xếp hạng từ 1 đến {rule.top}"


def _profiles(result: LevelResult, lines: Sequence[RankedLine]) -> tuple[UnitProfile, ...]:
    """Each unit's score on each main index that applies to it, as a percent of its max."""
    scores = result.scores
    positions = {unit: position for position, unit in enumerate(scores.unit_ids)}
    rows = [(index.name, scores.node_index[index.code]) for index in result.framework.main_indices]
    profiles = []
    for line in lines:
        unit = positions[line.unit]
        indices = []
        for name, row in rows:
            maximum = int(scores.max_by_set[row, scores.set_ids[unit]])
            if maximum > 0:
                ratio = Fraction(100 * int(scores.score[row, unit]), maximum)
                indices.append((name, rounded(ratio, 1)))
        profiles.append(UnitProfile(line.unit, line.name, line.rank, tuple(indices)))
    return tuple(profiles)
