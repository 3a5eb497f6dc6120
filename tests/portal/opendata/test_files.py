"""Every published table of the demo as CSV, XLSX and JSON at
/ket-qua/<province>/<year>/[phien-ban-<n>/]<level>/<table>.<fmt>: exact decimals with a
point, blanks where there is no figure, ASCII file names that do not change, Vietnamese
whatever the visitor's language; anything else at those addresses is a 404."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from portal.accounts.models import Membership
from portal.campaigns.models import CampaignUnit
from portal.publication import selectors
from portal.publication.corrections import result_correct
from portal.publication.opendata.files import FORMATS
from portal.publication.services import publication_request
from portal.roles import Role

BINH_DINH = "/ket-qua/binh-dinh/2023"
BINH_PHUOC = "/ket-qua/binh-phuoc/2024"
GENERAL_HEADER = [
    "rank", "unit_code", "unit",
    "index:nhan_thuc_so", "index:the_che_so", "index:ha_tang_so", "index:nhan_luc_so",
    "index:an_toan_thong_tin_mang", "index:hoat_dong_chinh_quyen_so",
    "index:hoat_dong_xa_hoi_so", "total", "max", "value", "previous_rank", "change",
]  # fmt: skip


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def every_table() -> list[tuple[str, str, str]]:
    """(address prefix, level, table key) of every table of the demo's two versions."""
    found = []
    for prefix, province, year in (
        (BINH_DINH, "binh-dinh", 2023),
        (BINH_PHUOC, "binh-phuoc", 2024),
    ):
        version = selectors.version_at(province, year)
        for level in selectors.levels_of(version):
            refs = selectors.tables_of(level, selectors.framework_of(level))
            found += [(prefix, level.level, ref.key) for ref in refs]
    return found


@pytest.mark.django_db
def test_the_general_ranking_as_csv_has_stable_keys_exact_decimals_and_blanks(demo):
    response = Client().get(f"{BINH_DINH}/so/tong-the.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="binh-dinh-2023-so-tong-the.csv"'
    )
    rows = csv_rows(response.content)
    assert list(rows[0]) == GENERAL_HEADER
    assert len(rows) == 21
    first = rows[0]
    assert (first["rank"], first["unit_code"], first["unit"]) == (
        "1",
        "so-thong-tin-va-truyen-thong",
        "Sở Thông tin và Truyền thông",
    )
    # exact decimals with a point, no exponent ("50", never "5E+1"), no trailing zeros
    assert (first["index:nhan_thuc_so"], first["total"], first["max"], first["value"]) == (
        "50",
        "481.45",
        "485",
        "99.3",
    )
    assert first["previous_rank"] == first["change"] == ""  # no 2022 results: blank, never 0
    assert b"E+" not in response.content


@pytest.mark.django_db
def test_every_table_of_every_level_exists_in_the_three_formats(demo):
    client = Client()
    tables = every_table()
    assert len(tables) == 8 + 9 + 11 + 10  # two levels in each province
    for prefix, level, key in tables:
        address = f"{prefix}/{level}/{key}"
        files = {fmt: client.get(f"{address}.{fmt}") for fmt in FORMATS}
        assert {fmt: r.status_code for fmt, r in files.items()} == dict.fromkeys(FORMATS, 200)
        rows = csv_rows(files["csv"].content)
        document = json.loads(files["json"].content)
        assert [field["name"] for field in document["fields"]] == list(rows[0])
        assert document["rows"] == [_typed(row, document["fields"]) for row in rows], address
        sheet = load_workbook(io.BytesIO(files["xlsx"].content), read_only=True).active
        names = [line[1] for line in sheet.iter_rows(min_row=3, values_only=True)]
        assert names == [row["unit"] for row in rows], address


def _typed(row: dict[str, str], fields: list[dict[str, str]]) -> dict[str, object]:
    """A CSV row as the JSON file has it: integers as numbers, decimals as strings, blanks
    as null."""
    typed: dict[str, object] = {}
    for field in fields:
        text = row[field["name"]]
        if text == "":
            typed[field["name"]] = None
        elif field["type"] == "integer":
            typed[field["name"]] = int(text)
        else:
            typed[field["name"]] = text
    return typed


@pytest.mark.django_db
def test_the_json_file_says_what_it_is_with_license_and_citation(demo):
    document = json.loads(Client().get(f"{BINH_PHUOC}/so/nhom-co_dvctt.json").content)
    assert document["province"] == {"code": "binh-phuoc", "name": "Bình Phước"}
    assert (document["year"], document["version"], document["superseded"]) == (2024, 1, False)
    assert document["level"] == {"code": "so", "name": "Sở, ban, ngành"}
    assert document["table"]["key"] == "nhom-co_dvctt"
    assert document["license"]["name"] == "CC-BY-4.0"
    assert document["citation"] == "Bình Phước, Kết quả đánh giá chuyển đổi số năm 2024"
    first = document["rows"][0]
    assert first["rank"] == 1 and isinstance(first["total"], str)
    assert first["class"] == "Tốt"


@pytest.mark.django_db
def test_the_workbook_is_for_people_labels_and_numbers_no_codes(demo):
    content = Client().get(f"{BINH_PHUOC}/so/tong-the.xlsx").content
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    lines = list(sheet.iter_rows(values_only=True))
    assert "Bình Phước" in lines[0][0] and "Xếp hạng chung" in lines[0][0]
    assert lines[1][:3] == ("Hạng", "Đơn vị", "Nhận thức số (50)")
    assert "Xếp loại" in lines[1]
    first = lines[2]
    assert first[:2] == (1, "Sở Kế hoạch và Đầu tư")
    assert Decimal(str(first[lines[1].index("Tổng điểm")])) == Decimal("496.16")
    assert "so-ke-hoach-va-dau-tu" not in str(lines)


@pytest.mark.django_db
def test_a_numbered_address_serves_that_version(demo):
    client = Client()
    current = client.get(f"{BINH_DINH}/so/tong-the.csv")
    numbered = client.get(f"{BINH_DINH}/phien-ban-1/so/tong-the.csv")
    assert numbered.status_code == 200
    assert numbered.content == current.content
    assert numbered["Content-Disposition"] == current["Content-Disposition"]


@pytest.mark.django_db
def test_files_are_vietnamese_in_any_language_so_one_copy_serves_everyone(demo):
    vietnamese = Client().get(f"{BINH_PHUOC}/so/tong-the.xlsx")
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"{BINH_PHUOC}/so/tong-the.json")
    assert "Tổng điểm" in english.content.decode()
    assert vietnamese.status_code == english.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        f"{BINH_DINH}/so/tong-the.pdf",
        f"{BINH_DINH}/so/tong-the.CSV",
        f"{BINH_DINH}/so/tong-the.csv.exe",
        f"{BINH_DINH}/xa/tong-the.csv",
        f"{BINH_DINH}/so/nhom-khong-co.csv",
        f"{BINH_DINH}/so/chi-so-khong-co.json",
        f"{BINH_DINH}/so/{'x' * 300}.csv",
        f"{BINH_DINH}/phien-ban-2/so/tong-the.csv",
        f"{BINH_DINH}/phien-ban-0/so/tong-the.csv",
        f"{BINH_DINH}/phien-ban-99999999999999999999/so/tong-the.csv",
        "/ket-qua/binh-dinh/2024/so/tong-the.csv",
        "/ket-qua/binh-dinh/99999999999999999999999/so/tong-the.csv",
        "/ket-qua/khong-co/2023/so/tong-the.csv",
        f"/ket-qua/{'a' * 500}/2023/so/tong-the.csv",
        "/ket-qua/binh-dinh/2025/so/tong-the.csv",  # the demo's 2025 campaign: not published
        "/ket-qua/binh-dinh/2025/datapackage.json",
        "/ket-qua/binh-dinh/99999999999999999999999/datapackage.json",
    ],
)
def test_a_bad_address_is_a_404(demo, address):
    assert Client().get(address).status_code == 404


@pytest.mark.django_db
def test_files_are_only_read(demo):
    response = Client().post(f"{BINH_DINH}/so/tong-the.csv")
    assert response.status_code == 405
    assert Client().head(f"{BINH_DINH}/so/tong-the.csv").status_code == 200


def correct_and_publish(province: str, year: int, unit: str, scores: dict[str, str]) -> None:
    """The office corrects a unit's scores and publishes the correction (a new version)."""
    version = selectors.version_at(province, year)
    office = Membership.objects.filter(province__code=province, role=Role.OFFICE_ADMIN).first().user
    campaign_unit = CampaignUnit.objects.get(campaign=version.campaign, unit__code=unit)
    result_correct(
        campaign_unit=campaign_unit, scores=scores, reason="Khiếu nại được chấp nhận", user=office
    )
    publication_request(campaign=version.campaign, user=office, change_note="Đính chính điểm")


@pytest.mark.django_db
def test_a_correction_is_served_at_once_and_the_old_version_stays_at_its_number(demo):
    client = Client()
    before = csv_rows(client.get(f"{BINH_DINH}/so/tong-the.csv").content)
    assert before[2]["index:nhan_luc_so"] == "30.5"  # Sở Nội vụ, cached now
    correct_and_publish("binh-dinh", 2023, "so-noi-vu", {"nhan_luc_so": "37.25"})
    after = {
        r["unit_code"]: r for r in csv_rows(client.get(f"{BINH_DINH}/so/tong-the.csv").content)
    }
    assert after["so-noi-vu"]["index:nhan_luc_so"] == "37.25"
    assert after["so-noi-vu"]["total"] == "462.25"
    old = csv_rows(client.get(f"{BINH_DINH}/phien-ban-1/so/tong-the.csv").content)
    assert old == before
    second = json.loads(client.get(f"{BINH_DINH}/phien-ban-2/so/tong-the.json").content)
    first = json.loads(client.get(f"{BINH_DINH}/phien-ban-1/so/tong-the.json").content)
    assert (second["version"], second["superseded"]) == (2, False)
    assert (first["version"], first["superseded"]) == (1, True)
