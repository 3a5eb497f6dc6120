"""Importing people from a workbook: all or nothing, every problem placed by sheet, row and
column, invitations sent after the commit; hostile files refused before they are read."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from portal.accounts import sheet as people_sheet
from portal.accounts.models import Membership, User
from portal.audit.models import AuditEntry
from portal.roles import Role
from tests.portal.conftest import Cast
from tests.portal.jobs import run_jobs

IMPORT = "/tai-khoan/nguoi-dung/nhap/"
TEMPLATE = "/tai-khoan/nguoi-dung/nhap/mau.xlsx"
HEADER = ["Họ và tên", "Tên đăng nhập", "Thư điện tử", "Vai trò", "Đơn vị"]
GOOD = [
    ["Hồ Văn Nam", "nam", "nam@tinh-mau.gov.vn", "Cán bộ đầu mối của đơn vị", "so-tu-phap"],
    ["Đỗ Thị Mai", "mai", "mai@tinh-mau.gov.vn", "approver", "Sở Nội vụ"],
    ["Trương Văn Tùng", "tung", "tung@tinh-mau.gov.vn", "Lãnh đạo", None],
]


def workbook(
    rows: list[list[object]], header: list[str] = HEADER, title: str = "Người dùng"
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(cast: Cast, data: bytes, name: str = "nguoi-dung.xlsx"):  # type: ignore[no-untyped-def]
    return cast.client(cast.quang).post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def test_the_office_imports_people_who_are_invited(cast: Cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(cast, workbook(GOOD))
    run_jobs()  # the worker sends what was queued
    assert response.status_code == 302
    nam, mai, tung = (User.objects.get(username=u) for u in ("nam", "mai", "tung"))
    assert Membership.objects.get(user=nam).unit == cast.tu_phap
    assert Membership.objects.get(user=mai).role == Role.APPROVER
    assert Membership.objects.get(user=tung).unit is None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(row[2] for row in GOOD)
    entries = AuditEntry.objects.filter(entity="person", action="create")
    assert entries.count() == 3 and entries[0].reason == "Nhập từ tệp nguoi-dung.xlsx"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            ["", "x1", "x1@a.vn", "Lãnh đạo", ""],
            "Sheet Người dùng, dòng 5, cột Họ và tên: không được để trống.",
        ),
        (
            ["X", "có cách", "x1@a.vn", "Lãnh đạo", ""],
            "Sheet Người dùng, dòng 5, cột Tên đăng nhập: chỉ được có chữ",
        ),
        (
            ["X", "x1", "không-phải-thư", "Lãnh đạo", ""],
            "Sheet Người dùng, dòng 5, cột Thư điện tử: không phải địa chỉ",
        ),
        (
            ["X", "x1", "x1@a.vn", "Giám đốc", ""],
            "Sheet Người dùng, dòng 5, cột Vai trò: không có vai trò “Giám đốc”",
        ),
        (
            ["X", "x1", "x1@a.vn", "reporter", "so-khong-co"],
            "Sheet Người dùng, dòng 5, cột Đơn vị: không có đơn vị “so-khong-co”",
        ),
        (
            ["X", "x1", "x1@a.vn", "reporter", ""],
            "Sheet Người dùng, dòng 5, cột Đơn vị: Vai trò “Cán bộ đầu mối của đơn vị” cần chọn đơn vị.",
        ),
        (
            ["X", "lan", "x1@a.vn", "Lãnh đạo", ""],
            "Sheet Người dùng, dòng 5, cột Tên đăng nhập: đã có người dùng này.",
        ),
        (
            ["X", "x1", "NAM@tinh-mau.gov.vn", "Lãnh đạo", ""],
            "Sheet Người dùng, dòng 5, cột Thư điện tử: trùng với dòng 2.",
        ),
        (
            ["X" * 201, "x1", "x1@a.vn", "Lãnh đạo", ""],
            "Sheet Người dùng, dòng 5, cột Họ và tên: dài quá 200 ký tự.",
        ),
        (
            ["=1+1", "x1", "x1@a.vn", "Lãnh đạo", ""],
            "Sheet Người dùng, dòng 5, cột Họ và tên: là công thức",
        ),
        (
            ["X\x7f", "x1", "x1@a.vn", "Lãnh đạo", ""],
            "Sheet Người dùng, dòng 5, cột Họ và tên: chứa ký tự điều khiển",
        ),
        (
            [12345, "x1", "x1@a.vn", "Lãnh đạo", 3.5],
            "Sheet Người dùng, dòng 5, cột Đơn vị: không có đơn vị “3.5”",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file_and_says_where(
    cast: Cast, row: list[object], problem: str, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(cast, workbook([*GOOD, row]))
    run_jobs()  # the worker sends what was queued
    assert response.status_code == 400
    problems = response.context["problems"]
    assert any(p.startswith(problem) for p in problems), problems
    assert not User.objects.filter(username__in=["nam", "mai", "tung", "x1"]).exists()
    assert not mail.outbox and not AuditEntry.objects.filter(entity="person").exists()


def test_every_problem_is_listed_at_once(cast: Cast):
    rows = [
        ["", "a b", "x", "Giám đốc", ""],
        ["Y", "y", "y@a.vn", "Lãnh đạo", "so-noi-vu"],
        ["Z", "lan", "z@a.vn", "Lãnh đạo", ""],
    ]
    problems = upload(cast, workbook(rows)).context["problems"]
    assert [p.split(":")[0] for p in problems] == [
        "Sheet Người dùng, dòng 2, cột Họ và tên",
        "Sheet Người dùng, dòng 2, cột Tên đăng nhập",
        "Sheet Người dùng, dòng 2, cột Thư điện tử",
        "Sheet Người dùng, dòng 2, cột Vai trò",
        "Sheet Người dùng, dòng 3, cột Đơn vị",
        "Sheet Người dùng, dòng 4, cột Tên đăng nhập",
    ]


def test_a_file_without_the_sheet_or_its_columns_is_refused(cast: Cast):
    no_sheet = upload(cast, workbook(GOOD, title="Trang 1")).context["problems"]
    assert no_sheet == ["Tệp không có sheet “Người dùng”: hãy dùng tệp mẫu."]
    no_column = upload(cast, workbook([], header=HEADER[:3])).context["problems"]
    assert no_column[0].startswith("Sheet Người dùng, dòng 1: thiếu cột Vai trò, Đơn vị")


def test_hostile_files_are_refused_before_they_are_read(cast: Cast, settings, monkeypatch):
    assert "không phải là tệp Excel" in upload(cast, b"not a zip").context["problems"][0]
    big = upload(cast, b"x" * (2 * 1024 * 1024 + 1))
    assert "Tệp quá lớn" in big.content.decode()
    monkeypatch.setattr(people_sheet, "MAX_ROWS", 2)
    many = upload(cast, workbook(GOOD)).context["problems"]
    assert many == ["Sheet “Người dùng” có quá 2 dòng: hãy chia thành nhiều tệp."]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    refused = upload(cast, bomb.getvalue())
    assert refused.status_code == 400
    assert not User.objects.filter(username="nam").exists()


def test_the_template_lists_the_roles_and_the_provinces_units(cast: Cast):
    response = cast.client(cast.quang).get(TEMPLATE)
    assert response["Content-Disposition"] == 'attachment; filename="mau-nguoi-dung.xlsx"'
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    header = next(book["Người dùng"].iter_rows(values_only=True))
    assert list(header) == HEADER
    guide = list(book["Hướng dẫn"].iter_rows(values_only=True))
    assert ("Cán bộ đầu mối của đơn vị", "có") in guide
    assert ("so-noi-vu", "Sở Nội vụ") in guide


def test_the_filled_template_imports(cast: Cast):
    data = cast.client(cast.quang).get(TEMPLATE).content
    book = load_workbook(io.BytesIO(data))
    book["Người dùng"].append(GOOD[0])
    out = io.BytesIO()
    book.save(out)
    assert upload(cast, out.getvalue()).status_code == 302
    assert User.objects.filter(username="nam").exists()


def test_a_superuser_takes_the_template_of_the_province_he_names(cast: Cast):
    from portal.units.models import Unit

    Unit.objects.create(province=cast.other_province, code="so-x", name="Sở X", level="so")
    root = User.objects.create_superuser("root", "root@example.org", "x")
    response = cast.client(root).get(f"{TEMPLATE}?tinh=tinh-khac")
    guide = list(load_workbook(io.BytesIO(response.content))["Hướng dẫn"].values)
    assert ("so-x", "Sở X") in guide and ("so-noi-vu", "Sở Nội vụ") not in guide
    page = cast.client(root).get(IMPORT).content.decode()
    assert "?tinh=tinh-khac" in page and "?tinh=tinh-mau" in page
