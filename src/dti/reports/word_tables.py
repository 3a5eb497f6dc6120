"""Word tables of the report: the borderless layout tables of the header and signature
block, and the appendix tables (header row repeated on every page, rows kept whole,
numbers right-aligned as the Vietnamese text of each cell)."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Emu, Length, Pt
from docx.table import Table, _Cell, _Row

from dti.reports.model import AppendixTable, Cell, Column, ColumnKind
from dti.reports.wordml import keep_row_together, no_borders, repeat_header, shade

HEADER_FILL = "D9D9D9"
_RANK_WIDTH = Cm(1.3)
_NAME_WIDTH = Cm(5.4)
_WIDE_NAME_WIDTH = Cm(7.0)
_MAX_WIDTH = Cm(3.0)


def borderless(document: Document, columns: int, widths: Sequence[Length]) -> Table:
    table: Table = document.add_table(rows=1, cols=columns)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = width  # the grid, which LibreOffice reads
        cell.width = width  # the cell, which Word reads
    return table


def appendix_table(document: Document, table: AppendixTable, width: int) -> Table:
    """The table of an appendix: header, the "Điểm tối đa" row if any, one row per unit."""
    size = Pt(10) if len(table.columns) <= 8 else Pt(9)
    rows = 1 + (table.max_row is not None) + len(table.rows)
    word: Table = document.add_table(rows=rows, cols=len(table.columns))
    word.style = document.styles["Table Grid"]
    word.autofit = False
    word.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = _widths(table.columns, width)
    for grid_column, column_width in zip(word.columns, widths, strict=True):
        grid_column.width = Emu(column_width)
    header = word.rows[0]
    for cell, column, column_width in zip(header.cells, table.columns, widths, strict=True):
        _fill(cell, column.header, WD_ALIGN_PARAGRAPH.CENTER, size, column_width, bold=True)
    repeat_header(header)
    keep_row_together(header)
    shade(header, HEADER_FILL)
    body = word.rows[1:]
    if table.max_row is not None:
        _row(body[0], table.columns, table.max_row, widths, size, italic=True)
        body = body[1:]
    for row, cells in zip(body, table.rows, strict=True):
        _row(row, table.columns, cells, widths, size)
    return word


def _widths(columns: Sequence[Column], width: int) -> list[int]:
    """Rank and unit name get fixed widths; the other columns share what is left, up to
    3 cm each (a short table stays narrow and centred)."""
    name = int(_NAME_WIDTH if len(columns) > 8 else _WIDE_NAME_WIDTH)
    others = sum(1 for c in columns if c.kind is not ColumnKind.RANK and c.header != "Đơn vị")
    share = min((width - int(_RANK_WIDTH) - name) // max(others, 1), int(_MAX_WIDTH))
    return [
        int(_RANK_WIDTH) if c.kind is ColumnKind.RANK else name if c.header == "Đơn vị" else share
        for c in columns
    ]


def _row(
    row: _Row,
    columns: Sequence[Column],
    cells: Sequence[Cell],
    widths: Sequence[int],
    size: Pt,
    *,
    italic: bool = False,
) -> None:
    keep_row_together(row)
    for cell, column, value, column_width in zip(row.cells, columns, cells, widths, strict=True):
        _fill(cell, value.text, _alignment(column), size, column_width, italic=italic)


def _alignment(column: Column) -> WD_ALIGN_PARAGRAPH:
    if column.kind is ColumnKind.TEXT:
        return WD_ALIGN_PARAGRAPH.LEFT if column.header == "Đơn vị" else WD_ALIGN_PARAGRAPH.CENTER
    if column.kind is ColumnKind.RANK:
        return WD_ALIGN_PARAGRAPH.CENTER
    return WD_ALIGN_PARAGRAPH.RIGHT


def _fill(
    cell: _Cell,
    text: str,
    alignment: WD_ALIGN_PARAGRAPH,
    size: Pt,
    width: int,
    *,
    bold: bool = False,
    italic: bool = False,
) -> None:
    cell.width = Emu(width)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = alignment
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(text)
    run.font.size = size
    run.bold, run.italic = bold or None, italic or None
