"""Reading an import into rows: one row per unit × criterion (× formula input), from a CSV,
XLSX or JSON file or the API's JSON body. Nothing here knows the campaign: the cells come
back as they were written, each row with where it was (file, row or item), and every
problem of the file itself (its kind, size, encoding, columns) is reported at once.

The format is told by the file's extension and checked against its content: an XLSX must
be a real workbook (a zip holding xl/workbook.xml, of a sane unpacked size), a CSV or JSON
file UTF-8 text (with or without a byte-order mark)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from dti.names import normalize_label
from dti.tables.archive import NOT_XLSX, ArchiveLimits, xlsx_archive_problem
from dti.text import clean_text, control_characters
from portal.indicators.models import ImportFormat

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is a zip: its parts may unpack to far more than the file's size (a "zip bomb").
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_TEXT = 300  # longer text in a cell is not a unit, a criterion or a source
# The document is {"values": [{…}, …]}: three levels. Deeper nesting is never data, and
# Python's parser recurses once per level (5,000 levels exhaust the stack).
MAX_JSON_DEPTH = 20
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")

Cell = str | int | float | Decimal | bool | datetime | date | None
COLUMNS = ("unit", "criterion", "input", "value", "measured_at", "source")
REQUIRED = ("unit", "criterion", "value", "measured_at")
# The header names a file may use: the English keys of the API, or these Vietnamese ones.
HEADER_NAMES = {
    "unit": ("unit", "đơn vị", "mã đơn vị", "tên đơn vị"),
    "criterion": ("criterion", "tiêu chí", "mã tiêu chí"),
    "input": ("input", "đầu vào", "thành phần"),
    "value": ("value", "giá trị"),
    "measured_at": ("measured_at", "thời điểm đo", "đo lúc", "ngày đo"),
    "source": ("source", "nguồn"),
}
_BY_HEADER = {normalize_label(name): key for key, names in HEADER_NAMES.items() for name in names}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import, and where: the file (or "" for the API body), the
    row (a line of a CSV or XLSX; an item of a JSON list) and the column or field."""

    message: str
    file: str = ""
    row: int | None = None
    column: str = ""
    item: bool = False  # the row is the n-th item of a JSON list, not a line

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            row_word = gettext("mục %(n)s") if self.item else gettext("dòng %(n)s")
            parts.append(row_word % {"n": self.row})
        if self.column:
            column_word = gettext("trường %(name)s") if self.item else gettext("cột %(name)s")
            parts.append(column_word % {"name": self.column})
        where = ", ".join(parts)
        if not self.file:  # "Mục 3, trường value: …" (a file name keeps its case)
            where = where[:1].upper() + where[1:]
        return f"{where}: {self.message}" if where else self.message


class ImportRefused(ValidationError):
    """The import was refused: `problems` lists every reason, each with its place."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems])


@dataclass(frozen=True)
class Row:
    """One row as written. `headers` maps each key of COLUMNS to the name the file used
    for it, so problems name the column the way the person wrote it."""

    file: str
    number: int
    cells: Mapping[str, Cell]
    headers: Mapping[str, str] = field(default_factory=dict)
    item: bool = False
    # What the reader already found wrong, as (key, message); "" is the row as a whole.
    errors: tuple[tuple[str, str], ...] = ()

    def problem(self, key: str, message: str) -> Problem:
        return Problem(message, self.file, self.number, self.headers.get(key, key), self.item)

    def text(self, key: str) -> str:
        """A text cell, stripped ('' when empty); numbers a spreadsheet typed are text too."""
        value = self.cells.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


@dataclass(frozen=True)
class Upload:
    rows: list[Row]
    format: str
    source: str = ""  # a JSON document may name its source at the top
    campaign: Any = None  # a JSON document may name its campaign at the top


def read_upload(data: bytes, file_name: str) -> Upload:
    """The rows of an uploaded file, or ImportRefused naming every problem of the file."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([Problem(_too_large(), file_name)])
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension == "xlsx":
        return Upload(_xlsx_rows(data, file_name), ImportFormat.XLSX)
    if extension == "csv":
        return Upload(_csv_rows(data, file_name), ImportFormat.CSV)
    if extension == "json":
        return _json_upload(data, file_name, ImportFormat.JSON)
    message = gettext("Chỉ nhận tệp .csv, .xlsx hoặc .json (tệp đã chọn: “%(name)s”).")
    raise ImportRefused([Problem(message % {"name": file_name})])


def read_json_body(data: bytes) -> Upload:
    """The rows of the API's body: the JSON document format, without a file name."""
    return _json_upload(data, "", ImportFormat.API)


def _too_large() -> str:
    return gettext("Dữ liệu quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}


def _refuse(file: str, message: str) -> ImportRefused:
    return ImportRefused([Problem(message, file)])


# ---- CSV ---------------------------------------------------------------------------------


def _text(data: bytes, file: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise _refuse(file, gettext("Nội dung tệp là tệp nén hoặc Excel, không phải văn bản."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(
            file, gettext("Tệp không phải văn bản UTF-8: hãy lưu lại dạng “CSV UTF-8”.")
        ) from None


def _csv_rows(data: bytes, file: str) -> list[Row]:
    text = _text(data, file)
    if "\x00" in text:
        raise _refuse(file, gettext("Tệp chứa ký tự NUL: không phải tệp CSV."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table_rows(file, ([*line] for line in reader))
    except csv.Error as error:
        raise _refuse(
            file,
            gettext("Dòng %(n)s không đọc được: %(error)s")
            % {"n": reader.line_num, "error": error},
        ) from None


# ---- XLSX --------------------------------------------------------------------------------


def _xlsx_rows(data: bytes, file: str) -> list[Row]:
    _check_workbook(data, file)
    from openpyxl import load_workbook  # only when an XLSX arrives

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        lines = (
            [_xlsx_cell(cell) for cell in line] for line in sheet.iter_rows()
        )  # the first sheet: the file holds one table
        return _table_rows(file, lines)
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise _refuse(file, gettext("Tệp Excel bị hỏng, không đọc được.")) from error


def _check_workbook(data: bytes, file: str) -> None:
    """The zip's directory within the limits (dti.tables.archive) before openpyxl opens it."""
    limits = ArchiveLimits(unpacked_bytes=MAX_UNPACKED_BYTES)
    problem = xlsx_archive_problem(data, limits)
    if problem == NOT_XLSX:
        raise _refuse(file, gettext("Tệp không phải tệp Excel (.xlsx) đọc được."))
    if problem is not None:
        raise _refuse(file, problem)


def _xlsx_cell(cell: Any) -> Cell:
    """A cell's value; a number shown as a percentage (0,875 shown 87,5%) is the percentage."""
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in number_format:
        percent = Decimal(repr(value)) * 100
        integral = percent == percent.to_integral_value()
        return percent.quantize(Decimal(1)) if integral else percent.normalize()
    return value


# ---- CSV and XLSX: a header, then one row per line -------------------------------------


def _table_rows(file: str, lines: Iterator[list[Cell]]) -> list[Row]:
    header = next(lines, None)
    if header is None:
        raise _refuse(file, gettext("Tệp trống."))
    headers = _header(file, header)
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=2):
        cells = {key: line[i] if i < len(line) else None for key, (i, _) in headers.items()}
        if all(_blank(value) for value in cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise _refuse(file, _too_many())
        names = {key: name for key, (_, name) in headers.items()}
        problems += _control_character_problems(file, number, cells, names)
        rows.append(Row(file, number, cells, names))
    if problems:
        raise ImportRefused(problems)
    return rows


def _control_character_problems(
    file: str, number: int, cells: Mapping[str, Cell], names: Mapping[str, str]
) -> list[Problem]:
    """The cells of a CSV or XLSX line holding a control character (a raw byte, or an XLSX
    escape `_x000B_` openpyxl unescapes), refused as the JSON body refuses them."""
    problems = []
    for key, value in cells.items():
        found = control_characters(value) if isinstance(value, str) else None
        if found:
            problems.append(Problem(_control_message(found), file, number, names[key]))
    return problems


def _control_message(found: str) -> str:
    return gettext("chứa ký tự điều khiển %(char)s") % {"char": found}


def _too_many() -> str:
    return gettext("Quá nhiều dòng: tối đa %(max)s dòng mỗi lần nhập.") % {"max": MAX_ROWS}


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(file: str, header: list[Cell]) -> dict[str, tuple[int, str]]:
    """Each key's column position and the name the file gave it; every header problem."""
    found: dict[str, tuple[int, str]] = {}
    problems = []
    for position, cell in enumerate(header):
        name = str(cell).strip() if cell is not None else ""
        if not name:
            continue
        key = _BY_HEADER.get(normalize_label(name))
        if key is None:
            message = gettext("cột “%(name)s” không dùng được") % {"name": name[:MAX_TEXT]}
            problems.append(Problem(message, file, 1))
        elif key in found:
            message = gettext("cột “%(name)s” lặp lại") % {"name": name}
            problems.append(Problem(message, file, 1))
        else:
            found[key] = (position, name)
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        message = gettext("thiếu cột %(columns)s") % {"columns": ", ".join(missing)}
        problems.append(Problem(message, file, 1))
    if problems:
        accepted = gettext("Các cột dùng được: %(columns)s.") % {"columns": ", ".join(COLUMNS)}
        problems.append(Problem(accepted, file, 1))
        raise ImportRefused(problems)
    return found


# ---- JSON --------------------------------------------------------------------------------


def read_json_document(data: bytes, file: str = "") -> Any:
    """A JSON document within the limits, or ImportRefused: at most MAX_BYTES, nested at
    most MAX_JSON_DEPTH deep (checked before parsing), NaN and Infinity refused, every
    number an exact Decimal (a 100,000-digit integer reaches the row that holds it, where
    the one number reader refuses it, instead of failing the whole document), and no text
    with a control character or a lone surrogate ("\\ud800"), which PostgreSQL refuses."""
    if len(data) > MAX_BYTES:
        raise _refuse(file, _too_large())
    text = _text(data, file)
    if _json_depth(text) > MAX_JSON_DEPTH:
        message = gettext("JSON lồng quá sâu: tối đa %(max)s cấp.") % {"max": MAX_JSON_DEPTH}
        raise _refuse(file, message)
    try:
        document = json.loads(
            text, parse_float=Decimal, parse_int=Decimal, parse_constant=_no_constant
        )
    except (ValueError, RecursionError) as error:
        message = gettext("Không phải JSON hợp lệ: %(error)s") % {"error": str(error)[:200]}
        raise _refuse(file, message) from None
    _refuse_control_characters(document, file)
    return document


def _json_depth(text: str) -> int:
    """How deep brackets nest, strings aside; counted on the text so nothing deep is parsed."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _refuse_control_characters(document: Any, file: str) -> None:
    items = document.get("values") if isinstance(document, dict) else None
    places: list[tuple[int | None, str, Any]] = []
    if isinstance(document, dict):
        places += [(None, str(key), value) for key, value in document.items() if key != "values"]
    if isinstance(items, list):
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict):
                places += [(number, str(key), value) for key, value in item.items()]
    problems = []
    for row, column, value in places:
        found = control_characters(f"{column}{value}" if isinstance(value, str) else column)
        if found:
            problems.append(
                Problem(_control_message(found), file, row, clean_text(column), row is not None)
            )
    if problems:
        raise ImportRefused(problems)


def _json_upload(data: bytes, file: str, file_format: str) -> Upload:
    document = read_json_document(data, file)
    if not isinstance(document, dict) or not isinstance(document.get("values"), list):
        message = gettext(
            'Cần một đối tượng JSON dạng {"source": "…", "values": [{"unit": …, '
            '"criterion": …, "value": …, "measured_at": …}, …]}.'
        )
        raise _refuse(file, message)
    source = document.get("source")
    if source is not None and not isinstance(source, str):
        raise _refuse(file, gettext("Trường source phải là chuỗi ký tự."))
    items = document["values"]
    if len(items) > MAX_ROWS:
        raise _refuse(file, _too_many())
    rows = [_json_row(file, number, item) for number, item in enumerate(items, start=1)]
    return Upload(rows, file_format, (source or "").strip(), document.get("campaign"))


def _no_constant(name: str) -> None:
    raise ValueError(gettext("không nhận %(name)s") % {"name": name})


def _json_row(file: str, number: int, item: Any) -> Row:
    if not isinstance(item, dict):
        message = gettext("mỗi mục phải là một đối tượng JSON")
        return Row(file, number, {}, item=True, errors=(("", message),))
    errors = []
    unknown = sorted(str(key) for key in item if key not in COLUMNS)
    if unknown:
        message = gettext("trường không dùng được: %(names)s") % {"names": ", ".join(unknown)}
        errors.append(("", message))
    for key in ("unit", "criterion", "input", "measured_at", "source"):
        if item.get(key) is not None and not isinstance(item[key], str):
            errors.append((key, gettext("phải là chuỗi ký tự")))
    cells = {key: item.get(key) for key in COLUMNS}
    return Row(file, number, cells, item=True, errors=tuple(errors))
