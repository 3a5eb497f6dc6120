"""The one description of the report's layout, read by both renderers: the DOCX
(dti.reports.docx) and the PDF drawn directly (dti.reports.direct_pdf). Pages and margins,
the font and its sizes, and the appendix tables' column widths are decided here, in points,
so that the two files agree (docs/reports.md, "Layout").

The values of a ranking never wrap (a unit's name stays on one line): each column is made as
wide as its widest value in the table's font, measured with the font's own metrics; when the
page is too narrow the whole table's font gets smaller, down to MIN_TABLE_PT.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from dti.reports.model import AppendixTable, Column, ColumnKind

CM = 72 / 2.54  # points in a centimetre
FONT = "Liberation Serif"  # the family the DOCX names; the PDF embeds the same files
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
BODY_PT = 13.0
NOTE_PT = 11.0
TABLE_PT = 10.0  # an appendix table of up to 8 columns
DENSE_TABLE_PT = 9.0  # more columns
MIN_TABLE_PT = 7.0
CELL_PADDING = 0.19 * CM  # each side: Word's default cell margin (0.19 cm)
HEADER_FILL = "D9D9D9"
SECTION_FILL = "F2F2F2"
NAME_HEADER = "Đơn vị"  # the column of unit names
RANK_WIDTH = 1.3 * CM
NAME_MIN_WIDTH = 5.4 * CM
MAX_WIDTH = 3.0 * CM  # a column of numbers is never wider
MIN_WIDTH = 1.4 * CM  # nor narrower


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.height - self.top - self.bottom


# A4; Nghị định 30/2020/NĐ-CP: top and bottom 2 cm, left 3 cm, right 2 cm.
PORTRAIT = Page(21.0 * CM, 29.7 * CM, 2.0 * CM, 2.0 * CM, 3.0 * CM, 2.0 * CM)
# The appendices: A4 landscape, narrower margins for the wide tables.
LANDSCAPE = Page(29.7 * CM, 21.0 * CM, 1.5 * CM, 1.5 * CM, 2.0 * CM, 1.5 * CM)
FOOTER_FROM_EDGE = 1.0 * CM


class FontMissing(RuntimeError):
    """The report font is not installed: the message names the Debian package."""


def font_path(style: str = "regular") -> Path:
    path = FONT_DIR / FONT_FILES[style]
    if not path.is_file():
        raise FontMissing(
            f"Thiếu phông chữ {path} để dựng báo cáo: cài gói Debian fonts-liberation2 "
            "(`make test` cài gói này)."
        )
    return path


@cache
def font_name(style: str = "regular") -> str:
    """The font registered with ReportLab under its own name (once per process)."""
    name = f"DTI-LiberationSerif-{style}"
    pdfmetrics.registerFont(TTFont(name, str(font_path(style))))
    return name


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return float(pdfmetrics.stringWidth(text, font_name("bold" if bold else "regular"), size))


@dataclass(frozen=True)
class TableLayout:
    widths: tuple[float, ...]  # points per column
    size: float  # font size of the whole table

    @property
    def width(self) -> float:
        return sum(self.widths)


def name_column(columns: tuple[Column, ...]) -> int | None:
    return next((i for i, c in enumerate(columns) if c.header == NAME_HEADER), None)


def table_layout(table: AppendixTable, available: float) -> TableLayout:
    """Every column as wide as its widest value needs at the table's font size (the unit's
    name at least NAME_MIN_WIDTH, numbers at least MIN_WIDTH), so that no value wraps; what
    the page has left widens the columns of numbers up to MAX_WIDTH each, then the names (a
    short table stays narrow and centred). When the page cannot hold the values the whole
    table's font gets smaller, down to MIN_TABLE_PT; a name wider than the page even then
    is drawn smaller still in its own cell by the PDF (fit_size). Headers wrap."""
    name = name_column(table.columns)
    size = TABLE_PT if len(table.columns) <= 8 else DENSE_TABLE_PT
    values = [_widest(table, i) for i in range(len(table.columns))]
    while True:
        needed = [_needed(table.columns[i], i == name, values[i], size) for i in range(len(values))]
        if sum(needed) <= available or size <= MIN_TABLE_PT:
            break
        size -= 0.5
    widths = list(needed)
    if name is not None and sum(widths) > available:  # a name longer than any page
        widths[name] = max(available - sum(widths) + widths[name], NAME_MIN_WIDTH)
    spare = available - sum(widths)
    growing = [
        i for i, c in enumerate(table.columns) if i != name and c.kind is not ColumnKind.RANK
    ]
    for i in growing:
        grow = min(max(MAX_WIDTH - widths[i], 0.0), spare / max(len(growing), 1))
        widths[i] += grow
    spare = available - sum(widths)
    if name is not None and spare > 0:
        widths[name] += min(spare, max(12 * CM - widths[name], 0.0))
    return TableLayout(tuple(widths), size)


def _needed(column: Column, is_name: bool, widest: str, size: float) -> float:
    value = text_width(widest, size) + 2 * CELL_PADDING + 1 if widest else 0.0
    if column.kind is ColumnKind.RANK:
        return max(value, RANK_WIDTH)
    return max(value, NAME_MIN_WIDTH if is_name else MIN_WIDTH)


def _widest(table: AppendixTable, column: int) -> str:
    """The widest value of a column, measured (a name of few wide letters can be wider
    than a longer one); numbers by their 40 longest texts."""
    texts = {row[column].text for row in table.rows}
    if table.max_row is not None:
        texts.add(table.max_row[column].text)
    if table.columns[column].kind not in (ColumnKind.TEXT,):
        texts = set(sorted(texts, key=len, reverse=True)[:40])
    return max(texts, key=lambda text: text_width(text, TABLE_PT), default="")


def fit_size(text: str, size: float, width: float) -> float:
    """The font size at which `text` fits on one line in a cell `width` wide: `size` when it
    does, smaller when it does not (a name longer than any page)."""
    room = width - 2 * CELL_PADDING
    needed = text_width(text, size)
    return size if needed <= room else max(size * room / needed, 1.0)


def alignment(column: Column) -> str:
    """How a column's cells align: "left" for the unit's name, "center" for ranks and other
    text (a class), "right" for numbers."""
    if column.kind is ColumnKind.TEXT:
        return "left" if column.header == NAME_HEADER else "center"
    if column.kind is ColumnKind.RANK:
        return "center"
    return "right"
