"""Importing the office's workbook: every bad cell named by sheet, row and column, then the
core's checks pointed back at rows; nothing stored unless it is all right."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.frameworks.documents import exact_document
from portal.frameworks.models import FrameworkVersion
from tests.portal.conftest import Cast
from tests.portal.frameworks.conftest import LOGIN, MEMBERS, READ_ONLY
from tests.portal.frameworks.test_workbook import HAND_NODES, HAND_POLICY, filled

URL = "/bo-chi-so/tinh/tinh-mau/nhap-excel/"


def post(cast: Cast, data: bytes, who: str = "quang", **fields: str):
    form = {
        "year": "2026",
        "level": "so",
        "file": SimpleUploadedFile("bo-chi-so.xlsx", data),
    } | fields
    return cast.client(getattr(cast, who)).post(URL, form)


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast, unchanged):
    for response in (
        cast.client(None).get(URL),
        cast.client(None).post(URL, {"year": "2026"}),
        cast.client(None).get(f"/bo-chi-so/{cast.framework.pk}/bo-chi-so.xlsx"),
        cast.client(None).get("/bo-chi-so/mau-trong.xlsx"),
    ):
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((r, 403) for r in READ_ONLY), ("khoa", 404)])
def test_import_is_for_the_office_admin_only(cast: Cast, unchanged, who, status):
    assert cast.client(getattr(cast, who)).get(URL).status_code == status
    assert post(cast, filled(HAND_NODES, HAND_POLICY), who).status_code == status


@pytest.mark.parametrize(("who", "status"), [*((m, 200) for m in MEMBERS), ("khoa", 404)])
def test_the_filled_template_is_for_members_of_the_province(cast: Cast, who, status):
    response = cast.client(getattr(cast, who)).get(f"/bo-chi-so/{cast.framework.pk}/bo-chi-so.xlsx")
    assert response.status_code == status


def test_a_downloaded_framework_uploads_back_to_an_equal_document(cast: Cast):
    client = cast.client(cast.quang)
    data = client.get(f"/bo-chi-so/{cast.framework.pk}/bo-chi-so.xlsx").content
    response = client.post(
        URL, {"year": "2026", "level": "xa", "file": SimpleUploadedFile("a.xlsx", data)}
    )
    assert response.status_code == 302
    imported = FrameworkVersion.objects.get(code="mau-2025-xa")  # the document's own code
    imported.refresh_from_db()
    cast.framework.refresh_from_db()
    assert exact_document(imported.document) == exact_document(cast.framework.document)
    assert (imported.year, imported.level, imported.created_by) == (2026, "xa", cast.quang)


def test_the_office_admin_imports_a_hand_filled_workbook(cast: Cast):
    response = post(cast, filled(HAND_NODES, HAND_POLICY))
    version = FrameworkVersion.objects.get(code="tay-2026")
    assert response["Location"] == f"/bo-chi-so/{version.pk}/"
    assert version.name == "Bộ chỉ số điền tay" and version.build().max == 72.5


def with_node(row: int, column: str, value: object) -> list[list[object]]:
    from portal.frameworks.workbook.tree import COLUMNS

    rows = [r + [None] * (len(COLUMNS) - len(r)) for r in HAND_NODES]
    rows[row - 2][COLUMNS.index(column)] = value
    return rows


def number_xml(nodes: list[list[object]], text: str) -> bytes:
    """The workbook with the number 424242 written as `text` in the sheet's XML, as another
    program may write it (openpyxl writes an infinity as an empty cell)."""
    source = zipfile.ZipFile(io.BytesIO(filled(nodes, HAND_POLICY)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            target.writestr(member, data.replace(b"<v>424242</v>", f"<v>{text}</v>".encode()))
    return out.getvalue()


BAD = {
    "not an xlsx": (b"PK\x03\x04 not really", ["Tệp không phải là tệp Excel (.xlsx) đọc được."]),
    # Hostile numbers: each was a 500 or a stored framework whose pages failed.
    "an infinite max": (
        number_xml(with_node(3, "Điểm tối đa", 424242), "inf"),
        [
            "Sheet Tiêu chí, dòng 3: có ô không đọc được (tệp hỏng, hoặc một số không hợp lệ như NaN hay inf)"
        ],
    ),
    "a NaN max": (
        number_xml(with_node(3, "Điểm tối đa", 424242), "nan"),
        [
            "Sheet Tiêu chí, dòng 3: có ô không đọc được (tệp hỏng, hoặc một số không hợp lệ như NaN hay inf)"
        ],
    ),
    "a max of 1e300": (
        filled(with_node(3, "Điểm tối đa", 1e300), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 3, cột Điểm tối đa: “1000000000000000052504760255204420248704…” không phải là số: Số quá lớn"
        ],
    ),
    "a max of 32,767 digits": (
        filled(with_node(3, "Điểm tối đa", "9" * 32_767), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 3, cột Điểm tối đa: “9999999999999999999999999999999999999999…” không phải là số: Quá dài để là một số"
        ],
    ),
    "a date as the max": (
        filled(with_node(3, "Điểm tối đa", datetime(2025, 1, 1)), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 3, cột Điểm tối đa: “2025-01-01 00:00:00” không phải là số (ô định dạng ngày, giờ)"
        ],
    ),
    "a date of year 1 as the max": (
        filled(with_node(3, "Điểm tối đa", date(1, 1, 1)), HAND_POLICY),
        ["Sheet Tiêu chí, dòng 3, cột Điểm tối đa: “"],
    ),
    "a max that is not a number": (
        filled(with_node(3, "Điểm tối đa", "năm"), HAND_POLICY),
        ["Sheet Tiêu chí, dòng 3, cột Điểm tối đa: “năm” không phải là số"],
    ),
    "an unknown rule": (
        filled(with_node(3, "Quy tắc", "thang điểm"), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 3, cột Quy tắc: “thang điểm” không hợp lệ; chọn một trong: nhập điểm, có-không, lựa chọn, tỷ lệ, mức, số lần, công thức"
        ],
    ),
    "bad band parameters": (
        filled(with_node(7, "Tham số", "90-15; 70:10"), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 7, cột Tham số: “90-15” phải có dạng từ giá trị:điểm (ví dụ: 90:15; 70:10; 0:0)"
        ],
    ),
    "a ratio without target": (
        filled(with_node(6, "Tham số", "giới hạn=có"), HAND_POLICY),
        ["Sheet Tiêu chí, dòng 6, cột Tham số: thiếu mục tiêu=… (ví dụ: mục tiêu=100)"],
    ),
    "parameters on a yes/no rule": (
        filled(with_node(3, "Tham số", "mục tiêu=100"), HAND_POLICY),
        ["Sheet Tiêu chí, dòng 3, cột Tham số: quy tắc này không có tham số (ví dụ: để trống)"],
    ),
    "an unknown kind": (
        filled(with_node(2, "Loại", "trụ cột"), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 2, cột Loại: “trụ cột” không hợp lệ; chọn một trong: nhóm, chỉ số chính, chỉ số thành phần, tiêu chí"
        ],
    ),
    "an unknown source": (
        filled(with_node(3, "Nguồn", "sở"), HAND_POLICY),
        ["Sheet Tiêu chí, dòng 3, cột Nguồn: “sở” không hợp lệ"],
    ),
    "an unknown parent": (
        filled(with_node(4, "Mã cấp trên", "zz"), HAND_POLICY),
        ["Sheet Tiêu chí, dòng 4, cột Mã cấp trên: không có tiêu chí mã “zz” trong sheet"],
    ),
    "a duplicate code": (
        filled(with_node(4, "Mã", "nts_1"), HAND_POLICY),
        ["Sheet Tiêu chí, dòng 4, cột Mã: mã “nts_1” bị trùng với dòng 3"],
    ),
    "parents in a loop": (
        filled(
            [*HAND_NODES, ["v1", "v2", "V1", None, 1], ["v2", "v1", "V2", None, 1]], HAND_POLICY
        ),
        [
            "Sheet Tiêu chí, dòng 10, cột Mã cấp trên: các mã cấp trên tạo thành vòng lặp, không về được gốc"
        ],
    ),
    "an unknown policy parameter": (
        filled(HAND_NODES, HAND_POLICY | {"Cách làm tròn": "lên"}),
        ["Sheet Chính sách, dòng 10, cột Tham số: không có tham số “Cách làm tròn”"],
    ),
    "a bad tie policy": (
        filled(HAND_NODES, HAND_POLICY | {"đồng hạng": "tron"}),
        [
            "Sheet Chính sách, dòng 6, cột Giá trị: “tron” không hợp lệ; chọn một trong: dense, competition"
        ],
    ),
    "bad classes": (
        filled(HAND_NODES, HAND_POLICY | {"Xếp loại": "Tốt 80; Khá:65"}),
        [
            "Sheet Chính sách, dòng 7, cột Giá trị: “Tốt 80” phải có dạng nhãn:từ điểm (ví dụ: Tốt:80)"
        ],
    ),
    "no name": (
        filled(HAND_NODES, {k: v for k, v in HAND_POLICY.items() if k != "Tên bộ chỉ số"}),
        ["Sheet Chính sách: chưa điền “Tên bộ chỉ số”"],
    ),
    # the core's checks, pointed back at the row
    "a parent max that is not the sum": (
        filled(with_node(5, "Điểm tối đa", 60), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 5, cột Điểm tối đa: framework.nodes[cqs].max: điểm tối đa 60 khác tổng điểm tối đa của các tiêu chí con (57.5)"
        ],
    ),
    "choice points above the max": (
        filled(with_node(8, "Tham số", "du=Đầy đủ:10; mot_phan:2,5"), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 8, cột Tham số: framework.nodes[cqs].children[cqs_3].rule: mức 10 điểm vượt điểm tối đa 7.5 của tiêu chí"
        ],
    ),
    "a leaf without max": (
        filled(with_node(3, "Điểm tối đa", None), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 3: framework.nodes[nts].children[nts_1]: tiêu chí lá phải có điểm tối đa (max)"
        ],
    ),
    "a condition that does not parse": (
        filled(with_node(9, "Áp dụng khi", "has_online_public_services &&"), HAND_POLICY),
        [
            "Sheet Tiêu chí, dòng 9, cột Áp dụng khi: framework.nodes[cqs].children[cqs_4].applies_when:"
        ],
    ),
    "remove_block without a block": (
        filled(HAND_NODES, HAND_POLICY | {"cách so sánh": "remove_block"}),
        [
            "Sheet Chính sách, dòng 4: framework.ranking: chính sách remove_block cần &#x27;block&#x27;: mã khối điểm bị loại"
        ],
    ),
    "a peer group whose condition does not parse": (
        filled(
            HAND_NODES,
            HAND_POLICY,
            [
                ["co", "Có DVCTT", "has_online_public_services"],
                ["khong", "Không có DVCTT", "has_online_public_services or", None, None, "thi_dau"],
            ],
        ),
        [
            "Sheet Nhóm xếp hạng, dòng 3, cột Đồng hạng: “thi_dau” không hợp lệ; chọn một trong: dense, competition"
        ],
    ),
    "a peer group condition the core refuses": (
        filled(
            HAND_NODES, HAND_POLICY, [["khong", "Không có DVCTT", "has_online_public_services or"]]
        ),
        ["Sheet Nhóm xếp hạng, dòng 2, cột Điều kiện: framework.groups[khong].when:"],
    ),
    "a bonus of an unknown kind": (
        filled(
            HAND_NODES,
            HAND_POLICY,
            None,
            [["sk", "Sáng kiến", "2,5", "cộng thêm"], ["tre", "Chậm", -5, "trừ"]],
        ),
        [
            "Sheet Điểm thưởng, trừ, dòng 2, cột Loại: “cộng thêm” không hợp lệ; chọn thưởng hoặc trừ"
        ],
    ),
    "a penalty below zero": (
        filled(
            HAND_NODES,
            HAND_POLICY,
            None,
            [["sk", "Sáng kiến", "2,5", "thưởng"], ["tre", "Chậm", -5, "trừ"]],
        ),
        [
            "Sheet Điểm thưởng, trừ, dòng 3, cột Điểm tối đa: framework.adjustments[tre].max: phải lớn hơn hoặc bằng 0, không phải -5"
        ],
    ),
    "a code the province already has": (
        filled(HAND_NODES, HAND_POLICY | {"Mã bộ chỉ số": "mau-2025-so"}),
        ["Tỉnh đã có bộ chỉ số mã “mau-2025-so”: hãy chọn mã khác."],
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_workbook_stores_nothing_and_names_every_problem(cast: Cast, unchanged, case):
    data, problems = BAD[case]
    response = post(cast, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chưa có gì được lưu" in page
    for problem in problems:
        assert problem in page


def test_every_bad_cell_is_reported_at_once(cast: Cast, unchanged):
    rows = with_node(3, "Điểm tối đa", "năm")
    rows[5][5] = "thang điểm"
    page = post(cast, filled(rows, HAND_POLICY | {"đồng hạng": "tron"})).content.decode()
    assert "có 3 lỗi" in page
