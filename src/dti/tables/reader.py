"""Reading a published table (TSV, CSV or XLSX) into raw rows of cell text.

Nothing here interprets numbers or units: the reader finds the header row (the one with a
unit column such as "Đơn vị"), keeps the title lines above it, drops blank rows and the header
copies that reports repeat on every page, and keeps each row's physical line number for
messages. The format is decided by content, not by the file name, because uploads arrive with
any name. Every failure on bad input is a :class:`TableReadError` with a Vietnamese message.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from dti.names import normalize_label
from dti.tables.cells import is_blank

if TYPE_CHECKING:
    import _csv  # the reader's type; its line_num gives physical line numbers

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
# A sheet's XML is much larger than the zip holding it, but a ratio above this is a zip bomb.
_MAX_UNPACK_RATIO = 50

_XLSX_SIGNATURE = b"PK\x03\x04"
_XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TEXT_DELIMITERS = ("\t", ";", ",")

_UNIT_LABELS_AS_PRINTED = (
    "Đơn vị",
    "Tên đơn vị",
    "Cơ quan",
    "Tên cơ quan",
    "Đơn vị/Địa phương",
    "Unit",
)
_UNIT_LABELS_SHOWN = ", ".join(f"“{label}”" for label in _UNIT_LABELS_AS_PRINTED)


UNIT_COLUMN_LABELS: frozenset[str] = frozenset(
    normalize_label(label) for label in _UNIT_LABELS_AS_PRINTED
)


@dataclass(frozen=True)
class RawRow:
    number: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class RawTable:
    source: str
    sheet: str | None
    title: tuple[str, ...]
    header: RawRow
    rows: tuple[RawRow, ...]


class TableReadError(Exception):
    """A table file that cannot be read; ``str()`` names the file, sheet, row and column."""

    def __init__(
        self,
        message: str,
        *,
        source: str,
        row: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.row = row
        self.column = column
        self.sheet = sheet
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        place = [self.source]
        if self.sheet is not None:
            place.append(f"trang tính “{self.sheet}”")
        if self.row is not None:
            place.append(f"dòng {self.row}")
        if self.column is not None:
            place.append(f"cột {self.column}")
        return f"{', '.join(place)}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments defeat Exception's default pickling (multiprocessing, caches).
        return (_rebuild_error, (self.message, self.source, self.row, self.column, self.sheet))


def _rebuild_error(
    message: str, source: str, row: int | None, column: str | None, sheet: str | None
) -> TableReadError:
    return TableReadError(message, source=source, row=row, column=column, sheet=sheet)


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
        raise TableReadError(f"tệp lớn hơn giới hạn {_thousands(max_bytes)} byte.", source=source)
    if data.startswith(_XLSX_SIGNATURE):
        return _read_xlsx(data, source=source, sheet=sheet, max_bytes=max_bytes)
    if data.startswith(_XLS_SIGNATURE):
        raise TableReadError(
            "tệp Excel 97–2003 (.xls) chưa được hỗ trợ; hãy lưu lại dưới dạng .xlsx.",
            source=source,
        )
    if sheet is not None:
        raise TableReadError(f"tệp là bảng văn bản, không có trang tính “{sheet}”.", source=source)
    return _read_text(_decode(data, source), source=source)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# ---- building the table from rows ----------------------------------------------------------


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
            column=get_column_letter(extra + 1),
        )
    return RawRow(row.number, row.cells[:width])


def _shown(text: str, limit: int = 40) -> str:
    return f"“{text}”" if len(text) <= limit else f"“{text[:limit]}…”"


def _no_header_error(source: str, sheet: str | None = None) -> TableReadError:
    return TableReadError(
        f"không tìm thấy dòng tiêu đề: cần một cột có nhãn {_UNIT_LABELS_SHOWN}.",
        source=source,
        sheet=sheet,
    )


def _without_trailing_blanks(cells: Sequence[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return list(cells[:end])


def _checked_row(number: int, cells: list[str], *, source: str, sheet: str | None) -> RawRow:
    """A row within the size limits, trailing empty cells removed."""
    if number > MAX_ROWS:
        raise TableReadError(
            f"bảng có hơn {_thousands(MAX_ROWS)} dòng, vượt giới hạn.", source=source, sheet=sheet
        )
    cells = _without_trailing_blanks(cells)
    if len(cells) > MAX_COLUMNS:
        raise TableReadError(
            f"dòng có {_thousands(len(cells))} cột, vượt giới hạn {_thousands(MAX_COLUMNS)} cột.",
            source=source,
            sheet=sheet,
            row=number,
        )
    return RawRow(number=number, cells=tuple(cells))


# ---- text tables (TSV, CSV) ----------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    """UTF-8 with or without BOM, or UTF-16 with BOM (Excel's "Unicode text"), as NFC."""
    # Text other than UTF-16 never holds NUL bytes; binary files (PDF, DOCX parts) do.
    encoding = "utf-16" if data.startswith(_UTF16_BOMS) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _not_text_error(source) from exc
    if "\x00" in text:
        raise _not_text_error(source)
    return unicodedata.normalize("NFC", text)


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
        raise _no_header_error(source)
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
            f"ô dài quá {_thousands(csv.field_size_limit())} ký tự "
            "(thường do thiếu dấu ngoặc kép đóng).",
            source=source,
            row=start,
        ) from exc


# ---- XLSX workbooks ------------------------------------------------------------------------


def _read_xlsx(data: bytes, *, source: str, sheet: str | None, max_bytes: int) -> RawTable:
    """Read a workbook, turning whatever its parsers raise into :class:`TableReadError`.

    openpyxl, zipfile and the XML parser raise a dozen unrelated exception types on damaged
    files (BadZipFile, KeyError, ParseError, ValueError, TypeError, EOFError, zlib.error...) and
    rows are parsed lazily, so the whole read sits behind one boundary.
    """
    try:
        _check_unpacked_size(data, source=source, max_bytes=max_bytes)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return _read_workbook(workbook, source=source, sheet=sheet)
        finally:
            workbook.close()
    except TableReadError:
        raise
    except Exception as exc:
        raise TableReadError(
            "không đọc được tệp XLSX: tệp hỏng hoặc không phải bảng tính Excel.", source=source
        ) from exc


def _check_unpacked_size(data: bytes, *, source: str, max_bytes: int) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > max_bytes * _MAX_UNPACK_RATIO:
        raise TableReadError(
            f"tệp XLSX giải nén ra {_thousands(unpacked)} byte, vượt giới hạn.", source=source
        )


class _Cell(Protocol):
    @property
    def value(self) -> object: ...
    @property
    def number_format(self) -> str: ...  # None on openpyxl's EmptyCell, hence `or ""` below


class _Sheet(Protocol):
    """What we use of openpyxl's read-only worksheet (its stubs type iter_rows unusably)."""

    @property
    def title(self) -> str: ...
    def reset_dimensions(self) -> None: ...
    def iter_rows(self) -> Iterator[tuple[_Cell, ...]]: ...


def _read_workbook(workbook: Workbook, *, source: str, sheet: str | None) -> RawTable:
    """The named sheet, else the first sheet that has a header row."""
    if sheet is not None:
        worksheet = _named_sheet(workbook, sheet, source=source)
        table = _build_table(_sheet_rows(worksheet, source), source=source, sheet=worksheet.title)
        if table is None:
            raise _no_header_error(source, worksheet.title)
        return table
    for worksheet in workbook.worksheets:
        table = _build_table(_sheet_rows(worksheet, source), source=source, sheet=worksheet.title)
        if table is not None:
            return table
    raise TableReadError(
        f"không trang tính nào ({_sheet_list(workbook)}) có dòng tiêu đề: "
        f"cần một cột có nhãn {_UNIT_LABELS_SHOWN}.",
        source=source,
    )


def _named_sheet(workbook: Workbook, sheet: str, *, source: str) -> _Sheet:
    # Compare in NFC: sheet names written on macOS may arrive decomposed.
    wanted = unicodedata.normalize("NFC", sheet)
    for worksheet in workbook.worksheets:
        if unicodedata.normalize("NFC", worksheet.title) == wanted:
            return worksheet
    raise TableReadError(
        f"không có trang tính “{sheet}”; các trang tính trong tệp: {_sheet_list(workbook)}.",
        source=source,
    )


def _sheet_list(workbook: Workbook) -> str:
    return ", ".join(f"“{name}”" for name in workbook.sheetnames) or "không có"


def _sheet_rows(worksheet: _Sheet, source: str) -> list[RawRow]:
    # A wrong <dimension> in the file (some exporters write A1:XFD1048576) would otherwise
    # pad every row to 16 384 cells and add empty rows up to a million.
    worksheet.reset_dimensions()
    return [
        _checked_row(
            number,
            [_cell_text(cell.value, cell.number_format or "") for cell in cells],
            source=source,
            sheet=worksheet.title,
        )
        for number, cells in enumerate(worksheet.iter_rows(), start=1)
    ]


def _cell_text(value: object, number_format: str) -> str:
    """A cell value as the text a person sees, with numbers exact and percentages scaled."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, date):  # datetime is a date too
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, int | float):
        return _number_text(value, number_format)
    return unicodedata.normalize("NFC", str(value)).strip()


def _number_text(value: int | float, number_format: str) -> str:
    # repr() is the shortest text that round-trips the float: 164.85, not 164.849999...
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if not number.is_finite():
        return repr(value)
    decimals = _percent_decimals(number_format)
    if decimals is not None:
        with localcontext() as context:
            context.prec = 1_000  # enough for any float times 100 at 30 decimals
            scaled = (number * 100).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
        return f"{scaled:f}%"
    if number == 0:
        return "0"  # also for -0.0
    return str(value) if isinstance(value, int) else f"{number.normalize():f}"


def _percent_decimals(number_format: str) -> int | None:
    """Decimals shown by a percent format ('0.0%' -> 1, '0%' -> 0); None if not a percent."""
    positive = re.sub(r'"[^"]*"|\\.', "", number_format).split(";")[0]
    if "%" not in positive:
        return None
    match = re.search(r"\.([0#?]+)", positive)
    # Excel shows at most 30 decimals; the cap also bounds the quantize above.
    return min(len(match.group(1)), 30) if match else 0
