"""A unit's page: its score per main index against the max, beside the level's average and
the average of each peer group it belongs to (computed from the level's rows, read once);
its class and rank; its years, followed through lineage; the office's remarks."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from dti.framework.model import Framework, IndexCompare, IndexRanking
from portal.public.pages.charts import Category, bar_chart
from portal.public.pages.common import CACHE_SECONDS, Scope, link, number_text
from portal.public.pages.compare import UNITS
from portal.publication.models import VersionLevel, VersionRow
from portal.publication.selectors import framework_of, unit_history
from portal.publication.unit_selectors import (
    Average,
    LevelFigures,
    level_figures,
    level_names,
    row_of,
)

ONE = 1  # decimals of a percent written on the unit page and in charts


@dataclass(frozen=True)
class AverageText:
    name: str
    score: str
    percent: str


@dataclass(frozen=True)
class IndexLine:
    name: str
    score: str
    max: str
    percent: str
    rank: str
    ranked_on: str  # what the index's ranking compares, in a word: its points or its ratio
    averages: list[AverageText]  # the level's, then each peer group's of the unit
    remark: str


@dataclass(frozen=True)
class Standing:
    """The unit in a ranking: the general one or a peer group's."""

    name: str
    rank: str
    units: int
    value: str
    class_label: str


@dataclass(frozen=True)
class Year:
    year: int
    province: str
    level: str
    rank: str
    percent: str  # total against the applicable max: comparable across frameworks
    value: Decimal | None  # the same, for the chart
    class_label: str
    through: str  # the predecessor whose figures these are, through lineage ('' for its own)
    url: str
    shown: bool  # the year of this page


@dataclass
class UnitPage:
    scope: Scope
    level: VersionLevel
    row: VersionRow
    value: str
    percent: bool
    total: str
    max: str
    standings: list[Standing]
    previous: str
    lines: list[IndexLine]
    ranked_column: bool  # the indices rank on different things: a column says which
    ranked_notes: list[str]  # how each comparison rounds, under the table
    average_names: list[str]
    chart: SafeString
    years: list[Year]
    trend: SafeString | None
    compare_url: str
    ranking_url: str
    remarks: list[tuple[str, str]] = field(default_factory=list)


def _percent(score: Decimal | None, maximum: Decimal | None) -> Decimal | None:
    if score is None or not maximum:
        return None
    return score / maximum * 100


def _decimal(text: Any) -> Decimal | None:
    return None if text is None or text == "" else Decimal(str(text))


def unit_page(scope: Scope, level_code: str, unit_code: str) -> UnitPage | None:
    level = scope.level(level_code)
    row = row_of(scope.version, level.level, unit_code)
    if row is None:
        return None
    framework = framework_of(level)
    figures = _figures(scope, level, framework)
    averages: list[tuple[str, dict[str, Average]]] = [
        (gettext("Trung bình khối"), figures.averages)
    ]
    for group in framework.groups:
        if group.code in (row.groups or {}):
            name = gettext("Trung bình nhóm “%(name)s”") % {"name": group.name}
            averages.append((name, figures.groups[group.code]))
    lines = _lines(row, framework, level, averages)
    rankings = [framework.index_rankings.for_index(i.code) for i in framework.main_indices]
    years = _years(scope, row)
    return UnitPage(
        scope=scope,
        level=level,
        row=row,
        value=number_text(row.value, framework.ranking.decimals),
        percent=row.percent,
        total=number_text(row.total),
        max=number_text(row.applicable_max),
        standings=_standings(row, framework, figures),
        previous=_previous(row),
        lines=lines,
        ranked_column=not _alike(rankings),
        ranked_notes=_ranked_notes(rankings, [line.ranked_on for line in lines]),
        average_names=[name for name, _ in averages],
        chart=_chart(row, framework, averages),
        years=years,
        trend=_trend(row, years),
        compare_url=scope.url("compare", level=level.level)
        + "?"
        + urlencode({UNITS: row.unit_code}),
        ranking_url=scope.url("ranking", level=level.level),
        remarks=[(line.name, line.remark) for line in lines if line.remark],
    )


def _figures(scope: Scope, level: VersionLevel, framework: Framework) -> LevelFigures:
    """The level's averages, computed once per version and level: every unit page of the
    level reads one row and these, never the level's other rows again."""
    key = f"public-level:{scope.version.digest}:{scope.version.pk}:{level.level}"
    found = cache.get(key)
    if not isinstance(found, LevelFigures):
        found = level_figures(
            scope.version,
            level.level,
            [index.code for index in framework.main_indices],
            [group.code for group in framework.groups],
        )
        cache.set(key, found, CACHE_SECONDS)
    return found


def _chart(
    row: VersionRow, framework: Framework, averages: list[tuple[str, dict[str, Average]]]
) -> SafeString:
    """The unit's percent of each main index's max beside the averages (at most three)."""
    shown = averages[:3]
    categories = []
    for index in framework.main_indices:
        cell = _cell(row, index.code)
        values = [_percent(_decimal(cell.get("score")), _decimal(cell.get("max")))]
        for _, found in shown:
            average = found.get(index.code)
            values.append(average.percent if average else None)
        categories.append(Category(index.name, values))
    return bar_chart(
        "bieu-do-chi-so",
        gettext("Tỷ lệ điểm đạt theo chỉ số chính"),
        gettext(
            "Mỗi chỉ số chính: tỷ lệ điểm của %(unit)s so với điểm tối đa, bên cạnh tỷ lệ "
            "trung bình; số liệu như trong bảng bên dưới."
        )
        % {"unit": row.unit_name},
        [row.unit_name, *(name for name, _ in shown)],
        categories,
    )


def _cell(row: VersionRow, code: str) -> dict[str, Any]:
    return dict((row.indices or {}).get(code) or {})


def _lines(
    row: VersionRow,
    framework: Framework,
    level: VersionLevel,
    averages: list[tuple[str, dict[str, Average]]],
) -> list[IndexLine]:
    lines = []
    rankings = [framework.index_rankings.for_index(i.code) for i in framework.main_indices]
    words = _ranked_words(rankings)
    for index, ranking, word in zip(framework.main_indices, rankings, words, strict=True):
        cell = _cell(row, index.code)
        score, maximum = _decimal(cell.get("score")), _decimal(cell.get("max"))
        ratio = ranking.compare is IndexCompare.RATIO
        lines.append(
            IndexLine(
                name=index.name,
                score=number_text(score),
                max=number_text(maximum),
                # Never fewer decimals than a ratio ranking compares: units it separates do
                # not read as equal.
                percent=number_text(
                    _percent(score, maximum), max(ONE, ranking.decimals) if ratio else ONE
                ),
                rank=str(cell.get("rank") or ""),
                ranked_on=word,
                averages=[_average(name, found.get(index.code)) for name, found in averages],
                remark=str((level.remarks or {}).get(index.code, "")),
            )
        )
    return lines


def _ranked_words(rankings: list[IndexRanking]) -> list[str]:
    """What each index ranks on, in a word ("điểm", "tỷ lệ") so the column stays narrow; with
    its decimals where two indices compare alike at different decimals."""
    decimals: dict[IndexCompare, set[int]] = {}
    for ranking in rankings:
        decimals.setdefault(ranking.compare, set()).add(ranking.decimals)
    return [
        _ranked_on(ranking) if len(decimals[ranking.compare]) > 1 else _compare_word(ranking)
        for ranking in rankings
    ]


def _ranked_notes(rankings: list[IndexRanking], words: list[str]) -> list[str]:
    """The sentences under the table: one for all indices when they rank alike (no column
    then), else one per word of the column, in the order the indices first use it."""
    if _alike(rankings):
        return [_ranked_note(gettext("Hạng theo từng chỉ số chính"), rankings[0])]
    notes: list[str] = []
    for ranking, word in zip(rankings, words, strict=True):
        label = gettext("Xếp hạng theo “%(word)s”") % {"word": word}
        note = _ranked_note(label, ranking)
        if note not in notes:
            notes.append(note)
    return notes


def _alike(rankings: list[IndexRanking]) -> bool:
    """Every index compares the same value at the same decimals (ties are not shown here)."""
    return len({(ranking.compare, ranking.decimals) for ranking in rankings}) <= 1


def _ranked_note(label: str, ranking: IndexRanking) -> str:
    decimals = {"decimals": ranking.decimals}
    if ranking.compare is IndexCompare.POINTS:
        how = gettext("so sánh điểm của chỉ số, làm tròn nửa lên đến %(decimals)s chữ số thập phân")
    else:
        how = gettext(
            "so sánh tỷ lệ điểm chỉ số trên điểm tối đa áp dụng, làm tròn nửa lên đến "
            "%(decimals)s chữ số thập phân"
        )
    return gettext("%(label)s: %(how)s.") % {"label": label, "how": how % decimals}


def _compare_word(ranking: IndexRanking) -> str:
    return gettext("điểm") if ranking.compare is IndexCompare.POINTS else gettext("tỷ lệ")


def _ranked_on(ranking: IndexRanking) -> str:
    decimals = {"decimals": ranking.decimals}
    if ranking.compare is IndexCompare.POINTS:
        return gettext("điểm, %(decimals)s chữ số thập phân") % decimals
    return gettext("tỷ lệ, %(decimals)s chữ số thập phân") % decimals


def _average(name: str, average: Average | None) -> AverageText:
    if average is None:
        return AverageText(name, "", "")
    return AverageText(name, number_text(average.score, 2), number_text(average.percent, ONE))


def _standings(row: VersionRow, framework: Framework, figures: LevelFigures) -> list[Standing]:
    found = [
        Standing(
            gettext("Xếp hạng chung"),
            str(row.rank),
            figures.units,
            number_text(row.value, framework.ranking.decimals),
            row.class_label,
        )
    ]
    for group in framework.groups:
        cell = (row.groups or {}).get(group.code)
        if cell is None:
            continue
        members = figures.members.get(group.code, 0)
        found.append(
            Standing(
                gettext("Nhóm: %(name)s") % {"name": group.name},
                str(cell.get("rank", "")),
                members,
                number_text(_decimal(cell.get("value")), group.ranking.decimals),
                str(cell.get("class") or ""),
            )
        )
    return found


def _previous(row: VersionRow) -> str:
    """Last year's rank and class as the version printed them beside the unit."""
    previous = row.previous or {}
    if not previous.get("year"):
        return ""
    parts = [gettext("Năm %(year)s") % {"year": previous["year"]}]
    if previous.get("rank") is not None:
        parts.append(gettext("hạng %(rank)s") % {"rank": previous["rank"]})
    if previous.get("class"):
        parts.append(str(previous["class"]))
    text = ", ".join(parts)
    if previous.get("through"):
        names = "; ".join(previous["through"])
        text += " " + gettext("(số liệu của %(names)s)") % {"names": names}
    return text


def _years(scope: Scope, row: VersionRow) -> list[Year]:
    history = unit_history(row.unit_id)
    names = level_names({other.version_id for other in history})
    years = []
    for other in history:
        campaign = other.version.campaign
        percent = _percent(other.total, other.applicable_max)
        years.append(
            Year(
                year=campaign.year,
                province=campaign.province.name,
                level=names.get((other.version_id, other.level), ""),
                rank=str(other.rank),
                percent=number_text(percent, ONE),
                value=percent,
                class_label=other.class_label,
                through=other.unit_name if other.unit_id != row.unit_id else "",
                url=link(
                    "public:unit",
                    province=campaign.province.code,
                    year=campaign.year,
                    level=other.level,
                    unit=other.unit_code,
                ),
                shown=other.version_id == scope.version.pk,
            )
        )
    return years


def _trend(row: VersionRow, years: list[Year]) -> SafeString | None:
    if len(years) < 2:
        return None
    return bar_chart(
        "bieu-do-cac-nam",
        gettext("Tỷ lệ điểm đạt qua các năm"),
        gettext("Tổng điểm so với điểm tối đa áp dụng, mỗi năm; số liệu như trong bảng."),
        [gettext("Tỷ lệ điểm đạt")],
        [
            Category(
                str(year.year) if not year.through else f"{year.year} ({year.through})",
                [year.value],
            )
            for year in years
        ],
    )
