"""The campaign's progress table as a file, with the columns the page shows and Vietnamese
headers: XLSX (openpyxl's write-only workbook) and CSV (UTF-8 with a byte order mark, so
Excel reads the Vietnamese letters). Writing never touches the database."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO, StringIO

from django.utils import timezone

from dti.text import spreadsheet_text
from portal.auditlog.exports import titled_sheet
from portal.moments import moment_text

Cell = str | int | datetime | None
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Tiến độ tự đánh giá"


def _text(value: Cell) -> Cell:
    """A moment in the portal's time zone; text a spreadsheet would run as a formula kept as
    text."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return spreadsheet_text(value) if isinstance(value, str) else value


def progress_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells = [_text(cell) for cell in row]
        writer.writerow(
            [moment_text(cell) if isinstance(cell, datetime) else cell for cell in cells]
        )
    return out.getvalue().encode("utf-8-sig")


def progress_xlsx(header: Sequence[str], rows: Iterable[Sequence[Cell]], title: str) -> bytes:
    """One sheet: a title line, the header (frozen, bold), one unit per row; moments as
    dates written dd/mm/yyyy hh:mm."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    widths = [34 if index == 1 else 18 for index in range(len(header))]
    sheet = titled_sheet(book, SHEET, title, header, widths)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_text(value))
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            cells.append(cell)
        sheet.append(cells)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
