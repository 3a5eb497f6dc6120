"""A filtered audit trail as a file: CSV (UTF-8 with a byte order mark, so Excel reads the
Vietnamese letters) and XLSX. Vietnamese file formats whatever the page's language
(docs/i18n.md); writing never touches the database."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from io import BytesIO, StringIO
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from dti.text import clean_text, spreadsheet_text
from portal.audit.rows import LogRow

if TYPE_CHECKING:
    from openpyxl import Workbook

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
XLSX_ROWS = 1_048_576  # a worksheet's rows, the title and header included
XLSX_CELL = 32_767  # characters a cell holds
# rows written to a temporary file as they come; a text is never read as a number, a
# formula or a link
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


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
    them; the columns as wide as `widths` says (the progress table's export uses it too).
    The spreadsheet libraries are loaded by the exports that write, not by every process
    that imports them (docs/deployment.md, "Memory")."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

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


class TooManyRows(ValueError):
    """More entries than a worksheet has rows: the words say to filter or take the CSV."""


def log_xlsx(rows: Iterable[LogRow], title: str) -> bytes:
    """One sheet: a title line, the header (frozen), one entry per row; times as dates.

    Written by XlsxWriter in its constant-memory mode (each row goes to a temporary file as
    it is written, strings inline): 100,000 entries are 1,100,000 cells, which openpyxl's
    write-only mode took 9 s to write on the benchmark's machine and XlsxWriter 5 to 7
    (docs/performance-ledger.md). Every text is written as text, never read as a formula
    or a number."""
    import xlsxwriter

    out = BytesIO()
    book = xlsxwriter.Workbook(out, XLSX_OPTIONS)
    sheet = book.add_worksheet(SHEET)
    bold = book.add_format({"bold": True})
    moment = book.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    for index, width in enumerate(WIDTHS):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(2, 0)
    sheet.write_string(0, 0, spreadsheet_text(title), bold)
    for index, name in enumerate(COLUMNS):
        sheet.write_string(1, index, name, bold)
    write_number, write_datetime, write_string = (
        sheet.write_number, sheet.write_datetime, sheet.write_string,
    )  # fmt: skip
    for line, cells in enumerate(xlsx_cells(rows), start=2):
        if line >= XLSX_ROWS:
            book.close()
            raise TooManyRows(
                gettext(
                    "Nhật ký đã lọc có hơn %(count)s mục, quá số dòng của một trang tính "
                    "XLSX: hãy lọc bớt (theo thời gian, đơn vị, tiêu chí) hoặc tải tệp CSV."
                )
                % {"count": f"{XLSX_ROWS - 2:,}".replace(",", ".")}
            )
        write_number(line, 0, cells[0])
        write_datetime(line, 1, cells[1], moment)
        for column, text in enumerate(cells[2:], start=2):
            if text is not None:
                if len(text) > XLSX_CELL:  # a cell holds no more: cut, and say so
                    text = text[: XLSX_CELL - 1] + "…"
                write_string(line, column, text)
    book.close()
    return out.getvalue()


def xlsx_cells(rows: Iterable[LogRow]) -> Iterator[list[Any]]:
    """Each entry's cells as the XLSX holds them: its id, its local time as shown (without
    the zone: a spreadsheet's dates have none), then its texts, made inert as the CSV's are
    (a spreadsheet opened from a copy pasted elsewhere would still read "=…" as a formula);
    an empty text is an empty cell (None)."""
    for row in rows:
        texts = [None if text == "" else _inert_text(text) for text in _texts(row)]
        yield [row.id, row.at.replace(tzinfo=None), *texts]
