"""/ket-qua/<province>/<year>/[phien-ban-<n>/]bao-cao.<docx|xlsx|pdf>: the official report of
the version, made from the version alone (its levels and rows evaluated again by the core,
its texts), never marked as a draft; made on the first request, kept with its SHA-256 and
served as the same bytes ever after. A PDF that cannot be drawn is a page saying so (503)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from dti.reports.pdf import PdfError
from portal.campaigns.models import CampaignUnit
from portal.publication.corrections import result_correct
from portal.publication.models import VersionFile
from tests.portal.opendata.conftest import publish_province

REPORT = "/ket-qua/tinh-bao-cao/2024/bao-cao"


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for line in sheet.iter_rows(values_only=True)
        for value in line
        if value is not None
    )


@pytest.fixture
def two_years(db):
    """A province with 2023 and 2024 published, four agencies each year."""
    publish_province("tinh-bao-cao", 4, year=2023, name="Tỉnh Báo Cáo", offset=3)
    return publish_province("tinh-bao-cao", 4, year=2024, name="Tỉnh Báo Cáo")


def test_the_docx_is_the_official_report_of_the_version_with_every_unit(two_years):
    response = Client().get(f"{REPORT}.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="tinh-bao-cao-2024-bao-cao.docx"'
    )
    text = docx_text(response.content)
    for unit in two_years.units:
        assert unit.name in text
    assert "DỰ THẢO" not in text  # published: final
    assert "so với năm 2023" in text  # last year's version, rebuilt the same way


def test_the_xlsx_holds_the_appendices_with_every_unit(two_years):
    response = Client().get(f"{REPORT}.xlsx")
    assert response.status_code == 200
    text = xlsx_text(response.content)
    for unit in two_years.units:
        assert unit.name in text
    assert "DỰ THẢO" not in text


def test_a_report_is_made_once_and_served_as_the_same_bytes(two_years):
    client = Client()
    first = client.get(f"{REPORT}.docx").content
    kept = VersionFile.objects.get(version=two_years.version, fmt="docx")
    assert kept.sha256 == hashlib.sha256(first).hexdigest()
    assert kept.name == "tinh-bao-cao-2024-bao-cao.docx"
    assert client.get(f"{REPORT}.docx").content == first
    assert client.get("/ket-qua/tinh-bao-cao/2024/phien-ban-1/bao-cao.docx").content == first


def test_the_report_is_the_versions_not_the_campaigns_results_of_now(two_years):
    client = Client()
    unit = two_years.units[0]
    before = xlsx_text(client.get(f"{REPORT}.xlsx").content)
    VersionFile.objects.filter(version=two_years.version).delete()  # made again below
    campaign_unit = CampaignUnit.objects.get(campaign=two_years.campaign, unit=unit)
    result_correct(
        campaign_unit=campaign_unit,
        scores={"nhan_thuc_so": "49.75"},
        reason="Khiếu nại",
        user=two_years.office,
    )  # corrected, not published
    after = xlsx_text(client.get(f"{REPORT}.xlsx").content)
    assert "49.75" not in after and "49,75" not in after
    assert after == before


@pytest.mark.parametrize("fmt", ["doc", "odt", "DOCX", "pdf.exe", "x" * 200])
def test_another_format_is_a_404(two_years, fmt):
    assert Client().get(f"{REPORT}.{fmt}").status_code == 404


@pytest.mark.django_db
def test_a_year_without_a_published_version_has_no_report():
    publish_province("tinh-chua", 3, year=2024, publish=False)
    assert Client().get("/ket-qua/tinh-chua/2024/bao-cao.docx").status_code == 404
    assert not VersionFile.objects.exists()


def test_a_pdf_that_cannot_be_drawn_is_a_page_that_says_so(two_years, monkeypatch):
    def missing(report: object) -> bytes:
        raise PdfError("Thiếu phông chữ /usr/share/fonts/truetype/liberation2/…")

    monkeypatch.setattr("dti.reports.direct_pdf.render_pdf", missing)
    response = Client().get(f"{REPORT}.pdf")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Chưa tạo được báo cáo PDF" in page
    assert "/ket-qua/tinh-bao-cao/2024/phien-ban-1/bao-cao.docx" in page
    assert "liberation2" not in page  # the operator's detail goes to the log
    assert not VersionFile.objects.filter(fmt="pdf").exists()


def test_the_pdf_is_drawn_without_libreoffice_and_kept(two_years, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # no soffice to be found: none is needed
    client = Client()
    response = client.get(f"{REPORT}.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert client.get(f"{REPORT}.pdf").content == response.content
