"""The people workbook: the template the office fills in, and reading it back into the rows
the import creates (portal.accounts.services.people_import).

Read as untrusted input: the archive is inspected before openpyxl opens it
(dti.tables.archive), the sheet's declared size is checked before any row is read, then each
row is read up to MAX_ROWS; a formula is refused (its value is whatever a spreadsheet last
computed, not what was typed), so are control characters and text longer than its field.
Every problem is placed by sheet, row and column, and nothing is written if there is one.
An interface module: it reads the units (above the accounts) to find the one a row names."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext

from dti.tables.archive import xlsx_archive_problem
from dti.tables.xlsx import cell_place, control_characters_found, readable_rows
from dti.text import spreadsheet_cell, typed_text
from portal.accounts.models import Province
from portal.accounts.services import IMPORT_COLUMNS, IMPORT_SHEET, PersonRow, role_problem
from portal.roles import UNIT_ROLES, Role
from portal.units.models import Unit

MAX_ROWS = 2000
MAX_COLUMNS = 20
GUIDE_SHEET = "Hướng dẫn"
LIMITS = {"Họ và tên": 200, "Tên đăng nhập": 150, "Thư điện tử": 254, "Vai trò": 100, "Đơn vị": 300}


# ---- the template ---------------------------------------------------------------------


def template_workbook(province: Province) -> bytes:
    """An empty people sheet with its header, and a guide: the roles, the units' codes.
    openpyxl is loaded by the download and the import that use it, not by every process."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = IMPORT_SHEET
    sheet.append(list(IMPORT_COLUMNS))
    for position, (cell, width) in enumerate(zip(sheet[1], (30, 20, 32, 32, 40), strict=True)):
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(position + 1)].width = width
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(GUIDE_SHEET)
    guide.append([gettext("Vai trò (ghi đúng một trong các tên sau)"), gettext("Cần đơn vị")])
    for role in Role:
        guide.append([str(role.label), gettext("có") if role in UNIT_ROLES else gettext("không")])
    guide.append([])
    guide.append([gettext("Mã đơn vị"), gettext("Tên đơn vị")])
    for unit in Unit.objects.filter(province=province).order_by("level", "name"):
        guide.append([spreadsheet_cell(unit.code), spreadsheet_cell(unit.name)])
    guide.column_dimensions["A"].width = 40
    guide.column_dimensions["B"].width = 50
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# ---- reading --------------------------------------------------------------------------


class _Units:
    """A province's units by code and by name (each lowered): one query."""

    def __init__(self, province: Province):
        self.by_key: dict[str, Unit] = {}
        for unit in Unit.objects.filter(province=province):
            self.by_key.setdefault(unit.code.lower(), unit)
            self.by_key.setdefault(unit.name.strip().lower(), unit)

    def find(self, text: str) -> Unit | None:
        return self.by_key.get(text.strip().lower())


def _roles() -> dict[str, Role]:
    """A role by its key or its label, in Vietnamese or the page's language (lowered)."""
    found: dict[str, Role] = {}
    for role in Role:
        found[role.value] = role
        found[str(role.label).lower()] = role
        with translation.override("vi"):
            found[str(role.label).lower()] = role
    return found


def read_people(data: bytes, province: Province) -> tuple[list[PersonRow], list[str]]:
    """The good rows of the people sheet and the problems of the others, each placed by
    row and column (the import adds its own and refuses the file if there is any); a file
    that cannot be read at all raises ValidationError."""
    from openpyxl import load_workbook

    problem = xlsx_archive_problem(data)
    if problem is not None:
        raise ValidationError(problem)
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a file that is not XLSX
        raise ValidationError(gettext("Tệp không phải là tệp Excel (.xlsx) đọc được.")) from error
    if IMPORT_SHEET not in book.sheetnames:
        raise ValidationError(
            gettext("Tệp không có sheet “%(sheet)s”: hãy dùng tệp mẫu.") % {"sheet": IMPORT_SHEET}
        )
    sheet = book[IMPORT_SHEET]
    declared = sheet.max_row  # from the sheet's <dimension>, before any row is parsed
    if isinstance(declared, int) and declared > MAX_ROWS + 1:
        raise ValidationError(_too_many())
    problems: list[str] = []
    rows = list(_people_rows(sheet, province, problems))
    if not rows and not problems:
        raise ValidationError(
            gettext("Sheet “%(sheet)s” không có dòng nào.") % {"sheet": IMPORT_SHEET}
        )
    return rows, problems


def _too_many() -> str:
    return gettext("Sheet “%(sheet)s” có quá %(rows)s dòng: hãy chia thành nhiều tệp.") % {
        "sheet": IMPORT_SHEET,
        "rows": MAX_ROWS,
    }


def _people_rows(sheet: Any, province: Province, problems: list[str]) -> Iterator[PersonRow]:
    sheet.reset_dimensions()  # a false <dimension> would pad every row to 16,384 cells
    unreadable = gettext("không đọc được dòng này (ô hỏng)")
    rows = readable_rows(
        sheet.iter_rows(max_col=MAX_COLUMNS),
        lambda row: problems.append(f"{cell_place(IMPORT_SHEET, row)}: {unreadable}"),
    )
    header = [_text(cell.value) for cell in next(rows, ())]
    missing = [column for column in IMPORT_COLUMNS if column not in header]
    if missing:
        problems.append(
            gettext("%(place)s: thiếu cột %(missing)s. Các cột cần có: %(columns)s.")
            % {
                "place": cell_place(IMPORT_SHEET, 1),
                "missing": ", ".join(missing),
                "columns": ", ".join(IMPORT_COLUMNS),
            }
        )
        return
    positions = {column: header.index(column) for column in IMPORT_COLUMNS}
    units, roles = _Units(province), _roles()
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            problems.append(_too_many())
            return
        by_column = {c: cells[i] if i < len(cells) else None for c, i in positions.items()}
        row = _person_row(number, by_column, province, units, roles, problems)
        if row is not None:
            yield row


def _person_row(
    number: int,
    cells: dict[str, Any],
    province: Province,
    units: _Units,
    roles: dict[str, Role],
    problems: list[str],
) -> PersonRow | None:
    count = len(problems)

    def fail(column: str, message: str) -> None:
        problems.append(f"{cell_place(IMPORT_SHEET, number, column)}: {message}")

    values: dict[str, str] = {}
    for column, cell in cells.items():
        if cell is not None and getattr(cell, "data_type", None) == "f":
            fail(column, gettext("là công thức; hãy ghi giá trị thay cho công thức."))
            values[column] = ""
            continue
        values[column] = _text(None if cell is None else cell.value)
    if all(value == "" for value in values.values()):
        return None  # an empty row between others
    if control_characters_found(IMPORT_SHEET, number, values, problems):
        return None
    for column, value in values.items():
        if len(value) > LIMITS[column]:
            fail(column, gettext("dài quá %(limit)s ký tự.") % {"limit": LIMITS[column]})
            values[column] = ""  # said once: not checked again below
        elif not value and column != "Đơn vị":
            fail(column, gettext("không được để trống."))
    if values["Tên đăng nhập"]:
        _check_username(values["Tên đăng nhập"], fail)
    if values["Thư điện tử"]:
        _check_email(values["Thư điện tử"], fail)
    role = roles.get(values["Vai trò"].lower())
    if values["Vai trò"] and role is None:
        fail(
            "Vai trò",
            gettext("không có vai trò “%(role)s”; xem sheet Hướng dẫn.")
            % {"role": values["Vai trò"]},
        )
    unit = units.find(values["Đơn vị"]) if values["Đơn vị"] else None
    if values["Đơn vị"] and unit is None:
        fail(
            "Đơn vị",
            gettext("không có đơn vị “%(unit)s” trong %(province)s.")
            % {"unit": values["Đơn vị"], "province": province},
        )
    elif role is not None:
        problem = role_problem(role, province, unit)
        if problem:
            fail("Đơn vị", problem)
    if len(problems) > count or role is None:
        return None
    return PersonRow(
        full_name=values["Họ và tên"],
        username=values["Tên đăng nhập"],
        email=values["Thư điện tử"],
        role=role,
        province=province,
        unit=unit,
        row=number,
    )


def _check_username(username: str, fail: Any) -> None:
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        fail(
            "Tên đăng nhập",
            gettext("chỉ được có chữ, số và các dấu @ . + - _, không có dấu cách."),
        )


def _check_email(email: str, fail: Any) -> None:
    try:
        validate_email(email)
    except ValidationError:
        fail("Thư điện tử", gettext("không phải địa chỉ thư điện tử hợp lệ."))


def _text(value: Any) -> str:
    """A cell as text: 12 -> '12', None -> '', a date or a number as written."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return typed_text(str(value).strip())
