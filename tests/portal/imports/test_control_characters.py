"""A control character in an imported file is refused on every import path, naming the
file, sheet, row and column and the character as U+XXXX, and nothing is stored; a control
character in an uploaded file's name is dropped (the name is only a label). Stored, such text
broke the XLSX exports for good, and a NUL answered 500 on PostgreSQL.

CSV, TSV and YAML carry control characters as raw bytes or escapes; an XLSX cell carries the
ones XML allows (DEL, the C1 controls such as U+0085), which openpyxl writes and reads as is."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from portal.appraisals.responses import response_evidence_add_file
from portal.assessments.models import Evidence
from portal.assessments.services import evidence_add_file
from portal.campaigns.models import Campaign, CampaignReportTexts
from portal.campaigns.report_texts import report_template_set
from portal.units.workbook import UNIT_COLUMNS
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import Appraised
from tests.portal.assessments.conftest import PDF, url
from tests.portal.campaigns.conftest import BINHDINH_TABLES, binhdinh  # noqa: F401
from tests.portal.campaigns.test_historic_import import SO_TABLE, counts, run_import
from tests.portal.campaigns.test_report_download import published  # noqa: F401
from tests.portal.campaigns.test_report_texts import template_docx
from tests.portal.conftest import Cast
from tests.portal.frameworks.conftest import versions_state
from tests.portal.frameworks.test_workbook import HAND_NODES, HAND_POLICY, filled
from tests.portal.imports.test_limits import (
    FRAMEWORK_XLSX_URL,
    FRAMEWORK_YAML_URL,
    post_framework,
    post_units,
    text_of,
)
from tests.portal.indicators.conftest import GOOD_ROWS, csv_bytes, stored, upload, xlsx_bytes
from tests.portal.units.conftest import registry_state

# ---- the units workbook ----------------------------------------------------------------


def units_book(name: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Đơn vị"
    sheet.append(list(UNIT_COLUMNS))
    sheet.append(["xa-a", "Xã A", "xa"] + [None] * (len(UNIT_COLUMNS) - 3))
    sheet.append(["xa-b", name, "xa"] + [None] * (len(UNIT_COLUMNS) - 3))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("character", "shown"), [("\x7f", "U+007F"), ("\x85", "U+0085")])
def test_a_units_workbook_cell_with_a_control_character_is_refused_and_nothing_changes(
    cast, character, shown
):
    before = registry_state()
    response = post_units(cast, units_book(f"Xã{character}B"))
    assert f"Sheet Đơn vị, dòng 3, cột Tên: chứa ký tự điều khiển {shown}" in text_of(response)
    assert registry_state() == before


# ---- the framework workbook and YAML ------------------------------------------------------


def test_a_framework_workbook_cell_with_a_control_character_is_refused_and_nothing_changes(
    cast,
):
    nodes = [list(row) for row in HAND_NODES]
    nodes[1][2] = "Ban hành\x85kế hoạch"
    before = versions_state()
    response = post_framework(
        cast, FRAMEWORK_XLSX_URL, "bo-chi-so.xlsx", filled(nodes, HAND_POLICY)
    )
    assert "Sheet Tiêu chí, dòng 3, cột Tên: chứa ký tự điều khiển U+0085" in text_of(response)
    assert versions_state() == before


YAML_CONTROLS = {
    "raw-vertical-tab": ("kind: framework\nname: Bộ\x0bchỉ số\n", "dòng 2, cột 9", "U+000B"),
    "raw-nul": ("kind: framework\nname: Bộ\x00chỉ số\n", "dòng 2, cột 9", "U+0000"),
    "escaped-nul": ('kind: framework\nname: "Bộ\\x00chỉ số"\n', "dòng 2, cột 7", "U+0000"),
    "escaped-vertical-tab": ('kind: framework\nname: "Bộ\\vchỉ số"\n', "dòng 2, cột 7", "U+000B"),
}


@pytest.mark.parametrize("case", YAML_CONTROLS)
def test_a_framework_yaml_with_a_control_character_is_refused_naming_line_and_column(cast, case):
    text, where, shown = YAML_CONTROLS[case]
    before = versions_state()
    response = post_framework(cast, FRAMEWORK_YAML_URL, "bo-chi-so.yaml", text.encode())
    assert response.status_code == 200
    assert f"bo-chi-so.yaml: {where}" in text_of(response)
    assert f"chứa ký tự điều khiển {shown}" in text_of(response)
    assert versions_state() == before


# ---- system values: CSV and XLSX ---------------------------------------------------------


def test_a_system_values_csv_cell_with_a_control_character_is_refused_naming_row_and_column(
    cast,
):
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1])]
    rows[1][5] = "Cổng\x0bDVC"
    before = stored()
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.csv", csv_bytes(rows))
    assert response.status_code == 400
    assert "so-lieu.csv, dòng 3, cột source: chứa ký tự điều khiển U+000B" in text_of(response)
    assert stored() == before


def test_a_system_values_workbook_cell_with_a_control_character_is_refused_naming_row_and_column(
    cast,
):
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1])]
    rows[0][0] = "so-noi\x7fvu"
    before = stored()
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.xlsx", xlsx_bytes(rows))
    assert response.status_code == 400
    assert "so-lieu.xlsx, dòng 2, cột unit: chứa ký tự điều khiển U+007F" in text_of(response)
    assert stored() == before


# ---- the historic (published tables) import ----------------------------------------------


def test_a_published_table_cell_with_a_control_character_is_refused_and_nothing_is_stored(
    binhdinh,  # noqa: F811
):
    text = (BINHDINH_TABLES / SO_TABLE).read_text(encoding="utf-8")
    text = text.replace("Sở Thông tin và Truyền thông", "Sở Thông tin\x1cvà Truyền thông", 1)
    before = counts()
    with pytest.raises(ValidationError) as error:
        run_import(binhdinh, data=text.encode())
    [message] = error.value.messages
    assert message.startswith(f"{SO_TABLE}, dòng ")
    assert ", cột B: ô chứa ký tự điều khiển U+001C" in message
    assert counts() == before


# ---- file names: evidence, supplements, the report template -------------------------------
# Django's multipart parser already drops non-printable characters and folders from a posted
# file's name; the services, which the CLI, the admin and the pages all call, clean it too.


@pytest.mark.parametrize(
    ("name", "kept"),
    [("ke\x00hoach.pdf", "kehoach.pdf"), ("thu-muc\\ke\x0bhoach\x7f.pdf", "kehoach.pdf")],
)
def test_an_evidence_file_name_with_control_characters_is_stored_without_them(
    cast: Cast, name, kept
):
    evidence = evidence_add_file(
        campaign_unit=cast.noi_vu_campaign_unit,
        actor=cast.lan,
        criterion="nts_ke_hoach",
        upload=SimpleUploadedFile(name, PDF),
    )
    assert Evidence.objects.get().original_name == kept
    client = cast.client(cast.lan)
    download = client.get(url("evidence_download", cast.noi_vu_campaign_unit, evidence.pk))
    assert download.status_code == 200
    assert f'filename="{kept}"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_a_supplement_file_name_with_a_nul_is_stored_without_it(appraised: Appraised):
    response_evidence_add_file(
        campaign_unit=appraised.campaign_unit,
        round=appraised.rounds[1],
        actor=appraised.cast.lan,
        criterion="cqs_ky_so",
        upload=SimpleUploadedFile("danh\x00sach.pdf", PDF),
    )
    assert Evidence.objects.get(round=appraised.rounds[1]).original_name == "danhsach.pdf"


def test_a_report_template_name_with_a_nul_is_kept_without_it(
    cast: Cast,
    published: Campaign,  # noqa: F811
):
    report_template_set(
        campaign=published,
        user=cast.quang,
        file_name="mau\x00.docx",
        content=template_docx("Tỉnh {{ province }}"),
    )
    assert CampaignReportTexts.objects.get(campaign=published).template_name == "mau.docx"
    page = cast.client(cast.quang).get(f"/dot-danh-gia/{published.pk}/van-ban-bao-cao/")
    assert "Đang dùng mẫu “mau.docx”" in page.content.decode()


# ---- the API's other text: the province code and the token ------------------------------


def test_a_province_code_with_a_nul_answers_404_not_500(cast: Cast):
    response = cast.client(cast.quang).get("/api/units", {"province": "tinh\x00mau"})
    assert response.status_code == 404


def test_a_bearer_token_with_a_nul_is_refused_not_500(cast: Cast, client):
    header = {"HTTP_AUTHORIZATION": "Bearer dti_\x00abcdefgh12345"}
    response = client.post("/api/indicators", "{}", content_type="application/json", **header)
    assert response.status_code == 401
