"""An appendix table drawn straight onto PDF pages (ReportLab's canvas), for
dti.reports.direct_pdf.

A ranking's rows are all one line high (unit names never wrap: dti.reports.layout sizes the
column), so the table splits across pages by arithmetic: as many rows as the page holds,
the header row repeated at the top of each page, a section's title never left alone at the
bottom of a page. Every cell is one string drawn at a computed position; ReportLab's
general Table, which measures every cell of every row, would take minutes at 3,300 units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import HexColor, black
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from dti.reports.layout import (
    CELL_PADDING,
    HEADER_FILL,
    SECTION_FILL,
    TableLayout,
    alignment,
    fit_size,
    font_name,
    name_column,
    text_width,
)
from dti.reports.model import AppendixTable, Column
from dti.text import clean_text

LINE = 0.5  # points: the grid
# Set true on the canvas of a pass whose pages are only counted (the first pass of a
# document with contents): the rows are measured and split, not drawn.
SKETCH = "dti_sketch"
_V_PADDING = 2.0
_LEADING = 1.2  # times the font size


@dataclass(frozen=True)
class _Row:
    cells: tuple[str, ...] | None  # None: a section's title
    title: str = ""
    italic: bool = False


def rows_of(table: AppendixTable) -> list[_Row]:
    """The table's rows under its header: the maxima, then each unit with the titles of
    the sections before their first row; without the control characters a PDF would draw
    as boxes."""
    rows: list[_Row] = []
    if table.max_row is not None:
        rows.append(_Row(tuple(clean_text(c.text) for c in table.max_row), italic=True))
    titles = dict(table.sections)
    for position, cells in enumerate(table.rows):
        if position in titles:
            rows.append(_Row(None, clean_text(titles[position])))
        rows.append(_Row(tuple(clean_text(c.text) for c in cells)))
    return rows


class RowsTable(Flowable):
    """Rows of an appendix table with its header; splits itself across pages."""

    def __init__(
        self, columns: Sequence[Column], layout: TableLayout, rows: Sequence[_Row]
    ) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self.layout = layout
        self.rows = rows
        size = layout.size
        self.row_height = size * _LEADING + 2 * _V_PADDING
        self.header_lines = [
            simpleSplit(column.header, font_name("bold"), size, width - 2 * CELL_PADDING)
            for column, width in zip(columns, layout.widths, strict=True)
        ]
        lines = max((len(lines) for lines in self.header_lines), default=1)
        self.header_height = lines * size * _LEADING + 2 * _V_PADDING
        self.width = layout.width
        # Names of up to this many characters fit their column whatever their letters
        # (the layout measured the widest); only longer ones are measured when drawn.
        name = name_column(self.columns)
        self.short_names = (
            int((layout.widths[name] - 2 * CELL_PADDING) // text_width("W", size))
            if name is not None
            else 0
        )
        self.height = self.header_height + len(rows) * self.row_height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        fits = int((available_height - self.header_height) // self.row_height)
        if fits >= len(self.rows):
            return [self]
        if fits > 0 and self.rows[fits - 1].cells is None:  # a title goes with its rows
            fits -= 1
        if fits < 1:
            return []  # the whole table starts on the next page
        return [
            RowsTable(self.columns, self.layout, self.rows[:fits]),
            RowsTable(self.columns, self.layout, self.rows[fits:]),
        ]

    def draw(self) -> None:
        canvas = self.canv
        if getattr(canvas, SKETCH, False):
            return
        widths = self.layout.widths
        edges = [0.0]
        for width in widths:
            edges.append(edges[-1] + width)
        top = self.height
        self._header(edges, top)
        y = top - self.header_height
        size = self.layout.size
        aligns = [alignment(column) for column in self.columns]
        regular, italic, bold = font_name("regular"), font_name("italic"), font_name("bold")
        canvas.setLineWidth(LINE)
        canvas.setStrokeColor(black)
        for row in self.rows:
            base = y - self.row_height + _V_PADDING + size * 0.3
            if row.cells is None:
                canvas.setFillColor(HexColor(f"#{SECTION_FILL}"))
                canvas.rect(0, y - self.row_height, edges[-1], self.row_height, stroke=1, fill=1)
                canvas.setFillColor(black)
                canvas.setFont(bold, size)
                canvas.drawString(CELL_PADDING, base, row.title)
            else:
                font = italic if row.italic else regular
                canvas.setFont(font, size)
                for text, align, left, right in zip(
                    row.cells, aligns, edges[:-1], edges[1:], strict=True
                ):
                    if align == "left" and len(text) > self.short_names:
                        fitted = fit_size(text, size, right - left)
                        if fitted < size:  # a name wider than any page: smaller, one line
                            canvas.setFont(font, fitted)
                            _text(canvas, text, align, left, right, base)
                            canvas.setFont(font, size)
                            continue
                    _text(canvas, text, align, left, right, base)
                self._cells(edges, y)
            y -= self.row_height

    def _cells(self, edges: Sequence[float], y: float) -> None:
        path = self.canv.beginPath()
        bottom = y - self.row_height
        for x in edges:
            path.moveTo(x, y)
            path.lineTo(x, bottom)
        path.moveTo(edges[0], bottom)
        path.lineTo(edges[-1], bottom)
        self.canv.drawPath(path, stroke=1, fill=0)

    def _header(self, edges: Sequence[float], top: float) -> None:
        canvas = self.canv
        height = self.header_height
        canvas.setLineWidth(LINE)
        canvas.setFillColor(HexColor(f"#{HEADER_FILL}"))
        canvas.rect(0, top - height, edges[-1], height, stroke=1, fill=1)
        canvas.setFillColor(black)
        size = self.layout.size
        canvas.setFont(font_name("bold"), size)
        for lines, left, right in zip(self.header_lines, edges[:-1], edges[1:], strict=True):
            block = len(lines) * size * _LEADING
            y = top - (height - block) / 2 - size
            for line in lines:
                canvas.drawCentredString((left + right) / 2, y, line)
                y -= size * _LEADING
        path = canvas.beginPath()
        for x in edges:
            path.moveTo(x, top)
            path.lineTo(x, top - height)
        canvas.drawPath(path, stroke=1, fill=0)


def _text(canvas: Canvas, text: str, align: str, left: float, right: float, y: float) -> None:
    if not text:
        return
    if align == "left":
        canvas.drawString(left + CELL_PADDING, y, text)
    elif align == "right":
        canvas.drawRightString(right - CELL_PADDING, y, text)
    else:
        canvas.drawCentredString((left + right) / 2, y, text)
