"""Last year under today's units (/phan-tich/dot/<pk>/nam-truoc/): Bình Định's 2023 table
imported for 2023 and again for 2024, with Sở Tư pháp merged into Sở Nội vụ in the
register: Sở Nội vụ's 2023 values become the mean of both, everyone else keeps theirs."""

from __future__ import annotations

import copy
from datetime import date
from fractions import Fraction

import pytest
from django.test import Client

from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.report import campaign_report_results
from portal.frameworks.models import FrameworkVersion
from portal.units.models import Lineage, Unit
from tests.portal.analysis.test_views import rows
from tests.portal.campaigns.conftest import BINHDINH_TABLES, binhdinh  # noqa: F401
from tests.portal.conftest import sign_in

TABLE = "bang-1-tong-the-cap-so.tsv"


def imported(bd, year: int):  # type: ignore[no-untyped-def]
    return historic_campaign_import(
        province=bd.province,
        year=year,
        title=f"Xếp hạng {year}",
        level="so",
        level_name="Sở, ban, ngành",
        framework=bd.frameworks["so"],
        table_bytes=(BINHDINH_TABLES / TABLE).read_bytes(),
        file_name=TABLE,
        user=bd.admin,
    )


@pytest.fixture
def two_years(binhdinh):  # noqa: F811
    earlier, later = imported(binhdinh, 2023), imported(binhdinh, 2024)
    return binhdinh, earlier, later


def merge_tu_phap_into_noi_vu(bd) -> tuple[Unit, Unit]:  # type: ignore[no-untyped-def]
    noi_vu = Unit.objects.get(province=bd.province, code="so-noi-vu")
    tu_phap = Unit.objects.get(province=bd.province, code="so-tu-phap")
    Lineage.objects.create(
        predecessor=tu_phap,
        successor=noi_vu,
        kind=Lineage.Kind.MERGED_INTO,
        effective=date(2024, 1, 1),
    )
    return noi_vu, tu_phap


def page(campaign, query: str = "") -> str:
    return f"/phan-tich/dot/{campaign.pk}/nam-truoc/{query}"


def test_without_a_merger_last_year_is_ranked_as_published(two_years):
    bd, earlier, later = two_years
    html = sign_in(Client(), bd.admin).get(page(later)).content.decode()
    shown = rows(html, "past-table")
    assert [r[0] for r in shown] == [r[3] for r in shown]  # recomputed rank = published rank
    general = campaign_report_results(earlier)["so"].general
    assert [int(r[0]) for r in shown] == [int(r) for r in general.rank]


def test_a_unit_merged_into_another_lends_it_its_values(two_years):
    bd, earlier, later = two_years
    merge_tu_phap_into_noi_vu(bd)
    html = sign_in(Client(), bd.admin).get(page(later)).content.decode()
    shown = {r[1]: r for r in rows(html, "past-table")}
    assert shown["Sở Nội vụ"][4] == "Sở Tư pháp"
    past = campaign_report_results(earlier)["so"]
    scores, ids = past.scores, list(past.scores.unit_ids)
    a, b = ids.index("so-noi-vu"), ids.index("so-tu-phap")
    expected = Fraction(0)
    for index in past.framework.main_indices:
        ratios = [
            Fraction(scores.node_score(index.code, u)) / Fraction(scores.node_max(index.code, u))
            for u in (a, b)
        ]
        expected += sum(ratios) / 2 * Fraction(scores.node_max(index.code, a))
    applicable = Fraction(int(scores.total_applicable_max[a]), 10_000)  # points
    tenths = int(expected / applicable * 1000 + Fraction(1, 2))  # percent, one decimal, half up
    assert shown["Sở Nội vụ"][2] == f"{tenths // 10},{tenths % 10}%"


def test_a_weighted_merge_needs_the_attribute_on_every_predecessor(two_years):
    bd, _, later = two_years
    merge_tu_phap_into_noi_vu(bd)
    client = sign_in(Client(), bd.admin)
    html = client.get(page(later, "?cach=weighted&thuoc_tinh=dan_so")).content.decode()
    assert "Sở Nội vụ chưa có số dương ở thuộc tính “dan_so”." in html
    html = client.get(page(later, "?cach=weighted")).content.decode()
    assert "Chọn thuộc tính làm trọng số." in html


def test_without_last_year_s_results_it_says_what_comes_next(binhdinh):  # noqa: F811
    only = imported(binhdinh, 2024)
    html = sign_in(Client(), binhdinh.admin).get(page(only)).content.decode()
    assert "Chưa có kết quả năm trước của khối này." in html


def test_a_weighted_merge_leans_to_the_larger_predecessor(two_years):
    bd, _, later = two_years
    noi_vu, tu_phap = merge_tu_phap_into_noi_vu(bd)
    for unit, people in ((noi_vu, 1), (tu_phap, 1_000_000)):
        unit.attributes = {**unit.attributes, "dan_so": people}
        unit.save()
    client = sign_in(Client(), bd.admin)
    mean = {r[1]: r for r in rows(client.get(page(later)).content.decode(), "past-table")}
    html = client.get(page(later, "?cach=weighted&thuoc_tinh=dan_so")).content.decode()
    weighted = {r[1]: r for r in rows(html, "past-table")}

    def number(text: str) -> float:
        return float(text.rstrip("%").replace(",", "."))

    own, lent = number(mean["Sở Nội vụ"][2]), number(weighted["Sở Nội vụ"][2])
    target = number(weighted["Sở Tư pháp"][2])
    assert lent != own
    assert abs(lent - target) < abs(own - target)  # a million to one: close to Sở Tư pháp
    assert "dan_so" in html  # offered as a weight


def test_the_overview_compares_each_index_with_last_year(two_years):
    bd, _, later = two_years
    html = sign_in(Client(), bd.admin).get(f"/phan-tich/dot/{later.pk}/").content.decode()
    section = html[html.index('id="overview-trends"') :]
    assert "So với năm 2023" in section
    table = rows(section, "trends-table")
    assert all(r[3] == "+0,0" for r in table)  # the same table both years
    assert table[0][4] == "cùng chỉ số"
    assert table[-1][0] == "Tổng điểm" and "tỷ lệ" in table[-1][4]


def test_a_renamed_index_is_compared_through_the_framework_s_correspondence(binhdinh):  # noqa: F811
    bd = binhdinh
    imported(bd, 2023)
    version = bd.frameworks["so"]
    document = copy.deepcopy(version.document)
    index = document["nodes"][0]["children"][0]
    index["aliases"] = [*index.get("aliases", []), index["name"]]
    index["name"] = "Nhận thức về chuyển đổi số"
    renamed = FrameworkVersion.objects.create(
        province=bd.province,
        year=2024,
        level="so",
        code="binhdinh-2024-so",
        name=version.name,
        document=document,
    )
    bd.frameworks["so"] = renamed
    later = imported(bd, 2024)
    html = sign_in(Client(), bd.admin).get(f"/phan-tich/dot/{later.pk}/").content.decode()
    section = html[html.index('id="overview-trends"') :]
    first = rows(section, "trends-table")[0]
    assert first[0] == "Nhận thức về chuyển đổi số"
    assert first[4] == "đổi tên từ “Nhận thức số”" and first[3] == "+0,0"
