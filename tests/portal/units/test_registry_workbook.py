"""The registry as XLSX: export, and import (create or update by code, all or nothing, every
problem named by sheet, row and column)."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from portal.units.models import Lineage, Unit
from portal.units.workbook import LINEAGE_COLUMNS, UNIT_COLUMNS
from tests.portal.conftest import Cast
from tests.portal.meanwhile import in_transaction
from tests.portal.units.conftest import LOGIN, MEMBERS, READ_ONLY, registry_state

EXPORT = "/don-vi/tinh/tinh-mau/xuat.xlsx"
IMPORT = "/don-vi/tinh/tinh-mau/nhap/"


def workbook(
    units: list[list[object]],
    links: list[list[object]] | None = None,
    unit_header: tuple[str, ...] = UNIT_COLUMNS,
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Đơn vị"
    sheet.append(list(unit_header))
    for row in units:
        sheet.append(row)
    if links is not None:
        other = book.create_sheet("Kế thừa")
        other.append(list(LINEAGE_COLUMNS))
        for row in links:
            other.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(cast: Cast, data: bytes, who: str = "quang"):
    return cast.client(getattr(cast, who)).post(
        IMPORT, {"file": SimpleUploadedFile("don-vi.xlsx", data)}
    )


NEW_UNITS = [
    [
        "xa-a1",
        "UBND xã A1",
        "xa",
        "huyen-a",
        "has_online_public_services=true; dan_so=12500",
        "Xã A1; UBND xã A 1",
        "01/01/2020",
        "30/06/2025",
    ],
    ["huyen-a", "UBND huyện A", "huyen", None, None, None, datetime(2010, 1, 1), "30/06/2025"],
    [
        "xa-moi",
        "UBND xã Mới",
        "xa",
        None,
        'has_online_public_services=false; ma_cu="0123"',
        None,
        "01/07/2025",
        None,
    ],
    [
        "so-noi-vu",
        "Sở Nội vụ (sau sáp nhập)",
        "so",
        None,
        "has_online_public_services=true",
        None,
        None,
        None,
    ],
]
NEW_LINKS = [["xa-a1", "Sáp nhập vào", "xa-moi", "01/07/2025", "Nghị quyết số 1662/NQ-UBTVQH15"]]


# ---- export --------------------------------------------------------------------------


def test_export_sends_anonymous_visitors_to_the_login_page(cast: Cast):
    response = cast.client(None).get(EXPORT)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((m, 200) for m in MEMBERS), ("khoa", 404)])
def test_export_is_for_members_of_the_province(cast: Cast, who, status):
    assert cast.client(getattr(cast, who)).get(EXPORT).status_code == status


def test_export_writes_both_sheets_with_frozen_headers(cast: Cast):
    successor = Unit.objects.create(
        province=cast.province,
        code="so-moi",
        name="Sở Mới",
        level="so",
        parent=cast.noi_vu,
        aliases=["Sở mới", "SM"],
        active_from=date(2025, 7, 1),
        attributes={"ty_le": 3.5, "vung": "12"},
    )
    Lineage.objects.create(
        predecessor=cast.tu_phap,
        successor=successor,
        kind="merged_into",
        effective=date(2025, 7, 1),
        note="QĐ 1",
    )
    response = cast.client(cast.lan).get(EXPORT)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Đơn vị", "Kế thừa"]
    units, links = book["Đơn vị"], book["Kế thừa"]
    assert units.freeze_panes == "A2" and links.freeze_panes == "A2"
    rows = [list(r) for r in units.iter_rows(values_only=True)]
    assert tuple(rows[0]) == UNIT_COLUMNS
    assert [
        "so-moi",
        "Sở Mới",
        "so",
        "so-noi-vu",
        'ty_le=3,5; vung="12"',
        "Sở mới; SM",
        datetime(2025, 7, 1),
        None,
    ] in rows
    assert [
        "so-noi-vu",
        "Sở Nội vụ",
        "so",
        None,
        "has_online_public_services=true",
        None,
        None,
        None,
    ] in rows
    assert units["G2"].number_format == "DD/MM/YYYY"
    assert list(links.iter_rows(values_only=True))[1] == (
        "so-tu-phap",
        "Sáp nhập vào",
        "so-moi",
        datetime(2025, 7, 1),
        "QĐ 1",
    )


# ---- import: who ---------------------------------------------------------------------


def test_import_sends_anonymous_visitors_to_the_login_page(cast: Cast, unchanged):
    response = cast.client(None).post(
        IMPORT, {"file": SimpleUploadedFile("a.xlsx", workbook(NEW_UNITS))}
    )
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((r, 403) for r in READ_ONLY), ("khoa", 404)])
def test_import_is_for_the_office_admin_only(cast: Cast, unchanged, who, status):
    assert cast.client(getattr(cast, who)).get(IMPORT).status_code == status
    assert upload(cast, workbook(NEW_UNITS), who).status_code == status


# ---- import: what --------------------------------------------------------------------


def test_import_creates_and_updates_units_by_code_and_records_lineage(cast: Cast):
    response = upload(cast, workbook(NEW_UNITS, NEW_LINKS))
    assert response.status_code == 302
    a1 = Unit.objects.get(code="xa-a1")
    assert a1.parent == Unit.objects.get(code="huyen-a")  # a parent defined further down
    assert a1.attributes == {"has_online_public_services": True, "dan_so": 12500}
    assert a1.aliases == ["Xã A1", "UBND xã A 1"]
    assert (a1.active_from, a1.active_until) == (date(2020, 1, 1), date(2025, 6, 30))
    assert Unit.objects.get(code="huyen-a").active_from == date(2010, 1, 1)  # a real date cell
    assert Unit.objects.get(code="xa-moi").attributes == {
        "has_online_public_services": False,
        "ma_cu": "0123",
    }
    cast.noi_vu.refresh_from_db()
    assert cast.noi_vu.name == "Sở Nội vụ (sau sáp nhập)"
    link = Lineage.objects.get()
    assert (link.predecessor.code, link.successor.code, link.effective) == (
        "xa-a1",
        "xa-moi",
        date(2025, 7, 1),
    )
    assert Unit.objects.filter(province=cast.province).count() == 5


def test_import_reports_what_it_did(cast: Cast):
    client = cast.client(cast.quang)
    response = client.post(
        IMPORT, {"file": SimpleUploadedFile("a.xlsx", workbook(NEW_UNITS, NEW_LINKS))}
    )
    page = client.get(response["Location"]).content.decode()
    assert "3 đơn vị mới, 1 đơn vị cập nhật, 1 quan hệ kế thừa" in page


def test_an_exported_registry_imports_back_unchanged(cast: Cast):
    upload(cast, workbook(NEW_UNITS, NEW_LINKS))
    before = registry_state()
    exported = cast.client(cast.quang).get(EXPORT).content
    assert upload(cast, exported).status_code == 302
    assert registry_state() == before


def test_import_may_reorder_parents_without_seeing_a_cycle(cast: Cast):
    cast.tu_phap.parent = cast.noi_vu
    cast.tu_phap.save()
    swapped = [
        ["so-noi-vu", "Sở Nội vụ", "so", "so-tu-phap", None, None, None, None],
        ["so-tu-phap", "Sở Tư pháp", "so", None, None, None, None, None],
    ]
    assert upload(cast, workbook(swapped)).status_code == 302
    cast.noi_vu.refresh_from_db()
    assert cast.noi_vu.parent == cast.tu_phap


def test_import_leaves_units_absent_from_the_file_alone(cast: Cast):
    upload(cast, workbook([NEW_UNITS[2]]))
    assert Unit.objects.filter(code__in=["so-noi-vu", "so-tu-phap"]).count() == 2


# ---- import: bad files change nothing ------------------------------------------------


def with_row(row: int, **cells: object) -> bytes:
    rows = [list(r) for r in NEW_UNITS]
    for column, value in cells.items():
        rows[row - 2][UNIT_COLUMNS.index(column.replace("_", " "))] = value
    return workbook(rows, NEW_LINKS)


def _number_xml(data: bytes, text: str) -> bytes:
    """The workbook with the number 424242 written as `text` in its sheets' XML."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            part = source.read(member.filename)
            target.writestr(member, part.replace(b"<v>424242</v>", f"<v>{text}</v>".encode()))
    return out.getvalue()


BAD_FILES = {
    "not an xlsx": (b"Ma,Ten\nxa,UBND", ["Tệp không phải là tệp Excel (.xlsx) đọc được."]),
    "no Đơn vị sheet": (None, ["Tệp không có sheet “Đơn vị”."]),
    "wrong columns": (
        workbook([["a", "b", "xa"]], unit_header=("Mã", "Tên", "Cấp")),
        [
            "Sheet Đơn vị, dòng 1: thiếu cột Khối, Mã đơn vị cấp trên, Thuộc tính, Tên khác, Hoạt động từ, Hoạt động đến; cột không dùng được Cấp. Các cột cần có: Mã, Tên, Khối, Mã đơn vị cấp trên, Thuộc tính, Tên khác, Hoạt động từ, Hoạt động đến."
        ],
    ),
    "an empty level": (
        with_row(3, Khối=None),
        ["Sheet Đơn vị, dòng 3, cột Khối: không được để trống"],
    ),
    "a parent that does not exist": (
        with_row(2, Mã_đơn_vị_cấp_trên="huyen-b"),
        [
            "Sheet Đơn vị, dòng 2, cột Mã đơn vị cấp trên: không có đơn vị mã “huyen-b” trong tệp hay trong danh mục của tỉnh"
        ],
    ),
    "a duplicate code": (
        with_row(4, Mã="xa-a1"),
        ["Sheet Đơn vị, dòng 4, cột Mã: mã “xa-a1” bị trùng với dòng 2"],
    ),
    "a bad date": (
        with_row(7 - 2, Hoạt_động_từ="31/06/2025"),
        [
            "Sheet Đơn vị, dòng 5, cột Hoạt động từ: ngày “31/06/2025” không hợp lệ (cần dạng dd/mm/yyyy)"
        ],
    ),
    "an infinite number cell": (
        _number_xml(with_row(3, Mã=424242), "inf"),
        [
            "Sheet Đơn vị, dòng 3: có ô không đọc được (tệp hỏng, hoặc một số không hợp lệ như NaN hay inf)"
        ],
    ),
    "a date in year 0001": (
        with_row(2, Hoạt_động_từ=datetime(1, 1, 1)),
        ["Sheet Đơn vị, dòng 2, cột Hoạt động từ: Ngày 01/01/0001 nằm ngoài khoảng năm 1900–2100"],
    ),
    "a typed date in year 0001": (
        with_row(2, Hoạt_động_từ="01/01/0001"),
        ["Sheet Đơn vị, dòng 2, cột Hoạt động từ: Ngày 01/01/0001 nằm ngoài khoảng năm 1900–2100"],
    ),
    "a 100,000-digit attribute": (
        with_row(3, Thuộc_tính="population = " + "9" * 100_000),
        [
            "Sheet Đơn vị, dòng 3, cột Thuộc tính: “9999999999999999999999999999999999999999” không phải số dùng được: Quá dài để là một số"
        ],
    ),
    "dates in the wrong order": (
        with_row(2, Hoạt_động_từ="01/07/2025"),
        [
            "Sheet Đơn vị, dòng 2, cột Hoạt động đến: Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động."
        ],
    ),
    "a bad attribute": (
        with_row(3, Thuộc_tính="Có DVC = true"),
        [
            "Sheet Đơn vị, dòng 3, cột Thuộc tính: tên thuộc tính “Có DVC” chỉ được dùng chữ thường không dấu, chữ số và dấu _"
        ],
    ),
    "a bad code": (
        with_row(4, Mã="xã mới"),
        [
            "Sheet Đơn vị, dòng 4, cột Mã: Mã chỉ gồm chữ cái không dấu, chữ số, dấu - và dấu _ (ví dụ: so-noi-vu, xa-an-nhon)."
        ],
    ),
    "a cycle of parents": (
        workbook([["x", "X", "xa", "y"], ["y", "Y", "xa", "x"]]),
        [
            "Sheet Đơn vị, dòng 3, cột Mã đơn vị cấp trên: Đơn vị cấp trên không được là chính đơn vị này hoặc một đơn vị cấp dưới của nó."
        ],
    ),
    "a bad lineage kind": (
        workbook(NEW_UNITS, [["xa-a1", "Nhập vào", "xa-moi", "01/07/2025", None]]),
        [
            "Sheet Kế thừa, dòng 2, cột Loại: “Nhập vào” không hợp lệ; chọn một trong: Sáp nhập vào, Tách ra từ, Đổi tên thành"
        ],
    ),
    "a lineage to an unknown unit": (
        workbook(NEW_UNITS, [["xa-a1", "Sáp nhập vào", "xa-z", "01/07/2025", None]]),
        ["Sheet Kế thừa, dòng 2, cột Mã đơn vị sau: không có đơn vị mã “xa-z”"],
    ),
    "a lineage without date": (
        workbook(NEW_UNITS, [["xa-a1", "Đổi tên thành", "xa-moi", None, None]]),
        ["Sheet Kế thừa, dòng 2, cột Có hiệu lực từ: không được để trống"],
    ),
    "a unit succeeding itself": (
        workbook(NEW_UNITS, [["xa-a1", "Đổi tên thành", "xa-a1", "01/07/2025", None]]),
        ["Sheet Kế thừa, dòng 2: Một đơn vị không thể kế thừa chính nó."],
    ),
}


def _no_unit_sheet() -> bytes:
    book = Workbook()
    book.active.title = "Sheet1"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_changes_nothing_and_names_every_problem(cast: Cast, unchanged, case):
    data, problems = BAD_FILES[case]
    response = upload(cast, data if data is not None else _no_unit_sheet())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Danh mục không thay đổi" in page
    for problem in problems:
        assert problem in page.replace("&quot;", '"')


def test_every_problem_of_a_file_is_listed_at_once(cast: Cast, unchanged):
    data = workbook([["a", None, "xa", None, None, None, "1/13/2025"], ["b", "B", None, "zz"]])
    page = upload(cast, data).content.decode()
    assert "Sheet Đơn vị, dòng 2, cột Tên: không được để trống" in page
    assert "Sheet Đơn vị, dòng 2, cột Hoạt động từ" in page
    assert "Sheet Đơn vị, dòng 3, cột Khối: không được để trống" in page


@pytest.mark.django_db(transaction=True)
def test_the_workbook_is_read_before_the_transaction_opens(cast: Cast, monkeypatch):
    """On SQLite a transaction holds the database's one write lock from its start: the
    workbook is unpacked and parsed before it, and only the writes run under it."""
    from portal.units import services

    read_in_transaction = in_transaction(monkeypatch, services, "read_registry")
    summary = services.registry_import(province=cast.province, data=workbook(NEW_UNITS, NEW_LINKS))
    assert read_in_transaction == [False]
    assert (summary.created, summary.links) == (3, 1)
    assert Unit.objects.filter(code="xa-a1", parent__code="huyen-a").exists()
