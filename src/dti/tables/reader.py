"""Reading a published table (TSV, CSV or XLSX) into raw rows of cell text.

Nothing here interprets numbers or units: the reader finds the header row (the one with a
unit column such as "Đơn vị"), keeps the title lines above it, drops blank rows and the header
copies that reports repeat on every page, and keeps each row's physical line number for
messages. The format is decided by content, not by the file name, because uploads arrive with
any name. Every failure on bad input is a :class:`TableReadError` with a Vietnamese message.
Workbooks are opened by :mod:`dti.tables.xlsx`; the types shared with it live in
:mod:`dti.tables.raw` and are importable from here.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dti.names import normalize_label
from dti.tables.cells import is_blank
from dti.tables.raw import UNIT_COLUMN_LABELS as UNIT_COLUMN_LABELS
from dti.tables.raw import RawRow as RawRow
from dti.tables.raw import RawTable as RawTable
from dti.tables.raw import TableReadError as TableReadError
from dti.tables.raw import no_header_error, thousands
from dti.tables.xlsx import read_xlsx
from dti.text import control_characters

if TYPE_CHECKING:
    import _csv  # the reader's type; its line_num gives physical line numbers

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000

_XLSX_SIGNATURE = b"PK\x03\x04"
_XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TEXT_DELIMITERS = ("\t", ";", ",")


# ---- entry points --------------------------------------------------------------------------


def read_table(
    path: str | os.PathLike[str], *, sheet: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> RawTable:
    source = os.fspath(path)
    try:
        with Path(path).open("rb") as stream:
            # Read one byte past the limit rather than trusting stat(): pipes have no size.
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise TableReadError(f"không mở được tệp ({exc.strerror}).", source=source) from exc
    return read_table_bytes(data, source=source, sheet=sheet, max_bytes=max_bytes)


def read_table_bytes(
    data: bytes, *, source: str, sheet: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> RawTable:
    """Read a table held in memory (an upload); ``source`` names it in messages."""
    if len(data) > max_bytes:
        raise TableReadError(f"tệp lớn hơn giới hạn {thousands(max_bytes)} byte.", source=source)
    if data.startswith(_XLSX_SIGNATURE):
        return read_xlsx(
            data, source=source, sheet=sheet, max_bytes=max_bytes, build_table=_sheet_table
        )
    if data.startswith(_XLS_SIGNATURE):
        raise TableReadError(
            "tệp Excel 97–2003 (.xls) chưa được hỗ trợ; hãy lưu lại dưới dạng .xlsx.",
            source=source,
        )
    if sheet is not None:
        raise TableReadError(f"tệp là bảng văn bản, không có trang tính “{sheet}”.", source=source)
    return _read_text(_decode(data, source), source=source)


# ---- building the table from rows ----------------------------------------------------------


def table_from_rows(
    rows: Sequence[RawRow], *, source: str, sheet: str | None = None
) -> RawTable | None:
    """The table in rows of cell text found inside a document (dti.documents): as a file's
    rows, its header is the first row with a unit column; None if there is none."""
    checked = [
        _checked_row(row.number, list(row.cells), source=source, sheet=sheet) for row in rows
    ]
    return _build_table(checked, source=source, sheet=sheet)


def _build_table(rows: Sequence[RawRow], *, source: str, sheet: str | None) -> RawTable | None:
    """The table whose header is the first row with a unit column; None if there is none."""
    index = next((i for i, row in enumerate(rows) if _is_header(row)), None)
    if index is None:
        return None
    header = rows[index]  # trailing empty cells are already gone (_checked_row)
    header_key = _label_key(header.cells)
    body: list[RawRow] = []
    for row in rows[index + 1 :]:
        if all(is_blank(cell) for cell in row.cells):
            continue
        fitted = _fit_to_header(row, len(header.cells), source=source, sheet=sheet)
        if _label_key(fitted.cells) != header_key:
            body.append(fitted)
    title = tuple(" ".join(c for c in row.cells if c) for row in rows[:index] if any(row.cells))
    return RawTable(source=source, sheet=sheet, title=title, header=header, rows=tuple(body))


def _is_header(row: RawRow) -> bool:
    return any(normalize_label(cell) in UNIT_COLUMN_LABELS for cell in row.cells if cell)


def _label_key(cells: Iterable[str]) -> tuple[str, ...]:
    return tuple(normalize_label(cell) for cell in cells)


def _fit_to_header(row: RawRow, width: int, *, source: str, sheet: str | None) -> RawRow:
    """Pad a row with '' to the header's width; refuse values beyond the header."""
    if len(row.cells) <= width:
        return RawRow(row.number, row.cells + ("",) * (width - len(row.cells)))
    extra = next((i for i in range(width, len(row.cells)) if row.cells[i]), None)
    if extra is not None:
        raise TableReadError(
            f"có giá trị {_shown(row.cells[extra])} ngoài {width} cột của dòng tiêu đề.",
            source=source,
            sheet=sheet,
            row=row.number,
            column=_letter(extra + 1),
        )
    return RawRow(row.number, row.cells[:width])


def _shown(text: str, limit: int = 40) -> str:
    return f"“{text}”" if len(text) <= limit else f"“{text[:limit]}…”"


def _without_trailing_blanks(cells: Sequence[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return list(cells[:end])


def _checked_row(number: int, cells: list[str], *, source: str, sheet: str | None) -> RawRow:
    """A row within the size limits, trailing empty cells removed."""
    if number > MAX_ROWS:
        raise TableReadError(
            f"bảng có hơn {thousands(MAX_ROWS)} dòng, vượt giới hạn.", source=source, sheet=sheet
        )
    cells = _without_trailing_blanks(cells)
    _refuse_control_characters(number, cells, source=source, sheet=sheet)
    if len(cells) > MAX_COLUMNS:
        raise TableReadError(
            f"dòng có {thousands(len(cells))} cột, vượt giới hạn {thousands(MAX_COLUMNS)} cột.",
            source=source,
            sheet=sheet,
            row=number,
        )
    return RawRow(number=number, cells=tuple(cells))


def _refuse_control_characters(
    number: int, cells: Sequence[str], *, source: str, sheet: str | None
) -> None:
    """Refuse a cell holding a control character (a raw byte of a CSV, or an XLSX escape
    `_x000B_` openpyxl unescapes): stored, it breaks every XLSX made from it and PostgreSQL
    refuses NUL."""
    for position, cell in enumerate(cells[:MAX_COLUMNS]):
        found = control_characters(cell)
        if found is not None:
            raise TableReadError(
                f"ô chứa ký tự điều khiển {found}; hãy xoá ký tự này rồi lưu lại tệp.",
                source=source,
                sheet=sheet,
                row=number,
                column=_letter(position + 1),
            )


# ---- text tables (TSV, CSV) ----------------------------------------------------------------


def decode_text(data: bytes) -> str | None:
    """UTF-8 with or without BOM, or UTF-16 with BOM (Excel's "Unicode text"), as NFC; None
    when `data` is no such text."""
    # Text other than UTF-16 never holds NUL bytes; binary files (PDF, DOCX parts) do.
    encoding = "utf-16" if data.startswith(_UTF16_BOMS) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return unicodedata.normalize("NFC", text)


def _decode(data: bytes, source: str) -> str:
    text = decode_text(data)
    if text is None:
        raise _not_text_error(source)
    return text


def _not_text_error(source: str) -> TableReadError:
    return TableReadError(
        "tệp không phải bảng văn bản (UTF-8, UTF-16) hay XLSX; "
        "hãy lưu bảng từ Excel dưới dạng .xlsx hoặc CSV UTF-8.",
        source=source,
    )


def _read_text(text: str, *, source: str) -> RawTable:
    delimiter = _choose_delimiter(text)
    rows = list(_text_rows(text, delimiter, source=source))
    table = _build_table(rows, source=source, sheet=None)
    if table is None:
        raise no_header_error(source)
    return table


def _choose_delimiter(text: str) -> str:
    """Tab if the header row splits on tabs, else whichever of ';' and ',' gives it more cells.

    Vietnamese Excel writes decimal commas and so exports CSV with ';'; ties go to ';'.
    """
    widths = {delimiter: _header_width(text, delimiter) for delimiter in _TEXT_DELIMITERS}
    if widths["\t"] or not any(widths.values()):
        return "\t"
    return ";" if widths[";"] >= widths[","] else ","


def _header_width(text: str, delimiter: str) -> int:
    """Number of cells in the header row when split on ``delimiter``; 0 when none is found."""
    try:
        for index, cells in enumerate(_csv_reader(text, delimiter)):
            if index >= MAX_ROWS or len(cells) > MAX_COLUMNS:
                return 0
            row = RawRow(0, tuple(_without_trailing_blanks([cell.strip() for cell in cells])))
            if _is_header(row):
                return len(row.cells)
    except csv.Error:
        return 0
    return 0


def _csv_reader(text: str, delimiter: str) -> _csv._reader:
    # newline="" hands line breaks inside quoted cells to the csv module intact.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)


def _text_rows(text: str, delimiter: str, *, source: str) -> Iterator[RawRow]:
    """Rows numbered by the physical line they start on (quoted cells may span lines)."""
    reader = _csv_reader(text, delimiter)
    start = 1
    try:
        for cells in reader:
            yield _checked_row(start, [cell.strip() for cell in cells], source=source, sheet=None)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TableReadError(
            f"ô dài quá {thousands(csv.field_size_limit())} ký tự "
            "(thường do thiếu dấu ngoặc kép đóng).",
            source=source,
            row=start,
        ) from exc


# ---- XLSX sheets (the workbook itself is read by dti.tables.xlsx) --------------------------


def _sheet_table(rows: Iterable[list[str]], *, source: str, sheet: str) -> RawTable | None:
    """A worksheet's table (see :class:`dti.tables.xlsx.TableBuilder`)."""
    checked = [
        _checked_row(number, cells, source=source, sheet=sheet)
        for number, cells in enumerate(rows, start=1)
    ]
    return _build_table(checked, source=source, sheet=sheet)


def _letter(number: int) -> str:
    """openpyxl's name of the column `number` (1 is A), its library loaded only here: a
    CSV read, and every process that imports this module, need none of it."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)
