"""Downloading a framework as a YAML file the CLI reads, and the blank workbook template."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from dti.framework.loader import load_framework_file
from portal.frameworks.documents import exact_document, parse_yaml_text
from tests.portal.conftest import Cast
from tests.portal.frameworks.conftest import LOGIN, MEMBERS


def url(cast: Cast) -> str:
    return f"/bo-chi-so/{cast.framework.pk}/bo-chi-so.yaml"


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast):
    response = cast.client(None).get(url(cast))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((m, 200) for m in MEMBERS), ("khoa", 404)])
def test_the_yaml_file_is_for_members_of_the_province(cast: Cast, who, status):
    assert cast.client(getattr(cast, who)).get(url(cast)).status_code == status


def test_the_yaml_file_is_what_the_cli_validates(cast: Cast, tmp_path):
    response = cast.client(cast.lan).get(url(cast))
    assert response["Content-Disposition"] == 'attachment; filename="mau-2025-so.yaml"'
    document = parse_yaml_text(response.content.decode(), "x")
    cast.framework.refresh_from_db()
    assert document["framework"] == exact_document(cast.framework.document)
    path = tmp_path / "bo-chi-so.yaml"
    path.write_bytes(response.content)
    assert load_framework_file(path).max == 100


def test_the_blank_template_has_every_sheet_and_column(cast: Cast):
    response = cast.client(cast.thao).get("/bo-chi-so/mau-trong.xlsx")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [
        "Tiêu chí",
        "Chính sách",
        "Nhóm xếp hạng",
        "Xếp hạng từng chỉ số",
        "Điểm thưởng, trừ",
        "Hướng dẫn",
    ]
    assert [c.value for c in book["Xếp hạng từng chỉ số"][1]] == [
        "Mã chỉ số chính",
        "Giá trị so sánh",
        "Số chữ số thập phân",
        "Đồng hạng",
    ]
    assert [c.value for c in book["Tiêu chí"][1]][:5] == [
        "Mã",
        "Mã cấp trên",
        "Tên",
        "Loại",
        "Điểm tối đa",
    ]
