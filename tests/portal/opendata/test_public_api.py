"""The public API at /api/cong-khai/ on the demo's published results: provinces and their
published years, a province's versions, a version's levels and tables, a table's rows
(paged, filtered by class, peer group and name), a unit's years through lineage. Exact
decimals as strings; every bad parameter a clear 400, 404 or 422, never a 500."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from portal.units.models import Lineage, Unit
from tests.portal.opendata.conftest import publish_province

API = "/api/cong-khai/provinces"
BP_TABLE = f"{API}/binh-phuoc/years/2024/levels/so/tables/tong-the"
BD_TABLE = f"{API}/binh-dinh/years/2023/levels/so/tables/tong-the"


def get(address: str, status: int = 200) -> object:
    response = Client().get(address)
    assert response.status_code == status, (address, response.content[:300])
    return json.loads(response.content)


@pytest.mark.django_db
def test_provinces_with_their_published_years(demo):
    provinces = get(API)
    assert [p["code"] for p in provinces] == ["binh-dinh", "binh-phuoc"]
    years = provinces[0]["years"]
    assert [(y["year"], y["version"], y["title"]) for y in years] == [
        (2023, 1, "Kết quả DTI năm 2023")
    ]


@pytest.mark.django_db
def test_a_provinces_versions(demo):
    versions = get(f"{API}/binh-dinh/versions")
    assert [(v["year"], v["version"], v["current"]) for v in versions] == [(2023, 1, True)]
    assert versions[0]["superseded_at"] is None
    get(f"{API}/khong-co/versions", 404)
    get(f"{API}/{'x' * 300}/versions", 404)


@pytest.mark.django_db
def test_a_versions_levels_tables_and_files(demo):
    found = get(f"{API}/binh-phuoc/years/2024/levels")
    assert found["province"] == {"code": "binh-phuoc", "name": "Bình Phước"}
    assert (found["version"], found["superseded"]) == (1, False)
    assert [(lv["code"], lv["units"]) for lv in found["levels"]] == [("so", 23), ("huyen", 11)]
    tables = found["levels"][0]["tables"]
    assert [t["key"] for t in tables[:3]] == ["tong-the", "nhom-co_dvctt", "nhom-khong_dvctt"]
    client = Client()
    for address in [*tables[0]["files"].values(), found["datapackage"], found["report"]["xlsx"]]:
        assert client.get(address).status_code == 200, address
    assert tables[0]["files"]["csv"] == "/ket-qua/binh-phuoc/2024/phien-ban-1/so/tong-the.csv"
    assert get(f"{API}/binh-phuoc/years/2024/levels?version=1") == found


@pytest.mark.django_db
def test_a_tables_rows_with_exact_decimals_and_blanks(demo):
    page = get(BD_TABLE)
    assert (page["count"], page["limit"], page["offset"]) == (21, 100, 0)
    assert page["classes"] == [] and page["groups"] == []
    first = page["rows"][0]
    assert first["unit_code"] == "so-thong-tin-va-truyen-thong"
    assert (first["rank"], first["total"], first["max"], first["value"]) == (
        1,
        "481.45",
        "485",
        "99.3",
    )
    assert first["index:nhan_thuc_so"] == "50"
    assert first["previous_rank"] is None and first["change"] is None
    assert [f["name"] for f in page["fields"]][:3] == ["rank", "unit_code", "unit"]


@pytest.mark.django_db
def test_rows_are_paged(demo):
    page = get(f"{BP_TABLE}?limit=5&offset=20")
    assert page["count"] == 23
    assert [row["rank"] for row in page["rows"]] == [21, 22, 23]
    assert get(f"{BP_TABLE}?limit=500")["rows"][-1]["rank"] == 23
    assert get(f"{BP_TABLE}?offset=1000")["rows"] == []


@pytest.mark.django_db
def test_rows_are_filtered_by_class_group_and_name(demo):
    good = get(f"{BP_TABLE}?class=Tốt")
    assert good["count"] == 5 and {row["class"] for row in good["rows"]} == {"Tốt"}
    assert good["classes"] == ["Tốt", "Khá", "Trung bình", "Yếu"]
    with_services = get(f"{BP_TABLE}?group=co_dvctt&limit=500")
    without = get(f"{BP_TABLE}?group=khong_dvctt&limit=500")
    assert with_services["count"] + without["count"] == 23
    assert not {r["unit_code"] for r in with_services["rows"]} & {
        r["unit_code"] for r in without["rows"]
    }
    found = get(f"{BP_TABLE}?q=so+noi+vu")  # no accents, any case
    assert [row["unit"] for row in found["rows"]] == ["Sở Nội vụ"]
    assert get(f"{BP_TABLE}?q=SỞ NỘI")["count"] == 1
    both = get(f"{BP_TABLE}?class=Khá&group=co_dvctt&q=so")
    assert all(row["class"] == "Khá" for row in both["rows"]) and both["count"] > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("class=Xuất sắc", 400),
        ("group=khong-co", 400),
        (f"q={'a' * 101}", 400),
        ("q=%00so", 400),
        ("limit=501", 422),
        ("limit=0", 422),
        ("limit=nhieu", 422),
        ("offset=-1", 422),
        ("version=2", 404),
        ("version=0", 404),
        ("version=99999999999999999999", 404),
    ],
)
def test_a_bad_parameter_is_refused_clearly(demo, query, status):
    answer = get(f"{BP_TABLE}?{query}", status)
    if status != 422:
        assert answer["detail"]


@pytest.mark.django_db
def test_a_filter_the_table_cannot_take_says_so(demo):
    refused = get(f"{BD_TABLE}?class=Tốt", 400)
    assert "không có" in refused["detail"]  # Bình Định 2023 has no classes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        f"{API}/binh-phuoc/years/2024/levels/xa/tables/tong-the",
        f"{API}/binh-phuoc/years/2024/levels/so/tables/chi-so-khong-co",
        f"{API}/binh-phuoc/years/2023/levels/so/tables/tong-the",
        f"{API}/binh-phuoc/years/2025/levels",  # the demo's open campaign
        f"{API}/binh-phuoc/years/99999999999999999999/levels",
        f"{API}/binh-phuoc/years/{'9' * 400}/levels",
        f"{API}/khong-co/years/2024/levels",
        f"{API}/binh-phuoc/years/2024/levels/{'x' * 300}/tables/tong-the",
        f"{API}/binh-phuoc/years/2024/levels/s%00o/tables/tong-the",
    ],
)
def test_what_was_not_published_is_a_404(demo, address):
    response = Client().get(address)
    assert response.status_code in (404, 422), address


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        f"{API}/binh%00phuoc/versions",
        f"{API}/b%C3%ACnh-ph%C6%B0%E1%BB%9Bc/years/2024/levels",
        f"{API}/binh-phuoc/units/so-noi-vu%00/history",
        f"{API}/binh-phuoc/units/{'x' * 65}/history",
    ],
)
def test_what_cannot_be_a_code_is_a_404_before_any_query(demo, address, django_assert_num_queries):
    with django_assert_num_queries(0):  # PostgreSQL would refuse a NUL with an error: a 500
        response = Client().get(address)
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_units_years(demo):
    history = get(f"{API}/binh-dinh/units/so-noi-vu/history")
    assert (history["code"], history["name"]) == ("so-noi-vu", "Sở Nội vụ")
    assert [
        (y["year"], y["rank"], y["value"], y["percent"], y["through"]) for y in history["years"]
    ] == [(2023, 3, "95.9", True, None)]
    get(f"{API}/binh-dinh/units/khong-co/history", 404)
    get(f"{API}/binh-phuoc/units/so-bi-mat/history", 404)


@pytest.mark.django_db
def test_a_units_years_follow_its_lineage():
    publish_province("tinh-ls", 3, year=2023, name="Tỉnh Lịch Sử")
    first = Unit.objects.get(code="tinh-ls-don-vi-1")
    merged = Unit.objects.create(
        province=first.province,
        code="tinh-ls-don-vi-9",
        name="Sở Hợp Nhất",
        level="so",
        attributes=first.attributes,
        active_from=date(2024, 1, 1),
    )
    Lineage.objects.create(
        predecessor=first, successor=merged, kind=Lineage.Kind.RENAMED, effective=date(2024, 1, 1)
    )
    publish_province("tinh-ls", 3, year=2024, numbers=[2, 3, 9], offset=5)
    years = get(f"{API}/tinh-ls/units/tinh-ls-don-vi-9/history")["years"]
    assert [(y["year"], y["unit_name"], y["through"]) for y in years] == [
        (2023, "Sở Thử nghiệm 1", "Sở Thử nghiệm 1"),
        (2024, "Sở Hợp Nhất", None),
    ]


@pytest.mark.django_db
def test_the_public_api_is_in_the_openapi_document(demo):
    document = get("/api/openapi.json")
    paths = document["paths"]
    for path in (
        "/api/cong-khai/provinces",
        "/api/cong-khai/provinces/{province}/versions",
        "/api/cong-khai/provinces/{province}/years/{year}/levels",
        "/api/cong-khai/provinces/{province}/years/{year}/levels/{level}/tables/{key}",
        "/api/cong-khai/provinces/{province}/units/{unit}/history",
    ):
        assert set(paths[path]) == {"get"}, path
    parameters = {
        p["name"]: p
        for p in paths[
            "/api/cong-khai/provinces/{province}/years/{year}/levels/{level}/tables/{key}"
        ]["get"]["parameters"]
    }
    assert parameters["limit"]["schema"]["maximum"] == 500
    assert {"class", "group", "q", "offset", "version"} <= set(parameters)
