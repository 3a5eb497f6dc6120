"""Below the main indices: the nodes a per-index appendix shows as columns at the depth the
office asks (ReportTexts.detail_depth), and their cells.

A node's score is shown only where the level's scores know it. When a score was given at a
node (a published table or a stored result gives main-index scores only), its children
were not what made it: their computed zeros are not data, so the report goes no deeper
there. The columns of a main index therefore always add up to its "Điểm"."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from dti.engine import LevelScores
from dti.fixedpoint import from_scaled
from dti.framework.model import Node
from dti.reports.model import AppendixTable, Cell, Column, ColumnKind
from dti.reports.numbers import points_text
from dti.results import LevelResult

UNIT_HEADER = "Đơn vị"
POINTS_HEADER = "Điểm"
MAX_LABEL = "Điểm tối đa"
NOT_APPLICABLE = "–"


def opaque(scores: LevelScores, node: Node) -> bool:
    """A score was given at the node for some unit: its children did not make it."""
    given = scores.given.get(scores.node_index[node.code])
    return given is not None and bool(given.any())


def known_children(scores: LevelScores, node: Node) -> bool:
    """Whether the node's children's scores are data: it has children and its own score
    was computed from them for every unit."""
    return bool(node.children) and not opaque(scores, node)


def detail_nodes(scores: LevelScores, index: Node, depth: int) -> tuple[Node, ...]:
    """The nodes `depth` levels below `index`, or shallower where the tree ends or the
    scores stop (a leaf, a node whose score was given): together they make up the index.
    Empty when there is nothing below the index to show."""
    if depth <= 0 or not known_children(scores, index):
        return ()
    nodes: list[Node] = []
    for child in index.children:
        nodes.extend(detail_nodes(scores, child, depth - 1) or (child,))
    return tuple(nodes)


def with_details(table: AppendixTable, result: LevelResult, code: str, depth: int) -> AppendixTable:
    """The per-index table of main index `code` with one column per detail node between
    "Đơn vị" and the rest, and a "Điểm tối đa" row; the table itself when there is none."""
    scores = result.scores
    index = result.framework.by_code[code]
    nodes = detail_nodes(scores, index, depth)
    if not nodes:
        return table
    at = _position(table.columns)
    decimals = result.framework.score_decimals
    added = tuple(Column(node.name, ColumnKind.POINTS, decimals) for node in nodes)
    columns = table.columns[:at] + added + table.columns[at:]
    positions = {unit: position for position, unit in enumerate(scores.unit_ids)}
    rows = tuple(
        row[:at] + _cells(scores, nodes, positions[unit]) + row[at:]
        for row, unit in zip(table.rows, table.unit_ids, strict=True)
    )
    maxima = tuple(_points_cell(node.max) for node in nodes)
    if table.max_row is not None:
        max_row = table.max_row[:at] + maxima + table.max_row[at:]
    else:
        max_row = tuple(_max_cell(column, index) for column in table.columns[:at])
        max_row += maxima + tuple(_max_cell(column, index) for column in table.columns[at:])
    return replace(table, columns=columns, rows=rows, max_row=max_row)


def _position(columns: tuple[Column, ...]) -> int:
    """Just after the unit's name."""
    for position, column in enumerate(columns):
        if column.header == UNIT_HEADER:
            return position + 1
    raise ValueError(f"Bảng không có cột “{UNIT_HEADER}”.")


def _cells(scores: LevelScores, nodes: tuple[Node, ...], unit: int) -> tuple[Cell, ...]:
    cells = []
    for node in nodes:
        row = scores.node_index[node.code]
        if int(scores.max_by_set[row, scores.set_ids[unit]]) > 0:
            cells.append(_points_cell(from_scaled(int(scores.score[row, unit]), 2)))
        else:
            cells.append(Cell(None, NOT_APPLICABLE))
    return tuple(cells)


def _points_cell(value: Decimal) -> Cell:
    return Cell(value, points_text(value))


def _max_cell(column: Column, index: Node) -> Cell:
    """The max row of a per-index table: the label under the name, the index's max under
    its points, nothing under the rest."""
    if column.header == UNIT_HEADER:
        return Cell(MAX_LABEL, MAX_LABEL)
    if column.header == POINTS_HEADER:
        return _points_cell(index.max)
    return Cell(None, "")
