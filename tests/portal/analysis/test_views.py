"""The analysis pages on Bình Định 2023's imported results: who may read them, that their
figures are the core's, that bad choices are refused in plain words, and their queries."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from dti.fixedpoint import points_vi
from dti.planner import Goal, Target, plan_for
from dti.rankings import order_by_name
from dti.whatif import Scenario, what_if
from portal.campaigns.models import Campaign
from portal.campaigns.report import campaign_report_results
from portal.campaigns.selectors import PreviousResult
from portal.units.models import Unit
from tests.portal.campaigns.conftest import binhdinh  # noqa: F401  (the fixture)
from tests.portal.campaigns.test_report_download import published  # noqa: F401
from tests.portal.conftest import sign_in

PAGES = ["do-tin-cay", "gia-dinh", "don-vi/so-noi-vu"]
INDICES = (
    "nhan_thuc_so", "the_che_so", "ha_tang_so", "nhan_luc_so", "an_toan_thong_tin_mang",
    "hoat_dong_chinh_quyen_so", "hoat_dong_xa_hoi_so",
)  # fmt: skip
NO_INDEX = "&".join(f"w_{code}=0" for code in INDICES)


def url(campaign: Campaign, page: str, query: str = "") -> str:
    return f"/phan-tich/dot/{campaign.pk}/{page}/{query}"


def rows(html: str, table: str) -> list[list[str]]:
    body = html[html.index(f'id="{table}"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        found.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return found


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("name", "status"),
    [("lan", 403), ("minh", 403), ("thao", 403), ("hung", 403), ("khoa", 404)],
)
def test_it_refuses_members_without_the_report_and_outsiders(cast, published, page, name, status):  # noqa: F811
    client = sign_in(Client(), getattr(cast, name))
    assert client.get(url(published, page)).status_code == status


@pytest.mark.parametrize("page", PAGES)
def test_it_sends_anonymous_visitors_to_the_login_page(published, page):  # noqa: F811
    response = Client().get(url(published, page))
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


@pytest.mark.parametrize("page", PAGES)
def test_it_refuses_writes(cast, published, page):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    assert client.post(url(published, page)).status_code == 405


@pytest.mark.parametrize("name", ["quang", "hoa"])
def test_office_and_leadership_see_each_published_rank_beside_its_interval(cast, published, name):  # noqa: F811
    client = sign_in(Client(), getattr(cast, name))
    response = client.get(url(published, "do-tin-cay"))
    assert response.status_code == 200
    html = response.content.decode()
    general = campaign_report_results(published)["so"].general
    shown = rows(html, "robustness-table")
    assert [int(r[0]) for r in shown] == list(general.rank)
    assert shown[0][1] == "Sở Thông tin và Truyền thông" and shown[0][2].startswith("99,3%")
    for row in shown:
        low, _, high = row[4].partition("–")
        assert int(low) <= int(row[0]) <= int(high or low)
    assert "giữ đúng một thứ hạng trong 90% số lần thử" in html


def test_without_spread_every_rank_is_certain(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    html = client.get(url(published, "do-tin-cay", "?bien_do=0&do_lech=0&so_lan=100")).content
    shown = rows(html.decode(), "robustness-table")
    assert all(r[0] == r[3] == r[4] and r[5] == "chắc chắn" for r in shown)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?bien_do=95", "Nhập một số từ 0 đến 90."),
        ("?so_lan=5000", "Nhập một số từ 100 đến 2000."),
        ("?do_lech=abc", "Nhập một số từ 0 đến 50."),
        ("?so_lan=", "Nhập một số từ 100 đến 2000."),
    ],
)
def test_choices_out_of_bounds_are_refused_before_anything_is_computed(
    cast,
    published,  # noqa: F811
    query,
    message,
):
    client = sign_in(Client(), cast.quang)
    html = client.get(url(published, "do-tin-cay", query)).content.decode()
    assert message in html
    assert 'id="robustness-table"' not in html


def test_the_what_if_ranking_is_the_cores_and_says_who_moved(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    html = client.get(url(published, "gia-dinh", "?w_nhan_luc_so=300")).content.decode()
    result = campaign_report_results(published)["so"]
    expected = what_if(
        result.scores,
        result.general,
        order_by_name(result.names),
        Scenario(weights={"nhan_luc_so": 3}),
    )
    shown = rows(html, "what-if-table")
    assert [int(r[0]) for r in shown] == [row.rank for row in expected.rows]
    assert [r[1] for r in shown] == [result.names[row.unit] for row in expected.rows]
    moved = sum(1 for r in shown if r[0] != r[4])
    assert f"{moved} trong {len(shown)} đơn vị đổi hạng" in html
    assert any(r[3].startswith("lên ") for r in shown)
    assert any(r[3].startswith("xuống ") for r in shown)


def test_the_what_if_page_opens_at_the_published_ranking(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.hoa)
    html = client.get(url(published, "gia-dinh")).content.decode()
    shown = rows(html, "what-if-table")
    assert all(r[0] == r[4] and r[2] == r[5] and r[3] == "giữ hạng" for r in shown)
    assert "0 trong 21 đơn vị đổi hạng" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"?{NO_INDEX}", "cần giữ lại ít nhất một chỉ số chính"),
        ("?w_nhan_luc_so=-5", "Nhập một số từ 0 đến 500."),
        ("?w_nhan_luc_so=9999", "Nhập một số từ 0 đến 500."),
        ("?cach_tinh=remove_block", "Cách so sánh này không dùng được"),
    ],
)
def test_a_scenario_the_framework_cannot_rank_is_refused_in_plain_words(
    cast,
    published,  # noqa: F811
    query,
    message,
):
    client = sign_in(Client(), cast.quang)
    html = client.get(url(published, "gia-dinh", query)).content.decode()
    assert message in html
    assert 'id="what-if-table"' not in html


def test_a_campaign_without_results_says_what_comes_next(cast):
    cast.campaign.state = "draft"
    cast.campaign.save()
    client = sign_in(Client(), cast.quang)
    html = client.get(url(cast.campaign, "do-tin-cay")).content.decode()
    assert "chưa có số liệu để phân tích" in html


def test_the_campaign_page_links_to_the_analysis(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    html = client.get(f"/dot-danh-gia/{published.pk}/").content.decode()
    assert url(published, "do-tin-cay") in html and url(published, "gia-dinh") in html


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_the_units(cast, published, page):  # noqa: F811
    """The session and the person, the campaign and the roles, the levels and their
    frameworks, the units with their results: a fixed number, whatever the units."""
    client = sign_in(Client(), cast.quang)
    client.get(url(published, page))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(published, page)).status_code == 200
    assert len(queries) <= 12, [q["sql"] for q in queries]


# ---- the unit's plan --------------------------------------------------------------------------


def plan_url(campaign: Campaign, unit: str, query: str = "") -> str:
    return f"/phan-tich/dot/{campaign.pk}/don-vi/{unit}/{query}"


def test_the_unit_page_says_where_points_were_lost_and_the_cheapest_way_up(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    response = client.get(plan_url(published, "so-noi-vu", "?muc_tieu=hang&so_hang=2"))
    assert response.status_code == 200
    html = response.content.decode()
    result = campaign_report_results(published)["so"]
    unit = list(result.scores.unit_ids).index("so-noi-vu")
    outcome = plan_for(result.scores, result.general, unit, Target(Goal.RANKS, 2))
    assert outcome.plan is not None
    assert f"đơn vị cần thêm {points_vi(outcome.needed)} điểm" in html
    steps = re.findall(r"<li>(.*?)</li>", html[html.index('id="plan-steps"') :], flags=re.S)
    assert len(steps) == len(outcome.plan.steps)
    for shown_step, step in zip(steps, outcome.plan.steps, strict=True):
        assert shown_step.startswith(step.option.name)
    losses = rows(html, "plan-losses")
    assert [r[0] for r in losses] == [i.name for i in result.framework.main_indices]


def test_the_unit_page_is_linked_from_the_analysis_tables(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.hoa)
    html = client.get(url(published, "do-tin-cay", "?so_lan=100")).content.decode()
    assert plan_url(published, "so-noi-vu") in html


def test_the_first_unit_is_told_it_leads(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    html = client.get(plan_url(published, "so-thong-tin-va-truyen-thong")).content.decode()
    assert "Đơn vị đã đứng đầu." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?muc_tieu=loai", "Xếp hạng này không xếp loại."),
        ("?so_hang=0", "Nhập một số từ 1 đến 100."),
    ],
)
def test_a_target_that_cannot_be_planned_is_refused(cast, published, query, message):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    html = client.get(plan_url(published, "so-noi-vu", query)).content.decode()
    assert message in html and 'id="plan-steps"' not in html
    assert 'id="plan-losses"' in html  # the losses are still shown


def test_a_unit_the_ranking_does_not_hold_is_not_found(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    assert client.get(plan_url(published, "khong-co")).status_code == 404


# ---- the overview -----------------------------------------------------------------------------


def test_the_overview_prints_every_chart_as_a_table_from_the_core(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.hoa)
    response = client.get(f"/phan-tich/dot/{published.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    general = campaign_report_results(published)["so"].general
    heat = rows(html, "heat-table")
    assert [int(r[0]) for r in heat] == list(general.rank)
    assert len(heat[0]) == 3 + 7  # rank, unit, score, then the seven main indices
    assert heat[0][3].endswith("%")
    data = response.context["charts"]
    assert sum(data["bins"]["values"]) == len(heat) == 21
    assert 'id="chart-data"' in html and "vendor/chartjs/chart.umd.min.js" in html


def test_the_overview_exports_what_it_shows(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    response = client.get(f"/phan-tich/dot/{published.pk}/?xuat=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Hạng,Đơn vị,Huyện cũ,Điểm,Xếp loại,Nhận thức số")
    assert len(lines) == 1 + 21
    assert lines[1].startswith('1,Sở Thông tin và Truyền thông,,"99,3%",,"100,0%"')


def test_the_overview_filters_a_former_district_s_units(cast, published):  # noqa: F811
    district = Unit.objects.get(province=published.province, code="ubnd-huyen-hoai-an")
    Unit.objects.filter(province=published.province, code__in=["so-noi-vu", "so-tu-phap"]).update(
        parent=district
    )
    client = sign_in(Client(), cast.quang)
    html = client.get(f"/phan-tich/dot/{published.pk}/?huyen={district.name}").content.decode()
    assert sorted(r[1] for r in rows(html, "heat-table")) == ["Sở Nội vụ", "Sở Tư pháp"]
    assert "2 đơn vị." in html
    html = client.get(f"/phan-tich/dot/{published.pk}/?huyen=Không có").content.decode()
    assert "21 đơn vị." in html  # an unknown district shows every unit


def test_the_overview_names_last_year_s_movers(cast, published, monkeypatch):  # noqa: F811
    """Last year's ranks as previous_results gives them (its own tests cover the lineage):
    two units rose, one fell from first."""
    units = {u.code: u.pk for u in Unit.objects.filter(province=published.province)}
    general = campaign_report_results(published)["so"]
    rank_now = {
        general.scores.unit_ids[int(u)]: int(r)
        for u, r in zip(general.general.units, general.general.rank, strict=True)
    }

    def previous(campaign, unit_ids):
        before = {"so-noi-vu": 21, "so-thong-tin-va-truyen-thong": 3, "so-tai-chinh": 1}
        return {
            units[code]: [PreviousResult(2022, code, rank, "", "", False)]
            for code, rank in before.items()
        }

    monkeypatch.setattr("portal.analysis.dashboard.previous_results", previous)
    client = sign_in(Client(), cast.quang)
    html = client.get(f"/phan-tich/dot/{published.pk}/").content.decode()
    movers = html[html.index('id="overview-movers"') :]
    assert (
        f"Sở Nội vụ: hạng 21 → {rank_now['so-noi-vu']} (lên {21 - rank_now['so-noi-vu']})" in movers
    )
    assert "Sở Thông tin và Truyền thông: hạng 3 → 1 (lên 2)" in movers
    fallen = movers[movers.index("Giảm nhiều nhất") :]
    assert f"Sở Tài chính: hạng 1 → {rank_now['so-tai-chinh']}" in fallen


def test_the_unit_s_head_gets_the_path_up_on_one_page(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    html = client.get(plan_url(published, "so-noi-vu", "?muc_tieu=hang&so_hang=2")).content
    assert b"pdf=1" in html
    response = client.get(plan_url(published, "so-noi-vu", "?muc_tieu=hang&so_hang=2&pdf=1"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "lo-trinh-so-noi-vu.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert len(reader.pages) == 1
    assert "Sở Nội vụ" in text and "Để lên hạng" in text and "/21" in text


def test_an_open_campaign_is_analysed_as_it_stands_and_says_so(cast):
    """Tỉnh Mẫu's campaign is open and nobody has answered yet: every unit is ranked on what
    it has entered (nothing), and the page says the results are provisional."""
    client = sign_in(Client(), cast.quang)
    html = client.get(f"/phan-tich/dot/{cast.campaign.pk}/").content.decode()
    assert 'id="live-results"' in html and "tự đánh giá đến lúc này" in html
    assert sorted(r[1] for r in rows(html, "heat-table")) == ["Sở Nội vụ", "Sở Tư pháp"]
    html = client.get(f"/phan-tich/dot/{cast.campaign.pk}/do-tin-cay/?so_lan=100").content
    assert b'id="robustness-table"' in html


def test_a_draft_campaign_has_nothing_to_analyse(cast):
    cast.campaign.state = "draft"
    cast.campaign.save()
    client = sign_in(Client(), cast.quang)
    html = client.get(f"/phan-tich/dot/{cast.campaign.pk}/").content.decode()
    assert "chưa có số liệu để phân tích" in html


@pytest.mark.parametrize(
    ("page", "table"),
    [("", "heat-table"), ("do-tin-cay/", "robustness-table"), ("gia-dinh/", "what-if-table")],
)
def test_long_tables_come_in_pages_that_keep_the_choices(cast, published, monkeypatch, page, table):  # noqa: F811
    monkeypatch.setattr("portal.analysis.views.ROWS_PAGE", 8)
    client = sign_in(Client(), cast.quang)
    first = client.get(f"/phan-tich/dot/{published.pk}/{page}?so_lan=100").content.decode()
    assert len(rows(first, table)) == 8 and "Trang 1/3 (21 đơn vị)" in first
    assert "so_lan=100&amp;trang=2" in first
    last = client.get(f"/phan-tich/dot/{published.pk}/{page}?so_lan=100&trang=3").content.decode()
    assert len(rows(last, table)) == 5


def test_a_unit_with_answers_sees_its_losses_criterion_by_criterion(cast):
    """Tỉnh Mẫu's open campaign, scored live: nobody has answered, so every criterion that
    applies to Sở Nội vụ is lost whole, the most points first."""
    client = sign_in(Client(), cast.quang)
    html = client.get(f"/phan-tich/dot/{cast.campaign.pk}/don-vi/so-noi-vu/").content.decode()
    criteria = rows(html, "plan-criteria")
    framework = cast.framework.build()
    names = {leaf.name for leaf in framework.leaves}
    assert criteria and all(row[0] in names for row in criteria)
    lost = [float(row[3].replace(",", ".")) for row in criteria]
    assert lost == sorted(lost, reverse=True)
    assert all(row[2].startswith("0/") for row in criteria)


def test_imported_results_show_losses_by_main_index_only(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    html = client.get(plan_url(published, "so-noi-vu")).content.decode()
    assert 'id="plan-losses"' in html and 'id="plan-criteria"' not in html


@pytest.mark.parametrize(
    ("name", "shown"), [("quang", True), ("hoa", True), ("lan", False), ("hung", False)]
)
def test_an_open_campaign_s_page_links_the_analysis_for_office_and_leadership(cast, name, shown):
    html = sign_in(Client(), getattr(cast, name)).get(f"/dot-danh-gia/{cast.campaign.pk}/").content
    assert (b'id="analysis-links"' in html) is shown


@pytest.mark.parametrize(
    ("page", "query", "message"),
    [
        ("do-tin-cay", "?bien_do=NaN", "Nhập một số từ 0 đến 90."),
        ("do-tin-cay", "?do_lech=Infinity", "Nhập một số từ 0 đến 50."),
        ("do-tin-cay", "?do_lech=1e400", "Nhập một số từ 0 đến 50."),
        ("do-tin-cay", "?so_lan=99999999999999999999", "Nhập một số từ 100 đến 2000."),
        ("gia-dinh", "?w_nhan_luc_so=NaN", "Nhập một số từ 0 đến 500."),
        ("gia-dinh", "?w_nhan_luc_so=-Infinity", "Nhập một số từ 0 đến 500."),
        ("nam-truoc", "?cach=weighted&thuoc_tinh=dan%07so", "ký tự điều khiển"),
        ("don-vi/so-noi-vu", "?so_hang=1e9", "Nhập một số từ 1 đến 100."),
    ],
)
def test_hostile_numbers_and_characters_are_refused_and_nothing_is_computed(
    cast,
    published,  # noqa: F811
    page,
    query,
    message,
):
    client = sign_in(Client(), cast.quang)
    response = client.get(f"/phan-tich/dot/{published.pk}/{page}/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    for table in ("robustness-table", "what-if-table", "past-table", "plan-steps"):
        assert f'id="{table}"' not in html


def test_a_district_filter_with_markup_or_control_characters_shows_everyone_inert(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    html = client.get(
        f"/phan-tich/dot/{published.pk}/?huyen=%3Cscript%3E%07&trang=-5"
    ).content.decode()
    assert "<script>" not in html and len(rows(html, "heat-table")) == 21


def test_another_province_s_unit_is_not_found_on_the_path_up(cast, published):  # noqa: F811
    """Tỉnh Mẫu's Sở Nội vụ has the code of Bình Định's: the page holds Bình Định's only, and
    a code of a unit the ranking lacks answers 404."""
    other = Unit.objects.create(
        province=cast.other_province, code="ubnd-xa-khac", name="UBND xã Khác", level="so"
    )
    client = sign_in(Client(), cast.quang)
    assert client.get(plan_url(published, other.code)).status_code == 404


def test_the_last_year_page_s_queries_do_not_grow_with_the_units(cast, published):  # noqa: F811
    client = sign_in(Client(), cast.quang)
    client.get(f"/phan-tich/dot/{published.pk}/nam-truoc/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/phan-tich/dot/{published.pk}/nam-truoc/").status_code == 200
    assert len(queries) <= 12, [q["sql"] for q in queries]


@pytest.mark.parametrize("value", ["1e999", "NaN", "-1", "Infinity"])
def test_a_class_bound_that_is_no_sensible_number_is_refused(value):
    """Bình Phước classifies its agencies: its bounds are fields of the what-if form."""
    from portal.analysis.forms import WhatIfForm
    from tests.core.reports import results
    from tests.core.seeds import BINHPHUOC

    result = results(BINHPHUOC)["so"]
    form = WhatIfForm(
        {"cach_tinh": "remove_block", "muc_0": value},
        framework=result.framework,
        policy=result.general.policy,
    )
    assert not form.is_valid() and "muc_0" in form.errors
