"""The office admin uploads a published result table on a form; the campaign's page then
shows the results, and what the audit found in the table."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from portal.campaigns.models import Campaign
from tests.portal.campaigns.conftest import BINHDINH_TABLES, person
from tests.portal.conftest import sign_in

URL = "/dot-danh-gia/nhap-ket-qua-da-cong-bo/"


def form(bd, file_name="bang-1-tong-the-cap-so.tsv", level="so", data=None, **changes):
    content = (BINHDINH_TABLES / file_name).read_bytes() if data is None else data
    return {
        "province": bd.province.pk,
        "year": 2023,
        "title": "Xếp hạng chuyển đổi số năm 2023",
        "source": "Quyết định số 1968/QĐ-UBND",
        "level": level,
        "level_name": "Sở, ban, ngành",
        "framework": bd.frameworks[level].pk,
        "table": SimpleUploadedFile(file_name, content),
        **changes,
    }


def admin(bd) -> Client:
    client = Client()
    sign_in(client, bd.admin)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("lan", 403), ("minh", 403), ("thao", 403), ("hung", 403), ("hoa", 403)],
)
def test_it_refuses_everyone_but_office_admins(cast, binhdinh, who, status):
    client = cast.client(person(cast, who))
    assert client.get(URL).status_code == status
    assert client.post(URL, form(binhdinh)).status_code == status
    assert not Campaign.objects.filter(historic=True).exists()


def test_an_office_admin_of_another_province_cannot_import_into_this_one(cast, binhdinh):
    response = cast.client(cast.quang).post(URL, form(binhdinh))
    assert response.status_code == 200  # Bình Định is not among Quang's provinces
    assert not Campaign.objects.filter(historic=True).exists()
    assert binhdinh.frameworks["so"].name not in cast.client(cast.quang).get(URL).content.decode()


def test_the_office_admin_imports_a_table_and_sees_the_ranking(binhdinh):
    response = admin(binhdinh).post(URL, form(binhdinh))
    campaign = Campaign.objects.get(historic=True)
    assert response.url == f"/dot-danh-gia/{campaign.pk}/"
    page = admin(binhdinh).get(response.url).content.decode()
    assert "Kết quả nhập từ bảng đã công bố" in page
    assert '<td class="num">1</td>\n      <td>Sở Thông tin và Truyền thông</td>' in page
    assert '<td class="num">481,45</td><td class="num">485</td><td class="num">99,3%</td>' in page
    assert "Sai lệch trong bảng đã công bố" not in page


def test_the_office_reads_the_imported_results_and_the_public_nothing_yet(binhdinh):
    """Imported results wait for the office to publish them (portal.publication)."""
    office = admin(binhdinh)
    office.post(URL, form(binhdinh))
    campaign = Campaign.objects.get(historic=True)
    assert "99,3%" in office.get(f"/dot-danh-gia/{campaign.pk}/").content.decode()
    assert Client().get(f"/dot-danh-gia/{campaign.pk}/").status_code == 404


def test_the_page_shows_what_the_audit_found_in_the_table(binhdinh):
    admin(binhdinh).post(
        URL, form(binhdinh, "bang-2-tong-the-cap-huyen.tsv", level="huyen", level_name="Huyện")
    )
    campaign = Campaign.objects.get(historic=True)
    page = admin(binhdinh).get(f"/dot-danh-gia/{campaign.pk}/").content.decode()
    assert "<h3>Sai lệch trong bảng đã công bố</h3>" in page
    assert (
        "bang-2-tong-the-cap-huyen.tsv, dòng " in page
        and ", UBND huyện Hoài Ân, cột “Tổng”" in page
    )


def test_every_problem_of_the_table_is_listed_and_nothing_is_saved(binhdinh):
    text = (BINHDINH_TABLES / "bang-1-tong-the-cap-so.tsv").read_text(encoding="utf-8")
    text = text.replace("Sở Du lịch*", "Sở Du Lịch Tỉnh").replace("481,45", "481,4x")
    response = admin(binhdinh).post(URL, form(binhdinh, data=text.encode()))
    page = response.content.decode()
    assert "dòng 2, cột “Tổng điểm”" in page
    assert (
        "không tìm thấy đơn vị “Sở Du Lịch Tỉnh” trong khối Sở, ban, ngành; gần giống: Sở Du lịch"
        in page
    )
    assert not Campaign.objects.exists()


def test_a_missing_file_is_asked_for(binhdinh):
    data = form(binhdinh)
    del data["table"]
    response = admin(binhdinh).post(URL, data)
    assert response.status_code == 200
    assert not Campaign.objects.exists()


def test_the_imported_ranking_reads_in_rank_order(binhdinh):
    admin(binhdinh).post(URL, form(binhdinh))
    campaign = Campaign.objects.get(historic=True)
    page = admin(binhdinh).get(f"/dot-danh-gia/{campaign.pk}/").content.decode()
    first, second, last = (
        page.index(f"<td>{name}</td>")
        for name in ("Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh", "Ban Dân tộc")
    )
    assert first < second < last
