"""Search and order on the lists of units, frameworks and audit entries: GET parameters read
on the server, working without JavaScript, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.campaigns.schedule import campaign_unit_extend
from portal.frameworks.models import FrameworkVersion
from portal.units.models import Unit
from tests.portal.conftest import Cast, framework_document

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def get(cast: Cast, url: str, who: str = "quang") -> str:
    response = cast.client(getattr(cast, who)).get(url)
    assert response.status_code == 200
    return response.content.decode()


def unit_names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/don-vi/\d+/">([^<]+)</a></td>', html)


def test_the_registry_searches_by_name_code_or_alias_without_diacritics(cast: Cast):
    Unit.objects.filter(pk=cast.tu_phap.pk).update(aliases=["Sở Tư pháp tỉnh"])
    assert unit_names(get(cast, "/don-vi/")) == ["Sở Nội vụ", "Sở Tư pháp"]
    assert unit_names(get(cast, "/don-vi/?q=noi+vu")) == ["Sở Nội vụ"]
    assert unit_names(get(cast, "/don-vi/?q=so-tu-phap")) == ["Sở Tư pháp"]
    assert unit_names(get(cast, "/don-vi/?q=phap+tinh")) == ["Sở Tư pháp"]
    html = get(cast, "/don-vi/?q=khong-co")
    assert unit_names(html) == [] and "Không có đơn vị nào khớp" in html
    assert unit_names(get(cast, "/don-vi/?khoi=xa")) == []


def test_the_registry_sorts_by_code(cast: Cast):
    Unit.objects.filter(pk=cast.noi_vu.pk).update(code="z-noi-vu")
    assert unit_names(get(cast, "/don-vi/?sap_xep=ma")) == ["Sở Tư pháp", "Sở Nội vụ"]


def test_the_registry_reads_in_the_same_number_of_queries_for_more_units(cast: Cast):
    def count() -> int:
        client = cast.client(cast.quang)
        with CaptureQueriesContext(connection) as queries:
            client.get("/don-vi/?q=so")
        return len(queries)

    few = count()
    for number in range(28):
        Unit.objects.create(
            province=cast.province, code=f"so-{number}", name=f"Sở {number}", level="so"
        )
    assert count() == few


def framework_names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/bo-chi-so/\d+/">([^<]+)</a></td>', html)


def test_the_frameworks_index_searches_and_sorts(cast: Cast):
    FrameworkVersion.objects.create(
        province=cast.province,
        year=2026,
        level="xa",
        code="mau-2026-xa",
        name="Bộ chỉ số cấp xã 2026",
        document=framework_document(),
    )
    assert framework_names(get(cast, "/bo-chi-so/")) == [
        "Bộ chỉ số cấp xã 2026",
        "Bộ chỉ số chuyển đổi số cấp sở 2025",
    ]
    assert framework_names(get(cast, "/bo-chi-so/?q=2025")) == [
        "Bộ chỉ số chuyển đổi số cấp sở 2025"
    ]
    assert framework_names(get(cast, "/bo-chi-so/?q=xa")) == ["Bộ chỉ số cấp xã 2026"]
    assert framework_names(get(cast, "/bo-chi-so/?sap_xep=khoi")) == [
        "Bộ chỉ số chuyển đổi số cấp sở 2025",
        "Bộ chỉ số cấp xã 2026",
    ]
    assert "Không có bộ chỉ số nào khớp" in get(cast, "/bo-chi-so/?q=khong")


def test_the_audit_trail_searches_by_unit_person_or_criterion(cast: Cast):
    cast.campaign.self_assessment_deadline = datetime(2099, 3, 1, 17, 0, tzinfo=HCM)
    cast.campaign.save()
    until = datetime(2099, 3, 20, 17, 0, tzinfo=HCM)
    for campaign_unit in (cast.noi_vu_campaign_unit, cast.tu_phap_campaign_unit):
        campaign_unit_extend(campaign_unit=campaign_unit, until=until, user=cast.quang)
    url = f"/nhat-ky/dot/{cast.campaign.pk}/"
    rows = lambda html: re.findall(r"<tr[ >].*?</tr>", html.split("<tbody>")[1], re.S)  # noqa: E731
    assert len(rows(get(cast, url))) == 2
    found = rows(get(cast, url + "?q=Tư+pháp"))
    assert len(found) == 1 and "Sở Tư pháp" in found[0]
    assert len(rows(get(cast, url + "?q=Quang"))) == 2
    assert "Sở Tư pháp" not in "".join(rows(get(cast, url + "?q=Nội")))


def test_the_audit_trails_download_keeps_the_search(cast: Cast):
    cast.campaign.self_assessment_deadline = datetime(2099, 3, 1, 17, 0, tzinfo=HCM)
    cast.campaign.save()
    until = datetime(2099, 3, 20, 17, 0, tzinfo=HCM)
    for campaign_unit in (cast.noi_vu_campaign_unit, cast.tu_phap_campaign_unit):
        campaign_unit_extend(campaign_unit=campaign_unit, until=until, user=cast.quang)
    url = f"/nhat-ky/dot/{cast.campaign.pk}/nhat-ky.csv"
    every = b"".join(cast.client(cast.quang).get(url).streaming_content)
    every = every.decode("utf-8-sig").splitlines()
    found = b"".join(cast.client(cast.quang).get(url + "?q=Tư+pháp").streaming_content)
    found = found.decode("utf-8-sig")
    assert len(every) == 3 and len(found.splitlines()) == 2 and "Sở Tư pháp" in found
