"""Word tables of the report: the borderless layout tables of the header and signature
block (python-docx), and the appendix tables written as WordprocessingML text in bulk.

An appendix of 3,300 communes holds a quarter of a million cells. python-docx builds an
element tree of about twenty objects per cell (over a gigabyte at that size, and a minute),
so the appendix tables are generated here as XML text, a few hundred rows at a time, and
streamed into word/document.xml where the DOCX writer left a placeholder (dti.reports.docx).

Each table: the header row repeated on every page (w:tblHeader) and shaded, the
"Điểm tối đa" row in italics, one row per unit; no row splits across pages (w:cantSplit),
unit names never wrap (w:noWrap, the column sized by dti.reports.layout), a section's title
on a row spanning the table and kept with the next row. Widths come from the layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Length
from docx.table import Table

from dti.reports.layout import HEADER_FILL, SECTION_FILL, TableLayout, alignment, name_column
from dti.reports.model import AppendixTable, Cell
from dti.reports.wordml import no_borders

ROWS_PER_CHUNK = 250
CELL_STYLES = {"left": "DTICellLeft", "center": "DTICellCenter", "right": "DTICellRight"}
# XML 1.0 allows none of these (a unit name is text people typed).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def borderless(document: Document, columns: int, widths: Sequence[Length]) -> Table:
    table: Table = document.add_table(rows=1, cols=columns)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = width  # the grid, which LibreOffice reads
        cell.width = width  # the cell, which Word reads
    return table


def text(value: str) -> str:
    return escape(_FORBIDDEN.sub("", value))


def _twips(points: float) -> int:
    return round(points * 20)


def table_chunks(table: AppendixTable, layout: TableLayout) -> Iterator[str]:
    """The w:tbl element of an appendix table, as text in pieces of ROWS_PER_CHUNK rows."""
    widths = [_twips(w) for w in layout.widths]
    half_points = round(layout.size * 2)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    yield (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" '
        'w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    )
    name = name_column(table.columns)
    aligns = [alignment(column) for column in table.columns]
    run = f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    header = "".join(
        _cell(w, "center", text(column.header), f"<w:b/>{run}", fill=HEADER_FILL)
        for w, column in zip(widths, table.columns, strict=True)
    )
    yield f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>"
    prefixes = [
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{"<w:noWrap/>" if i == name else ""}'
        f'<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{CELL_STYLES[a]}"/>'
        f'</w:pPr><w:r><w:rPr>{run}</w:rPr><w:t xml:space="preserve">'
        for i, (w, a) in enumerate(zip(widths, aligns, strict=True))
    ]
    if table.max_row is not None:
        yield _row(prefixes, table.max_row, italic=True)
    titles = dict(table.sections)
    chunk: list[str] = []
    for position, cells in enumerate(table.rows):
        if position in titles:
            chunk.append(_section(titles[position], widths, run))
        chunk.append(_row(prefixes, cells))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "</w:tbl>"


def _row(prefixes: Sequence[str], cells: Sequence[Cell], *, italic: bool = False) -> str:
    body = "".join(
        f"{prefix}{text(cell.text)}</w:t></w:r></w:p></w:tc>"
        for prefix, cell in zip(prefixes, cells, strict=True)
    )
    if italic:
        body = body.replace("<w:rPr>", "<w:rPr><w:i/>")
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{body}</w:tr>"


def _section(title: str, widths: Sequence[int], run: str) -> str:
    """A section's title on one row spanning the table, kept with the row after it."""
    cell = (
        f'<w:tc><w:tcPr><w:tcW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:gridSpan w:val="{len(widths)}"/>'
        f'<w:shd w:val="clear" w:color="auto" w:fill="{SECTION_FILL}"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{CELL_STYLES["left"]}"/><w:keepNext/></w:pPr>'
        f'<w:r><w:rPr><w:b/>{run}</w:rPr><w:t xml:space="preserve">{text(title)}</w:t></w:r>'
        "</w:p></w:tc>"
    )
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cell}</w:tr>"


def _cell(width: int, align: str, value: str, run: str, *, fill: str) -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
        f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/><w:vAlign w:val="center"/>'
        f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{CELL_STYLES[align]}"/></w:pPr>'
        f'<w:r><w:rPr>{run}</w:rPr><w:t xml:space="preserve">{value}</w:t></w:r></w:p></w:tc>'
    )
