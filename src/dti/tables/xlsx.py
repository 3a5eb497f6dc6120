"""Reading an XLSX workbook: choosing the sheet and turning its cells into the text shown.

Header detection and row limits belong to :mod:`dti.tables.reader`, which passes them in as
a :class:`TableBuilder`.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Protocol, TypeVar

from dti.tables.raw import (
    UNIT_LABELS_SHOWN,
    RawTable,
    TableReadError,
    no_header_error,
    thousands,
)
from dti.text import control_characters

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

_Row = TypeVar("_Row")
# A sheet's XML is much larger than the zip holding it, but a ratio above this is a zip bomb.
_MAX_UNPACK_RATIO = 50


class TableBuilder(Protocol):
    """Builds one sheet's table from its rows of cell text (the first row is row 1).

    Returns None when the sheet has no header row.
    """

    def __call__(
        self, rows: Iterable[list[str]], *, source: str, sheet: str
    ) -> RawTable | None: ...


def read_xlsx(
    data: bytes, *, source: str, sheet: str | None, max_bytes: int, build_table: TableBuilder
) -> RawTable:
    """Read a workbook, turning whatever its parsers raise into :class:`TableReadError`.

    openpyxl, zipfile and the XML parser raise a dozen unrelated exception types on damaged
    files (BadZipFile, KeyError, ParseError, ValueError, TypeError, EOFError, zlib.error...) and
    rows are parsed lazily, so the whole read sits behind one boundary. openpyxl is loaded
    here, by a process that reads a workbook, not by every one that imports this module.
    """
    import openpyxl

    try:
        _check_unpacked_size(data, source=source, max_bytes=max_bytes)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return _read_workbook(workbook, source=source, sheet=sheet, build_table=build_table)
        finally:
            workbook.close()
    except TableReadError:
        raise
    except Exception as exc:
        raise TableReadError(
            "không đọc được tệp XLSX: tệp hỏng hoặc không phải bảng tính Excel.", source=source
        ) from exc


def readable_rows(rows: Iterator[_Row], broken: Callable[[int], None]) -> Iterator[_Row]:
    """`rows` of a read-only sheet until one cannot be parsed: openpyxl parses lazily, so a
    damaged cell (`<v>inf</v>`, `<v>NaN</v>`, which no spreadsheet program writes) raises
    while iterating, long after the workbook opened. `broken(n)` is told the 1-based row
    that failed, and the rows stop there."""
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception:  # ValueError, KeyError, ParseError… from openpyxl's cell parser
            broken(number + 1)
            return
        number += 1
        yield row


def cell_place(sheet: str, row: int, column: str | None = None) -> str:
    """'Sheet Đơn vị, dòng 7, cột Khối' — how a problem in an imported workbook is located."""
    return f"Sheet {sheet}, dòng {row}" + (f", cột {column}" if column else "")


def control_characters_found(
    sheet: str, row: int, cells: Mapping[str, object], problems: list[str]
) -> bool:
    """Whether a text cell of the row holds a control character (openpyxl unescapes
    `_x000B_` into one), each reported with its place. Stored, such text would break every
    XLSX made from it, and PostgreSQL refuses NUL: refused where the cells are read."""
    found = False
    for column, value in cells.items():
        character = control_characters(value) if isinstance(value, str) else None
        if character is not None:
            problems.append(f"{cell_place(sheet, row, column)}: chứa ký tự điều khiển {character}")
            found = True
    return found


def _check_unpacked_size(data: bytes, *, source: str, max_bytes: int) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > max_bytes * _MAX_UNPACK_RATIO:
        raise TableReadError(
            f"tệp XLSX giải nén ra {thousands(unpacked)} byte, vượt giới hạn.", source=source
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


def _read_workbook(
    workbook: Workbook, *, source: str, sheet: str | None, build_table: TableBuilder
) -> RawTable:
    """The named sheet, else the first sheet that has a header row."""
    if sheet is not None:
        worksheet = _named_sheet(workbook, sheet, source=source)
        table = build_table(_sheet_cells(worksheet), source=source, sheet=worksheet.title)
        if table is None:
            raise no_header_error(source, worksheet.title)
        return table
    for worksheet in workbook.worksheets:
        table = build_table(_sheet_cells(worksheet), source=source, sheet=worksheet.title)
        if table is not None:
            return table
    raise TableReadError(
        f"không trang tính nào ({_sheet_list(workbook)}) có dòng tiêu đề: "
        f"cần một cột có nhãn {UNIT_LABELS_SHOWN}.",
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


def sheet_text(worksheet: _Sheet) -> Iterator[list[str]]:
    """A read-only sheet's rows, from row 1, as the text each cell shows (numbers exact,
    percentages scaled, dates as dd/mm/yyyy), parsed lazily."""
    return _sheet_cells(worksheet)


def _sheet_cells(worksheet: _Sheet) -> Iterator[list[str]]:
    """The sheet's rows as cell text, parsed lazily so the builder can stop at its row limit."""
    # A wrong <dimension> in the file (some exporters write A1:XFD1048576) would otherwise
    # pad every row to 16 384 cells and add empty rows up to a million.
    worksheet.reset_dimensions()
    return (
        [_cell_text(cell.value, cell.number_format or "") for cell in cells]
        for cells in worksheet.iter_rows()
    )


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
