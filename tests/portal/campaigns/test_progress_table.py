"""The office's progress table on the campaign page: search by name, filters by state,
level, peer group and lateness, an order, all as GET parameters working without
JavaScript; bulk actions on the units ticked (remind, extend, download the table)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from portal.assessments.models import Submission
from portal.audit.models import AuditEntry
from portal.campaigns.models import CampaignEvent, CampaignUnit
from portal.notifications.models import Notification
from portal.units.models import Unit
from portal.workflow import SubmissionState
from tests.portal.campaigns.conftest import REFUSED, person
from tests.portal.conftest import Cast

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def detail(cast: Cast, query: str = "", who: str = "quang") -> str:
    url = f"/dot-danh-gia/{cast.campaign.pk}/?{query}"
    response = cast.client(person(cast, who)).get(url)
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str) -> list[str]:
    """The unit names of the progress table, in order."""
    return re.findall(r'<td><a href="/tu-danh-gia/\d+/tinh-trang/">([^<]+)</a></td>', html)


def late(cast: Cast) -> None:
    cast.campaign.self_assessment_deadline = timezone.now() - timedelta(hours=2)
    cast.campaign.save()


def test_the_office_searches_units_by_name_without_diacritics(cast: Cast):
    assert shown(detail(cast)) == ["Sở Nội vụ", "Sở Tư pháp"]
    html = detail(cast, "q=tu+phap")
    assert shown(html) == ["Sở Tư pháp"]
    assert "Đang hiện 1 trên 2 đơn vị." in html
    assert "khớp với tìm kiếm" not in html
    assert "khớp với tìm kiếm" in detail(cast, "q=khong+co")


def test_the_office_filters_by_state_and_lateness(cast: Cast):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    assert shown(detail(cast, "trang_thai=submitted")) == ["Sở Nội vụ"]
    assert shown(detail(cast, "trang_thai=not_started")) == ["Sở Tư pháp"]
    assert shown(detail(cast, "tre_han=1")) == []
    late(cast)
    assert shown(detail(cast, "tre_han=1")) == ["Sở Tư pháp"]
    assert shown(detail(cast, "trang_thai=late")) == ["Sở Tư pháp"]
    assert shown(detail(cast, "trang_thai=nonsense")) == ["Sở Nội vụ", "Sở Tư pháp"]


def test_the_office_filters_by_peer_group_and_level(cast: Cast):
    cast.framework.document["groups"] = [
        {
            "code": "co_dvctt",
            "name": "Có dịch vụ công trực tuyến",
            "when": "has_online_public_services",
        },
        {"code": "khong_dvctt", "name": "Không có", "when": "not has_online_public_services"},
    ]
    cast.framework.save()
    html = detail(cast)
    assert '<option value="co_dvctt">Có dịch vụ công trực tuyến</option>' in html
    assert shown(detail(cast, "nhom=co_dvctt")) == ["Sở Nội vụ"]  # has online services
    assert shown(detail(cast, "nhom=khong_dvctt")) == ["Sở Tư pháp"]
    assert shown(detail(cast, "khoi=so")) == ["Sở Nội vụ", "Sở Tư pháp"]
    assert shown(detail(cast, "khoi=xa")) == []


def test_the_office_sorts_by_name_and_state(cast: Cast):
    Submission.objects.filter(campaign_unit=cast.tu_phap_campaign_unit).update(
        state=SubmissionState.APPROVED
    )
    Unit.objects.filter(pk=cast.noi_vu.pk).update(name="Sở Xây dựng")
    assert shown(detail(cast, "sap_xep=ten")) == ["Sở Tư pháp", "Sở Xây dựng"]
    assert shown(detail(cast, "sap_xep=trang-thai")) == ["Sở Xây dựng", "Sở Tư pháp"]


def test_a_reporter_searches_but_has_no_bulk_actions(cast: Cast):
    html = detail(cast, who="lan")
    assert 'id="tim-don-vi"' in html
    assert 'id="bulk"' not in html and "trang_thai" not in html and "tien-do.xlsx" not in html


def test_select_all_late_ticks_every_late_unit_without_javascript(cast: Cast):
    late(cast)
    html = detail(cast)
    link = re.search(r'href="\?([^"]*)#tien-do">chọn tất cả đơn vị trễ hạn', html).group(1)
    assert link == "tre_han=1&amp;chon=tat-ca"
    html = detail(cast, "tre_han=1&chon=tat-ca")
    ticked = re.findall(r'name="units" value="(\d+)" form="bulk" checked', html)
    assert sorted(map(int, ticked)) == sorted(
        [cast.noi_vu_campaign_unit.pk, cast.tu_phap_campaign_unit.pk]
    )
    assert "checked" not in re.sub(r"<form method=\"get\".*?</form>", "", detail(cast), flags=re.S)


def add_units(cast: Cast, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        unit = Unit.objects.create(
            province=cast.province, code=f"so-{number}", name=f"Sở số {number}", level="so"
        )
        CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")


def queries(cast: Cast, query: str) -> int:
    client = cast.client(cast.quang)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/dot-danh-gia/{cast.campaign.pk}/?{query}").status_code == 200
    return len(captured)


def test_the_table_reads_in_the_same_number_of_queries_for_3_and_30_units(cast: Cast):
    add_units(cast, 1)
    few = queries(cast, "q=so&sap_xep=ten&tre_han=1")
    add_units(cast, 27, start=1)
    assert queries(cast, "q=so&sap_xep=ten&tre_han=1") == few


# ---- bulk actions -------------------------------------------------------------------------


def bulk(cast: Cast, data: dict[str, object], who: str | None = "quang"):  # type: ignore[no-untyped-def]
    url = f"/tu-danh-gia/dot/{cast.campaign.pk}/tien-do/"
    return cast.client(person(cast, who)).post(url, data, follow=who == "quang")


def both(cast: Cast) -> list[int]:
    return [cast.noi_vu_campaign_unit.pk, cast.tu_phap_campaign_unit.pk]


def test_the_office_reminds_the_units_ticked(cast: Cast):
    html = bulk(cast, {"action": "remind", "units": both(cast)}).content.decode()
    assert "Đã gửi thông báo nhắc tới 3 người của các đơn vị đã chọn." in html
    told = Notification.objects.values_list("user__username", "url")
    assert sorted(told) == sorted(
        [
            ("lan", f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/"),
            ("minh", f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/"),
            ("thao", f"/tu-danh-gia/{cast.tu_phap_campaign_unit.pk}/"),
        ]
    )
    assert CampaignEvent.objects.filter(action="remind").count() == 1


def test_the_message_names_the_units_ticked_that_nobody_could_be_told_about(cast: Cast):
    y_te = Unit.objects.create(province=cast.province, code="so-y-te", name="Sở Y tế", level="so")
    no_one = CampaignUnit.objects.create(campaign=cast.campaign, unit=y_te, level="so")
    data = {"action": "remind", "units": [cast.tu_phap_campaign_unit.pk, no_one.pk]}
    html = bulk(cast, data).content.decode()
    assert "Đã gửi thông báo nhắc tới 1 người của các đơn vị đã chọn." in html
    assert "Chưa nhắc được Sở Y tế vì chưa có cán bộ đầu mối hay thủ trưởng đơn vị" in html
    assert "Sở Tư pháp vì" not in html
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["thao"]
    html = bulk(cast, {"action": "remind", "units": [cast.tu_phap_campaign_unit.pk]}).content
    assert "Chưa nhắc được" not in html.decode()


def test_a_unit_that_already_sent_is_not_reminded(cast: Cast):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    bulk(cast, {"action": "remind", "units": both(cast)})
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["thao"]


@pytest.mark.parametrize("action", ["remind", "extend"])
def test_an_empty_selection_changes_nothing_and_says_what_to_do(cast: Cast, action):
    html = bulk(cast, {"action": action, "until": "30/12/2099 17:00"}).content.decode()
    assert "Chưa chọn đơn vị nào" in html
    assert not Notification.objects.exists()
    assert not CampaignUnit.objects.exclude(extension_until=None).exists()


def test_the_office_extends_the_units_ticked_to_one_deadline(cast: Cast):
    data = {"action": "extend", "units": both(cast), "until": "30/12/2099 17:00", "reason": "Lũ"}
    html = bulk(cast, data).content.decode()
    assert "Đã gia hạn tự đánh giá cho 2 đơn vị đến 30/12/2099 17:00." in html
    until = datetime(2099, 12, 30, 17, 0, tzinfo=HCM)
    assert set(CampaignUnit.objects.values_list("extension_until", flat=True)) == {until}
    assert AuditEntry.objects.filter(entity="extension", reason="Lũ").count() == 2
    # each unit's people are told its new deadline, as from the one-unit form
    told = Notification.objects.filter(kind="deadline_extended").values_list(
        "user__username", "url", "title"
    )
    status = "/tu-danh-gia/{}/tinh-trang/".format
    assert sorted(told) == [
        (
            "lan",
            status(cast.noi_vu_campaign_unit.pk),
            "Sở Nội vụ được gia hạn tự đánh giá đến 30/12/2099 17:00",
        ),
        (
            "minh",
            status(cast.noi_vu_campaign_unit.pk),
            "Sở Nội vụ được gia hạn tự đánh giá đến 30/12/2099 17:00",
        ),
        (
            "thao",
            status(cast.tu_phap_campaign_unit.pk),
            "Sở Tư pháp được gia hạn tự đánh giá đến 30/12/2099 17:00",
        ),
    ]
    bulk(cast, data)  # the same date again: nobody is told twice
    assert Notification.objects.count() == 3


def test_extending_many_units_tells_them_in_a_fixed_number_of_queries(cast: Cast):
    for number in range(20):
        unit = Unit.objects.create(
            province=cast.province, code=f"so-{number}", name=f"Sở số {number}", level="so"
        )
        CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
    ids = list(CampaignUnit.objects.values_list("pk", flat=True))
    data = {"action": "extend", "units": ids, "until": "30/12/2099 17:00"}
    client = cast.client(cast.quang)
    with CaptureQueriesContext(connection) as queries:  # the POST alone, not the page after
        client.post(f"/tu-danh-gia/dot/{cast.campaign.pk}/tien-do/", data)
    notices = [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    # the keys already sent, one insert: not one per unit
    assert len(notices) <= 3
    assert Notification.objects.filter(kind="deadline_extended").count() == 3


def test_an_extension_refused_for_one_unit_changes_none(cast: Cast):
    cast.campaign.self_assessment_deadline = datetime(2099, 12, 1, 17, 0, tzinfo=HCM)
    cast.campaign.save()
    before = datetime(2099, 12, 20, 17, 0, tzinfo=HCM)
    CampaignUnit.objects.filter(pk=cast.noi_vu_campaign_unit.pk).update(extension_until=before)
    data = {"action": "extend", "units": both(cast), "until": "15/11/2099 17:00"}
    html = bulk(cast, data).content.decode()
    assert "phải sau hạn tự đánh giá" in html
    assert dict(CampaignUnit.objects.values_list("pk", "extension_until")) == {
        cast.noi_vu_campaign_unit.pk: before,
        cast.tu_phap_campaign_unit.pk: None,
    }


def test_an_extension_needs_a_date(cast: Cast):
    html = bulk(cast, {"action": "extend", "units": both(cast)}).content.decode()
    assert "Nhập ngày gia hạn" in html


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_bulk_actions_refuse_everyone_but_the_office(cast: Cast, who, status):
    response = bulk(cast, {"action": "remind", "units": both(cast)}, who=who)
    assert response.status_code == status
    assert not Notification.objects.exists()


# ---- the table as a file --------------------------------------------------------------


def export(cast: Cast, fmt: str, query: str = "", who: str | None = "quang"):  # type: ignore[no-untyped-def]
    url = f"/tu-danh-gia/dot/{cast.campaign.pk}/tien-do.{fmt}?{query}"
    return cast.client(person(cast, who)).get(url)


def test_the_table_downloads_as_xlsx_with_the_columns_shown(cast: Cast):
    late(cast)
    response = export(cast, "xlsx", "q=noi")
    assert response["Content-Disposition"] == (
        f'attachment; filename="tien-do-dot-{cast.campaign.pk}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("Khối", "Đơn vị", "Tự đánh giá", "Hạn", "Thay đổi gần nhất")
    assert [row[:3] for row in rows[2:]] == [
        ("Sở, ban, ngành", "Sở Nội vụ", "Chưa bắt đầu · quá hạn")
    ]
    assert isinstance(rows[2][3], datetime)


def test_the_table_downloads_as_csv(cast: Cast):
    response = export(cast, "csv", "sap_xep=ten")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Khối", "Đơn vị"]
    assert [row[1] for row in rows[1:]] == ["Sở Nội vụ", "Sở Tư pháp"]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", rows[1][3])


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_the_download_refuses_everyone_but_the_office(cast: Cast, who, status):
    assert export(cast, "xlsx", who=who).status_code == status


def test_an_unknown_format_is_not_found(cast: Cast):
    assert export(cast, "pdf").status_code == 404


@pytest.mark.parametrize("action", ["remind", "extend"])
def test_a_unit_of_another_campaign_or_province_cannot_be_ticked(cast: Cast, action):
    """A crafted post naming a unit the page does not show (another province's campaign),
    or no unit at all, is refused whole: nobody is told, no deadline moves."""
    other = Unit.objects.create(province=cast.other_province, code="so-x", name="Sở X", level="so")
    foreign = CampaignUnit.objects.create(campaign=cast.campaign, unit=other, level="so")
    foreign.campaign = cast.campaign.__class__.objects.create(
        province=cast.other_province, year=2025, title="Đợt của tỉnh khác"
    )
    foreign.save()
    for units in ([cast.noi_vu_campaign_unit.pk, foreign.pk], ["1 OR 1=1"], [10**30]):
        data = {"action": action, "units": units, "until": "30/12/2099 17:00", "reason": "x"}
        html = bulk(cast, data).content.decode()
        assert "Đã gửi thông báo nhắc" not in html and "Đã gia hạn tự đánh giá" not in html
        assert "Đơn vị đã chọn không có trong bảng tiến độ của đợt này" in html
    assert not Notification.objects.exists()
    assert not CampaignUnit.objects.exclude(extension_until=None).exists()
