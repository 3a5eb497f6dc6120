"""A main index's published ranking says what it compares, as the framework states for the
index: Bình Phước 2024's agencies rank "Nhận thức số" on points (two decimals, the score's)
and "Hoạt động chính quyền số" on its ratio to the applicable max (two decimals). The page,
the CSV and JSON files, the data package, the API, the unit page and the methodology all
follow the ranking, never a percent assumed for every index."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from tests.portal.public.conftest import (
    Published,
    agencies_framework,
    make_province,
    make_units,
    publish_year,
    published_province,
)
from tests.portal.public.reading import get, headers, number, rows, text

from dti.fixedpoint import format_vi, round_half_up
from dti.framework.loader import build_framework
from dti.framework.model import IndexCompare, IndexRanking, Ties

POINTS, RATIO = "nhan_thuc_so", "hoat_dong_chinh_quyen_so"
API = "/api/cong-khai/provinces/tinh-thu/years/2024/levels/so/tables"


def stated(code: str) -> IndexRanking:
    """The ranking the framework states for the index, read by the core."""
    return build_framework(
        agencies_framework(), file="x", path="framework"
    ).index_rankings.for_index(code)


def test_the_framework_ranks_one_index_on_points_and_one_on_its_ratio():
    assert stated(POINTS).compare is IndexCompare.POINTS
    assert stated(RATIO).compare is IndexCompare.RATIO
    assert stated(POINTS).ties is Ties.COMPETITION


@pytest.fixture
def nine(db: None) -> Published:
    return published_province(9)


def competition(values: list[Decimal]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) of values, highest first, computed here."""
    return [1 + sum(other > value for other in values) for value in values]


def test_a_points_ranked_index_shows_its_points_at_their_decimals(nine: Published):
    html = get(Client(), nine.url(f"so/chi-so-{POINTS}/"))
    assert headers(html)[-1] == "Điểm xếp hạng (điểm)"
    assert "Tỷ lệ so với điểm tối đa (%)" not in headers(html)
    found = rows(html)
    decimals = stated(POINTS).decimals
    for row in found:
        shown = format_vi(round_half_up(number(row["Điểm"]), decimals))
        assert row["Điểm xếp hạng (điểm)"] == shown  # "46,40": its decimals, no percent sign
    values = [number(row["Điểm xếp hạng (điểm)"]) for row in found]
    assert [int(row["Hạng"]) for row in found] == competition(values)


def test_a_ratio_ranked_index_shows_its_percent_at_its_decimals(nine: Published):
    html = get(Client(), nine.url(f"so/chi-so-{RATIO}/"))
    assert headers(html)[-1] == "Tỷ lệ so với điểm tối đa (%)"
    found = rows(html)
    decimals = stated(RATIO).decimals
    for row in found:
        ratio = number(row["Điểm"]) * 100 / number(row["Điểm tối đa áp dụng"])
        assert row["Tỷ lệ so với điểm tối đa (%)"] == format_vi(round_half_up(ratio, decimals))
    values = [number(row["Tỷ lệ so với điểm tối đa (%)"]) for row in found]
    assert [int(row["Hạng"]) for row in found] == competition(values)


def ranking_of(code: str) -> dict[str, object]:
    ranking = stated(code)
    return {
        "compare": ranking.compare.value,
        "decimals": ranking.decimals,
        "ties": ranking.ties.value,
    }


@pytest.mark.parametrize("code", [POINTS, RATIO])
def test_the_files_say_what_the_index_compares(nine: Published, code: str):
    client = Client()
    content = client.get(nine.url(f"so/chi-so-{code}.csv")).content.decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(content)))
    assert {line["compare"] for line in lines} == {stated(code).compare.value}
    document = json.loads(client.get(nine.url(f"so/chi-so-{code}.json")).content)
    assert document["index_ranking"] == ranking_of(code)
    fields = {field["name"]: field for field in document["fields"]}
    assert fields["value"]["type"] == "number"
    assert f"{stated(code).decimals} chữ số thập phân" in fields["value"]["description"]
    assert [f["name"] for f in document["fields"]][-2:] == ["value", "compare"]
    assert {row["compare"] for row in document["rows"]} == {stated(code).compare.value}


def test_other_tables_name_no_index_comparison(nine: Published):
    client = Client()
    document = json.loads(client.get(nine.url("so/tong-the.json")).content)
    assert document["index_ranking"] is None
    assert "compare" not in {field["name"] for field in document["fields"]}
    header = client.get(nine.url("so/tong-the.csv")).content.decode("utf-8-sig").splitlines()[0]
    assert "compare" not in header.split(",")


@pytest.mark.parametrize("code", [POINTS, RATIO])
def test_the_api_says_what_the_index_compares(nine: Published, code: str):
    found = json.loads(Client().get(f"{API}/chi-so-{code}").content)
    assert found["index_ranking"] == ranking_of(code)
    assert "compare" in {field["name"] for field in found["fields"]}
    assert {row["compare"] for row in found["rows"]} == {stated(code).compare.value}
    general = json.loads(Client().get(f"{API}/tong-the").content)
    assert general["index_ranking"] is None


def test_the_data_package_describes_the_comparison(nine: Published):
    package = json.loads(Client().get(nine.url("datapackage.json")).content)
    resource = next(r for r in package["resources"] if r["name"] == f"so-chi-so-{POINTS}")
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    assert fields["compare"]["type"] == "string"
    assert "points" in fields["compare"]["description"]
    assert fields["value"]["title"] == "Điểm xếp hạng (điểm)"


def test_the_unit_page_says_what_each_index_ranks_on(nine: Published):
    """The column says it in a word; the sentences under the table say how each rounds."""
    unit = nine.units[0]
    html = get(Client(), nine.url(f"so/don-vi/{unit.code}/"))
    lines = {row["Chỉ số chính"]: row for row in rows(html)}
    framework = build_framework(agencies_framework(), file="x", path="framework")
    for code in (POINTS, RATIO):
        ranking, name = stated(code), framework.by_code[code].name
        word = "điểm" if ranking.compare is IndexCompare.POINTS else "tỷ lệ"
        assert lines[name]["Xếp hạng theo"] == word
    words = text(html)
    assert (
        "Xếp hạng theo “điểm”: so sánh điểm của chỉ số, làm tròn nửa lên đến "
        f"{stated(POINTS).decimals} chữ số thập phân." in words
    )
    assert (
        "Xếp hạng theo “tỷ lệ”: so sánh tỷ lệ điểm chỉ số trên điểm tối đa áp dụng, làm tròn "
        f"nửa lên đến {stated(RATIO).decimals} chữ số thập phân." in words
    )
    ratio = lines[framework.by_code[RATIO].name]["Tỷ lệ (%)"]
    assert len(ratio.partition(",")[2]) == stated(RATIO).decimals  # 83,52: not 83,5


def test_indices_that_rank_alike_are_said_once_without_a_column(db: None):
    document = agencies_framework()
    document["index_rankings"] = {"compare": "ratio", "decimals": 1}
    province, admin = make_province()
    units = make_units(province, 3)
    published = Published(
        province, admin, units, publish_year(province, admin, units, document=document)
    )
    html = get(Client(), published.url(f"so/don-vi/{units[0].code}/"))
    assert "Xếp hạng theo" not in headers(html)
    assert text(html).count("so sánh tỷ lệ") == 1
    assert (
        "Hạng theo từng chỉ số chính: so sánh tỷ lệ điểm chỉ số trên điểm tối đa áp dụng, làm "
        "tròn nửa lên đến 1 chữ số thập phân." in text(html)
    )


def test_the_methodology_states_each_index_ranking(nine: Published):
    words = text(get(Client(), nine.url("phuong-phap/")))
    points = stated(POINTS)
    assert (
        "Mỗi chỉ số chính có bảng xếp hạng riêng, theo điểm của chỉ số, làm tròn nửa lên đến "
        f"{points.decimals} chữ số thập phân." in words
    )
    name = build_framework(agencies_framework(), file="x", path="framework").by_code[RATIO].name
    assert (
        f"Riêng chỉ số “{name}”: xếp hạng theo tỷ lệ điểm chỉ số trên điểm tối đa áp dụng, "
        f"làm tròn nửa lên đến {stated(RATIO).decimals} chữ số thập phân" in words
    )
    assert "Riêng chỉ số “Nhận thức số”" not in words  # ranks as the default does
