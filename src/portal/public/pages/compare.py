"""Two to four units of a level side by side, per main index, beside the level's average and,
when asked (?nhom=<group>), a peer group's. The units are picked in a plain form (?don-vi=
<code>, repeated), so it works without JavaScript; more than four, a unit the level does not
have or a group it does not rank are refused with a sentence, never a 500."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.utils.translation import gettext, ngettext

from dti.fixedpoint import round_half_up
from portal.public.pages.common import Refused, Scope, number_text
from portal.publication.models import VersionLevel, VersionRow
from portal.publication.selectors import framework_of, rows_of
from portal.publication.unit_selectors import Average, index_averages

UNITS, GROUP = "don-vi", "nhom"
FEWEST, MOST = 2, 4
ONE = 1


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Column:
    name: str
    url: str  # a unit's page; '' for an average


@dataclass(frozen=True)
class Line:
    name: str
    cells: list[str]
    strong: bool = False  # the summary lines (total, ranking value, rank, class)


@dataclass
class ComparePage:
    scope: Scope
    level: VersionLevel
    units: list[Option]
    groups: list[Option]
    columns: list[Column] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    message: str = ""


def compare_page(scope: Scope, level_code: str, query: QueryDict) -> ComparePage:
    level = scope.level(level_code)
    rows = rows_of(scope.version, level.level)
    framework = framework_of(level)
    by_code = {row.unit_code: row for row in rows}
    groups = {group.code: group.name for group in framework.groups}
    codes = _chosen(query.getlist(UNITS), by_code)
    group = query.get(GROUP, "")
    if group and group not in groups:
        raise Refused(gettext("Khối này không có nhóm xếp hạng đó."))
    page = ComparePage(
        scope,
        level,
        units=[Option(r.unit_code, r.unit_name, r.unit_code in codes) for r in _by_name(rows)],
        groups=[Option(code, name, code == group) for code, name in groups.items()],
    )
    if len(codes) < FEWEST:
        if codes:
            page.message = gettext("Hãy chọn thêm ít nhất một đơn vị để so sánh.")
        return page
    chosen = [by_code[code] for code in codes]
    indices = [index.code for index in framework.main_indices]
    averages = [(gettext("Trung bình khối"), index_averages(rows, indices))]
    if group:
        name = gettext("Trung bình nhóm “%(name)s”") % {"name": groups[group]}
        averages.append((name, index_averages(rows, indices, group)))
    page.columns = [
        Column(row.unit_name, scope.url("unit", level=level.level, unit=row.unit_code))
        for row in chosen
    ] + [Column(name, "") for name, _ in averages]
    for index in framework.main_indices:
        cells = [_unit_cell(row, index.code) for row in chosen]
        cells += [_average_cell(found.get(index.code)) for _, found in averages]
        page.lines.append(Line(index.name, cells))
    blank = [""] * len(averages)
    decimals = framework.ranking.decimals
    page.lines += [
        Line(gettext("Tổng điểm"), [number_text(r.total) for r in chosen] + blank, True),
        Line(
            gettext("Giá trị xếp hạng"),
            [number_text(r.value, decimals) + ("%" if r.percent else "") for r in chosen] + blank,
            True,
        ),
        Line(gettext("Hạng"), [str(r.rank) for r in chosen] + blank, True),
    ]
    if framework.ranking.classification is not None:
        page.lines.append(Line(gettext("Xếp loại"), [r.class_label for r in chosen] + blank, True))
    return page


def _chosen(values: list[str], by_code: dict[str, VersionRow]) -> list[str]:
    codes = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if len(codes) > MOST:
        raise Refused(
            ngettext(
                "Chỉ so sánh được tối đa %(most)s đơn vị; bạn đã chọn %(count)s.",
                "Chỉ so sánh được tối đa %(most)s đơn vị; bạn đã chọn %(count)s.",
                len(codes),
            )
            % {"most": MOST, "count": len(codes)}
        )
    unknown = [code for code in codes if code not in by_code]
    if unknown:
        raise Refused(
            gettext("Khối này không có đơn vị mang mã “%(code)s”.") % {"code": unknown[0][:64]}
        )
    return codes


def _by_name(rows: list[VersionRow]) -> list[VersionRow]:
    return sorted(rows, key=lambda row: (row.search_name, row.pk))


def _unit_cell(row: VersionRow, code: str) -> str:
    cell = (row.indices or {}).get(code) or {}
    score, maximum = cell.get("score"), cell.get("max")
    if score is None or not maximum or Decimal(str(maximum)) == 0:
        return ""
    score_d, max_d = Decimal(str(score)), Decimal(str(maximum))
    return _written(score_d, max_d, score_d / max_d * 100)


def _average_cell(average: Average | None) -> str:
    if average is None:
        return ""
    return _written(round_half_up(average.score, 2), round_half_up(average.max, 2), average.percent)


def _written(score: Decimal, maximum: Decimal, percent: Decimal) -> str:
    return gettext("%(score)s / %(max)s (%(percent)s%%)") % {
        "score": number_text(score),
        "max": number_text(maximum),
        "percent": number_text(percent, ONE),
    }
