"""Tables of one level checked against each other: the same unit's same index printed
differently, a row that carries another unit's numbers, and an index printed in one table
whose parts, printed in others, do not add up to it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from dti.audit.findings import Finding, vi
from dti.campaign import Campaign
from dti.engine import LevelScores, compute
from dti.inputs import UnitInput, build_inputs
from dti.tables.model import PublishedRow, PublishedTable, Role


@dataclass(frozen=True)
class _Printed:
    table: str
    row: PublishedRow
    column: str
    value: Decimal


def cross_table_findings(campaign: Campaign, tables: Sequence[PublishedTable]) -> Iterator[Finding]:
    """The same unit's same index printed differently in two tables of one level."""
    first: dict[tuple[str, str, str], _Printed] = {}
    where: dict[tuple[str, str, str], set[str]] = {}  # every table that prints it
    for table in tables:
        names = {u.id: u.name for u in campaign.level(table.level).units}
        for row in table.rows:
            for code, header, value in _printed_scores(table, row):
                key = (table.level, row.unit, code)
                where.setdefault(key, set()).add(table.source)
                reference = first.setdefault(key, _Printed(table.source, row, header, value))
                if reference.value == value:
                    continue
                hint = _copied_from(first, table, row, reference.table, names)
                yield Finding(
                    kind="cross_table",
                    table=table.source,
                    row=row.row,
                    unit=names[row.unit],
                    column=header,
                    published=str(value),
                    expected=str(reference.value),
                    message=f"in {vi(value)}, còn {reference.table} dòng {reference.row.row} in "
                    f"{vi(reference.value)}{hint}",
                )
    yield from _parts_across(campaign, first, where)


def _parts_across(
    campaign: Campaign,
    first: dict[tuple[str, str, str], _Printed],
    where: dict[tuple[str, str, str], set[str]],
) -> Iterator[Finding]:
    """A node printed in one table against its parts printed in others (the same table's
    parts are TableAudit's): only where every part that applies to the unit is printed."""
    maxima: dict[str, LevelScores] = {}
    for (level_code, unit, code), whole in first.items():
        level = campaign.level(level_code)
        node = level.framework.by_code[code]
        if not node.children:
            continue
        if level_code not in maxima:
            entries = [UnitInput(u.id, u.attributes, scores={}) for u in level.units]
            maxima[level_code] = compute(level.framework, build_inputs(level.framework, entries))
        scores = maxima[level_code]
        column = scores.unit_ids.index(unit)
        parts = [
            first.get((level_code, unit, c.code))
            for c in node.children
            if scores.applicable_max[scores.node_index[c.code], column]
        ]
        printed = [p for p in parts if p is not None]
        if not parts or len(printed) != len(parts) or all(p.table == whole.table for p in printed):
            continue
        tables_of_parts = {p.table for p in printed}
        if len(tables_of_parts) == 1 and tables_of_parts <= where[(level_code, unit, code)]:
            continue  # that table prints the whole beside its parts: TableAudit says it there
        expected = sum((p.value for p in printed), Decimal(0))
        if expected != whole.value:
            shown = ", ".join(sorted(tables_of_parts))
            yield Finding(
                kind="parts",
                table=whole.table,
                row=whole.row.row,
                unit=next(u.name for u in level.units if u.id == unit),
                column=whole.column,
                published=str(whole.value),
                expected=str(expected),
                message=f"“{node.name}” in {vi(whole.value)}, còn các chỉ số thành phần in ở "
                f"{shown} cộng lại {vi(expected)}",
            )


def _printed_scores(table: PublishedTable, row: PublishedRow) -> Iterator[tuple[str, str, Decimal]]:
    for column in table.columns:
        if column.role is Role.NODE and column.node in row.nodes:
            yield column.node, column.header, row.nodes[column.node]
    total = table.column(Role.TOTAL)
    if table.index is not None and table.index not in row.nodes and row.total is not None and total:
        yield table.index, total.header, row.total


def _copied_from(
    first: dict[tuple[str, str, str], _Printed],
    table: PublishedTable,
    row: PublishedRow,
    reference_table: str,
    names: dict[str, str],
) -> str:
    """'; dòng này trùng số liệu của X' when the row carries another unit's numbers."""
    mine = {code: value for code, _, value in _printed_scores(table, row)}
    if len(mine) < 3:
        return ""
    others: dict[str, dict[str, Decimal]] = {}
    for (level, unit, code), printed in first.items():
        if level == table.level and unit != row.unit and printed.table == reference_table:
            others.setdefault(unit, {})[code] = printed.value
    for unit, values in others.items():
        same = sum(1 for code, value in mine.items() if values.get(code) == value)
        if same >= len(mine) - 1 and same >= 3:
            return f"; các số của dòng này trùng với dòng của {names[unit]} ở {reference_table}"
    return ""
