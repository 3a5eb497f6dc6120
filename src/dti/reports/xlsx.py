"""The appendices as a workbook: one sheet per appendix table. Row 1 holds the title, row 2
the note, row 3 the header (frozen, with a filter), then one row per unit in rank order and,
after a blank row, the maxima. Numbers are stored as numbers (percents as fractions, so a
spreadsheet computes with them). Every percent cell of the workbook has one format, with the
most decimals any of its tables prints: '0.0%' for Bình Định 2023 (99,3% overall, whole
percents per index, 94% as '94.0%'), '0.00%' for Bình Phước 2024 (its one percent table, the
ratio-ranked "Hoạt động chính quyền số", at two decimals; its other indices rank on points,
without a percent column): the values are already rounded by the framework's policy, so the
format never rounds them again and never hides a decimal (docs/reports.md, "XLSX")."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dti.reports.model import DRAFT, Appendix, AppendixTable, Cell, Column, ColumnKind, Report
from dti.text import spreadsheet_text

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_FIRST_DATA_ROW = 4  # title, reference, header
_WIDTHS = {ColumnKind.RANK: 7, ColumnKind.TEXT: 14, ColumnKind.POINTS: 12}


def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    percent = percent_format(report)
    for appendix in report.appendices:
        for table in appendix.tables:
            _sheet(workbook.create_sheet(table.sheet), appendix, table, percent)
    if report.draft and workbook.worksheets:
        title = workbook.worksheets[0]["A1"]
        title.value = f"{DRAFT} — {title.value}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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


def _number_format(column: Column, percent: str) -> str:
    decimals = "." + "0" * column.decimals if column.decimals else ""
    if column.kind is ColumnKind.PERCENT:
        return percent
    if column.kind in (ColumnKind.POINTS, ColumnKind.DTI):
        return f"0{decimals}"
    return "General"


def _value(column: Column, cell: Cell) -> float | int | str | None:
    """What the spreadsheet stores: floats for numbers (a percent as its fraction); text
    never as a formula (a unit named "=..."), without control characters."""
    if isinstance(cell.value, Decimal):
        value = cell.value / 100 if column.kind is ColumnKind.PERCENT else cell.value
        return float(value)
    if isinstance(cell.value, str):
        return spreadsheet_text(cell.value)
    return cell.value


def _sheet(sheet: Worksheet, appendix: Appendix, table: AppendixTable, percent: str) -> None:
    title = f"{appendix.label}. {appendix.title}"
    sheet["A1"] = spreadsheet_text(f"{title} — {table.title}" if table.title else title)
    sheet["A1"].font = Font(bold=True, size=12)
    if table.note:
        sheet["A2"] = spreadsheet_text(f"Ghi chú: {table.note}")
        sheet["A2"].font = Font(italic=True)
    header_row = _FIRST_DATA_ROW - 1
    for position, column in enumerate(table.columns, start=1):
        header = sheet.cell(row=header_row, column=position, value=spreadsheet_text(column.header))
        header.font = Font(bold=True)
        header.fill = _HEADER_FILL
        header.border = _BORDER
        header.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        width = 40 if column.header == "Đơn vị" else _WIDTHS.get(column.kind, 11)
        sheet.column_dimensions[get_column_letter(position)].width = width
    for offset, cells in enumerate(table.rows):
        _data_row(sheet, _FIRST_DATA_ROW + offset, table.columns, cells, percent)
    end = header_row + len(table.rows)
    if table.max_row is not None:  # below the units, so sorting and filtering leave it alone
        _data_row(sheet, end + 2, table.columns, table.max_row, percent)
    sheet.freeze_panes = f"C{_FIRST_DATA_ROW}"  # the header and the rank and unit columns
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{end}"
    sheet.row_dimensions[header_row].height = 45


def _data_row(
    sheet: Worksheet, row: int, columns: tuple[Column, ...], cells: tuple[Cell, ...], percent: str
) -> None:
    for position, (column, value) in enumerate(zip(columns, cells, strict=True), start=1):
        stored = sheet.cell(row=row, column=position, value=_value(column, value))
        stored.number_format = _number_format(column, percent)
        stored.border = _BORDER
