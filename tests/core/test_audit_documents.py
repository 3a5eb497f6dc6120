"""`dti audit` of a whole report: the seeds' reports as published (text), every table found
and recognised, today's table findings reproduced, and the narrative checked."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from dti.audit.document import audit_documents
from dti.campaign import load_campaign
from dti.cli import main
from dti.documents import read_document, read_document_bytes
from tests.conftest import TABLES
from tests.core.seeds import BINHDINH, BINHPHUOC
from tests.core.test_audit_seeds import BINHDINH_FINDINGS, BINHPHUOC_FINDINGS

SEEDS = TABLES.parent / "seeds"
BINHPHUOC_REPORT = SEEDS / "000_a4d3f0869875103f.txt"
BINHDINH_REPORT = SEEDS / "002_96f8e785a1e3ab04.txt"

# The appendices as the report captions them (Phụ lục II prints no "Phụ lục" line, so it is
# named by its place among the report's tables).
BINHPHUOC_LABELS = {
    "phu-luc-1-cap-tinh.tsv": "PHỤ LỤC I",
    "phu-luc-2-co-dvctt.tsv": "bảng 2",
    "phu-luc-3-khong-dvctt.tsv": "PHỤ LỤC III",
    "phu-luc-4-cap-huyen.tsv": "PHỤ LỤC IV",
}
BINHDINH_LABELS = {
    "bang-1.7.tsv": "Bảng 1.7",
    "bang-1.3.tsv": "Bảng 1.3",
    "bang-2-tong-the-cap-huyen.tsv": "Bảng 2",
}
KEYS = ("kind", "table", "row", "unit", "column", "published", "expected")
NARRATIVE = {
    "class_count", "class_units", "unit_count", "share", "unknown_unit", "year", "average",
    "threshold", "top", "applicable_max", "footnote", "index_count",
}  # fmt: skip


def audited(campaign: Path, text: str, name: str = "bao-cao.txt"):
    document = read_document_bytes(text.encode("utf-8"), source=name)
    return audit_documents(load_campaign(campaign), [document])


def kinds(result) -> Counter[str]:
    return Counter(f.kind for f in result.findings)


def table_findings(result) -> set[tuple[object, ...]]:
    return {tuple(f.as_dict()[k] for k in KEYS) for f in result.findings if f.kind not in NARRATIVE}


def relabel(expected, labels):
    return {(k, labels[t], *rest) for k, t, *rest in expected}


# ---- the seeds, whole -------------------------------------------------------------------


def test_binh_phuoc_2024_every_table_recognised_and_todays_findings_reproduced():
    result = audit_documents(load_campaign(BINHPHUOC), [read_document(BINHPHUOC_REPORT)])
    assert [(t.label, t.kind, t.level, t.group) for t in result.tables] == [
        ("PHỤ LỤC I", "general", "so", None),
        ("bảng 2", "group", "so", "co_dvctt"),
        ("PHỤ LỤC III", "group", "so", "khong_dvctt"),
        ("PHỤ LỤC IV", "general", "huyen", None),
    ]
    assert table_findings(result) == relabel(BINHPHUOC_FINDINGS, BINHPHUOC_LABELS)


def test_binh_phuoc_2024_class_lists_agree_with_the_appendices():
    result = audit_documents(load_campaign(BINHPHUOC), [read_document(BINHPHUOC_REPORT)])
    classes = [c for c in result.checked if c.kind == "class"]
    # Ten sentences, each against its own appendix: I (3), II (2), III (3), IV (2).
    assert Counter(c.against for c in classes) == {
        "PHỤ LỤC I": 3, "bảng 2": 2, "PHỤ LỤC III": 3, "PHỤ LỤC IV": 2
    }  # fmt: skip
    assert not {"class_count", "class_units", "unknown_unit", "unit_count"} & set(kinds(result))
    # "Bù" / "Gia Mập": the list broken by a page is read whole.
    assert any("Bù Gia Mập" in c.sentence.text for c in classes)


def test_binh_phuoc_2024_compares_with_its_own_year():
    result = audit_documents(load_campaign(BINHPHUOC), [read_document(BINHPHUOC_REPORT)])
    (year,) = [f for f in result.findings if f.kind == "year"]
    assert "tăng mạnh so với năm 2024" in (year.context or "")
    assert (year.published, year.expected, year.mark) == ("2024", "2023", "so với năm 2024")
    assert "đoạn" in (year.location or "")


def test_binh_phuoc_2024_says_seven_indices_where_its_totals_add_eight():
    result = audit_documents(load_campaign(BINHPHUOC), [read_document(BINHPHUOC_REPORT)])
    counts = [f for f in result.findings if f.kind == "index_count"]
    assert [(f.published, f.expected) for f in counts] == [("07", "8"), ("08", "9")]
    assert all("Trang thông tin điện tử" in f.message for f in counts)


def test_binh_dinh_2023_every_table_recognised_and_todays_findings_reproduced():
    result = audit_documents(load_campaign(BINHDINH), [read_document(BINHDINH_REPORT)])
    kinds_found = [(t.label, t.kind, t.level) for t in result.tables]
    assert kinds_found[:2] == [("bảng 1", "framework", "so"), ("bảng 2", "framework", "huyen")]
    assert kinds_found[2] == ("Bảng 1", "general", "so")
    assert [t.index for t in result.tables[3:10]] == [
        "nhan_thuc_so", "the_che_so", "ha_tang_so", "nhan_luc_so", "an_toan_thong_tin_mang",
        "hoat_dong_chinh_quyen_so", "hoat_dong_xa_hoi_so",
    ]  # fmt: skip
    assert kinds_found[10] == ("Bảng 2", "general", "huyen")
    assert len(result.tables) == 19 and all(t.kind != "unknown" for t in result.tables)
    assert table_findings(result) == relabel(BINHDINH_FINDINGS, BINHDINH_LABELS)
    assert not NARRATIVE & set(kinds(result))


def test_binh_dinh_2023_each_narrative_statement_is_checked():
    result = audit_documents(load_campaign(BINHDINH), [read_document(BINHDINH_REPORT)])
    checked = Counter(c.kind for c in result.checked)
    # "Cấp sở/Cấp huyện: Đánh giá trên 07/08 nhóm tiêu chí"; the 03, 04 and remaining units'
    # maxima (445/125, 475/155, 485/165); the three footnotes of Bảng 1 (*, **, ***).
    assert checked == {"index_count": 2, "applicable_max": 3, "footnote": 3}
    assert {c.against for c in result.checked if c.kind == "footnote"} == {"Bảng 1"}


# ---- planted errors, one per kind of finding ------------------------------------------------


def planted(campaign: Path, report: Path, old: str, new: str):
    text = report.read_text(encoding="utf-8")
    assert old in text
    return audited(campaign, text.replace(old, new, 1))


def narrative(result, kind: str):
    return [f for f in result.findings if f.kind == kind]


def test_a_class_count_that_neither_the_list_nor_the_table_gives():
    result = planted(
        BINHPHUOC, BINHPHUOC_REPORT, "Nhóm đạt mức Tốt 05 đơn vị", "Nhóm đạt mức Tốt 06 đơn vị"
    )
    found = narrative(result, "class_count")
    assert [(f.published, f.expected, f.table) for f in found] == [
        ("6", "5", "đoạn 44"),
        ("6", "5", "PHỤ LỤC I"),
    ]
    assert all(f.mark == "06" and "Nhóm đạt mức Tốt 06 đơn vị" in (f.context or "") for f in found)


def test_a_unit_named_in_the_wrong_class():
    text = BINHPHUOC_REPORT.read_text(encoding="utf-8")
    text = text.replace("Sở Nội vụ, Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh", 1)
    text = text.replace("Khá 17 đơn vị: Sở Xây dựng", "Khá 17 đơn vị: Sở Nội vụ, Sở Xây dựng", 1)
    found = narrative(audited(BINHPHUOC, text), "class_units")
    assert {(f.unit, f.published, f.expected) for f in found} == {
        ("Sở Nội vụ", "Khá", "Tốt"),  # named under Khá, the appendix says Tốt
        ("Sở Nội vụ", None, "Tốt"),  # and missing from the Tốt list
    }


def test_an_unknown_unit_is_named_with_the_nearest_one():
    result = planted(
        BINHPHUOC,
        BINHPHUOC_REPORT,
        "Trung bình 01 đơn vị: Cục Thống kê.",
        "Trung bình 01 đơn vị: Cục Thống kê tỉnh BP.",
    )
    (found,) = narrative(result, "unknown_unit")
    assert found.published == "Cục Thống kê tỉnh BP" and "Cục Thống kê" in (found.expected or "")


def test_a_share_that_does_not_follow_from_the_count():
    result = planted(
        BINHPHUOC,
        BINHPHUOC_REPORT,
        "Nhóm đạt mức Tốt 05 đơn vị:",
        "Nhóm đạt mức Tốt 05 đơn vị, chiếm 22,7%:",
    )
    (found,) = narrative(result, "share")
    assert (found.published, found.expected) == ("22.7", "21.7")  # 5 of 23


def test_a_level_said_to_have_more_units_than_its_table():
    result = planted(
        BINHPHUOC,
        BINHPHUOC_REPORT,
        "Khối các sở, ban, ngành: 23 đơn vị",
        "Khối các sở, ban, ngành: 24 đơn vị",
    )
    (found,) = narrative(result, "unit_count")
    assert (found.published, found.expected, found.table) == ("24", "23", "PHỤ LỤC I")


def _with_paragraph(report: Path, paragraph: str) -> str:
    text = report.read_text(encoding="utf-8")
    anchor = "IV. ĐÁNH GIÁ CHUNG"
    return text.replace(anchor, f"{paragraph}\n\n{anchor}", 1)


def test_averages_thresholds_and_leaders_against_the_tables():
    right = (
        "Điểm trung bình đạt 432,86 điểm. Có 9/23 cơ quan đạt điểm trung bình trở lên, "
        "chiếm 39,1%. Dẫn đầu là Sở Kế hoạch và Đầu tư, Văn phòng UBND tỉnh."
    )
    result = audited(BINHPHUOC, _with_paragraph(BINHPHUOC_REPORT, right))
    assert not {"average", "threshold", "top", "share"} & set(kinds(result))
    assert {"average", "threshold", "top"} <= {c.kind for c in result.checked}
    wrong = (
        "Điểm trung bình đạt 440,12 điểm. Có 10/23 cơ quan đạt điểm trung bình trở lên, "
        "chiếm 45,5%. Dẫn đầu là Sở Kế hoạch và Đầu tư, Sở Y tế."
    )
    result = audited(BINHPHUOC, _with_paragraph(BINHPHUOC_REPORT, wrong))
    (average,) = narrative(result, "average")
    assert average.published == "440.12" and "432,86" in average.message
    (threshold,) = narrative(result, "threshold")
    assert (threshold.published, threshold.expected) == ("10", "9")
    (share,) = narrative(result, "share")
    assert (share.published, share.expected) == ("45.5", "43.5")  # 10 of 23, as printed
    (top,) = narrative(result, "top")
    assert top.unit == "Sở Y tế"


def test_a_maximum_stated_for_named_units():
    result = planted(
        BINHDINH, BINHDINH_REPORT, "07 nhóm tiêu chí là 445 điểm", "07 nhóm tiêu chí là 455 điểm"
    )
    found = narrative(result, "applicable_max")
    assert {(f.unit, f.published, f.expected) for f in found} == {
        ("Văn phòng UBND tỉnh", "455", "445"),
        ("Ban Dân tộc", "455", "445"),
        ("Thanh tra tỉnh", "455", "445"),
    }
    result = planted(BINHDINH, BINHDINH_REPORT, "Đối với các 03 đơn vị", "Đối với các 04 đơn vị")
    (count,) = narrative(result, "applicable_max")
    assert (count.published, count.expected) == ("04", "3")


def test_a_footnote_and_an_index_count_and_the_framework_table():
    result = planted(BINHDINH, BINHDINH_REPORT, "tiêu chí là **485**", "tiêu chí là **495**")
    found = narrative(result, "footnote")
    assert len(found) == 12 and {f.published for f in found} == {"495"}
    result = planted(
        BINHDINH, BINHDINH_REPORT, "Cấp sở*: Đánh giá trên 07", "Cấp sở*: Đánh giá trên 06"
    )
    (count,) = narrative(result, "index_count")
    assert (count.published, count.expected) == ("06", "7")
    result = planted(BINHDINH, BINHDINH_REPORT, "1\tNhận thức số\t4\t50", "1\tNhận thức số\t4\t60")
    (framework,) = [f for f in result.findings if f.kind == "framework"]
    assert (framework.table, framework.row, framework.published, framework.expected) == (
        "bảng 1",
        3,
        "60",
        "50",
    )


def test_an_unreadable_table_in_a_report_is_a_finding_and_the_rest_is_audited():
    result = planted(
        BINHDINH, BINHDINH_REPORT, "Sở Du lịch\t40\t80%", "Sở Du Lịch Tỉnh XYZ\t40\t80%"
    )
    (unread,) = narrative(result, "unread") or [f for f in result.findings if f.kind == "unread"]
    assert unread.table == "Bảng 1.1" and "Sở Du Lịch Tỉnh XYZ" in unread.message
    assert table_findings(result) - {tuple(unread.as_dict()[k] for k in KEYS)} == relabel(
        BINHDINH_FINDINGS, BINHDINH_LABELS
    )


# ---- the command ------------------------------------------------------------------------------


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", *map(str, args)])
    return result.exit_code, result.output


def test_the_command_audits_a_report_and_lists_its_tables():
    code, out = run(BINHPHUOC, BINHPHUOC_REPORT)
    assert code == 1
    assert "[year] đoạn 65" in out and "PHỤ LỤC IV: xếp hạng chung, khối UBND huyện" in out
    assert out.strip().endswith("sai lệch trong 4 bảng.")


def test_json_keeps_todays_fields_and_adds_where(tmp_path):
    code, out = run(BINHDINH, BINHDINH_REPORT, "--format", "json")
    findings = json.loads(out)
    assert code == 1 and len(findings) == 5
    assert all({*KEYS, "message", "location", "context", "mark"} == set(f) for f in findings)
    ratio = next(f for f in findings if f["kind"] == "ratio")
    assert ratio["location"] == "002_96f8e785a1e3ab04.txt, bảng 10, dòng 3"
    assert ratio["context"].startswith("2 | Sở Nội vụ | 7 | 100%") and ratio["mark"] == "100%"


def test_html_and_xlsx_findings_reports_escape_what_the_report_prints(tmp_path):
    hostile = _with_paragraph(
        BINHPHUOC_REPORT, "Điểm trung bình đạt 1,5 điểm <script>alert(1)</script>."
    ).replace("Cục Thống kê.", '=HYPERLINK("http://x")', 1)
    report = tmp_path / "bao-cao.txt"
    report.write_text(hostile, encoding="utf-8")
    code, page = run(BINHPHUOC, report, "--format", "html")
    assert code == 1 and "<script>" not in page and "&lt;script&gt;" in page
    assert "<mark>so với năm 2024</mark>" in page and "Các câu đã đối chiếu" in page
    assert "<td>1,5</td>" in page  # as the report prints it, with a decimal comma
    # A table's row is named by the table's label, then its place in the file.
    assert "<td>PHỤ LỤC I (bao-cao.txt, bảng 1, dòng 8), cột “Tổng điểm năm 2024”</td>" in page
    out = tmp_path / "sai-lech.xlsx"
    code, _ = run(BINHPHUOC, report, "--format", "xlsx", "--out", out)
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert book.sheetnames == ["Sai lệch", "Bảng", "Câu đã đối chiếu"]
    values = [c.value for row in book["Sai lệch"].iter_rows() for c in row if c.value]
    assert "Năm so sánh sai" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in values)


def test_a_folder_of_loose_tables_is_audited_as_today(tmp_path):
    code, out = run(BINHDINH, TABLES / "binhdinh-2023", "--format", "json")
    findings = json.loads(out)
    assert code == 1
    assert {tuple(f[k] for k in KEYS) for f in findings} == BINHDINH_FINDINGS


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\x00\x01\x02",
        b"PK\x03\x04garbage",
        b"%PDF-1.7 garbage",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ],
)
def test_garbage_is_a_clear_error_with_status_2(tmp_path, garbage):
    path = tmp_path / "bao-cao.docx"
    path.write_bytes(garbage)
    result = CliRunner().invoke(main, ["audit", str(BINHDINH), str(path)])
    assert result.exit_code == 2
    assert "Lỗi: bao-cao.docx" in result.output and "Traceback" not in result.output


def test_every_kind_of_finding_is_named_for_the_office_and_explained_in_the_docs():
    from dti.audit.outputs import KIND_NAMES

    docs = (Path(__file__).parents[2] / "docs" / "tables.md").read_text(encoding="utf-8")
    assert [kind for kind in KIND_NAMES if f"`{kind}`" not in docs] == []
    source = "".join(
        p.read_text("utf-8") for p in (Path(__file__).parents[2] / "src/dti/audit").glob("*.py")
    )
    import re

    raised = set(re.findall(r'(?:kind=|finding\(\s*|Finding\(\s*)"(\w+)"', source))
    assert raised - {"general"} <= set(KIND_NAMES)
