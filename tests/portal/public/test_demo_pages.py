"""The public pages of the demo a visitor sees without signing in: Bình Định's 2023 results
(ratio to the applicable max, dense ties, no classes) and Bình Phước's 2024 (80 points removed
for comparison, peer groups, classes), each published once by its office; the 2025 campaigns
are not published and appear nowhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from tests.portal.public.reading import get, headers, main, rows, text

BD = "/ket-qua/binh-dinh/2023/"
BP = "/ket-qua/binh-phuoc/2024/"

PAGES = [
    "/ket-qua/",
    "/ket-qua/binh-dinh/",
    BD,
    BD + "so/",
    BD + "so/chi-so-nhan_luc_so/",
    BD + "so/don-vi/so-noi-vu/",
    BD + "so/so-sanh/?don-vi=so-noi-vu&don-vi=so-tu-phap",
    BD + "phuong-phap/",
    BD + "dinh-chinh/",
    BP,
    BP + "so/",
    BP + "so/nhom-co_dvctt/",
    BP + "so/don-vi/so-noi-vu/",
    BP + "phuong-phap/",
    "/ket-qua/tim-kiem/?q=so+noi+vu",
]


@pytest.fixture
def client(demo) -> Client:
    return Client()


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_answers_without_inline_style_or_script(client: Client, url: str):
    html = get(client, url)
    assert 'style="' not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert re.search(r"<table", html) is None or 'class="table-scroll" tabindex="0"' in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_anonymous_visitors_land_on_the_published_results(client: Client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ket-qua/"


@pytest.mark.django_db
def test_signed_in_people_keep_their_start_page(client: Client):
    from tests.portal.conftest import sign_in

    from portal.accounts.models import User

    sign_in(client, User.objects.get(username="lan"))
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_every_page_header_links_to_the_published_results(client: Client):
    html = get(client, "/tai-khoan/dang-nhap/")
    assert '<a href="/ket-qua/">Kết quả công bố</a>' in html


@pytest.mark.django_db
def test_the_landing_page_shows_each_provinces_latest_results(client: Client):
    html = get(client, "/ket-qua/")
    national = {row["Tỉnh"]: row for row in rows(html)}
    assert national["Bình Định"]["Năm"] == "2023"
    assert national["Bình Định"]["Số đơn vị"] == "32"
    assert national["Bình Phước"]["Năm"] == "2024"
    words = text(html)
    assert "Sở Thông tin và Truyền thông · 99,3%" in words  # Bình Định's first agency
    assert "Sở Kế hoạch và Đầu tư · 496,16 · Tốt" in words  # Bình Phước's
    assert BD + "so/don-vi/so-thong-tin-va-truyen-thong/" in html
    assert 'action="/ket-qua/tim-kiem/"' in html
    assert "2025" not in words  # the open campaigns are not published


@pytest.mark.django_db
def test_the_demo_s_open_campaigns_are_not_public(client: Client):
    for province in ("binh-dinh", "binh-phuoc"):
        get(client, f"/ket-qua/{province}/2025/", 404)
        get(client, f"/ket-qua/{province}/2025/so/", 404)
        get(client, f"/ket-qua/{province}/2025/phien-ban-1/", 404)
        assert f"/ket-qua/{province}/2025/" not in get(client, f"/ket-qua/{province}/")


@pytest.mark.django_db
def test_a_province_page_lists_its_years_and_levels(client: Client):
    html = get(client, "/ket-qua/binh-dinh/")
    years = rows(html)
    assert [row["Năm"] for row in years] == ["2023"]
    assert "Sở, ban, ngành (21 đơn vị)" in years[0]["Khối và số đơn vị"]
    assert "UBND huyện, thị xã, thành phố (11 đơn vị)" in years[0]["Khối và số đơn vị"]
    assert BD + "phuong-phap/" in html and BD + "dinh-chinh/" in html
    get(client, "/ket-qua/khong-co-tinh-nay/", 404)


@pytest.mark.django_db
def test_the_version_page_counts_classes_only_where_the_framework_has_them(client: Client):
    bd = get(client, BD)
    assert "Xếp loại" not in text(bd) and "<svg" not in bd
    bp = get(client, BP)
    classes = {row["Xếp loại"]: row for row in rows(bp)}
    assert classes["Tốt"]["Số đơn vị"] == "5"
    assert classes["Khá"]["Số đơn vị"] == "17"
    assert classes["Trung bình"]["Số đơn vị"] == "1"
    assert classes["Yếu"]["Số đơn vị"] == "0"
    assert '<svg class="chart"' in bp and 'role="img"' in bp
    assert BP + "so/tong-the.csv" in bp and BP + "bao-cao.pdf" in bp
    assert BP + "datapackage.json" in bp


@pytest.mark.django_db
def test_bình_định_has_no_class_column_nor_class_filter(client: Client):
    html = get(client, BD + "so/")
    assert "Xếp loại" not in headers(html)
    assert 'name="xep-loai"' not in html
    first = rows(html)[0]
    assert (first["Hạng"], first["Đơn vị"]) == ("1", "Sở Thông tin và Truyền thông")
    assert first["Tỷ lệ so với điểm tối đa (%)"] == "99,3"


@pytest.mark.django_db
def test_bình_phước_shows_classes_and_its_peer_groups_as_tabs(client: Client):
    html = get(client, BP + "so/")
    assert "Xếp loại" in headers(html)
    assert 'name="xep-loai"' in html and 'name="nhom"' in html
    assert "Nhóm: Đơn vị có dịch vụ công trực tuyến" in html
    assert BP + "so/nhom-khong_dvctt/" in html and BP + "so/chi-so-the_che_so/" in html
    group = rows(get(client, BP + "so/nhom-co_dvctt/"))
    assert [row["Hạng"] for row in group[:3]] == ["1", "2", "3"]
    assert group[0]["Đơn vị"] == "Sở Kế hoạch và Đầu tư"


@pytest.mark.django_db
def test_last_years_columns_are_left_out_when_no_unit_has_one(client: Client):
    html = get(client, BP + "so/")
    assert "Hạng năm trước" not in headers(html)
    assert "Chưa có kết quả năm trước" in text(html)


@pytest.mark.django_db
def test_a_unit_page_shows_its_scores_against_the_max_and_the_averages(client: Client):
    html = get(client, BD + "so/don-vi/so-noi-vu/")
    words = text(html)
    assert "Sở Nội vụ" in words and "3/21" in words and "95,9%" in words
    lines = {row["Chỉ số chính"]: row for row in rows(html)}
    assert lines["Nhân lực số"]["Điểm"] == "30,5"
    assert lines["Nhân lực số"]["Điểm tối đa"] == "40"
    assert lines["Nhân lực số"]["Tỷ lệ (%)"] == "76,3"
    assert lines["Nhân lực số"]["Trung bình khối"].endswith("%)")
    assert '<svg class="chart"' in html and "<title id=" in html
    assert BD + "so/so-sanh/?don-vi=so-noi-vu" in html


@pytest.mark.django_db
def test_a_unit_of_a_peer_group_is_compared_with_its_groups_average(client: Client):
    html = get(client, BP + "so/don-vi/so-noi-vu/")
    assert "Trung bình nhóm “Đơn vị có dịch vụ công trực tuyến”" in headers(html)
    assert "Nhóm: Đơn vị có dịch vụ công trực tuyến: hạng 4/17, Tốt" in text(html)


@pytest.mark.django_db
def test_the_comparison_puts_units_side_by_side_with_the_averages(client: Client):
    url = BP + "so/so-sanh/?don-vi=so-noi-vu&don-vi=so-tu-phap&nhom=co_dvctt"
    html = get(client, url)
    assert headers(html) == [
        "Chỉ số chính",
        "Sở Nội vụ",
        "Sở Tư pháp",
        "Trung bình khối",
        "Trung bình nhóm “Đơn vị có dịch vụ công trực tuyến”",
    ]
    lines = {row["Chỉ số chính"]: row for row in rows(html)}
    assert lines["Nhận thức số"]["Sở Tư pháp"] == "45 / 50 (90,0%)"
    assert lines["Hạng"]["Sở Nội vụ"] == "5"
    assert lines["Xếp loại"]["Sở Nội vụ"] == "Tốt"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["so noi vu", "SỞ NỘI VỤ", "Sở Nội vụ", "noi vu"])
def test_search_ignores_accents_and_case_across_provinces(client: Client, query: str):
    html = get(client, f"/ket-qua/tim-kiem/?q={query}")
    found = {(row["Đơn vị"], row["Tỉnh"], row["Năm"]) for row in rows(html)}
    assert ("Sở Nội vụ", "Bình Định", "2023") in found
    assert ("Sở Nội vụ", "Bình Phước", "2024") in found
    assert BD + "so/don-vi/so-noi-vu/" in html and BP + "so/don-vi/so-noi-vu/" in html


@pytest.mark.django_db
def test_a_search_that_finds_nothing_says_so(client: Client):
    assert "Không tìm thấy đơn vị nào" in text(get(client, "/ket-qua/tim-kiem/?q=khong+co+ai"))
    assert "kết quả cho" not in text(get(client, "/ket-qua/tim-kiem/"))


@pytest.mark.django_db
def test_the_methodology_says_the_policies_in_words(client: Client):
    bd = text(get(client, BD + "phuong-phap/"))
    assert "tổng điểm đạt chia cho điểm tối đa của những tiêu chí áp dụng" in bd
    assert "(ví dụ 6, 6, 7)" in bd and "Không xếp loại." in bd
    assert "Nhận thức số" in bd and "Tổng điểm tối đa: 500." in bd
    bp = text(get(client, BP + "phuong-phap/"))
    assert "80 điểm của “Dịch vụ công trực tuyến” được trừ ra" in bp
    assert "(ví dụ 1, 2, 2, 4)" in bp
    assert "Tốt từ 80; Khá từ 60; Trung bình từ 50; Yếu từ 0" in bp
    assert "chỉ khi có dịch vụ công trực tuyến" in bp
    assert "dich_vu_cong_truc_tuyen" not in bp  # no codes for the visitor


@pytest.mark.django_db
def test_the_methodology_lists_the_printed_tables_findings(client: Client):
    bd = text(get(client, BD + "phuong-phap/"))
    assert "UBND huyện Hoài Ân" in bd and "626,23" in bd and "626,24" in bd
    bp = text(get(client, BP + "phuong-phap/"))
    assert "Sở Xây dựng" in bp and "466,02" in bp
    ranking = text(get(client, BP + "so/"))
    assert "Bảng in gốc của khối này có 6 chỗ sai lệch" in ranking


@pytest.mark.django_db
def test_a_version_never_corrected_has_an_empty_corrections_log(client: Client):
    assert "Chưa có đính chính nào" in text(get(client, BD + "dinh-chinh/"))


@pytest.mark.django_db
def test_the_unit_page_prints_as_one_page(client: Client):
    html = get(client, BD + "so/don-vi/so-noi-vu/")
    assert "/static/public/public.css" in html
    css = Path(finders.find("public/public.css")).read_text(encoding="utf-8")
    assert "@media print" in css and "header.site" in css.split("@media print")[1]
    assert 'class="actions no-print"' in main(html)


@pytest.mark.django_db
def test_a_unit_page_in_english_keeps_the_vietnamese_numbers(client: Client):
    english = client.get(BD + "so/don-vi/so-noi-vu/", HTTP_ACCEPT_LANGUAGE="en")
    html = english.content.decode()
    assert english.status_code == 200 and '<html lang="en">' in html
    assert "95,9%" in text(html)  # numbers are written the Vietnamese way in both languages
