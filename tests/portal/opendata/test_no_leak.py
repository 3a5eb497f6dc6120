"""Nothing unpublished leaks into the open data. On top of the demo:

- Bình Định's 2022 results imported but never published, with a unit of their own
  ("Sở Bí Mật Chưa Công Bố", a score of 47.321);
- Bình Phước asks for leadership's approval, and a correction of Sở Nội vụ (41.2468) waits
  for it: a pending version;
- Bình Định asks too, and leadership sent a correction (33.1357) back: a refused version;
- a third province corrected twice: its version 2 (38.7531, and a unit's name since
  changed, "Sở Tên Cũ Đã Thay") is superseded by version 3.

None of those names and figures may be found in any table file, data package, public API
answer, sitemap or report of the current versions, nor in the old API at /api/ for a
visitor. The superseded version stays readable at its own number, and only there."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from portal.accounts.models import Membership, Province
from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.models import Campaign, CampaignUnit
from portal.frameworks.models import FrameworkVersion
from portal.publication import selectors
from portal.publication.corrections import result_correct
from portal.publication.models import Version
from portal.publication.opendata.files import FORMATS
from portal.publication.report import REPORT_FORMATS
from portal.publication.services import (
    publication_refuse,
    publication_request,
    settings_save,
)
from portal.roles import Role
from portal.units.models import Unit
from portal.units.services import unit_update
from tests.portal.opendata.conftest import publish_province

pytestmark = pytest.mark.django_db

SECRETS = (
    "Sở Bí Mật Chưa Công Bố",
    "47.321",
    "47,321",
    "41.2468",
    "41,2468",
    "33.1357",
    "33,1357",
    "38.7531",
    "38,7531",
    "Sở Tên Cũ Đã Thay",
)


@dataclass
class Scenario:
    never_published: Campaign
    pending: Version
    refused: Version
    superseded: Version
    current: Version


def office_of(province: str):
    return Membership.objects.get(province__code=province, role=Role.OFFICE_ADMIN).user


def correct(campaign: Campaign, unit: str, scores: dict[str, str], user) -> None:
    result_correct(
        campaign_unit=CampaignUnit.objects.get(campaign=campaign, unit__code=unit),
        scores=scores,
        reason="Khiếu nại được chấp nhận",
        user=user,
    )


def never_published_2022() -> Campaign:
    province = Province.objects.get(code="binh-dinh")
    framework_2023 = FrameworkVersion.objects.get(province=province, level="so", year=2023)
    framework = FrameworkVersion.objects.create(
        province=province,
        year=2022,
        level="so",
        code="bd-2022-so",
        name=framework_2023.name,
        document=framework_2023.document,
    )
    Unit.objects.create(
        province=province,
        code="so-bi-mat",
        name="Sở Bí Mật Chưa Công Bố",
        level="so",
        attributes={
            "has_online_public_services": True,
            "has_online_applications": True,
            "has_satisfaction_ratings": False,
        },
    )
    names = [index.name for index in framework.build().main_indices]
    table = "\n".join(
        [
            "\t".join(["STT", "Đơn vị", *names, "Tổng điểm"]),
            "\t".join(["1", "Sở Bí Mật Chưa Công Bố", "47.321", "40", "40", "40", "80", "150", "70", ""]),
        ]
    )  # fmt: skip
    return historic_campaign_import(
        province=province,
        year=2022,
        title="Kết quả DTI năm 2022",
        level="so",
        level_name="Sở, ban, ngành",
        framework=framework,
        table_bytes=table.encode(),
        file_name="bang-2022.tsv",
        user=office_of("binh-dinh"),
    )


def ask_approval(version: Version, user) -> None:
    settings_save(
        campaign=version.campaign,
        user=user,
        approval_required=True,
        license_name="CC-BY-4.0",
        license_url="https://creativecommons.org/licenses/by/4.0/",
        citation="",
    )


def pending_correction() -> Version:
    current = selectors.version_at("binh-phuoc", 2024)
    office = office_of("binh-phuoc")
    ask_approval(current, office)
    correct(current.campaign, "so-noi-vu", {"nhan_thuc_so": "41.2468"}, office)
    return publication_request(campaign=current.campaign, user=office, change_note="Đính chính")


def refused_correction() -> Version:
    current = selectors.version_at("binh-dinh", 2023)
    office = office_of("binh-dinh")
    ask_approval(current, office)
    correct(current.campaign, "so-tu-phap", {"nhan_luc_so": "33.1357"}, office)
    asked = publication_request(campaign=current.campaign, user=office, change_note="Đính chính")
    leader = Membership.objects.get(province__code="binh-dinh", role=Role.LEADERSHIP).user
    publication_refuse(version=asked, user=leader, note="Chưa đủ căn cứ")
    asked.refresh_from_db()
    return asked


def superseded_twice() -> tuple[Version, Version]:
    published = publish_province("tinh-cu", 3, name="Tỉnh Cũ")
    campaign, office = published.campaign, published.office
    unit = published.units[0]
    unit_update(
        unit=unit, code=unit.code, name="Sở Tên Cũ Đã Thay", level="so", attributes=unit.attributes
    )
    correct(campaign, unit.code, {"nhan_thuc_so": "38.7531"}, office)
    second = publication_request(campaign=campaign, user=office, change_note="Lần 1")
    unit_update(
        unit=unit, code=unit.code, name="Sở Tên Mới", level="so", attributes=unit.attributes
    )
    correct(campaign, unit.code, {"nhan_thuc_so": "20"}, office)
    third = publication_request(campaign=campaign, user=office, change_note="Lần 2")
    second.refresh_from_db()
    return second, third


@pytest.fixture
def scenario(demo, settings) -> Scenario:
    settings.DTI_PUBLIC_RATE = 0  # this test reads every file there is
    superseded, current = superseded_twice()
    found = Scenario(
        never_published_2022(), pending_correction(), refused_correction(), superseded, current
    )
    assert found.pending.is_pending and found.refused.refused_at is not None
    assert found.superseded.superseded_at is not None and found.current.is_current
    # The secrets are there to leak: in the versions' own rows.
    for version, secret in ((found.pending, "41.2468"), (found.refused, "33.1357")):
        assert any(secret in json.dumps(row.indices) for row in version.rows.all())
    return found


def assert_clean(text: str, where: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"{where} shows {leaked}"


def api_text(response) -> str:
    """An API answer's text with its letters as they are (the API escapes them)."""
    return json.dumps(json.loads(response.content), ensure_ascii=False)


def shown() -> Iterator[tuple[str, Version]]:
    """(address prefix, version) of every year's version as the public site shows it."""
    for version in selectors.current_versions():
        yield f"/ket-qua/{version.campaign.province.code}/{version.campaign.year}", version


def test_no_table_file_shows_unpublished_or_superseded_figures(scenario):
    client = Client()
    prefixes = dict(shown())
    assert set(prefixes) == {
        "/ket-qua/binh-dinh/2023",
        "/ket-qua/binh-phuoc/2024",
        "/ket-qua/tinh-cu/2023",
    }
    for prefix, version in prefixes.items():
        for level in selectors.levels_of(version):
            for ref in selectors.tables_of(level, selectors.framework_of(level)):
                for fmt in FORMATS:
                    address = f"{prefix}/{level.level}/{ref.key}.{fmt}"
                    response = client.get(address)
                    assert response.status_code == 200, address
                    assert_clean(file_text(response.content, fmt), address)
    for prefix in ("/ket-qua/binh-dinh/2022", "/ket-qua/binh-phuoc/2024/phien-ban-2"):
        assert client.get(f"{prefix}/so/tong-the.csv").status_code == 404
    assert client.get("/ket-qua/binh-dinh/2023/phien-ban-2/so/tong-the.csv").status_code == 404


def file_text(content: bytes, fmt: str) -> str:
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for line in sheet.iter_rows(values_only=True)
            for value in line
            if value is not None
        )
    if fmt == "docx":
        document = Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return content.decode("utf-8-sig")


def test_the_superseded_version_is_read_at_its_number_only(scenario):
    client = Client()
    old = client.get("/ket-qua/tinh-cu/2023/phien-ban-2/so/tong-the.json")
    assert old.status_code == 200
    document = json.loads(old.content)
    assert document["superseded"] is True
    assert "38.7531" in old.content.decode() and "Sở Tên Cũ Đã Thay" in old.content.decode()
    assert_clean(client.get("/ket-qua/tinh-cu/2023/so/tong-the.json").content.decode(), "current")


def test_no_data_package_names_them(scenario):
    client = Client()
    for prefix, _ in shown():
        assert_clean(client.get(f"{prefix}/datapackage.json").content.decode(), prefix)
    assert client.get("/ket-qua/binh-dinh/2022/datapackage.json").status_code == 404
    assert client.get("/ket-qua/binh-phuoc/2024/phien-ban-2/datapackage.json").status_code == 404


def test_no_public_api_answer_shows_them(scenario):
    client = Client()
    base = "/api/cong-khai/provinces"
    assert_clean(api_text(client.get(base)), base)
    provinces = {p["code"]: p for p in json.loads(client.get(base).content)}
    assert [y["year"] for y in provinces["binh-dinh"]["years"]] == [2023]
    for code in provinces:
        versions = client.get(f"{base}/{code}/versions")
        assert_clean(api_text(versions), code)
        for year in provinces[code]["years"]:
            levels = client.get(f"{base}/{code}/years/{year['year']}/levels")
            assert_clean(api_text(levels), code)
            for level in json.loads(levels.content)["levels"]:
                for ref in level["tables"]:
                    address = (
                        f"{base}/{code}/years/{year['year']}/levels/{level['code']}"
                        f"/tables/{ref['key']}?limit=500"
                    )
                    assert_clean(api_text(client.get(address)), address)
                    rows = json.loads(client.get(address).content)["rows"]
                    for row in rows:
                        history = client.get(f"{base}/{code}/units/{row['unit_code']}/history")
                        assert_clean(api_text(history), row["unit_code"])
    versions = json.loads(client.get(f"{base}/binh-phuoc/versions").content)
    assert [v["version"] for v in versions] == [1]  # the pending one is not there
    assert client.get(f"{base}/binh-dinh/units/so-bi-mat/history").status_code == 404
    assert client.get(f"{base}/binh-dinh/years/2022/levels").status_code == 404
    assert client.get(f"{base}/binh-phuoc/years/2024/levels?version=2").status_code == 404
    assert client.get(f"{base}/binh-dinh/years/2023/levels?version=2").status_code == 404


def test_the_sitemap_lists_current_versions_only(scenario):
    client = Client()
    index = client.get("/sitemap.xml").content.decode()
    assert_clean(index, "sitemap index")
    for code in ("binh-dinh", "binh-phuoc", "tinh-cu"):
        sitemap = client.get(f"/sitemap/tinh/{code}.xml").content.decode()
        assert_clean(sitemap, code)
        assert "phien-ban" not in sitemap  # superseded versions are not listed
    binh_dinh = client.get("/sitemap/tinh/binh-dinh.xml").content.decode()
    assert "/2022/" not in binh_dinh and "/2025/" not in binh_dinh
    assert "so-bi-mat" not in binh_dinh


def test_no_report_shows_them(scenario):
    client = Client()
    for prefix, _ in shown():
        for fmt in ("docx", "xlsx"):
            response = client.get(f"{prefix}/bao-cao.{fmt}")
            assert response.status_code == 200
            assert_clean(file_text(response.content, fmt), f"{prefix}/bao-cao.{fmt}")
    for fmt in REPORT_FORMATS:
        assert client.get(f"/ket-qua/binh-dinh/2022/bao-cao.{fmt}").status_code == 404


def test_the_old_api_gives_a_visitor_no_unpublished_campaign(scenario):
    client = Client()
    listed = client.get("/api/campaigns")
    assert listed.status_code == 200
    ids = {campaign["id"] for campaign in json.loads(listed.content)}
    unpublished = Campaign.objects.exclude(state="published")
    assert unpublished.filter(pk=scenario.never_published.pk).exists()
    assert not ids & set(unpublished.values_list("pk", flat=True))
    for campaign in unpublished:
        for address in (f"/api/campaigns/{campaign.pk}", f"/api/campaigns/{campaign.pk}/units"):
            assert client.get(address).status_code == 404, address
    for campaign in Campaign.objects.all():
        for address in (f"/api/campaigns/{campaign.pk}", f"/api/campaigns/{campaign.pk}/units"):
            assert_clean(client.get(address).content.decode(), address)
