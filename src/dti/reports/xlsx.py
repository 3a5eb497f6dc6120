"""The appendices as a workbook: one sheet per appendix table. Row 1 holds the title, row 2
the note, row 3 the header (frozen, with a filter), then one row per unit in rank order and,
after a blank row, the maxima. Numbers are stored as numbers (percents as fractions, so a
spreadsheet computes with them). Every percent cell of the workbook has one format, with the
most decimals any of its tables prints ('0.0%' for the seeds: 99,3% overall, whole percents
per index, 94% as '94.0%'): the values are already rounded by the framework's policy, so the
format never rounds them again and never hides a decimal (docs/reports.md, "XLSX").

A table with sections (a long list grouped by former district, by peer group) gets one more
column, "Phân nhóm", after "Đơn vị", holding each row's section title: the rows stay one
block, so sorting and filtering keep working, and filtering on the column shows one section.

The workbook is written in openpyxl's write-only mode (`Workbook(write_only=True)`): each
sheet streams its rows to a temporary file as they are appended, and nothing is kept to be
looked up again: a level of 3,300 communes is eleven sheets and about 230,000 cells (its time
is in docs/performance-reports.md). What that mode allows (openpyxl 3.1: its "Optimised
Modes" documentation and `WriteOnlyWorksheet`, which borrows the ordinary sheet's freeze
panes, dimensions and filter), and how it is used here:

- rows are only appended, in order, and a written cell cannot be changed: the "DỰ THẢO"
  mark goes into the first title as it is written;
- freeze panes and column widths are written before the first row (the sheet's view and
  `<cols>` precede its data), so they are set before anything is appended; a row's height is
  read when that row is written, so the header's is set before the header;
- the auto filter is written after the rows: its range is set once the rows are known;
- styles are per cell (`WriteOnlyCell`); each style (a font, a border, a number format) is
  made once per workbook and every cell of that style shares it: openpyxl hashes a style
  object each time one is assigned, which cost more than the rest of the writing together.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from dti.reports.model import DRAFT, Appendix, AppendixTable, Cell, Column, ColumnKind, Report
from dti.text import spreadsheet_text

SECTION_HEADER = "Phân nhóm"
UNIT_HEADER = "Đơn vị"
# A spreadsheet cell holds at most 32,767 characters (UTF-16 code units, as Excel counts):
# longer text is cut, and the cut is shown by an ellipsis.
MAX_CELL_TEXT = 32_767
_ELLIPSIS = "…"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, horizontal="center", vertical="center")
_TITLE_FONT = Font(bold=True, size=12)
_NOTE_FONT = Font(italic=True)
_BOLD = Font(bold=True)
_HEADER_ROW = 3  # title, note, header
_FIRST_DATA_ROW = _HEADER_ROW + 1
_HEADER_HEIGHT = 45
_WIDTHS = {ColumnKind.RANK: 7, ColumnKind.TEXT: 14, ColumnKind.POINTS: 12}
_UNIT_WIDTH = 40
_SECTION_WIDTH = 24
_OTHER_WIDTH = 11

Stored = float | int | str | None


def render_xlsx(report: Report) -> bytes:
    workbook = Workbook(write_only=True)
    sheets = [
        (workbook.create_sheet(table.sheet), appendix, table)
        for appendix in report.appendices
        for table in appendix.tables
    ]
    if sheets:
        styles = _Styles.made_on(sheets[0][0], report)
        for number, (sheet, appendix, table) in enumerate(sheets):
            draft = report.draft and number == 0
            _write_sheet(sheet, _title(appendix, table, draft=draft), table, styles)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def percent_format(report: Report) -> str:
    """The one percent format of the workbook: as many decimals as the most precise percent
    column of any table ('0.0%' when one table prints 99,3% and the others whole percents)."""
    decimals = max(
        (
            column.decimals
            for appendix in report.appendices
            for table in appendix.tables
            for column in table.columns
            if column.kind is ColumnKind.PERCENT
        ),
        default=0,
    )
    return f"0{'.' + '0' * decimals if decimals else ''}%"


def cell_text(text: str) -> str:
    """Text as a cell stores it: never a formula (a unit named "=..." is shown as typed),
    without control characters, and at most MAX_CELL_TEXT UTF-16 code units, the last of
    them an ellipsis when the text was longer."""
    inert = spreadsheet_text(text)
    if len(inert) <= MAX_CELL_TEXT // 2:  # even if every character took two code units
        return inert
    units = inert.encode("utf-16-le")
    if len(units) <= 2 * MAX_CELL_TEXT:
        return inert
    kept = units[: 2 * (MAX_CELL_TEXT - len(_ELLIPSIS))]
    if 0xD8 <= kept[-1] <= 0xDB:  # a high surrogate whose pair was cut off
        kept = kept[:-2]
    return kept.decode("utf-16-le") + _ELLIPSIS


@dataclass(frozen=True)
class _Styles:
    """The workbook's styles, each registered once; a cell of a style is made with the
    style's array of indices (openpyxl's `style_array`), so no style object (a font, a
    border) is looked up again per cell."""

    title: StyleArray
    note: StyleArray
    header: StyleArray
    percent: str  # the workbook's one percent format
    formats: dict[str, StyleArray]  # data cells by number format: a border and the format

    @classmethod
    def made_on(cls, sheet: WriteOnlyWorksheet, report: Report) -> _Styles:
        """The styles of the report's workbook, made on one of its sheets (the indices are
        the workbook's, so every sheet uses them)."""
        percent = percent_format(report)
        formats = {"General"} | {
            _number_format(column, percent)
            for appendix in report.appendices
            for table in appendix.tables
            for column in table.columns
        }
        return cls(
            title=_style(sheet, font=_TITLE_FONT),
            note=_style(sheet, font=_NOTE_FONT),
            header=_style(sheet, font=_BOLD, header=True),
            percent=percent,
            formats={name: _style(sheet, number_format=name) for name in formats},
        )

    def data(self, column: Column) -> StyleArray:
        return self.formats[_number_format(column, self.percent)]


def _style(
    sheet: WriteOnlyWorksheet,
    *,
    font: Font | None = None,
    number_format: str | None = None,
    header: bool = False,
) -> StyleArray:
    """A style registered in the workbook through a cell's public setters, as the array of
    indices the cell then holds."""
    cell = WriteOnlyCell(sheet)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
        cell.border = _BORDER
    if header:
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = _HEADER_ALIGNMENT
    array: StyleArray = cell._style  # type: ignore[attr-defined]  # the stubs leave it out
    return array


def _number_format(column: Column, percent: str) -> str:
    if column.kind is ColumnKind.PERCENT:
        return percent
    if column.kind in (ColumnKind.POINTS, ColumnKind.DTI):
        return f"0.{'0' * column.decimals}" if column.decimals else "0"
    return "General"


def _title(appendix: Appendix, table: AppendixTable, *, draft: bool) -> str:
    title = f"{appendix.label}. {appendix.title}"
    title = f"{title} — {table.title}" if table.title else title
    return f"{DRAFT} — {title}" if draft else title


def _converter(column: Column) -> Callable[[Cell], Stored]:
    """What the spreadsheet stores for a cell of `column`: floats for numbers (a percent as
    its fraction), text through `cell_text`."""
    percent = column.kind is ColumnKind.PERCENT

    def stored(cell: Cell) -> Stored:
        value = cell.value
        if isinstance(value, Decimal):
            return float(value / 100 if percent else value)
        if isinstance(value, str):
            return cell_text(value)
        return value

    return stored


@dataclass(frozen=True)
class _Layout:
    """A table's columns as the sheet has them: the section column inserted after the
    unit's when the table has sections."""

    headers: tuple[str, ...]
    widths: tuple[float, ...]
    section_at: int | None  # position of the section column, 0-based

    @classmethod
    def of(cls, table: AppendixTable) -> _Layout:
        headers = [column.header for column in table.columns]
        widths: list[float] = [_width(column) for column in table.columns]
        if not table.sections:
            return cls(tuple(headers), tuple(widths), None)
        at = headers.index(UNIT_HEADER) + 1 if UNIT_HEADER in headers else len(headers)
        headers.insert(at, SECTION_HEADER)
        widths.insert(at, _SECTION_WIDTH)
        return cls(tuple(headers), tuple(widths), at)


def _width(column: Column) -> float:
    if column.header == UNIT_HEADER:
        return _UNIT_WIDTH
    return _WIDTHS.get(column.kind, _OTHER_WIDTH)


def section_titles(table: AppendixTable) -> Iterator[str | None]:
    """Each row's section title, in row order (None before the first section starts)."""
    starts = sorted(table.sections)
    current: str | None = None
    for row in range(len(table.rows)):
        while starts and starts[0][0] <= row:
            current = starts.pop(0)[1]
        yield current


def _write_sheet(
    sheet: WriteOnlyWorksheet, title: str, table: AppendixTable, styles: _Styles
) -> None:
    layout = _Layout.of(table)
    _prepare(sheet, layout)
    sheet.append([SheetCell(sheet, 1, 1, cell_text(title), styles.title)])
    note = cell_text(f"Ghi chú: {table.note}") if table.note else None
    sheet.append([SheetCell(sheet, 1, 1, note, styles.note)] if note else [])
    sheet.append([SheetCell(sheet, 1, 1, cell_text(h), styles.header) for h in layout.headers])
    columns = [(_converter(column), styles.data(column)) for column in table.columns]
    general = styles.formats["General"]
    for cells, section in zip(table.rows, section_titles(table), strict=True):
        row = _data_row(sheet, columns, cells)
        if layout.section_at is not None:
            text = cell_text(section) if section is not None else None
            row.insert(layout.section_at, SheetCell(sheet, 1, 1, text, general))
        sheet.append(row)
    if table.max_row is not None:  # below the units, so sorting and filtering leave it alone
        sheet.append([])
        row = _data_row(sheet, columns, table.max_row)
        if layout.section_at is not None:
            row.insert(layout.section_at, SheetCell(sheet, 1, 1, None, general))
        sheet.append(row)
    end = _HEADER_ROW + len(table.rows)
    last = get_column_letter(len(layout.headers))
    sheet.auto_filter.ref = f"A{_HEADER_ROW}:{last}{end}"  # type: ignore[attr-defined]


def _prepare(sheet: WriteOnlyWorksheet, layout: _Layout) -> None:
    """What a streamed sheet needs before its first row: column widths, the frozen panes and
    the header's height. (openpyxl's WriteOnlyWorksheet has Worksheet's dimensions and
    filter, copied at run time; its stubs leave them out.)"""
    for position, width in enumerate(layout.widths, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = width  # type: ignore[attr-defined]
    sheet.freeze_panes = f"C{_FIRST_DATA_ROW}"  # the header and the rank and unit columns
    sheet.row_dimensions[_HEADER_ROW].height = _HEADER_HEIGHT  # type: ignore[attr-defined]


def _data_row(
    sheet: WriteOnlyWorksheet,
    columns: list[tuple[Callable[[Cell], Stored], StyleArray]],
    cells: tuple[Cell, ...],
) -> list[SheetCell]:
    return [
        SheetCell(sheet, 1, 1, convert(cell), style)
        for (convert, style), cell in zip(columns, cells, strict=True)
    ]
