"""A ranking sorts by any column and filters by class, peer group and name through the query
string, on the server: the page works without JavaScript, and a link or a form of the page
makes every URL it needs. An unknown sort key gives the default order; a class or group the
table does not have, or a name no person types, is refused with a sentence (400)."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.portal.public.conftest import Published, published_province
from tests.portal.public.reading import get, headers, main, number, rows, text


@pytest.fixture
def nine(db: None) -> Published:
    return published_province(9)


def ranking(published: Published, query: str = "", tail: str = "so/") -> list[dict[str, str]]:
    return rows(get(Client(), published.url(tail) + query))


def test_the_default_order_is_the_ranking(nine: Published):
    ranks = [int(row["Hạng"]) for row in ranking(nine)]
    assert ranks == sorted(ranks) and len(ranks) == 9


def test_it_sorts_by_name_both_ways(nine: Published):
    names = [row["Đơn vị"] for row in ranking(nine, "?sap-xep=unit&chieu=tang")]
    assert names == sorted(names)
    assert [row["Đơn vị"] for row in ranking(nine, "?sap-xep=unit&chieu=giam")] == names[::-1]


def test_it_sorts_by_a_number_column(nine: Published):
    totals = [number(row["Tổng điểm"]) for row in ranking(nine, "?sap-xep=total&chieu=giam")]
    assert totals == sorted(totals, reverse=True)
    index = "?sap-xep=index%3Anhan_thuc_so&chieu=tang"
    scores = [number(row["Nhận thức số (50)"]) for row in ranking(nine, index)]
    assert scores == sorted(scores)


def test_it_sorts_classes_in_the_frameworks_order(nine: Published):
    order = ["Tốt", "Khá", "Trung bình", "Yếu"]
    classes = [row["Xếp loại"] for row in ranking(nine, "?sap-xep=class")]
    assert classes == sorted(classes, key=order.index)


def test_an_unknown_sort_key_gives_the_default_order(nine: Published):
    assert ranking(nine, "?sap-xep=khong-co&chieu=ngang") == ranking(nine)


def test_the_sorted_column_says_so_and_its_link_turns_the_order(nine: Published):
    html = get(Client(), nine.url("so/?sap-xep=unit&chieu=tang&nhom=co_dvctt"))
    assert 'aria-sort="ascending"><a href="?nhom=co_dvctt&amp;sap-xep=unit&amp;chieu=giam"' in html
    assert html.count("aria-sort=") == 1


def test_it_filters_by_peer_group(nine: Published):
    codes = [row["_unit"] for row in ranking(nine, "?nhom=co_dvctt")]
    assert sorted(codes) == ["so-001", "so-002", "so-004", "so-005", "so-007", "so-008"]
    assert "Đang hiện 6/9 đơn vị" in text(get(Client(), nine.url("so/?nhom=co_dvctt")))


def test_it_filters_by_class(nine: Published):
    every = ranking(nine)
    wanted = every[0]["Xếp loại"]
    kept = ranking(nine, f"?xep-loai={wanted}")
    assert kept and all(row["Xếp loại"] == wanted for row in kept)
    assert len(kept) == sum(1 for row in every if row["Xếp loại"] == wanted)


def test_it_filters_by_name_without_accents(nine: Published):
    assert [row["_unit"] for row in ranking(nine, "?ten=THU+NGHIEM+003")] == ["so-003"]
    html = get(Client(), nine.url("so/?ten=khong+ai"))
    assert "Không có đơn vị nào khớp với bộ lọc" in text(html)


def test_the_filters_keep_the_sort(nine: Published):
    html = get(Client(), nine.url("so/?sap-xep=total&chieu=giam"))
    assert '<input type="hidden" name="sap-xep" value="total">' in html
    assert '<input type="hidden" name="chieu" value="giam">' in html


def test_a_peer_group_table_has_its_own_ranks(nine: Published):
    group = ranking(nine, tail="so/nhom-khong_dvctt/")
    assert [row["_unit"] for row in group] and len(group) == 3
    assert [row["Hạng"] for row in group] == ["1", "2", "3"]


def test_a_main_index_table_has_no_class(nine: Published):
    html = get(Client(), nine.url("so/chi-so-nhan_thuc_so/"))
    assert headers(html) == [
        "Hạng",
        "Đơn vị",
        "Điểm",
        "Điểm tối đa áp dụng",
        "Điểm xếp hạng (điểm)",  # the index ranks on points (tests/…/test_index_rankings.py)
    ]
    assert 'name="xep-loai"' not in html


def test_each_unit_links_to_its_page_and_the_table_to_its_files(nine: Published):
    html = main(get(Client(), nine.url("so/nhom-co_dvctt/")))
    assert 'href="/ket-qua/tinh-thu/2024/so/don-vi/so-001/"' in html
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="/ket-qua/tinh-thu/2024/so/nhom-co_dvctt.{fmt}"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?xep-loai=Gi%E1%BB%8Fi", "Xếp loại “Giỏi” không có trong bảng này."),
        ("?nhom=khong_co", "Nhóm “khong_co” không có trong bảng này."),
        ("?ten=" + "a" * 101, "Tên đơn vị dài quá: tối đa 100 ký tự."),
        ("?ten=so%00", "Có ký tự điều khiển"),
    ],
)
def test_a_query_no_form_makes_is_refused_with_a_sentence(
    nine: Published, query: str, message: str
):
    html = get(Client(), nine.url("so/") + query, 400)
    assert message in text(html)


def test_a_class_filter_on_a_table_without_classes_is_refused(nine: Published):
    get(Client(), nine.url("so/chi-so-nhan_thuc_so/?xep-loai=T%E1%BB%91t"), 400)


@pytest.mark.parametrize(
    "tail",
    [
        "khong-co/",
        "so/khong-co-bang/",
        "so/chi-so-khong-co/",
        "so/nhom-khong-co/",
        "so/don-vi/khong-co/",
        "so/so-sanh/../",
    ],
)
def test_an_unknown_level_table_or_unit_is_not_found(nine: Published, tail: str):
    get(Client(), nine.url(tail), 404)


@pytest.mark.parametrize("year", ["99999999999999999999999", "0", "1899", "2101"])
def test_a_year_out_of_range_is_not_found_without_asking_the_database(
    nine: Published, year: str, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):  # the publication generation only
        get(Client(), f"/ket-qua/tinh-thu/{year}/so/", 404)


def test_public_pages_only_answer_reading(nine: Published):
    assert Client().post(nine.url("so/")).status_code == 405


def test_the_years_page_of_a_province_that_published_nothing_is_not_found(db: None):
    get(Client(), "/ket-qua/tinh-chua-co/2024/", 404)


def test_a_long_ranking_reads_a_page_at_a_time(nine: Published, monkeypatch):
    monkeypatch.setattr("portal.public.pages.ranking.PAGE_SIZE", 4)
    client = Client()
    first = get(client, nine.url("so/"))
    last = get(client, nine.url("so/") + "?trang=3")
    pages = [rows(first), rows(get(client, nine.url("so/") + "?trang=2")), rows(last)]
    assert [len(page) for page in pages] == [4, 4, 1]
    ranks = [int(row["Hạng"]) for page in pages for row in page]
    assert ranks == sorted(ranks) and len({row["Đơn vị"] for page in pages for row in page}) == 9
    assert "Đơn vị thứ 1 đến 4 trong 9/9 đơn vị" in text(first)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in last and 'rel="next"' not in last
    # a page the table does not have, or no page at all, is refused with a sentence
    assert "không có trang 4" in get(client, nine.url("so/") + "?trang=4", 400)
    for bad in ("0", "-1", "abc", "9" * 30):
        assert "không hợp lệ" in get(client, nine.url("so/") + f"?trang={bad}", 400)


def test_each_page_of_a_ranking_is_cached_as_itself(nine: Published, monkeypatch):
    """The cache keys on the page asked for: page 2 is never page 1's copy."""
    monkeypatch.setattr("portal.public.pages.ranking.PAGE_SIZE", 4)
    client = Client()
    pages = [rows(get(client, nine.url("so/") + f"?trang={n}")) for n in (1, 2, 1, 2)]
    assert pages[0] == pages[2] and pages[1] == pages[3] and pages[0] != pages[1]
