"""An import is all or nothing: any problem refuses the whole file, every problem is listed
in Vietnamese naming the file, the row and the column, and nothing is written (no value, no
batch, no audit entry)."""

from __future__ import annotations

import html
import io
import zipfile

import pytest

from portal.units.models import Unit
from tests.portal.indicators.conftest import (
    GOOD_ROWS,
    csv_bytes,
    json_bytes,
    stored,
    upload,
    xlsx_bytes,
)

ONLINE, TOTAL = GOOD_ROWS


def row(**changes: str) -> tuple[str, ...]:
    """The "online" row of Sở Nội vụ with some cells changed."""
    cells = dict(
        zip(("unit", "criterion", "input", "value", "measured_at", "source"), ONLINE, strict=True)
    )
    cells.update(changes)
    return tuple(cells.values())


BAD_ROWS = {
    "unknown-unit": (
        [row(unit="Sở Nội vục"), TOTAL],
        "so-lieu.csv, dòng 2, cột unit: không có đơn vị “Sở Nội vục” trong danh mục của tỉnh "
        "(có phải: Sở Nội vụ?)",
    ),
    "unit-not-in-campaign": (
        [row(unit="so-y-te")],
        "so-lieu.csv, dòng 2, cột unit: đơn vị “Sở Y tế” không tham gia đợt đánh giá này",
    ),
    "unknown-criterion": (
        [row(criterion="khong_co"), TOTAL],
        "so-lieu.csv, dòng 2, cột criterion: không có tiêu chí “khong_co” trong bộ chỉ số khối “so”",
    ),
    "a-main-index-is-no-criterion": (
        [row(criterion="nhan_thuc_so"), TOTAL],
        "so-lieu.csv, dòng 2, cột criterion: không có tiêu chí “nhan_thuc_so”",
    ),
    "not-system-sourced": (
        [row(criterion="cqs_ky_so", input="", value="87,5")],
        "so-lieu.csv, dòng 2, cột criterion: tiêu chí “cqs_ky_so” do đơn vị kê khai, không lấy "
        "số liệu từ hệ thống",
    ),
    "appraisers-criterion": (
        [row(criterion="xhs_danh_gia", input="", value="20")],
        "tiêu chí “xhs_danh_gia” do tổ thẩm định chấm, không lấy số liệu từ hệ thống",
    ),
    "not-applicable-to-the-unit": (
        [row(unit="Sở Tư pháp"), row(unit="Sở Tư pháp", input="total", value="10")],
        "so-lieu.csv, dòng 2, cột criterion: tiêu chí “cqs_dvctt” không áp dụng cho Sở Tư pháp",
    ),
    "bad-number": (
        [row(value="mười hai"), TOTAL],
        "so-lieu.csv, dòng 2, cột value: “mười hai” không phải là số: gõ số, ví dụ 87,5.",
    ),
    "thousands-or-decimals": (
        [row(value="1.200"), TOTAL],
        "so-lieu.csv, dòng 2, cột value: “1.200” không rõ là số nghìn hay số thập phân",
    ),
    "negative": ([row(value="-5"), TOTAL], "so-lieu.csv, dòng 2, cột value: Không được là số âm."),
    "percent-for-a-count": (
        [row(value="60%"), TOTAL],
        "so-lieu.csv, dòng 2, cột value: Nhập số, không kèm dấu %.",
    ),
    "five-decimals": (
        [row(value="1,23456"), TOTAL],
        "so-lieu.csv, dòng 2, cột value: Tối đa 4 chữ số thập phân (đã nhập “1,23456”).",
    ),
    "empty-value": ([row(value=""), TOTAL], "so-lieu.csv, dòng 2, cột value: không được để trống"),
    "missing-formula-input": (
        [ONLINE],
        "so-lieu.csv, dòng 2, cột input: tiêu chí “cqs_dvctt” của Sở Nội vụ còn thiếu đầu vào: "
        "total",
    ),
    "no-input-named": (
        [row(input=""), TOTAL],
        "so-lieu.csv, dòng 2, cột input: tiêu chí “cqs_dvctt” cần ghi đầu vào: online, total",
    ),
    "unknown-input": (
        [row(input="offline"), ONLINE, TOTAL],
        "so-lieu.csv, dòng 2, cột input: tiêu chí “cqs_dvctt” không có đầu vào “offline” "
        "(có: online, total)",
    ),
    "duplicate": (
        [ONLINE, TOTAL, row(value="1300")],
        "so-lieu.csv, dòng 4, cột unit: trùng với dòng 2 (cùng đơn vị, tiêu chí và đầu vào)",
    ),
    "impossible-date": (
        [row(measured_at="31/02/2025"), TOTAL],
        "so-lieu.csv, dòng 2, cột measured_at: Thời điểm đo “31/02/2025” không hợp lệ",
    ),
    "future-date": (
        [row(measured_at="01/01/2099"), TOTAL],
        "so-lieu.csv, dòng 2, cột measured_at: Thời điểm đo ở tương lai.",
    ),
    "no-date": (
        [row(measured_at=""), TOTAL],
        "so-lieu.csv, dòng 2, cột measured_at: Cần thời điểm đo",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_refuses_the_whole_file(cast, case):
    Unit.objects.create(province=cast.province, code="so-y-te", name="Sở Y tế", level="so")
    rows, expected = BAD_ROWS[case]
    before = stored()
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.csv", csv_bytes(rows))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Chưa nhập gì" in content
    assert expected in _text(content)
    assert stored() == before


def _text(page: str) -> str:
    """The page as text (the messages' quotes may be escaped as entities)."""
    return html.unescape(page)


def test_every_problem_is_listed_not_only_the_first(cast):
    rows = [row(unit="Không có"), row(value="abc"), row(input="x", measured_at="hôm qua")]
    response = upload(cast.client(cast.quang), cast.campaign, "ba-loi.csv", csv_bytes(rows))
    text = _text(response.content.decode())
    assert "ba-loi.csv, dòng 2, cột unit" in text
    assert "ba-loi.csv, dòng 3, cột value" in text
    assert "ba-loi.csv, dòng 4, cột input" in text
    assert "ba-loi.csv, dòng 4, cột measured_at" in text
    assert "Chưa nhập gì: tệp có 4 lỗi." in text


def test_problems_name_the_columns_the_way_the_file_wrote_them(cast):
    header = ("Đơn vị", "Tiêu chí", "Đầu vào", "Giá trị", "Thời điểm đo", "Nguồn")
    rows = [row(value="abc"), TOTAL]
    response = upload(cast.client(cast.quang), cast.campaign, "vi.xlsx", xlsx_bytes(rows, header))
    assert "vi.xlsx, dòng 2, cột Giá trị: “abc” không phải là số" in _text(
        response.content.decode()
    )


def test_json_items_are_located_by_their_position(cast):
    data = json_bytes([ONLINE, row(input="total", value="nhiều")])
    response = upload(cast.client(cast.quang), cast.campaign, "day.json", data)
    assert "day.json, mục 2, trường value: “nhiều” không phải là số" in _text(
        response.content.decode()
    )


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


BAD_FILES = {
    "wrong-extension": ("so-lieu.txt", csv_bytes([ONLINE, TOTAL]), "Chỉ nhận tệp .csv, .xlsx hoặc .json"),
    "not-utf8": (
        "so-lieu.csv",
        "unit;criterion;value;measured_at\nSở Nội vụ;cqs_dvctt;1;01/01/2025".encode("utf-16"),
        "so-lieu.csv: Tệp không phải văn bản UTF-8",
    ),
    "xlsx-that-is-text": ("so-lieu.xlsx", csv_bytes([ONLINE]), "so-lieu.xlsx: Tệp không phải tệp Excel"),
    "zip-that-is-no-workbook": (
        "so-lieu.xlsx", _zip({"word/document.xml": b"<w/>"}), "so-lieu.xlsx: Tệp không phải tệp Excel",
    ),
    "damaged-workbook": (
        "so-lieu.xlsx", _zip({"xl/workbook.xml": b"<not-a-workbook"}),
        "so-lieu.xlsx: Tệp Excel bị hỏng, không đọc được.",
    ),
    "csv-that-is-a-workbook": (
        "so-lieu.csv", xlsx_bytes([ONLINE]), "so-lieu.csv: Nội dung tệp là tệp nén hoặc Excel",
    ),
    "missing-column": (
        "so-lieu.csv", csv_bytes([("so-noi-vu", "cqs_dvctt", "1")], header=("unit", "criterion", "input")),
        "so-lieu.csv, dòng 1: thiếu cột value, measured_at",
    ),
    "unknown-column": (
        "so-lieu.csv", csv_bytes([(*ONLINE, "x")], header=(*("unit", "criterion", "input", "value", "measured_at", "source"), "ghi chú")),
        "so-lieu.csv, dòng 1: cột “ghi chú” không dùng được",
    ),
    "header-only": ("so-lieu.csv", csv_bytes([]), "Không có dòng số liệu nào để nhập."),
    "empty": ("so-lieu.csv", b"", "Tệp trống."),
    "nul-bytes": ("so-lieu.csv", b"unit;criterion\x00;value", "so-lieu.csv: Tệp chứa ký tự NUL"),
    "invalid-json": ("so-lieu.json", b'{"values": [', "so-lieu.json: Không phải JSON hợp lệ"),
    "json-without-values": ("so-lieu.json", b'[{"unit": "so-noi-vu"}]', "so-lieu.json: Cần một đối tượng JSON"),
    "json-item-not-an-object": ("so-lieu.json", b'{"values": [1]}', "so-lieu.json, mục 1: mỗi mục phải là một đối tượng JSON"),
    "json-unknown-field": (
        "so-lieu.json",
        b'{"values": [{"unit": "so-noi-vu", "criterion": "cqs_dvctt", "input": "online", '
        b'"value": 1, "measured_at": "2025-06-30", "note": "x"}]}',
        "so-lieu.json, mục 1: trường không dùng được: note",
    ),
    "json-number-where-text-is-expected": (
        "so-lieu.json",
        b'{"values": [{"unit": 12, "criterion": "cqs_dvctt", "input": "online", "value": 1, '
        b'"measured_at": "2025-06-30"}]}',
        "so-lieu.json, mục 1, trường unit: phải là chuỗi ký tự",
    ),
    "json-nan": ("so-lieu.json", b'{"values": [{"value": NaN}]}', "so-lieu.json: Không phải JSON hợp lệ"),
    "json-of-another-campaign": (
        "so-lieu.json", json_bytes([ONLINE, TOTAL], campaign=999999),
        "so-lieu.json: tệp ghi đợt đánh giá 999999, không phải đợt này",
    ),
    "json-deeply-nested": ("so-lieu.json", b"[" * 100_000 + b"]" * 100_000, "so-lieu.json: JSON lồng quá sâu: tối đa 20 cấp."),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_what_is_wrong(cast, case):
    name, data, expected = BAD_FILES[case]
    before = stored()
    response = upload(cast.client(cast.quang), cast.campaign, name, data)
    assert response.status_code == 400
    assert expected in _text(response.content.decode())
    assert stored() == before


def test_a_file_over_the_size_limit_is_refused(cast):
    from portal.indicators.rows import MAX_BYTES

    before = stored()
    data = csv_bytes([ONLINE, TOTAL]) + b"\r\n" + b";" * (MAX_BYTES)
    response = upload(cast.client(cast.quang), cast.campaign, "lon.csv", data)
    assert response.status_code == 400
    assert "lon.csv: Dữ liệu quá lớn: tối đa 5 MB." in _text(response.content.decode())
    assert stored() == before


def test_a_request_declaring_too_large_a_body_is_refused_unread(cast):
    from portal.indicators.rows import MAX_BYTES

    before = stored()
    data = b"x" * (MAX_BYTES + 100 * 1024)
    response = upload(cast.client(cast.quang), cast.campaign, "lon.csv", data)
    assert response.status_code == 413
    assert "Tệp quá lớn: tối đa 5 MB." in _text(response.content.decode())
    assert stored() == before


def test_a_workbook_that_unpacks_too_large_is_not_read(cast, monkeypatch):
    monkeypatch.setattr("portal.indicators.rows.MAX_UNPACKED_BYTES", 1000)
    before = stored()
    response = upload(
        cast.client(cast.quang), cast.campaign, "bom.xlsx", xlsx_bytes([ONLINE, TOTAL])
    )
    assert "bom.xlsx: Tệp Excel giải nén ra quá lớn" in _text(response.content.decode())
    assert stored() == before


def test_too_many_rows_are_refused(cast, monkeypatch):
    monkeypatch.setattr("portal.indicators.rows.MAX_ROWS", 1)
    response = upload(
        cast.client(cast.quang), cast.campaign, "nhieu.csv", csv_bytes([ONLINE, TOTAL])
    )
    assert "nhieu.csv: Quá nhiều dòng: tối đa 1 dòng mỗi lần nhập." in _text(
        response.content.decode()
    )


def test_the_form_needs_a_file_and_a_source(cast):
    before = stored()
    response = cast.client(cast.quang).post(f"/chi-so-he-thong/dot/{cast.campaign.pk}/nhap/", {})
    assert response.status_code == 400
    text = _text(response.content.decode())
    assert "Chọn một tệp để nhập." in text and "Ghi nguồn của số liệu." in text
    assert stored() == before
