"""The appendices of a level: the general ranking, each peer group's ranking, and one
ranking per main index, as tables of cells (the number and its Vietnamese text)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from dti.campaign import Campaign, Level
from dti.fixedpoint import format_vi, from_scaled
from dti.framework.model import Comparability, Framework, RankingPolicy
from dti.rankings import Ranking, RankingRow
from dti.reports.details import with_details
from dti.reports.model import Appendix, AppendixTable, Cell, Column, ColumnKind
from dti.reports.numbers import percent_text, points_text
from dti.reports.robustness_annex import robustness_table
from dti.reports.sections import in_sections, placement
from dti.reports.statements import ranking_text
from dti.reports.texts import Grouping
from dti.results import LevelResult

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def roman(number: int) -> str:
    text = ""
    for value, letters in _ROMAN:
        while number >= value:
            text += letters
            number -= value
    return text


def level_appendices(
    campaign: Campaign,
    code: str,
    result: LevelResult,
    numbering: Iterator[int],
    *,
    depth: int = 0,
    grouping: Grouping = Grouping.NONE,
    robustness: int = 0,
) -> tuple[Appendix, ...]:
    """General ranking, groups, per-index rankings, then (with `robustness`, a weight
    spread in percent) how sure each general rank is; numbered on from `numbering`.
    The per-index tables show the nodes `depth` levels below their index (dti.reports.
    details); the general and per-index tables are listed by `grouping` (dti.reports.
    sections), each peer group's as one list."""
    level = campaign.level(code)
    upper = level.name.upper()
    year = campaign.year
    placed = placement(campaign, code, result, grouping)
    appendices = []
    number = roman(next(numbering))
    general = _ranking_table(campaign, level, result, result.general, f"PL {number}")
    general = in_sections(general, placed)
    title = f"BẢNG XẾP HẠNG CHUNG VỀ CHUYỂN ĐỔI SỐ KHỐI {upper} NĂM {year}"
    appendices.append(Appendix(number, title, code, (general,)))
    for group in result.framework.groups:
        number = roman(next(numbering))
        table = _ranking_table(campaign, level, result, result.groups[group.code], f"PL {number}")
        title = f"BẢNG XẾP HẠNG CHUYỂN ĐỔI SỐ NĂM {year}: {group.name.upper()} (KHỐI {upper})"
        appendices.append(Appendix(number, title, code, (table,)))
    if result.framework.main_indices:
        number = roman(next(numbering))
        tables = tuple(
            in_sections(
                with_details(
                    _index_table(result, index.code, f"{n}. {index.name}", f"PL {number}.{n}"),
                    result,
                    index.code,
                    depth,
                ),
                placed,
            )
            for n, index in enumerate(result.framework.main_indices, start=1)
        )
        title = f"BẢNG XẾP HẠNG THEO TỪNG CHỈ SỐ CHÍNH KHỐI {upper} NĂM {year}"
        appendices.append(Appendix(number, title, code, tables))
    if robustness and result.framework.main_indices:
        number = roman(next(numbering))
        table = robustness_table(result, robustness, f"PL {number}")
        title = f"ĐỘ TIN CẬY CỦA THỨ HẠNG CHUNG KHỐI {upper} NĂM {year}"
        appendices.append(Appendix(number, title, code, (table,)))
    return tuple(appendices)


def _points(value: Decimal) -> Cell:
    return Cell(value, points_text(value))


def _text(value: str | None) -> Cell:
    return Cell(value, value or "")


def _columns(
    framework: Framework, policy: RankingPolicy, previous_year: int | None
) -> list[Column]:
    columns = [Column("Hạng", ColumnKind.RANK), Column("Đơn vị", ColumnKind.TEXT)]
    points = framework.score_decimals
    columns += [Column(index.name, ColumnKind.POINTS, points) for index in framework.main_indices]
    columns.append(Column("Tổng điểm", ColumnKind.POINTS, points))
    if policy.comparability is Comparability.REMOVE_BLOCK:
        columns.append(Column("Điểm xếp hạng", ColumnKind.POINTS, points))
    if policy.comparability in (
        Comparability.RATIO_TO_APPLICABLE_MAX,
        Comparability.NATIONAL_WEIGHTED,
    ):
        columns.append(Column("Điểm tối đa áp dụng", ColumnKind.POINTS, points))
    if policy.percent:
        columns.append(Column("Tỷ lệ", ColumnKind.PERCENT, policy.decimals))
    if policy.comparability is Comparability.NATIONAL_WEIGHTED:
        columns.append(Column("Chỉ số DTI", ColumnKind.DTI, policy.decimals))
    if policy.classification is not None:
        columns.append(Column("Xếp loại", ColumnKind.TEXT))
    if previous_year is not None:
        columns.append(Column(f"Xếp loại năm {previous_year}", ColumnKind.TEXT))
    return columns


def _ranking_table(
    campaign: Campaign, level: Level, result: LevelResult, ranking: Ranking, sheet: str
) -> AppendixTable:
    framework = result.framework
    policy = ranking.policy
    previous_year = campaign.year - 1 if any(u.previous_class for u in level.units) else None
    previous = {u.id: u.previous_class for u in level.units} if previous_year else None
    columns = _columns(framework, policy, previous_year)
    rows = ranking.rows(result.scores.unit_ids)
    names = dict(zip(result.scores.unit_ids, result.names, strict=True))
    positions = {unit: position for position, unit in enumerate(result.scores.unit_ids)}
    body = tuple(
        _ranking_row(result, policy, row, names[row.unit], positions[row.unit], previous)
        for row in rows
    )
    return AppendixTable(
        title="",
        sheet=sheet,
        key=ranking.key,
        columns=tuple(columns),
        rows=body,
        unit_ids=tuple(row.unit for row in rows),
        max_row=_max_row(framework, policy, columns),
        note=ranking_text(framework) if ranking.key == "general" else "",
    )


def _ranking_row(
    result: LevelResult,
    policy: RankingPolicy,
    row: RankingRow,
    name: str,
    unit: int,
    previous: Mapping[str, str | None] | None,
) -> tuple[Cell, ...]:
    """A unit's row: main-index scores ("–" where the index does not apply), total, then
    the ranking's own columns (see _columns)."""
    scores = result.scores
    cells = [Cell(row.rank, str(row.rank)), _text(name)]
    for index in result.framework.main_indices:
        position = scores.node_index[index.code]
        applies = int(scores.max_by_set[position, scores.set_ids[unit]]) > 0
        value = from_scaled(int(scores.score[position, unit]), 2)
        cells.append(_points(value) if applies else Cell(None, "–"))
    cells.append(_points(from_scaled(int(scores.total[unit]), 2)))
    if policy.comparability is Comparability.REMOVE_BLOCK:
        cells.append(_points(row.total))
    if policy.comparability in (
        Comparability.RATIO_TO_APPLICABLE_MAX,
        Comparability.NATIONAL_WEIGHTED,
    ):
        cells.append(_points(row.applicable_max))
    if policy.percent:
        cells.append(Cell(row.value, percent_text(row.value)))
    if policy.comparability is Comparability.NATIONAL_WEIGHTED:
        cells.append(Cell(row.value, format_vi(row.value)))
    if policy.classification is not None:
        cells.append(_text(row.class_label))
    if previous is not None:
        cells.append(_text(previous[row.unit]))
    return tuple(cells)


def _max_row(
    framework: Framework, policy: RankingPolicy, columns: Sequence[Column]
) -> tuple[Cell, ...]:
    """'Điểm tối đa': each main index's max, the framework's, the compared base."""
    cells = [Cell(None, ""), _text("Điểm tối đa")]
    cells += [_points(index.max) for index in framework.main_indices]
    cells.append(_points(framework.max))
    if policy.comparability is Comparability.REMOVE_BLOCK and policy.block is not None:
        cells.append(_points(framework.max - framework.by_code[policy.block].max))
    cells += [Cell(None, "")] * (len(columns) - len(cells))
    return tuple(cells)


def _index_table(result: LevelResult, code: str, title: str, sheet: str) -> AppendixTable:
    """A main index's ranking. A ratio ranking shows the points, the applicable max and the
    compared percent; a points ranking shows the compared points at their stated decimals."""
    ranking = result.indices[code]
    decimals = ranking.policy.decimals
    points = result.framework.score_decimals
    names = dict(zip(result.scores.unit_ids, result.names, strict=True))
    rows = ranking.rows(result.scores.unit_ids)
    ratio = ranking.policy.percent
    columns = (
        Column("Hạng", ColumnKind.RANK),
        Column("Đơn vị", ColumnKind.TEXT),
        Column("Điểm", ColumnKind.POINTS, points if ratio else decimals),
        Column("Điểm tối đa áp dụng", ColumnKind.POINTS, points),
        *([Column("Tỷ lệ", ColumnKind.PERCENT, decimals)] if ratio else []),
    )
    body = tuple(
        (
            Cell(row.rank, str(row.rank)),
            _text(names[row.unit]),
            _points(row.total) if ratio else Cell(row.value, format_vi(row.value)),
            _points(row.applicable_max),
            *([Cell(row.value, percent_text(row.value))] if ratio else []),
        )
        for row in rows
    )
    return AppendixTable(
        title=title,
        sheet=sheet,
        key=ranking.key,
        columns=columns,
        rows=body,
        unit_ids=tuple(row.unit for row in rows),
    )
