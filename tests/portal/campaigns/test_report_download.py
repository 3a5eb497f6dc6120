"""The office admin and leadership download the official report of a campaign with results
(Bình Định's published table of 2023, imported), as DOCX, XLSX and PDF; a campaign not
published yet gives a draft. Everyone else is refused."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from dti.reports.pdf import PdfError
from portal.accounts.models import Membership
from portal.campaigns.models import Campaign
from portal.campaigns.report import campaign_report_results
from portal.jobs.models import Job
from portal.roles import Role
from portal.units.models import Unit
from portal.workflow import CampaignState
from tests.portal.campaigns.conftest import person
from tests.portal.campaigns.test_historic_import import run_import, run_import_published
from tests.portal.jobs import job_of, made_file, run_jobs


@pytest.fixture
def published(cast, binhdinh) -> Campaign:
    """Bình Định 2023 imported, with the cast holding their roles in Bình Định too."""
    campaign = run_import_published(binhdinh)
    units = {"noi_vu": "so-noi-vu", "tu_phap": "so-tu-phap"}
    roles = {
        "quang": (Role.OFFICE_ADMIN, None), "hoa": (Role.LEADERSHIP, None),
        "hung": (Role.APPRAISER, None), "lan": (Role.REPORTER, units["noi_vu"]),
        "minh": (Role.APPROVER, units["noi_vu"]), "thao": (Role.REPORTER, units["tu_phap"]),
    }  # fmt: skip
    for name, (role, code) in roles.items():
        unit = Unit.objects.get(province=binhdinh.province, code=code) if code else None
        Membership.objects.create(
            user=getattr(cast, name), province=binhdinh.province, role=role, unit=unit
        )
    return campaign


def url(campaign: Campaign, fmt: str) -> str:
    return f"/dot-danh-gia/{campaign.pk}/bao-cao.{fmt}"


def download(client: Client, campaign: Campaign, fmt: str) -> HttpResponse:
    """The campaign page's button: the report is queued, made by the worker, downloaded
    from the job's page."""
    return made_file(client, client.post(url(campaign, fmt)))


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_it_recomputes_the_ranking_from_the_stored_index_scores(published):
    results = campaign_report_results(published)
    assert list(results) == ["so"]
    general = results["so"].general
    rows = general.rows(results["so"].scores.unit_ids)
    first = rows[0]
    assert (first.unit, first.rank, first.value) == (
        "so-thong-tin-va-truyen-thong",
        1,
        Decimal("99.3"),
    )
    assert len(rows) == 21


def test_the_office_admin_downloads_the_docx(cast, published):
    response = download(cast.client(cast.quang), published, "docx")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    disposition = response["Content-Disposition"]
    assert disposition == (
        'attachment; filename="bao-cao-danh-gia-xep-hang-chuyen-doi-so-nam-2023.docx"'
    )
    text = docx_text(response.content)
    assert "Sở Thông tin và Truyền thông" in text and "Sở Nội vụ" in text
    assert "Phụ lục I".upper() in text
    assert "DỰ THẢO" not in text  # published


def test_the_office_admin_downloads_the_xlsx(cast, published):
    response = download(cast.client(cast.quang), published, "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('nam-2023.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    first = workbook.worksheets[0]
    assert not str(first["A1"].value).startswith("DỰ THẢO")
    assert "Sở Thông tin và Truyền thông" in [c.value for c in first["B"]]


@pytest.mark.slow  # a real LibreOffice conversion
def test_leadership_downloads_the_pdf(cast, published):
    response = download(cast.client(cast.hoa), published, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_campaign_not_yet_published_gives_a_draft(cast, published):
    Campaign.objects.filter(pk=published.pk).update(state=CampaignState.FINALIZED)
    client = cast.client(cast.quang)
    response = download(client, published, "docx")
    assert response["Content-Disposition"].endswith('nam-2023-du-thao.docx"')
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "DỰ THẢO"
    assert document.core_properties.title.startswith("DỰ THẢO")
    workbook = load_workbook(io.BytesIO(download(client, published, "xlsx").content))
    assert str(workbook.worksheets[0]["A1"].value).startswith("DỰ THẢO — Phụ lục I")
    assert "bản dự thảo" in client.get(f"/dot-danh-gia/{published.pk}/").content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param(None, 404, id="anonymous"),
        pytest.param("khoa", 404, id="khoa-other-province"),
        pytest.param("lan", 403, id="lan-reporter"),
        pytest.param("minh", 403, id="minh-approver"),
        pytest.param("thao", 403, id="thao-reporter"),
        pytest.param("hung", 403, id="hung-appraiser"),
    ],
)
def test_it_refuses_everyone_but_the_office_admin_and_leadership(cast, published, who, status):
    client = cast.client(person(cast, who))
    for fmt in ("docx", "xlsx", "pdf"):
        assert client.post(url(published, fmt)).status_code == status
        assert client.get(url(published, fmt)).status_code == 405  # a page never starts one
    assert Job.objects.count() == 0
    assert "Lập báo cáo" not in client.get(f"/dot-danh-gia/{published.pk}/").content.decode()


@pytest.mark.parametrize("who", ["quang", "hoa"])
def test_the_campaign_page_shows_the_buttons_to_who_may_download(cast, published, who):
    page = cast.client(getattr(cast, who)).get(f"/dot-danh-gia/{published.pk}/").content.decode()
    for fmt in ("docx", "xlsx", "pdf"):
        assert f'action="{url(published, fmt)}"' in page
    assert "Lập báo cáo (DOCX)" in page and "Lập báo cáo (PDF)" in page
    assert 'href="/viec/"' in page  # the reports made before, to download again
    assert "bản dự thảo" not in page


def test_a_campaign_without_results_has_no_report(cast):
    client = cast.client(cast.quang)
    assert "Lập báo cáo" not in client.get(f"/dot-danh-gia/{cast.campaign.pk}/").content.decode()
    assert client.post(url(cast.campaign, "docx")).status_code == 404
    assert campaign_report_results(cast.campaign) == {}


def test_an_unknown_format_is_not_found(cast, published):
    assert cast.client(cast.quang).post(url(published, "odt")).status_code == 404


def test_a_pdf_that_cannot_be_made_is_explained(cast, published, monkeypatch):
    def missing(report: object) -> bytes:
        raise PdfError("Thiếu phông chữ Liberation Serif: cài gói fonts-liberation2.")

    monkeypatch.setattr("dti.reports.direct_pdf.render_pdf", missing)
    client = cast.client(cast.quang)
    job = job_of(client.post(url(published, "pdf")))
    run_jobs()
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Không làm được" in page and "Thiếu phông chữ" in page
    assert f'action="/viec/{job.pk}/lam-lai/"' in page  # and it can be tried again
    assert client.get(f"/viec/{job.pk}/tai-ve").status_code == 404


def test_the_report_compares_the_average_with_the_year_before(cast, published, binhdinh):
    later = run_import(binhdinh, title="Kết quả DTI (bản năm sau)")
    Campaign.objects.filter(pk=later.pk).update(year=2024)
    later.refresh_from_db()
    response = download(cast.client(cast.quang), later, "docx")
    assert response.status_code == 200
    assert "so với năm 2023" in docx_text(response.content)
