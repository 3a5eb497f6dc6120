"""The log's pages (/nhat-ky/): who reads which entries, the filters, the pages of 50, and
how old → new reads. The office admin, leadership and appraisers read the whole campaign's
log; a unit's reporter or approver only their unit's entries; outsiders get 404 and
anonymous visitors the login page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.audit.services import audit_record
from portal.jobs.models import Job
from portal.units.models import Unit
from portal.workflow import CampaignState
from tests.portal.audit.conftest import Log
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"audit:{name}", args=args)


def shown(response) -> set[int]:  # type: ignore[no-untyped-def]
    page = response.content.decode()
    return {int(part.split('"')[0].split("-")[0]) for part in page.split('id="entry-')[1:]}


EVERYTHING = [0, 1, 2, 3, 4, 5, 6]
NOI_VU = [0, 1, 3, 6]  # answers and the submission of Sở Nội vụ
TU_PHAP = [2, 4]  # Sở Tư pháp's answer and the appraisers' remark on it


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        pytest.param("quang", EVERYTHING, id="quang-office-admin"),
        pytest.param("hoa", EVERYTHING, id="hoa-leadership"),
        pytest.param("hung", EVERYTHING, id="hung-appraiser"),
        pytest.param("lan", NOI_VU, id="lan-reporter-noi-vu"),
        pytest.param("minh", NOI_VU, id="minh-approver-noi-vu"),
        pytest.param("thao", TU_PHAP, id="thao-reporter-tu-phap"),
    ],
)
def test_each_role_reads_its_part_of_the_campaigns_log(cast: Cast, log: Log, who, visible):
    response = cast.client(getattr(cast, who)).get(url("campaign", cast.campaign.pk))
    assert response.status_code == 200
    assert shown(response) == {log.ids[i] for i in visible}


def test_a_unit_never_sees_another_units_remarks(cast: Cast, log: Log):
    page = cast.client(cast.lan).get(url("campaign", cast.campaign.pk)).content.decode()
    assert "Thiếu quyết định ban hành" not in page
    assert "Sở Tư pháp" not in page  # not even in the filters
    assert "Gia hạn chung" not in page  # the campaign's own entries are not a unit's


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("khoa", 404, id="khoa-other-province"),
    ],
)
@pytest.mark.parametrize("page", ["campaign", "unit", "criterion", "export-csv", "export-xlsx"])
def test_outsiders_learn_nothing(cast: Cast, log: Log, who, status, page):
    c, unit = cast.campaign.pk, cast.noi_vu.pk
    target = {
        "campaign": url("campaign", c),
        "unit": url("unit", c, unit),
        "criterion": url("criterion", c, unit, "cqs_ky_so"),
        "export-csv": url("export", c, "csv"),
        "export-xlsx": url("export_xlsx", c),
    }[page]
    client = cast.client(getattr(cast, who) if who else None)
    response = client.post(target) if page == "export-xlsx" else client.get(target)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        pytest.param("thao", "noi_vu", 404, id="thao-on-noi-vu"),
        pytest.param("lan", "tu_phap", 404, id="lan-on-tu-phap"),
        pytest.param("minh", "tu_phap", 404, id="minh-on-tu-phap"),
        pytest.param("lan", "noi_vu", 200, id="lan-on-noi-vu"),
        pytest.param("thao", "tu_phap", 200, id="thao-on-tu-phap"),
        pytest.param("hung", "tu_phap", 200, id="hung-on-tu-phap"),
    ],
)
def test_a_units_pages_are_its_own_and_the_provinces(cast: Cast, log: Log, who, unit, status):
    client = cast.client(getattr(cast, who))
    unit_id = getattr(cast, unit).pk
    assert client.get(url("unit", cast.campaign.pk, unit_id)).status_code == status
    criterion = url("criterion", cast.campaign.pk, unit_id, "ke_hoach")
    assert client.get(criterion).status_code == status


def test_a_unit_of_another_province_is_not_found(cast: Cast, log: Log):
    elsewhere = Unit.objects.create(province=cast.other_province, code="x", name="Sở X", level="so")
    response = cast.client(cast.quang).get(url("unit", cast.campaign.pk, elsewhere.pk))
    assert response.status_code == 404


def test_the_unit_and_criterion_pages_keep_their_entries(cast: Cast, log: Log):
    client = cast.client(cast.quang)
    unit_page = client.get(url("unit", cast.campaign.pk, cast.noi_vu.pk))
    assert shown(unit_page) == {log.ids[i] for i in NOI_VU}
    criterion_page = client.get(url("criterion", cast.campaign.pk, cast.noi_vu.pk, "cqs_ky_so"))
    assert shown(criterion_page) == {log.ids[0], log.ids[1]}
    assert "tiêu chí Tỷ lệ văn bản đi được ký số" in criterion_page.content.decode()  # by name


def test_rows_link_to_their_unit_and_criterion(cast: Cast, log: Log):
    page = cast.client(cast.quang).get(url("campaign", cast.campaign.pk)).content.decode()
    assert f'href="{url("unit", cast.campaign.pk, cast.noi_vu.pk)}"' in page
    assert f'href="{url("criterion", cast.campaign.pk, cast.noi_vu.pk, "cqs_ky_so")}"' in page


def test_old_and_new_read_compactly(cast: Cast, log: Log):
    page = cast.client(cast.quang).get(url("campaign", cast.campaign.pk)).content.decode()
    row = page[page.index(f'id="entry-{log.ids[1]}"') :][:900]
    assert "60</span> → 87,5; thuyết minh: Theo báo cáo" in row  # decimal comma, the note
    submission = page[page.index(f'id="entry-{log.ids[3]}"') :][:900]
    assert "Đang nhập</span> → Đã gửi, chờ phê duyệt" in submission  # states by name
    deadline = page[page.index(f'id="entry-{log.ids[5]}"') :][:900]
    assert "30/06/2025 17:00</span> → 15/07/2025 17:00" in deadline  # Asia/Ho_Chi_Minh
    assert "Gia hạn chung theo công văn 12/STTTT" in deadline
    inputs = page[page.index(f'id="entry-{log.ids[6]}"') :][:900]
    assert "—</span> → online: 12; total: 20" in inputs


def test_newest_first_fifty_per_page(cast: Cast):
    entries = [
        audit_record(
            actor=cast.lan,
            entity="answer",
            action="save",
            new=str(n),
            campaign=cast.campaign,
            unit=cast.noi_vu,
            criterion="cqs_ky_so",
        )
        for n in range(60)
    ]
    client = cast.client(cast.lan)
    first = client.get(url("campaign", cast.campaign.pk))
    page = first.content.decode()
    assert shown(first) == {e.pk for e in entries[10:]}
    assert page.index(f'id="entry-{entries[59].pk}"') < page.index(f'id="entry-{entries[58].pk}"')
    assert "60 mục" in page and "Trang 1/2" in page
    second = client.get(url("campaign", cast.campaign.pk), {"page": 2, "entity": "answer"})
    assert shown(second) == {e.pk for e in entries[:10]}
    assert "entity=answer&amp;page=1" in second.content.decode()  # the filters stay


def test_the_list_reads_in_a_fixed_number_of_queries(cast: Cast, django_assert_max_num_queries):
    """session, user, the campaign, the viewer's roles; the four filters' choices (five
    queries: the criteria saves changed are read from their values); the criteria's names
    (the levels with their frameworks); the count and the page; the base template's roles
    and unread notifications: 14, for 5 entries or for a full page of 50 with more behind
    it, saves of several answers among them."""
    client = cast.client(cast.quang)
    target = url("campaign", cast.campaign.pk)
    counts = []
    for entries in (5, 75):
        for n in range(entries):
            audit_record(
                actor=cast.lan,
                entity="answer",
                action="save",
                new=str(n),
                campaign=cast.campaign,
                unit=cast.noi_vu,
                criterion=f"c{n % 7}",
            )
            audit_record(
                actor=cast.lan,
                entity="answers",
                action="save",
                old={f"c{n % 7}": None, "c9": {"value": "1", "note": ""}},
                new={f"c{n % 7}": {"value": str(n), "note": ""}, "c9": {"value": "2", "note": ""}},
                campaign=cast.campaign,
                unit=cast.noi_vu,
            )
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(14):
            assert client.get(target).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("query", "visible"),
    [
        pytest.param({"unit": "NOI_VU"}, NOI_VU, id="unit"),
        pytest.param({"criterion": "ke_hoach"}, [2, 4], id="criterion"),
        pytest.param({"entity": "answer"}, [0, 1, 2, 6], id="entity"),
        pytest.param({"actor": "HUNG"}, [4], id="person"),
        pytest.param({"entity": "answer", "actor": "LAN"}, [0, 1, 6], id="entity-and-person"),
    ],
)
def test_the_filters(cast: Cast, log: Log, query, visible):
    ids = {"NOI_VU": str(cast.noi_vu.pk), "HUNG": str(cast.hung.pk), "LAN": str(cast.lan.pk)}
    params = {name: ids.get(value, value) for name, value in query.items()}
    response = cast.client(cast.quang).get(url("campaign", cast.campaign.pk), params)
    assert shown(response) == {log.ids[i] for i in visible}


def test_the_date_filter_reads_days_in_the_portals_time_zone(cast: Cast):
    def at(moment: dt.datetime):  # type: ignore[no-untyped-def]
        with time_machine.travel(moment, tick=False):
            return audit_record(
                actor=cast.lan,
                entity="answer",
                action="save",
                campaign=cast.campaign,
                unit=cast.noi_vu,
            )

    # 23:30 on 1 June in Hà Nội is 16:30 UTC; 00:30 on 3 June is 17:30 UTC on 2 June
    june_1 = at(dt.datetime(2025, 6, 1, 16, 30, tzinfo=dt.UTC))
    june_3 = at(dt.datetime(2025, 6, 2, 17, 30, tzinfo=dt.UTC))
    client = cast.client(cast.quang)
    target = url("campaign", cast.campaign.pk)
    assert shown(client.get(target, {"since": "02/06/2025"})) == {june_3.pk}
    assert shown(client.get(target, {"until": "01/06/2025"})) == {june_1.pk}
    assert shown(client.get(target, {"since": "2025-06-01", "until": "03/06/2025"})) == {
        june_1.pk,
        june_3.pk,
    }


def test_a_bad_date_is_said_and_the_other_filters_still_apply(cast: Cast, log: Log):
    response = cast.client(cast.quang).get(
        url("campaign", cast.campaign.pk), {"since": "31/02/2025", "entity": "submission"}
    )
    assert response.status_code == 200
    assert "Ngày phải có dạng dd/mm/yyyy." in response.content.decode()
    assert shown(response) == {log.ids[3]}


def test_the_page_speaks_english_on_request(cast: Cast, log: Log):
    client = cast.client(cast.quang)
    page = client.get(url("campaign", cast.campaign.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Audit trail" in page and "Check integrity" in page
    assert "87,5" in page  # numbers keep the Vietnamese way


@pytest.mark.parametrize(
    ("who", "linked"),
    [("quang", True), ("hoa", True), ("hung", True), ("lan", True), ("thao", True), (None, False)],
)
def test_the_campaign_page_links_to_its_log_for_members(cast: Cast, who, linked):
    cast.campaign.state = CampaignState.PUBLISHED  # anonymous visitors read published ones
    cast.campaign.save()
    page = cast.client(getattr(cast, who) if who else None).get(
        reverse("campaigns:detail", args=[cast.campaign.pk])
    )
    assert (f'href="{url("campaign", cast.campaign.pk)}"' in page.content.decode()) is linked


def test_a_units_pages_keep_one_unit_in_their_links(cast: Cast, log: Log):
    target = url("unit", cast.campaign.pk, cast.noi_vu.pk)
    page = cast.client(cast.quang).get(target, {"unit": cast.noi_vu.pk, "page": 1})
    text = page.content.decode()
    export = url("export", cast.campaign.pk, "csv") + f"?unit={cast.noi_vu.pk}"
    assert f'href="{export}"' in text
    link = text[text.index('id="exports"') :].split("</p>")[0]
    assert link.count(f"unit={cast.noi_vu.pk}") == 2  # the CSV and XLSX links, once each
