"""The appendices as a workbook: one sheet per appendix table. Row 1 holds the title, row 2
the note, row 3 the header (frozen, with a filter), then one row per unit in rank order and,
after a blank row, the maxima. Numbers are stored as numbers (percents as fractions, so a
spreadsheet computes with them). Every percent cell of the workbook has one format, with the
most decimals any of its tables prints: '0.0%' for Bình Định 2023 (99,3% overall, whole
percents per index, 94% as '94.0%'), '0.00%' for Bình Phước 2024 (its one percent table, the
ratio-ranked "Hoạt động chính quyền số", at two decimals; its other indices rank on points,
without a percent column): the values are already rounded by the framework's policy, so the
format never rounds them again and never hides a decimal (docs/reports.md, "XLSX").

A table with sections (a long list grouped by former district, by peer group) gets one more
column, "Phân nhóm", after "Đơn vị", holding each row's section title: the rows stay one
block, so sorting and filtering keep working, and filtering on the column shows one section.

The package is written by openpyxl in its write-only mode (`Workbook(write_only=True)`):
the workbook, its styles and each sheet's frame (rows 1 to 3, the widths, the frozen panes,
the filter). What that mode allows (openpyxl 3.1: its "Optimised Modes" documentation and
`WriteOnlyWorksheet`, which borrows the ordinary sheet's freeze panes, dimensions and
filter), and how it is used here:

- rows are only appended, in order, and a written cell cannot be changed: the "DỰ THẢO"
  mark goes into the first title as it is written;
- freeze panes and column widths are written before the first row (the sheet's view and
  `<cols>` precede its data), so they are set before anything is appended; a row's height is
  read when that row is written, so the header's is set before the header;
- the auto filter is written after the rows: its range is set once the rows are known;
- styles are per cell (`WriteOnlyCell`); each style (a font, a border, a number format) is
  a shared object, registered once per workbook.

The units' rows are not written through openpyxl. A level of 3,300 communes is eleven
sheets and about 300,000 cells, and each of openpyxl's cells, even streamed, costs a cell
object, a type check, a style lookup and an XML element: 7 to 15 s on the development
machine, over the 5 s the report has (docs/performance-reports.md). Those rows are plain
SpreadsheetML (`<row><c r="B4" s="5"><v>0.993</v></c>…`), written here with the style
numbers openpyxl gave the shared styles (`style_id`) and inserted before the end of each
sheet's `<sheetData>` once openpyxl has saved the package: the same cells, in about a second.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
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
    rows: list[tuple[WriteOnlyWorksheet, bytes]] = []
    if sheets:
        styles = _Styles.made_on(sheets[0][0], report)
        for number, (sheet, appendix, table) in enumerate(sheets):
            draft = report.draft and number == 0
            layout = _Layout.of(table)
            _write_frame(sheet, _title(appendix, table, draft=draft), table, layout, styles)
            rows.append((sheet, _unit_rows(table, layout, styles)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_rows(buffer.getvalue(), {sheet.path.lstrip("/"): xml for sheet, xml in rows})


def percent_format(report: Report) -> str:
    """The one percent format of the workbook: as many decimals as the most precise percent
    column of any table ('0.0%' when one table prints 99,3% and the others whole percents,
    '0.00%' when the most precise prints two decimals)."""
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
    """The workbook's shared styles: the fonts of the frame's rows, and the style number
    (openpyxl's `style_id`) of each data cell's style, a thin border and a number format."""

    percent: str  # the workbook's one percent format
    formats: dict[str, int]  # style number by number format

    @classmethod
    def made_on(cls, sheet: WriteOnlyWorksheet, report: Report) -> _Styles:
        """The styles of the report's workbook, registered through a cell of one of its
        sheets (the numbers are the workbook's, so every sheet uses them)."""
        percent = percent_format(report)
        formats = {"General"} | {
            _number_format(column, percent)
            for appendix in report.appendices
            for table in appendix.tables
            for column in table.columns
        }
        return cls(percent, {name: _style_number(sheet, name) for name in sorted(formats)})

    def data(self, column: Column) -> int:
        return self.formats[_number_format(column, self.percent)]


def _style_number(sheet: WriteOnlyWorksheet, number_format: str) -> int:
    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    cell.border = _BORDER
    return cell.style_id


def _styled(sheet: WriteOnlyWorksheet, value: str, font: Font, header: bool = False) -> SheetCell:
    cell = WriteOnlyCell(sheet, value)
    cell.font = font
    if header:
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = _HEADER_ALIGNMENT
    return cell


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


def _write_frame(
    sheet: WriteOnlyWorksheet, title: str, table: AppendixTable, layout: _Layout, styles: _Styles
) -> None:
    """Through openpyxl: the widths, the frozen panes, rows 1 to 3 and the filter.

    openpyxl's WriteOnlyWorksheet has Worksheet's dimensions and filter, copied at run time;
    its stubs leave them out, hence the ignores below.
    """
    for position, width in enumerate(layout.widths, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = width  # type: ignore[attr-defined]  # not in stubs
    sheet.freeze_panes = f"C{_FIRST_DATA_ROW}"  # the header and the rank and unit columns
    sheet.row_dimensions[_HEADER_ROW].height = _HEADER_HEIGHT  # type: ignore[attr-defined]  # not in stubs
    sheet.append([_styled(sheet, cell_text(title), _TITLE_FONT)])
    note = [_styled(sheet, cell_text(f"Ghi chú: {table.note}"), _NOTE_FONT)]
    sheet.append(note if table.note else [])
    sheet.append([_styled(sheet, cell_text(h), _BOLD, header=True) for h in layout.headers])
    end = _HEADER_ROW + len(table.rows)
    last = get_column_letter(len(layout.headers))
    sheet.auto_filter.ref = f"A{_HEADER_ROW}:{last}{end}"  # type: ignore[attr-defined]  # not in stubs


def _unit_rows(table: AppendixTable, layout: _Layout, styles: _Styles) -> bytes:
    """The units' rows from row 4, then after a blank row the maxima, as SpreadsheetML."""
    columns = [(_converter(column), styles.data(column)) for column in table.columns]
    general = styles.formats["General"]
    styles_in_order = [style for _, style in columns]
    if layout.section_at is not None:
        styles_in_order.insert(layout.section_at, general)
    letters = [get_column_letter(n) for n in range(1, len(styles_in_order) + 1)]
    parts = []
    for offset, (cells, section) in enumerate(zip(table.rows, section_titles(table), strict=True)):
        values = [convert(cell) for (convert, _), cell in zip(columns, cells, strict=True)]
        if layout.section_at is not None:
            values.insert(layout.section_at, cell_text(section) if section else None)
        parts.append(_row_xml(_FIRST_DATA_ROW + offset, letters, styles_in_order, values))
    if table.max_row is not None:  # below the units, so sorting and filtering leave it alone
        values = [convert(c) for (convert, _), c in zip(columns, table.max_row, strict=True)]
        if layout.section_at is not None:
            values.insert(layout.section_at, None)
        row = _FIRST_DATA_ROW + len(table.rows) + 1
        parts.append(_row_xml(row, letters, styles_in_order, values))
    return "".join(parts).encode("utf-8")


def _row_xml(row: int, letters: list[str], styles: list[int], values: list[Stored]) -> str:
    cells = "".join(
        _cell_xml(f"{letter}{row}", style, value)
        for letter, style, value in zip(letters, styles, values, strict=True)
    )
    return f'<row r="{row}">{cells}</row>'


def _cell_xml(ref: str, style: int, value: Stored) -> str:
    """One cell: a number as its shortest exact decimal (Python's repr), text inline (as
    openpyxl writes it), an empty cell with its style only, so its border shows."""
    if value is None:
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return (
            f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_escaped(value)}</t></is></c>'
        )
    return f'<c r="{ref}" s="{style}" t="n"><v>{value!r}</v></c>'


def _escaped(text: str) -> str:
    """Text for XML content; a carriage return as a reference, or a reader would make it
    a line feed. (cell_text has removed every character XML does not allow.)"""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _with_rows(package: bytes, rows: dict[str, bytes]) -> bytes:
    """The package openpyxl saved, with each sheet's unit rows put at the end of its
    `<sheetData>` (after the frame's rows 1 to 3)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename in rows:
                head, end, tail = data.rpartition(b"</sheetData>")
                if not end:
                    raise ValueError(f"{item.filename} has no <sheetData> to add the rows to")
                data = head + rows[item.filename] + end + tail
            target.writestr(item, data)
    return out.getvalue()
