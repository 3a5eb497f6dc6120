"""A unit's page follows it across the years through lineage (a renamed agency shows its
predecessor's results, said to be theirs), draws its charts on the server, and links to the
comparison, which takes two to four units of the level and refuses anything else with a
sentence, never a 500."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from tests.portal.public.conftest import (
    LEVEL,
    SERVICES,
    Published,
    make_province,
    make_units,
    publish_year,
    published_province,
)
from tests.portal.public.reading import get, headers, main, rows, text

from portal.campaigns.report_texts import report_texts_save
from portal.publication.services import publication_request
from portal.units.models import Lineage, Unit


@pytest.fixture
def renamed(db: None) -> Published:
    """Sở Cũ ranked in 2024, renamed Sở Mới for 2025; both years published."""
    province, admin = make_province()
    others = make_units(province, 4)
    old = Unit.objects.create(
        province=province,
        code="so-cu",
        name="Sở Cũ",
        level=LEVEL,
        attributes={SERVICES: True},
        active_until=date(2024, 12, 31),
    )
    new = Unit.objects.create(
        province=province,
        code="so-moi",
        name="Sở Mới",
        level=LEVEL,
        attributes={SERVICES: True},
        active_from=date(2025, 1, 1),
    )
    Lineage.objects.create(
        predecessor=old, successor=new, kind=Lineage.Kind.RENAMED, effective=date(2025, 1, 1)
    )
    publish_year(province, admin, [old, *others], 2024)
    campaign = publish_year(province, admin, [new, *others], 2025, seed=3)
    return Published(province, admin, [new, *others], campaign)


def test_a_renamed_unit_s_years_include_its_predecessor_s_said_to_be_theirs(renamed: Published):
    html = get(Client(), renamed.url("so/don-vi/so-moi/"))
    years = {row["Năm"]: row for row in rows(html, 1)}
    assert set(years) == {"2024", "2025"}
    assert years["2024"]["Ghi chú"] == "số liệu của Sở Cũ"
    assert years["2025"]["Ghi chú"] == ""
    assert 'href="/ket-qua/tinh-thu/2024/so/don-vi/so-cu/"' in html
    assert 'aria-labelledby="bieu-do-cac-nam-tieu-de bieu-do-cac-nam-mo-ta"' in html


def test_last_year_is_printed_beside_the_unit_through_lineage(renamed: Published):
    words = text(get(Client(), renamed.url("so/don-vi/so-moi/")))
    assert "Năm trước: Năm 2024, hạng" in words and "(số liệu của Sở Cũ)" in words


def test_the_ranking_shows_last_years_rank_and_the_change(renamed: Published):
    html = get(Client(), renamed.url("so/"))
    assert {"Hạng năm trước", "Thay đổi hạng", "Xếp loại năm trước"} <= set(headers(html))
    for row in rows(html):
        before, change = row["Hạng năm trước"], row["Thay đổi hạng"]
        assert before  # every unit, or its predecessor, was ranked in 2024
        assert change == ("0" if int(before) == int(row["Hạng"]) else change)
        assert change in ("0",) or change[0] in "+−"


def test_a_unit_new_this_year_has_a_blank_change_never_zero(db: None):
    province, admin = make_province()
    units = make_units(province, 4)
    publish_year(province, admin, units[:3], 2024)
    campaign = publish_year(province, admin, units, 2025, seed=5)
    html = get(Client(), "/ket-qua/tinh-thu/2025/so/?sap-xep=previous_rank&chieu=giam")
    table = rows(html)
    newcomer = next(row for row in table if row["_unit"] == "so-004")
    assert (newcomer["Hạng năm trước"], newcomer["Thay đổi hạng"]) == ("", "")
    assert table[-1]["_unit"] == "so-004"  # blanks last, whichever the order
    assert campaign.year == 2025


def test_a_unit_page_draws_its_chart_without_script_or_style(db: None):
    published = published_province(4)
    html = main(get(Client(), published.url("so/don-vi/so-002/")))
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "style" not in svg and "<script" not in svg
    assert svg.count('class="s0"') == 8 + 1  # a bar per main index, and the legend's mark
    assert "Trung bình nhóm" in svg


def test_a_unit_page_shows_the_office_s_remarks_and_the_method_its_process(db: None):
    province, admin = make_province()
    units = make_units(province, 4)
    campaign = publish_year(province, admin, units, publish=False)
    report_texts_save(
        campaign=campaign,
        user=admin,
        texts={"process": "Các đơn vị tự đánh giá từ tháng 10."},
        remarks={"so.the_che_so": "Đã ban hành đủ kế hoạch."},
    )
    publication_request(campaign=campaign, user=admin)
    html = get(Client(), "/ket-qua/tinh-thu/2024/so/don-vi/so-002/")
    assert "<dt>Thể chế số</dt><dd>Đã ban hành đủ kế hoạch.</dd>" in html
    method = text(get(Client(), "/ket-qua/tinh-thu/2024/phuong-phap/"))
    assert "Các đơn vị tự đánh giá từ tháng 10." in method


@pytest.fixture
def five(db: None) -> Published:
    return published_province(5)


def compare(published: Published, query: str, status: int = 200) -> str:
    return get(Client(), published.url("so/so-sanh/") + query, status)


def test_the_form_lists_the_level_s_units_and_keeps_the_choice(five: Published):
    html = compare(five, "?don-vi=so-001&don-vi=so-003")
    assert html.count('<option value="so-0') == 5
    assert '<option value="so-003" selected>' in html
    assert headers(html)[1:4] == ["So Thử nghiệm 001", "So Thử nghiệm 003", "Trung bình khối"]


def test_four_units_and_a_group_s_average(five: Published):
    html = compare(five, "?don-vi=so-001&don-vi=so-002&don-vi=so-003&don-vi=so-004&nhom=co_dvctt")
    assert len(headers(html)) == 1 + 4 + 2


def test_one_unit_asks_for_another(five: Published):
    assert "Hãy chọn thêm ít nhất một đơn vị" in text(compare(five, "?don-vi=so-001"))


def test_the_same_unit_twice_counts_once(five: Published):
    assert "Hãy chọn thêm" in text(compare(five, "?don-vi=so-001&don-vi=so-001"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "?" + "&".join(f"don-vi=so-00{n}" for n in range(1, 6)),
            "Chỉ so sánh được tối đa 4 đơn vị; bạn đã chọn 5.",
        ),
        ("?don-vi=so-001&don-vi=khong-co", "Khối này không có đơn vị mang mã “khong-co”."),
        ("?don-vi=so-001&don-vi=so-002&nhom=khong-co", "Khối này không có nhóm xếp hạng đó."),
    ],
)
def test_a_choice_no_form_makes_is_refused_with_a_sentence(
    five: Published, query: str, message: str
):
    assert message in text(compare(five, query, 400))


def test_the_unit_page_links_to_the_comparison_with_itself_chosen(five: Published):
    html = get(Client(), five.url("so/don-vi/so-002/"))
    assert 'href="/ket-qua/tinh-thu/2024/so/so-sanh/?don-vi=so-002"' in html
