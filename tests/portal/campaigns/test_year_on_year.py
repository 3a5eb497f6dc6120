"""Last year's result beside each unit: from the published results imported for the year
before, matched by the unit itself, or through its predecessors when it was merged."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit
from portal.campaigns.selectors import previous_results
from portal.units.models import Lineage, Unit
from tests.portal.campaigns.conftest import BINHDINH_TABLES
from tests.portal.conftest import sign_in


def import_2023(bd) -> Campaign:
    return historic_campaign_import(
        province=bd.province,
        year=2023,
        title="Xếp hạng 2023",
        level="so",
        level_name="Sở, ban, ngành",
        framework=bd.frameworks["so"],
        table_bytes=(BINHDINH_TABLES / "bang-1-tong-the-cap-so.tsv").read_bytes(),
        file_name="bang-1-tong-the-cap-so.tsv",
        user=bd.admin,
    )


def campaign_2024(bd, *codes: str) -> Campaign:
    campaign = Campaign.objects.create(
        province=bd.province,
        year=2024,
        title="Đánh giá 2024",
        self_assessment_deadline=timezone.now() + timedelta(days=30),
    )
    CampaignLevel.objects.create(
        campaign=campaign, level="so", name="Sở", framework=bd.frameworks["so"]
    )
    for code in codes:
        CampaignUnit.objects.create(campaign=campaign, unit=Unit.objects.get(code=code), level="so")
    return campaign


def row(page: str, name: str) -> str:
    start = page.index(f">{name}</a></td>")  # a link to the unit's page
    return page[start : page.index("</tr>", start)]


def test_each_unit_shows_its_result_of_the_year_before(binhdinh):
    import_2023(binhdinh)
    campaign = campaign_2024(binhdinh, "so-thong-tin-va-truyen-thong", "ban-quan-ly-khu-kinh-te")
    client = Client()
    sign_in(client, binhdinh.admin)
    page = client.get(f"/dot-danh-gia/{campaign.pk}/").content.decode()
    assert "<th>Năm 2023</th>" in page
    assert "hạng 1 · 99,3%" in row(page, "Sở Thông tin và Truyền thông")
    assert "hạng 6 · 94,9%" in row(page, "Ban Quản lý Khu Kinh tế")  # tied, printed blank


def test_a_merged_unit_shows_the_results_of_the_units_it_was_formed_from(binhdinh):
    import_2023(binhdinh)
    merged = Unit.objects.create(
        province=binhdinh.province,
        code="so-khcn-moi",
        name="Sở Khoa học và Công nghệ (mới)",
        level="so",
        active_from=date(2024, 3, 1),
    )
    for code in ("so-thong-tin-va-truyen-thong", "so-khoa-hoc-va-cong-nghe"):
        Lineage.objects.create(
            predecessor=Unit.objects.get(code=code),
            successor=merged,
            kind=Lineage.Kind.MERGED_INTO,
            effective=date(2024, 3, 1),
        )
    campaign = campaign_2024(binhdinh, "so-khcn-moi")
    [first, second] = sorted(
        previous_results(campaign, [merged.pk])[merged.pk], key=lambda r: r.rank
    )
    assert (first.unit_name, first.rank, first.value, first.through_lineage) == (
        "Sở Thông tin và Truyền thông",
        1,
        "99,3%",
        True,
    )
    assert (second.unit_name, second.rank, second.value) == (
        "Sở Khoa học và Công nghệ",
        14,
        "91,3%",
    )
    client = Client()
    sign_in(client, binhdinh.admin)
    page = row(client.get(f"/dot-danh-gia/{campaign.pk}/").content.decode(), merged.name)
    assert "(Sở Thông tin và Truyền thông)" in page and "(Sở Khoa học và Công nghệ)" in page


def test_a_unit_with_its_own_result_ignores_its_predecessors(binhdinh):
    import_2023(binhdinh)
    Lineage.objects.create(
        predecessor=Unit.objects.get(code="so-du-lich"),
        successor=Unit.objects.get(code="so-y-te"),
        kind=Lineage.Kind.MERGED_INTO,
        effective=date(2024, 1, 1),
    )
    campaign = campaign_2024(binhdinh, "so-y-te")
    unit = Unit.objects.get(code="so-y-te")
    [result] = previous_results(campaign, [unit.pk])[unit.pk]
    assert (result.unit_name, result.through_lineage) == ("Sở Y tế", False)


def test_without_last_years_results_there_is_nothing_to_compare(binhdinh):
    campaign = campaign_2024(binhdinh, "so-y-te")
    assert previous_results(campaign, [Unit.objects.get(code="so-y-te").pk]) == {}
    client = Client()
    sign_in(client, binhdinh.admin)
    page = client.get(f"/dot-danh-gia/{campaign.pk}/").content.decode()
    assert "Năm 2023" not in page


def test_a_unit_without_a_result_last_year_shows_a_dash(binhdinh):
    import_2023(binhdinh)
    new = Unit.objects.create(province=binhdinh.province, code="so-moi", name="Sở Mới", level="so")
    campaign = campaign_2024(binhdinh, "so-y-te", "so-moi")
    client = Client()
    sign_in(client, binhdinh.admin)
    page = client.get(f"/dot-danh-gia/{campaign.pk}/").content.decode()
    assert "hạng 13 · 92,4%" in row(page, "Sở Y tế")
    assert '<span class="muted">—</span>' in row(page, new.name)
