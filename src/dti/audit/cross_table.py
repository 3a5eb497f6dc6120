"""Tables of one level checked against each other: the same unit's same index printed
differently, and a row that carries another unit's numbers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from dti.audit.findings import Finding, vi
from dti.campaign import Campaign
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
    for table in tables:
        names = {u.id: u.name for u in campaign.level(table.level).units}
        for row in table.rows:
            for code, header, value in _printed_scores(table, row):
                key = (table.level, row.unit, code)
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
