"""A filtered audit trail as a file: CSV (UTF-8 with a byte order mark, so Excel reads the
Vietnamese letters) and XLSX. Vietnamese file formats whatever the page's language
(docs/i18n.md); writing never touches the database."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from io import BytesIO, StringIO
from itertools import islice
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dti.text import clean_text, spreadsheet_text
from portal.audit.rows import LogRow

COLUMNS = (
    "Mã mục", "Thời điểm", "Người thực hiện", "Đơn vị", "Tiêu chí", "Thay đổi",
    "Giá trị cũ", "Giá trị mới", "Lý do", "Giá trị cũ (JSON)", "Giá trị mới (JSON)",
)  # fmt: skip
WIDTHS = (9, 20, 24, 28, 16, 34, 30, 30, 40, 30, 30)
SHEET = "Nhật ký thay đổi"
MOMENT = "%d/%m/%Y %H:%M:%S"
NUMBER = re.compile(r"-\d+(,\d+)?")
CSV_BATCH = 500  # entries a piece of the streamed CSV holds
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _texts(row: LogRow) -> tuple[str, ...]:
    """The entry's columns after its id and time: all text."""
    return (
        row.actor, row.unit, row.criterion, row.what, row.old, row.new, row.reason,
        row.old_json, row.new_json,
    )  # fmt: skip


@lru_cache(maxsize=8192)  # most cells recur: the same people, units, criteria, values
def _inert_text(value: str) -> str:
    """Text a spreadsheet would run as a formula (a note typed as "=…") is kept as text, and
    a control character stored before the portal refused them is dropped (one would make the
    XLSX unreadable). A negative value as the log writes it ("-12,5") is left as it is."""
    cleaned = clean_text(value)
    return cleaned if NUMBER.fullmatch(cleaned) else spreadsheet_text(cleaned)


def log_csv(rows: Iterable[LogRow]) -> Iterator[bytes]:
    """The CSV in pieces as the entries are read: the byte order mark and the header first
    (the browser's download starts at once), then every CSV_BATCH entries."""
    out = StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield out.getvalue().encode("utf-8-sig")
    entries = iter(rows)
    while batch := list(islice(entries, CSV_BATCH)):
        out.seek(0)
        out.truncate()
        writer.writerows(
            [row.id, row.at.strftime(MOMENT), *[_inert_text(text) for text in _texts(row)]]
            for row in batch
        )
        yield out.getvalue().encode("utf-8")


def titled_sheet(
    book: Workbook, name: str, title: str, header: Sequence[str], widths: Sequence[float]
) -> Any:  # openpyxl's stubs give a write-only sheet no column_dimensions
    """A write-only sheet of an export: a title line and the header, both bold, frozen under
    them; the columns as wide as `widths` says (the progress table's export uses it too)."""
    sheet = book.create_sheet(name)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    heading = WriteOnlyCell(sheet, value=spreadsheet_text(title))
    heading.font = Font(bold=True)
    sheet.append([heading])
    names = []
    for column in header:  # a column's title may be a framework's name: text, never a formula
        cell = WriteOnlyCell(sheet, value=spreadsheet_text(column))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        names.append(cell)
    sheet.append(names)
    return sheet


def log_xlsx(rows: Iterable[LogRow], title: str) -> bytes:
    """One sheet: a title line, the header (frozen), one entry per row; times as dates."""
    book = Workbook(write_only=True)
    sheet = titled_sheet(book, SHEET, title, COLUMNS, WIDTHS)
    for cells in xlsx_cells(rows):
        moment = WriteOnlyCell(sheet, value=cast(datetime, cells[1]))
        moment.number_format = "dd/mm/yyyy hh:mm:ss"
        cells[1] = moment
        sheet.append(cells)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_cells(rows: Iterable[LogRow]) -> Iterator[list[object]]:
    """Each entry's cells as the XLSX holds them. Plain values, no cell objects (one per
    value cost as much again): openpyxl reads text as a formula only when it starts with
    "=", which `_inert_text` never lets it. An empty text is an empty cell, which openpyxl skips
    where it writes "" as a string. The time is the local time, as shown."""
    for row in rows:
        texts = [None if text == "" else _inert_text(text) for text in _texts(row)]
        yield [row.id, row.at.replace(tzinfo=None), *texts]
