"""Importing a level's past results from the whole report Bình Phước published for 2024
(its text, and a DOCX made of its appendix I): the results are those of its general ranking
imported alone, the audit of every table and sentence is kept for the level, a report
without the level's general ranking is refused with what it holds, and the public
methodology page shows where each finding is, the printed sentence escaped."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import docx
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from portal.accounts.models import Membership, Province, User
from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.models import Campaign, CampaignEvent, CampaignUnit, HistoricResult
from portal.demo.provinces import SEEDS, create_province
from portal.frameworks.models import FrameworkVersion
from portal.publication.services import publication_request
from portal.roles import Role
from tests.conftest import TABLES
from tests.portal.conftest import sign_in

REPORT = TABLES.parent / "seeds" / "000_a4d3f0869875103f.txt"
BINHPHUOC_TABLES = TABLES / "binhphuoc-2024"
APPENDIX_I = "phu-luc-1-cap-tinh.tsv"
APPENDIX_IV = "phu-luc-4-cap-huyen.tsv"
TITLE = "Kết quả chuyển đổi số năm 2024"
LEVEL_NAME = "Sở, ban, ngành"
URL = "/dot-danh-gia/nhap-ket-qua-da-cong-bo/"
# Appendix I's printed totals that are not the sum of their row (the core's audit of it).
WRONG_TOTALS = {
    "Sở Xây dựng",
    "Sở Văn hóa thể thao và Du lịch",
    "Ban dân tộc",
    "Trung tâm xúc tiến đầu tư và Du lịch",
    "Ban quản lý khu kinh tế",
    "Sở Giáo dục và Đào tạo",
}


@dataclass
class BinhPhuoc:
    province: Province
    frameworks: dict[str, FrameworkVersion]
    admin: User


@pytest.fixture
def binhphuoc(db: None) -> BinhPhuoc:
    """Bình Phước's units (both levels) and frameworks of 2024, as the demo enters them."""
    province, _ = create_province(SEEDS[1])
    admin = User.objects.create_user(username="vp-binh-phuoc", full_name="Văn phòng Sở")
    Membership.objects.create(user=admin, province=province, role=Role.OFFICE_ADMIN)
    frameworks = {f.level: f for f in FrameworkVersion.objects.filter(province=province)}
    return BinhPhuoc(province, frameworks, admin)


def run_import(bp: BinhPhuoc, data: bytes, file_name: str, title: str = TITLE) -> Campaign:
    return historic_campaign_import(
        province=bp.province,
        year=2024,
        title=title,
        level="so",
        level_name=LEVEL_NAME,
        framework=bp.frameworks["so"],
        table_bytes=data,
        file_name=file_name,
        user=bp.admin,
        source="Báo cáo của Sở Thông tin và Truyền thông",
    )


def results(campaign: Campaign) -> dict[str, tuple[object, ...]]:
    """Each unit's stored result, all but the table it came from."""
    stored = HistoricResult.objects.filter(campaign_unit__campaign=campaign).select_related(
        "campaign_unit__unit"
    )
    return {
        r.campaign_unit.unit.code: (
            r.rank,
            r.total,
            r.applicable_max,
            r.value,
            r.percent,
            r.class_label,
            r.index_scores,
            r.campaign_unit.previous_class,
        )
        for r in stored
    }


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Campaign, CampaignUnit, HistoricResult, CampaignEvent)
    )


def tsv_rows(file_name: str) -> list[list[str]]:
    text = (BINHPHUOC_TABLES / file_name).read_text(encoding="utf-8")
    return [row for row in csv.reader(io.StringIO(text), delimiter="\t") if any(row)]


def docx_report(paragraphs: list[str], caption: list[str], rows: list[list[str]]) -> bytes:
    """A DOCX as an office writes one: paragraphs, then an appendix's caption and table."""
    document = docx.Document()
    for text in [*paragraphs, *caption]:
        document.add_paragraph(text)
    if not rows:
        return _saved(document)
    table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    return _saved(document)


def _saved(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PARAGRAPHS = [
    "BÁO CÁO",
    "Kết quả đánh giá, xếp hạng mức độ Chuyển đổi số (DTI) trong các cơ quan nhà nước trên "
    "địa bàn tỉnh Bình Phước năm 2024",
    "Điểm chuyển đổi số của các sở, ban, ngành tăng mạnh so với năm 2023.",
]
CAPTION_I = ["PHỤ LỤC I", "BẢNG XẾP HẠNG CHUNG VỀ CHUYỂN ĐỔI SỐ CẤP TỈNH NĂM 2024"]


# ---- the report's text ------------------------------------------------------------------


def test_the_report_gives_the_results_of_its_general_ranking_imported_alone(binhphuoc):
    from_report = run_import(binhphuoc, REPORT.read_bytes(), "bao-cao-2024.txt")
    alone = run_import(
        binhphuoc, (BINHPHUOC_TABLES / APPENDIX_I).read_bytes(), APPENDIX_I, "Phụ lục I"
    )
    assert len(results(from_report)) == 23
    assert results(from_report) == results(alone)
    assert set(
        HistoricResult.objects.filter(campaign_unit__campaign=from_report).values_list(
            "source_table", flat=True
        )
    ) == {"bao-cao-2024.txt, PHỤ LỤC I"}


def test_the_findings_of_its_tables_and_sentences_are_kept_for_the_level(binhphuoc):
    level = run_import(binhphuoc, REPORT.read_bytes(), "bao-cao-2024.txt").levels.get()
    findings = level.published_findings
    sums = [f for f in findings if f["kind"] == "sum"]
    assert {f["unit"] for f in sums} == WRONG_TOTALS
    assert {f["table"] for f in sums} == {"PHỤ LỤC I"}
    sums_alone = run_import(
        binhphuoc, (BINHPHUOC_TABLES / APPENDIX_I).read_bytes(), APPENDIX_I, "Phụ lục I"
    ).levels.get()
    assert [(f["unit"], f["published"], f["expected"]) for f in sums] == [
        (f["unit"], f["published"], f["expected"]) for f in sums_alone.published_findings
    ]
    assert sums[0]["location"].startswith("bao-cao-2024.txt, bảng 1, dòng ")
    (year,) = [f for f in findings if f["kind"] == "year"]
    assert (year["published"], year["expected"], year["mark"]) == (
        "2024",
        "2023",
        "so với năm 2024",
    )
    assert "tăng mạnh so với năm 2024" in year["context"]
    assert year["location"].startswith("bao-cao-2024.txt, đoạn ")
    # The peer groups' appendices (II, III) are this level's too: their order is checked.
    assert {f["table"] for f in findings if f["kind"] == "order"} == {"bảng 2", "PHỤ LỤC III"}


def test_the_other_level_is_neither_unread_nor_its_units_unknown(binhphuoc):
    findings = run_import(binhphuoc, REPORT.read_bytes(), "bao-cao-2024.txt").levels.get()
    kinds = {f["kind"] for f in findings.published_findings}
    # Appendix IV ranks the districts: not this level's table, nothing wrong in the report.
    assert "unread" not in kinds
    assert not any(f["table"] == "PHỤ LỤC IV" for f in findings.published_findings)
    # The districts' class lists name the districts, which the agencies' level does not have.
    assert "unknown_unit" not in kinds


def test_the_districts_from_the_same_report_keep_their_own_findings(binhphuoc):
    """The agencies' class lists name agencies, which the districts' level does not have:
    with only the districts known, they would read as unknown units and wrong counts."""
    first = run_import(binhphuoc, REPORT.read_bytes(), "bao-cao-2024.txt")
    campaign = historic_campaign_import(
        province=binhphuoc.province,
        year=2024,
        title=TITLE,
        level="huyen",
        level_name="UBND huyện, thị xã, thành phố",
        framework=binhphuoc.frameworks["huyen"],
        table_bytes=REPORT.read_bytes(),
        file_name="bao-cao-2024.txt",
        user=binhphuoc.admin,
    )
    assert campaign.pk == first.pk
    findings = campaign.levels.get(level="huyen").published_findings
    assert [(f["kind"], f["table"]) for f in findings] == [("sum", "PHỤ LỤC IV")] * 10 + [
        ("year", "đoạn 65"),
        ("index_count", "đoạn 20"),
    ]
    assert HistoricResult.objects.filter(campaign_unit__level="huyen").count() == 11


def test_the_note_says_what_was_checked(binhphuoc):
    campaign = run_import(binhphuoc, REPORT.read_bytes(), "bao-cao-2024.txt")
    note = campaign.events.get().note
    assert note.startswith(f"{LEVEL_NAME} từ bao-cao-2024.txt: 23 đơn vị, ")
    assert "; PHỤ LỤC I; đã kiểm tra 3 trong 4 bảng và " in note and note.endswith(" câu")


# ---- a DOCX -------------------------------------------------------------------------------


def test_a_docx_of_a_few_paragraphs_and_appendix_i_imports_the_same_results(binhphuoc):
    data = docx_report(PARAGRAPHS, CAPTION_I, tsv_rows(APPENDIX_I))
    from_docx = run_import(binhphuoc, data, "bao-cao-2024.docx")
    alone = run_import(
        binhphuoc, (BINHPHUOC_TABLES / APPENDIX_I).read_bytes(), APPENDIX_I, "Phụ lục I"
    )
    assert len(results(from_docx)) == 23
    assert results(from_docx) == results(alone)
    findings = from_docx.levels.get().published_findings
    assert {f["unit"] for f in findings if f["kind"] == "sum"} == WRONG_TOTALS
    assert not [f for f in findings if f["kind"] == "year"]  # 2023: the right year


def test_a_report_without_the_levels_general_ranking_is_refused_and_nothing_saved(binhphuoc):
    data = docx_report(
        PARAGRAPHS, ["PHỤ LỤC IV", "XẾP HẠNG CẤP HUYỆN NĂM 2024"], tsv_rows(APPENDIX_IV)
    )
    before = counts()
    with pytest.raises(ValidationError) as error:
        run_import(binhphuoc, data, "bao-cao-huyen.docx")
    [message] = error.value.messages
    assert message.startswith(
        "bao-cao-huyen.docx: báo cáo không có bảng xếp hạng chung của khối “Sở, ban, ngành”; "
        "các bảng tìm thấy: bao-cao-huyen.docx (không nhận ra: "  # one table: by its file
    )
    assert "không tìm thấy đơn vị “UBND thành phố Đồng Xoài”" in message
    assert message.endswith("; và 9 lỗi khác).")
    assert counts() == before


def test_a_report_with_no_table_at_all_says_so(binhphuoc):
    before = counts()
    with pytest.raises(ValidationError, match="báo cáo không có bảng xếp hạng chung của khối"):
        run_import(binhphuoc, docx_report(PARAGRAPHS, [], []), "bao-cao.docx")
    assert counts() == before


def test_a_damaged_docx_says_what_both_readers_found(binhphuoc):
    with pytest.raises(ValidationError) as error:
        run_import(binhphuoc, b"PK\x03\x04 not a zip", "bao-cao.docx")
    table, document = error.value.messages
    assert table.startswith("bao-cao.docx: không đọc được tệp XLSX")
    assert document.startswith("bao-cao.docx: không đọc được: báo cáo phải là tệp DOCX, PDF")
    assert not Campaign.objects.exists()


# ---- what the public reads ----------------------------------------------------------------


def test_the_methodology_page_shows_where_and_escapes_the_printed_sentence(binhphuoc):
    text = REPORT.read_text(encoding="utf-8")
    sentence = "tăng mạnh so với năm 2024"
    assert text.count(sentence) == 1
    hostile = text.replace(sentence, "<script>alert('x')</script> " + sentence)
    campaign = run_import(binhphuoc, hostile.encode(), "bao-cao-2024.txt")
    publication_request(campaign=campaign, user=binhphuoc.admin)
    cache.clear()
    response = Client().get("/ket-qua/binh-phuoc/2024/phuong-phap/")
    assert response.status_code == 200
    page = response.content.decode()
    section = page[page.index('id="sai-lech"') :]
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in section
    assert "<mark>so với năm 2024</mark>" in section
    (year,) = [f for f in campaign.levels.get().published_findings if f["kind"] == "year"]
    assert f"{year['location']}: {year['message']}" in section
    # A table's finding: its caption, where it is, the unit and the column.
    assert "PHỤ LỤC I (bao-cao-2024.txt, bảng 1, dòng " in section
    assert "Khi nhập báo cáo đã công bố" in section
    assert 'class="finding-context"' in section


# ---- through the upload form ----------------------------------------------------------------


def test_the_office_admin_uploads_the_docx_on_the_form(binhphuoc):
    client = sign_in(Client(), binhphuoc.admin)
    form = client.get(URL).content.decode()
    assert 'accept=".xlsx,.csv,.tsv,.docx,.pdf,.html,.htm,.md,.txt"' in form
    data = docx_report(PARAGRAPHS, CAPTION_I, tsv_rows(APPENDIX_I))
    response = client.post(
        URL,
        {
            "province": binhphuoc.province.pk,
            "year": 2024,
            "title": TITLE,
            "source": "",
            "level": "so",
            "level_name": LEVEL_NAME,
            "framework": binhphuoc.frameworks["so"].pk,
            "table": SimpleUploadedFile("bao-cao-2024.docx", data),
        },
    )
    campaign = Campaign.objects.get(historic=True)
    assert response.status_code == 302 and response.url == f"/dot-danh-gia/{campaign.pk}/"
    assert len(results(campaign)) == 23
    page = client.get(response.url).content.decode()
    assert "<h3>Sai lệch trong bảng đã công bố</h3>" in page
    assert "bao-cao-2024.docx, bảng 1, dòng 8, Sở Xây dựng" in page
    assert '<q class="finding-context">' in page and "<mark>466.02</mark>" in page
    assert set(
        HistoricResult.objects.filter(campaign_unit__campaign=campaign).values_list(
            "source_table", flat=True
        )
    ) == {"bao-cao-2024.docx"}
    note = campaign.events.get().note
    assert note.endswith(": 23 đơn vị, 6 sai lệch; đã kiểm tra 1 trong 1 bảng và 1 câu")
