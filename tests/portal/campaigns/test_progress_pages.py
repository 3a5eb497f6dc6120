"""At commune scale the office's pages stay small: the campaign page reads each level's
table PAGE_SIZE units a page (the filters, the export and "select all" still reach every
unit), its dashboard names the first units of each state and links to the rest, and the
appraisal's dashboard reads its progress table a page at a time."""

from __future__ import annotations

import csv
import io
import re

from portal.assessments.progress_query import PAGE_SIZE, ProgressQuery, progress_query
from portal.campaigns.models import CampaignUnit
from portal.units.models import Unit
from tests.portal.campaigns.test_progress_table import detail, late, shown
from tests.portal.conftest import Cast

EXTRA = PAGE_SIZE + 30  # with Sở Nội vụ and Sở Tư pháp: two pages of the level


def many_units(cast: Cast) -> None:
    units = Unit.objects.bulk_create(
        Unit(province=cast.province, code=f"so-{n:03d}", name=f"Sở số {n:03d}", level="so")
        for n in range(EXTRA)
    )
    CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=cast.campaign, unit=unit, level="so") for unit in units
    )


def test_a_level_is_read_a_page_at_a_time(cast: Cast):
    many_units(cast)
    first = detail(cast, "sap_xep=ten")
    names = shown(first)
    assert len(names) == PAGE_SIZE and names[0] == "Sở Nội vụ"
    assert f"Đơn vị 1–{PAGE_SIZE} trên {EXTRA + 2} · trang 1/2" in first
    link = re.search(r'href="\?([^"]*)#tien-do" rel="next"', first).group(1)
    assert link == "sap_xep=ten&amp;trang_so=2"
    second = detail(cast, link.replace("&amp;", "&"))
    assert len(shown(second)) == EXTRA + 2 - PAGE_SIZE and "Sở Tư pháp" in shown(second)
    assert not set(shown(second)) & set(names)
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert f"Đang hiện {EXTRA + 2} trên {EXTRA + 2} đơn vị." in second
    past_the_end = detail(cast, "trang_so=99")  # shows the last page, never an error
    assert shown(past_the_end) == shown(detail(cast, "trang_so=2"))


def test_a_new_filter_starts_at_the_first_page_and_the_export_has_every_unit(cast: Cast):
    query = progress_query({"trang_so": "2", "q": "so", "trang_huyen": "x", "trang_xa": "0"})
    assert query.pages == (("so", 2),)
    assert "trang_so=2" in query.params() and "trang_so" not in query.params(q="tu")
    assert "trang_so" not in query.export_params
    many_units(cast)
    client = cast.client(cast.quang)
    export = client.get(f"/tu-danh-gia/dot/{cast.campaign.pk}/tien-do.csv?trang_so=2")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + EXTRA + 2  # the header, then every unit, whatever the page


def test_select_all_reaches_the_units_of_every_page(cast: Cast):
    many_units(cast)
    late(cast)
    page = detail(cast, ProgressQuery(late=True, select_all=True).params())
    assert len(re.findall(r'form="bulk" checked', page)) == PAGE_SIZE  # the page's boxes
    matching = re.search(r'name="matching" value="([^"]*)" checked', page).group(1)
    assert f"Chọn cả {EXTRA + 2} đơn vị khớp bộ lọc, ở mọi trang của bảng" in page
    url = f"/tu-danh-gia/dot/{cast.campaign.pk}/tien-do/"
    data = {"action": "extend", "until": "31/12/2099 17:00", "reason": "Gia hạn chung",
            "matching": matching.replace("&amp;", "&")}  # fmt: skip
    assert cast.client(cast.quang).post(url, data).status_code == 302
    extended = CampaignUnit.objects.filter(campaign=cast.campaign, extension_until__isnull=False)
    assert extended.count() == EXTRA + 2


def test_the_dashboard_names_the_first_units_of_a_state_and_links_to_the_rest(cast: Cast):
    many_units(cast)
    page = detail(cast)
    group = re.search(r'<div class="card" id="group-not_started">(.*?)</div>', page, re.S)[1]
    assert group.count("<li>") == 20
    assert f"và {EXTRA + 2 - 20} đơn vị khác: xem trong bảng" in group
    assert 'href="?trang_thai=not_started#tien-do"' in group


def test_the_page_stays_small_with_many_units(cast: Cast):
    many_units(cast)
    more = Unit.objects.bulk_create(
        Unit(province=cast.province, code=f"so-b{n:03d}", name=f"Sở khác {n:03d}", level="so")
        for n in range(500)
    )
    CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=cast.campaign, unit=unit, level="so") for unit in more
    )
    late(cast)  # every unit late: the dashboard's longest lists
    page = detail(cast)
    assert len(page.encode()) < 200 * 1024, len(page.encode())
