"""The methodology of a version in plain language (each level's criteria with their max
points and how each is scored, who gives each figure, the comparability, rounding, tie and
class policies, the process and its dates, the findings on imported printed tables) and the
corrections log of its campaign.

How each criterion is scored is the core's own description (dti.framework.describe, through
portal.frameworks.outline, as the framework pages show it): like every name in a framework,
it stays Vietnamese in both languages (docs/i18n.md). The policies are written here, in
translatable sentences, without codes or formulas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, ngettext

from dti.framework.model import (
    ClassBasis,
    Comparability,
    Framework,
    IndexCompare,
    IndexRanking,
    RankingPolicy,
    Source,
    Ties,
)
from portal.campaigns.findings import Finding, shown_finding
from portal.frameworks.outline import describe_condition, outline
from portal.moments import moment_text
from portal.public.pages.common import Scope, iso_day, link, number_text, plain_text
from portal.publication.corrections import correction_log
from portal.publication.models import VersionLevel
from portal.publication.selectors import framework_of
from portal.publication.unit_selectors import level_names


@dataclass(frozen=True)
class Criterion:
    depth: int
    name: str
    max: str
    rule: str  # leaves only
    source: str  # leaves only
    applies: str


@dataclass
class LevelMethod:
    level: VersionLevel
    total: str
    criteria: list[Criterion]
    sources: list[str]  # "12 tiêu chí do đơn vị kê khai", ...
    ranking: list[str]
    indices: list[str]
    groups: list[tuple[str, str, list[str]]]  # name, who belongs, policy
    adjustments: list[str]
    findings: list[Finding]
    from_report: bool = False  # the findings come from a whole report, not a table alone


@dataclass
class MethodologyPage:
    scope: Scope
    title: str
    levels: list[LevelMethod]
    process: list[str]
    method: list[str]
    dates: list[tuple[str, str]]
    historic: bool
    source: str

    @property
    def has_findings(self) -> bool:
        return any(level.findings for level in self.levels)


def _source_label(source: Source) -> str:
    labels = {
        Source.UNIT: gettext("đơn vị kê khai"),
        Source.SYSTEM: gettext("đo từ hệ thống dùng chung"),
        Source.APPRAISERS: gettext("tổ thẩm định chấm"),
    }
    return labels[source]


def methodology_page(scope: Scope) -> MethodologyPage:
    context: dict[str, Any] = dict(scope.version.context or {})
    texts: dict[str, Any] = dict(context.get("texts") or {})
    return MethodologyPage(
        scope=scope,
        title=str(context.get("title") or scope.version.campaign.title),
        levels=[_level(level) for level in scope.levels],
        process=[str(p) for p in texts.get("process") or [] if str(p).strip()],
        method=[str(p) for p in texts.get("method") or [] if str(p).strip()],
        dates=_dates(scope, context),
        historic=bool(context.get("historic")),
        source=str(context.get("source") or ""),
    )


def _level(level: VersionLevel) -> LevelMethod:
    framework = framework_of(level)
    shape = outline(framework)
    findings = [item for item in level.findings or [] if isinstance(item, dict)]
    criteria = [
        Criterion(
            depth=min(line.depth, 6),
            name=line.node.name,
            max=number_text(line.node.max),
            rule=line.rule,
            source=_source_label(line.node.source) if line.node.is_leaf else "",
            applies=line.applies,
        )
        for line in shape.lines
    ]
    return LevelMethod(
        level=level,
        total=number_text(framework.max),
        criteria=criteria,
        sources=_sources(framework),
        ranking=ranking_sentences(framework.ranking, framework),
        indices=_index_sentences(framework),
        groups=[
            (
                group.name,
                describe_condition(group.when.source),
                [gettext("Xếp hạng theo cùng cách như xếp hạng chung.")]
                if group.ranking == framework.ranking
                else ranking_sentences(group.ranking, framework),
            )
            for group in framework.groups
        ],
        adjustments=[
            (
                gettext("%(name)s: trừ tối đa %(max)s điểm, ngoài cây tiêu chí.")
                if adjustment.penalty
                else gettext("%(name)s: cộng tối đa %(max)s điểm, ngoài cây tiêu chí.")
            )
            % {"name": adjustment.name, "max": number_text(adjustment.max)}
            for adjustment in framework.adjustments
        ],
        findings=[shown_finding(item) for item in findings],
        from_report=any(item.get("location") for item in findings),
    )


def _sources(framework: Framework) -> list[str]:
    counts: dict[Source, int] = {}
    for leaf in framework.leaves:
        counts[leaf.source] = counts.get(leaf.source, 0) + 1
    return [
        ngettext("%(count)s tiêu chí: %(source)s", "%(count)s tiêu chí: %(source)s", count)
        % {"count": count, "source": _source_label(source)}
        for source, count in sorted(counts.items(), key=lambda item: list(Source).index(item[0]))
    ]


def ranking_sentences(policy: RankingPolicy, framework: Framework) -> list[str]:
    sentences = [_comparability(policy, framework)]
    sentences.append(
        gettext("Giá trị xếp hạng được làm tròn nửa lên đến %(decimals)s chữ số thập phân.")
        % {"decimals": policy.decimals}
    )
    sentences.append(
        gettext("Hai đơn vị có giá trị đã làm tròn bằng nhau thì coi là bằng nhau.")
        if policy.compare_displayed
        else gettext("Đơn vị được so sánh theo giá trị chính xác, trước khi làm tròn.")
    )
    sentences.append(tie_sentence(policy.ties))
    sentences.append(_classification(policy))
    return sentences


def tie_sentence(ties: Ties) -> str:
    if ties is Ties.DENSE:
        return gettext(
            "Đồng hạng: các đơn vị bằng nhau cùng một hạng, đơn vị kế tiếp nhận hạng liền sau "
            "(ví dụ 6, 6, 7)."
        )
    return gettext(
        "Đồng hạng: các đơn vị bằng nhau cùng một hạng, các hạng kế tiếp bị bỏ qua tương ứng "
        "(ví dụ 1, 2, 2, 4)."
    )


def _comparability(policy: RankingPolicy, framework: Framework) -> str:
    if policy.comparability is Comparability.RATIO_TO_APPLICABLE_MAX:
        return gettext(
            "Đơn vị được so sánh theo tỷ lệ: tổng điểm đạt chia cho điểm tối đa của những "
            "tiêu chí áp dụng cho đơn vị, viết dạng phần trăm. Đơn vị không có một tiêu chí "
            "thì không bị mất điểm vì tiêu chí đó."
        )
    if policy.comparability is Comparability.PLAIN_TOTAL:
        return gettext("Đơn vị được so sánh theo tổng điểm, trên cùng một thang điểm.")
    if policy.comparability is Comparability.NATIONAL_WEIGHTED:
        return gettext(
            "Tính như Chỉ số chuyển đổi số quốc gia: điểm mỗi chỉ số chính chia cho điểm tối "
            "đa, nhân trọng số, cộng lại rồi chia 1000, được một số từ 0 đến 1."
        )
    block = framework.by_code.get(policy.block or "")
    name = block.name if block else gettext("một khối tiêu chí")
    points = number_text(block.max) if block else ""
    if policy.subtract_block_score:
        return gettext(
            "Để mọi đơn vị so sánh trên cùng một mặt bằng, điểm đơn vị đạt ở “%(name)s” được "
            "trừ ra khỏi tổng điểm của đơn vị có khối này."
        ) % {"name": name}
    return gettext(
        "Để mọi đơn vị so sánh trên cùng một mặt bằng, %(points)s điểm của “%(name)s” được "
        "trừ ra khỏi tổng điểm của đơn vị có khối này."
    ) % {"name": name, "points": points}


def _classification(policy: RankingPolicy) -> str:
    classes = policy.classification
    if classes is None:
        return gettext("Không xếp loại.")
    bases = {
        ClassBasis.VALUE: gettext("giá trị xếp hạng"),
        ClassBasis.PERCENT_OF_FRAMEWORK_MAX: gettext(
            "tỷ lệ phần trăm tổng điểm trên điểm tối đa của bộ chỉ số"
        ),
        ClassBasis.PERCENT_OF_APPLICABLE_MAX: gettext(
            "tỷ lệ phần trăm tổng điểm trên điểm tối đa áp dụng cho đơn vị"
        ),
        ClassBasis.PERCENT_OF_COMPARABLE_MAX: gettext(
            "tỷ lệ phần trăm điểm so sánh trên điểm tối đa so sánh"
        ),
    }
    bands = "; ".join(
        gettext("%(label)s từ %(min)s") % {"label": band.label, "min": number_text(band.min)}
        for band in classes.bands
    )
    return gettext(
        "Xếp loại theo %(basis)s, làm tròn nửa lên đến %(decimals)s chữ số thập phân: %(bands)s."
    ) % {"basis": bases[classes.basis], "decimals": classes.decimals, "bands": bands}


def _index_sentences(framework: Framework) -> list[str]:
    """What each main index's ranking compares, to how many decimals, with which ties: the
    level's default, then each index that ranks otherwise (docs/frameworks.md)."""
    if not framework.main_indices:
        return []
    rankings = framework.index_rankings
    sentences = [
        gettext("Mỗi chỉ số chính có bảng xếp hạng riêng, theo %(basis)s.")
        % {"basis": _index_basis(rankings.default)},
        tie_sentence(rankings.default.ties),
    ]
    for index in framework.main_indices:
        own = rankings.for_index(index.code)
        if own != rankings.default:
            sentences.append(
                gettext("Riêng chỉ số “%(name)s”: xếp hạng theo %(basis)s; %(ties)s.")
                % {"name": index.name, "basis": _index_basis(own), "ties": _ties_words(own.ties)}
            )
    return sentences


def _index_basis(ranking: IndexRanking) -> str:
    if ranking.compare is IndexCompare.POINTS:
        return gettext("điểm của chỉ số, làm tròn nửa lên đến %(decimals)s chữ số thập phân") % {
            "decimals": ranking.decimals
        }
    return gettext(
        "tỷ lệ điểm chỉ số trên điểm tối đa áp dụng, làm tròn nửa lên đến %(decimals)s chữ số "
        "thập phân"
    ) % {"decimals": ranking.decimals}


def _ties_words(ties: Ties) -> str:
    if ties is Ties.DENSE:
        return gettext("đồng hạng thì hạng sau liền kề (ví dụ 6, 6, 7)")
    return gettext("đồng hạng thì bỏ qua các hạng kế tiếp (ví dụ 1, 2, 2, 4)")


def _dates(scope: Scope, context: dict[str, Any]) -> list[tuple[str, str]]:
    dates = []
    deadline = iso_day(context.get("self_assessment_deadline"))
    if deadline:
        dates.append((gettext("Hạn tự đánh giá"), deadline))
    for round_ in context.get("rounds") or []:
        due = iso_day(round_.get("appraisal_due"))
        if due:
            label = (
                gettext("Vòng thẩm định %(number)s (vòng cuối)")
                if round_.get("final")
                else gettext("Vòng thẩm định %(number)s")
            ) % {"number": round_.get("number")}
            dates.append((label, due))
    dates.append((gettext("Công bố"), scope.published))
    return dates


# ---- the corrections log ----------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    level: str
    unit: str
    figure: str
    old: str
    new: str


@dataclass
class CorrectionEntry:
    number: int
    previous: int
    published: str
    note: str
    url: str
    changes: list[ChangeLine] = field(default_factory=list)


def corrections_page(scope: Scope) -> list[CorrectionEntry]:
    found = correction_log(scope.version.campaign)
    names = level_names({c.version.pk for c in found} | {c.previous.pk for c in found})
    entries = []
    for correction in found:
        version = correction.version
        entry = CorrectionEntry(
            number=version.number,
            previous=correction.previous.number,
            published=moment_text(version.published_at),
            note=version.change_note,
            url=link(
                "public:version",
                province=scope.province_code,
                year=scope.year,
                number=version.number,
            ),
        )
        for change in correction.changes:
            level = names.get((version.pk, change.level)) or names.get(
                (correction.previous.pk, change.level), ""
            )
            entry.changes.append(
                ChangeLine(
                    level,
                    change.unit,
                    change.figure,
                    plain_text(change.old),
                    plain_text(change.new),
                )
            )
        entries.append(entry)
    return entries
