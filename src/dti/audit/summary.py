"""A report's class summary table ("Xếp loại | Số đơn vị | Tỷ lệ", or a column of counts per
level): each count against the units of that class in the level's ranking, each percent
against its count.

A table is a class summary when its rows start (after a position) with class labels of the
campaign's frameworks and hold numbers, and it names no unit. A column of counts belongs to the
level its header (or the table's caption) names; failing that, to the one ranking whose number
of units the column adds up to. A percent column is the share of the count column before it,
rounded half up to the decimals it prints.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from dti.audit.findings import Finding, vi
from dti.audit.layout import class_labels, count_of, label_of
from dti.audit.recognise import FoundTable, row_number
from dti.audit.sentences import Context, number, plain
from dti.fixedpoint import round_half_up
from dti.names import normalize_label
from dti.tables.cells import is_blank
from dti.tables.published import POSITION_HEADERS


def summary_findings(context: Context, tables: Sequence[FoundTable]) -> Iterator[Finding]:
    labels = class_labels(context.campaign)
    for table in tables:
        if table.kind != "class_summary":
            continue
        rows = table.block.rows
        header = rows[0] if rows else ()
        counted = [
            (i, r, label) for i, r in enumerate(rows) if (label := label_of(r, labels)) is not None
        ]
        width = max(len(r) for r in rows)
        last_count: tuple[int, FoundTable] | None = None
        for k in range(width):
            cells = [r[k] if k < len(r) else "" for _, r, _ in counted]
            if all(c.strip().endswith("%") for c in cells if not is_blank(c)) and last_count:
                yield from _shares(table, counted, k, last_count)
                continue
            values = [count_of(c) for c in cells]
            if any(v is None for v in values) or not values:
                continue
            name = header[k] if k < len(header) else ""
            if _is_position(name, values):
                continue
            ranking = _ranking_for(context, name, table.caption, sum(v or 0 for v in values))
            if ranking is None:
                continue
            last_count = (k, ranking)
            context.note_table(table, ranking.label)
            classes = context.classes(ranking)
            for (i, row, label), value in zip(counted, values, strict=True):
                expected = sum(1 for c in classes.values() if c == label)
                if value != expected:
                    yield _finding(table, i, row, name, value, expected,
                                   f"in {value} đơn vị đạt mức {label}; {ranking.label} có "
                                   f"{expected}")  # fmt: skip


def _is_position(header: str, values: list[int | None]) -> bool:
    """The table's own numbering ("STT" 1, 2, 3), not counts of units."""
    numbered = values == list(range(1, len(values) + 1))
    return numbered and (not header.strip() or normalize_label(header) in POSITION_HEADERS)


def _shares(
    table: FoundTable,
    counted: list[tuple[int, tuple[str, ...], str]],
    k: int,
    count: tuple[int, FoundTable],
) -> Iterator[Finding]:
    column, ranking = count
    values = [count_of(r[column]) or 0 for _, r, _ in counted]
    total = len(ranking.published.rows) if ranking.published else sum(values)
    if not total:
        return
    for (i, row, label), value in zip(counted, values, strict=True):
        printed = row[k] if k < len(row) else ""
        if is_blank(printed):
            continue
        places = len(printed.strip().rstrip("%").strip().replace(",", ".").partition(".")[2])
        expected = round_half_up(Decimal(100 * value) / total, places)
        if number(printed.strip().rstrip("%")) != expected:
            header = table.block.rows[0][k] if k < len(table.block.rows[0]) else ""
            yield _finding(table, i, row, header, number(printed.strip().rstrip("%")), expected,
                           f"tỷ lệ in {printed.strip()}, {value}/{total} đơn vị là {vi(expected)}%"
                           f" (mức {label})")  # fmt: skip


def _finding(
    table: FoundTable, i: int, row: tuple[str, ...], column: str, published: object,
    expected: object, message: str,
) -> Finding:  # fmt: skip
    where = table.block.where
    number_ = row_number(table.block, i)
    return Finding(
        kind="class_count" if "tỷ lệ" not in message else "share",
        table=table.label,
        row=number_,
        unit=None,
        column=column or None,
        published=plain(published),
        expected=plain(expected),
        message=message,
        location=f"{where.source}, {where.describe()}, dòng {number_}",
        context=" | ".join(row),
    )


def _ranking_for(context: Context, header: str, caption: str, total: int) -> FoundTable | None:
    rankings = [t for t in context.ranking_tables() if t.kind == "general"]
    for text in (header, caption):
        level = context.level_named(text)
        named = [t for t in rankings if level is not None and t.level == level.code]
        if len(named) == 1:
            return named[0]
    sized = [t for t in rankings if len(context.classes(t)) == total]
    return sized[0] if len(sized) == 1 else None
