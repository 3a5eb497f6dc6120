"""The unit registry as an XLSX workbook: sheet "Đơn vị" (one unit per row) and sheet
"Kế thừa" (one lineage link per row). Writing never touches the database; reading turns
the cells into typed rows and names every bad cell by sheet, row and column."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from dti.dates import DateError, checked_date
from dti.tables.archive import xlsx_archive_problem
from dti.tables.xlsx import cell_place as where
from dti.tables.xlsx import control_characters_found, readable_rows
from dti.text import spreadsheet_cell, typed_text
from portal.units.attributes import AttributeValue, format_attributes, parse_attributes
from portal.units.attributes import split_outside_quotes as split_list
from portal.units.models import Lineage, Unit

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

UNIT_SHEET = "Đơn vị"
UNIT_COLUMNS = (
    "Mã", "Tên", "Khối", "Mã đơn vị cấp trên", "Thuộc tính", "Tên khác",
    "Hoạt động từ", "Hoạt động đến",
)  # fmt: skip
LINEAGE_SHEET = "Kế thừa"
LINEAGE_COLUMNS = ("Mã đơn vị trước", "Loại", "Mã đơn vị sau", "Có hiệu lực từ", "Căn cứ")
# The file's own words for the kinds of link: the workbook is a Vietnamese file format,
# whatever language the page that exports or imports it speaks (the model's labels follow
# the page, see docs/i18n.md).
KIND_LABELS = {
    Lineage.Kind.MERGED_INTO: "Sáp nhập vào",
    Lineage.Kind.SPLIT_FROM: "Tách ra từ",
    Lineage.Kind.RENAMED: "Đổi tên thành",
}
KIND_BY_LABEL = {label.lower(): kind.value for kind, label in KIND_LABELS.items()} | {
    kind: kind for kind in Lineage.Kind.values
}
DATE_FORMAT = "DD/MM/YYYY"
# A province has a few thousand units at most; the template has eight columns.
MAX_SHEET_ROWS = 10_000
MAX_COLUMNS = 50
UNREADABLE = (
    "có ô không đọc được (tệp hỏng, hoặc một số không hợp lệ như NaN hay inf); không đọc tiếp"
)


@dataclass(frozen=True)
class UnitRow:
    row: int
    code: str
    name: str
    level: str
    parent_code: str
    attributes: dict[str, AttributeValue]
    aliases: list[str]
    active_from: date | None
    active_until: date | None


@dataclass(frozen=True)
class LineageRow:
    row: int
    predecessor_code: str
    kind: str
    successor_code: str
    effective: date
    note: str


# ---- writing ---------------------------------------------------------------------------


def registry_workbook(units: Sequence[Unit], links: Sequence[Lineage]) -> bytes:
    """The registry as XLSX bytes; units need their parent loaded, links both ends."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = UNIT_SHEET
    _header(sheet, UNIT_COLUMNS, widths=(18, 40, 8, 18, 40, 40, 14, 14))
    for unit in units:
        _append(
            sheet,
            [
                unit.code,
                unit.name,
                unit.level,
                unit.parent.code if unit.parent else None,
                format_attributes(unit.attributes) or None,
                "; ".join(unit.aliases) or None,
                unit.active_from,
                unit.active_until,
            ],
        )
    _date_columns(sheet, "GH")
    links_sheet = book.create_sheet(LINEAGE_SHEET)
    _header(links_sheet, LINEAGE_COLUMNS, widths=(18, 16, 18, 14, 50))
    for link in links:
        _append(
            links_sheet,
            [
                link.predecessor.code,
                KIND_LABELS[Lineage.Kind(link.kind)],
                link.successor.code,
                link.effective,
                link.note or None,
            ],
        )
    _date_columns(links_sheet, "D")
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet: Worksheet, values: Sequence[object]) -> None:
    """A row whose text is never a formula (a unit named "=...") nor holds a control
    character; read back, `text` takes the apostrophe off again."""
    sheet.append([spreadsheet_cell(value) for value in values])


def _header(sheet: Worksheet, columns: Sequence[str], widths: Sequence[int]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(list(columns))
    for position, (cell, width) in enumerate(zip(sheet[1], widths, strict=True), start=1):
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"


def _date_columns(sheet: Worksheet, letters: str) -> None:
    for letter in letters:
        for cell in sheet[letter][1:]:
            cell.number_format = DATE_FORMAT


# ---- reading ---------------------------------------------------------------------------


def read_registry(data: bytes) -> tuple[list[UnitRow], list[LineageRow]]:
    """Typed rows of both sheets ("Kế thừa" may be absent); ValidationError lists every
    problem, each located by sheet, row and column. The zip is inspected before openpyxl
    opens it (dti.tables.archive), and each sheet is read up to MAX_SHEET_ROWS rows."""
    from openpyxl import load_workbook

    problem = xlsx_archive_problem(data)
    if problem is not None:
        raise ValidationError(problem)
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a file that is not XLSX
        raise ValidationError("Tệp không phải là tệp Excel (.xlsx) đọc được.") from error
    if UNIT_SHEET not in book.sheetnames:
        raise ValidationError(f"Tệp không có sheet “{UNIT_SHEET}”.")
    problems: list[str] = []
    units = list(_rows(book[UNIT_SHEET], UNIT_SHEET, UNIT_COLUMNS, _unit_row, problems))
    links: list[LineageRow] = []
    if LINEAGE_SHEET in book.sheetnames:
        links = list(
            _rows(book[LINEAGE_SHEET], LINEAGE_SHEET, LINEAGE_COLUMNS, _lineage_row, problems)
        )
    if problems:
        raise ValidationError(problems)
    return units, links


def _rows(
    sheet: Any,
    name: str,
    columns: Sequence[str],
    build: Callable[[int, dict[str, Any], _Reporter], Any],
    problems: list[str],
) -> Iterator[Any]:
    sheet.reset_dimensions()  # a false <dimension> would pad every row to 16,384 cells
    rows = readable_rows(
        sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS),
        lambda row: problems.append(f"{where(name, row)}: {UNREADABLE}"),
    )
    header = [text(cell) for cell in next(rows, ())]
    missing = [c for c in columns if c not in header]
    unknown = [h for h in header if h and h not in columns]
    if missing or unknown:
        detail = "; ".join(
            part
            for part in (
                "thiếu cột " + ", ".join(missing) if missing else "",
                "cột không dùng được " + ", ".join(unknown) if unknown else "",
            )
            if part
        )
        problems.append(f"{where(name, 1)}: {detail}. Các cột cần có: {', '.join(columns)}.")
        return
    positions = {column: header.index(column) for column in columns}
    for number, values in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS + 1:
            problems.append(f"Sheet {name}: quá {MAX_SHEET_ROWS} dòng, không đọc tiếp")
            return
        cells = {c: values[i] if i < len(values) else None for c, i in positions.items()}
        if control_characters_found(name, number, cells, problems):
            continue
        if all(text(v) == "" for v in cells.values()):
            continue
        row = build(number, cells, _Reporter(name, number, problems))
        if row is not None:
            yield row


class _Reporter:
    """Collects one row's problems, so a bad cell does not hide the next one."""

    def __init__(self, sheet: str, row: int, problems: list[str]):
        self.sheet, self.row, self.problems, self.failed = sheet, row, problems, False

    def fail(self, column: str, message: str) -> None:
        self.failed = True
        self.problems.append(f"{where(self.sheet, self.row, column)}: {message}")


def _unit_row(number: int, cells: dict[str, Any], report: _Reporter) -> UnitRow | None:
    for column in ("Mã", "Tên", "Khối"):
        if not text(cells[column]):
            report.fail(column, "không được để trống")
    try:
        attributes = parse_attributes(split_list(text(cells["Thuộc tính"])))
    except ValueError as error:
        report.fail("Thuộc tính", str(error))
        attributes = {}
    active_from = _date_cell(cells, "Hoạt động từ", report)
    active_until = _date_cell(cells, "Hoạt động đến", report)
    if report.failed:
        return None
    return UnitRow(
        row=number,
        code=text(cells["Mã"]),
        name=text(cells["Tên"]),
        level=text(cells["Khối"]),
        parent_code=text(cells["Mã đơn vị cấp trên"]),
        attributes=attributes,
        aliases=split_list(text(cells["Tên khác"])),
        active_from=active_from,
        active_until=active_until,
    )


def _lineage_row(number: int, cells: dict[str, Any], report: _Reporter) -> LineageRow | None:
    for column in ("Mã đơn vị trước", "Mã đơn vị sau"):
        if not text(cells[column]):
            report.fail(column, "không được để trống")
    kind = KIND_BY_LABEL.get(text(cells["Loại"]).lower())
    if kind is None:
        labels = ", ".join(KIND_LABELS.values())
        report.fail("Loại", f"“{text(cells['Loại'])}” không hợp lệ; chọn một trong: {labels}")
    effective = _date_cell(cells, "Có hiệu lực từ", report)
    if effective is None and not report.failed:
        report.fail("Có hiệu lực từ", "không được để trống")
    if report.failed or kind is None or effective is None:
        return None
    return LineageRow(
        row=number,
        predecessor_code=text(cells["Mã đơn vị trước"]),
        kind=kind,
        successor_code=text(cells["Mã đơn vị sau"]),
        effective=effective,
        note=text(cells["Căn cứ"]),
    )


def text(value: Any) -> str:
    """A cell as text: 12 -> '12', 1.5 -> '1.5', None -> '', "'=x" (as exported) -> '=x'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return typed_text(str(value).strip())


def _date_cell(cells: dict[str, Any], column: str, report: _Reporter) -> date | None:
    value = cells[column]
    found = _date_value(value)
    if found is None:
        if text(value):
            report.fail(column, f"ngày “{text(value)[:40]}” không hợp lệ (cần dạng dd/mm/yyyy)")
        return None
    try:
        return checked_date(found)
    except DateError as error:
        report.fail(column, str(error))
        return None


def _date_value(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in ("%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text(value), pattern).date()  # noqa: DTZ007  (a date alone)
        except ValueError:
            continue
    return None


def column_of(field: str) -> str:
    """The workbook column of a Unit field, to place a service's error."""
    return dict(zip(_UNIT_FIELDS, UNIT_COLUMNS, strict=True)).get(field, "Mã")


_UNIT_FIELDS = (
    "code", "name", "level", "parent", "attributes", "aliases", "active_from", "active_until",
)  # fmt: skip
