"""`dti report`: DOCX, XLSX and PDF from a campaign file and its published tables, the
office's texts and last year's results as options, and clear Vietnamese errors (exit 2)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader

from dti.cli import main
from dti.framework.documents import DocumentError
from dti.reports import statements
from dti.reports.data import build_report
from dti.reports.model import PreviousResults
from dti.reports.texts import load_texts
from dti.reproduce import reproduce
from dti.tables.published import interpret
from dti.tables.reader import read_table
from tests.conftest import TABLES
from tests.core.reports import campaign, require, results
from tests.core.seeds import BINHDINH, BINHPHUOC, table


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["report", *(str(a) for a in args)], env={"COLUMNS": "300"})
    return result.exit_code, result.stderr


def text_of(path) -> str:
    document = Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def test_docx_of_every_level_with_a_progress_bar(tmp_path):
    out = tmp_path / "bao-cao.docx"
    code, errors = run(
        BINHPHUOC, "--tables", TABLES / "binhphuoc-2024", "--out", out, "--no-charts"
    )
    assert code == 0, errors
    assert f"Đã ghi {out}" in errors
    text = text_of(out)
    assert "1. Khối Sở, ban, ngành (23 đơn vị)" in text
    assert "2. Khối UBND huyện, thị xã, thành phố (11 đơn vị)" in text


def test_xlsx_of_one_level(tmp_path):
    out = tmp_path / "phu-luc.xlsx"
    code, errors = run(
        BINHDINH,
        "--level",
        "so",
        "--format",
        "xlsx",
        "--tables",
        TABLES / "binhdinh-2023",
        "--out",
        out,
    )
    assert code == 0, errors
    assert openpyxl.load_workbook(out).sheetnames == ["PL I", *(f"PL II.{i}" for i in range(1, 8))]


def test_pdf_is_drawn_directly_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # no soffice to be found: none is needed
    out = tmp_path / "bao-cao.pdf"
    code, errors = run(
        BINHDINH, "--level", "huyen", "--format", "pdf", "--no-charts",
        "--tables", TABLES / "binhdinh-2023", "--out", out,
    )  # fmt: skip
    assert code == 0, errors
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.slow  # a real LibreOffice conversion
def test_the_pdf_of_an_office_template_goes_through_libreoffice(tmp_path):
    require("soffice")
    template = Document()
    template.add_paragraph("BÁO CÁO CỦA TỈNH {{ province }} NĂM {{ year }}")
    template.save(tmp_path / "mau.docx")
    out = tmp_path / "bao-cao.pdf"
    code, errors = run(
        BINHDINH, "--level", "huyen", "--format", "pdf", "--no-charts",
        "--tables", TABLES / "binhdinh-2023", "--template", tmp_path / "mau.docx",
        "--out", out,
    )  # fmt: skip
    assert code == 0, errors
    assert out.read_bytes().startswith(b"%PDF-")
    producer = PdfReader(out).metadata["/Producer"]
    assert "LibreOffice" in producer  # converted, not drawn by ReportLab


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "xa"], "Lỗi: Không có khối 'xa'; các khối: so, huyen"),
        (["--tables", TABLES / "binhphuoc-2024"], "Không tìm thấy bảng bang-1-tong-the-cap-so.tsv"),
        ([], "Không tìm thấy bảng bang-1-tong-the-cap-so.tsv trong thư mục"),
    ],
)
def test_wrong_input_is_a_vietnamese_message_and_exit_2(tmp_path, args, message):
    code, errors = run(BINHDINH, *args, "--out", tmp_path / "x.docx")
    assert code == 2
    assert message in errors
    assert "Traceback" not in errors
    assert not (tmp_path / "x.docx").exists()


def test_a_bad_template_names_the_placeholder(tmp_path):
    source = Document()
    source.add_paragraph("{{ so_van_ban }}")
    source.save(tmp_path / "mau.docx")
    code, errors = run(
        BINHDINH,
        "--tables",
        TABLES / "binhdinh-2023",
        "--template",
        tmp_path / "mau.docx",
        "--out",
        tmp_path / "x.docx",
    )
    assert code == 2
    assert "Mẫu báo cáo dùng trường không có: “so_van_ban”" in errors


TEXTS = """\
issuing_body: SỞ THÔNG TIN VÀ TRUYỀN THÔNG
number: "Số: 123/BC-STTTT"
remarks:
  nhan_thuc_so: Các đơn vị đã ban hành kế hoạch chuyển đổi số.
  huyen:
    hoat_dong_kinh_te_so: Kinh tế số của các huyện còn thấp.
recommendations:
  - Tăng cường thanh toán trực tuyến.
commendation: {classes: [Tốt, Khá]}
"""


def test_the_offices_texts_go_into_the_report(tmp_path):
    (tmp_path / "texts.yaml").write_text(TEXTS, encoding="utf-8")
    out = tmp_path / "bao-cao.docx"
    code, errors = run(
        BINHPHUOC,
        "--tables",
        TABLES / "binhphuoc-2024",
        "--texts",
        tmp_path / "texts.yaml",
        "--no-charts",
        "--out",
        out,
    )
    assert code == 0, errors
    text = text_of(out)
    header = Document(str(out)).tables[0].rows[0].cells[0].text
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in header and "Số: 123/BC-STTTT" in header
    assert text.count("- Nhận thức số: Các đơn vị đã ban hành kế hoạch chuyển đổi số.") == 2
    assert text.count("Kinh tế số của các huyện còn thấp.") == 1
    assert "- Tăng cường thanh toán trực tuyến." in text
    assert "Sở, ban, ngành (xếp loại Tốt hoặc Khá): Sở Kế hoạch và Đầu tư," in text


def test_texts_with_unknown_keys_or_wrong_types_list_every_problem(tmp_path):
    path = tmp_path / "texts.yaml"
    path.write_text("nguoi_ky: A\nrecipients: 3\ncommendation: {top: -1}\n", encoding="utf-8")
    with pytest.raises(DocumentError) as error:
        load_texts(path)
    assert [(p.path, p.message.split(";")[0]) for p in error.value.problems] == [
        ("nguoi_ky", "khoá không được hỗ trợ"),
        ("recipients", "phải là một danh sách các đoạn văn bản"),
        ("commendation.top", "phải là số nguyên không âm"),
    ]


def test_the_average_changes_on_last_years_results():
    # Last year's stand-in: the 17 units of appendix II, ranked as a level on their own.
    printed = interpret(
        read_table(table("binhphuoc-2024", "phu-luc-2-co-dvctt.tsv")),
        campaign(BINHPHUOC),
        level="so",
    )
    previous = PreviousResults(2023, {"so": reproduce(printed, campaign(BINHPHUOC)).result})
    level = build_report(campaign(BINHPHUOC), results(BINHPHUOC), previous=previous).level("so")
    average = level.average
    assert (
        average.previous_year == 2023
        and average.previous is not None
        and average.change is not None
    )
    assert abs(average.change - (average.value - average.previous)) <= Decimal("0.01")
    word = "giảm" if average.change < 0 else "tăng"
    change = format(abs(average.change).normalize(), "f").replace(".", ",")  # no trailing zero
    assert f", {word} {change} điểm so với năm 2023." in statements.average_sentence(level)


def test_an_average_on_another_scale_is_not_compared(tmp_path):
    out = tmp_path / "bao-cao.docx"
    code, errors = run(
        BINHPHUOC,
        "--tables",
        TABLES / "binhphuoc-2024",
        "--previous",
        BINHDINH,
        "--previous-tables",
        TABLES / "binhdinh-2023",
        "--no-charts",
        "--out",
        out,
    )
    assert code == 0, errors
    assert "(không so sánh được với năm 2023: thang điểm khác)." in text_of(out)
    document = Document(io.BytesIO(out.read_bytes()))
    assert document.paragraphs
