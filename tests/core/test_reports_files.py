"""The DOCX and XLSX files, opened as a reader would open them (python-docx, openpyxl):
real tables with the header row repeated on every page, one row per unit, the numbers
written the Vietnamese way in Word and stored as numbers in the workbook."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from dti.reports.docx import render_docx
from dti.reports.model import AppendixTable, ColumnKind, Report
from dti.reports.xlsx import render_xlsx
from tests.core.reports import report
from tests.core.seeds import BINHDINH, BINHPHUOC

SEEDS = {"binhphuoc": BINHPHUOC, "binhdinh": BINHDINH}


@pytest.fixture(scope="module", params=sorted(SEEDS))
def rendered(request) -> tuple[Report, bytes, bytes]:
    built = report(SEEDS[request.param])
    return built, render_docx(built), render_xlsx(built)


def appendix_tables(built: Report) -> list[AppendixTable]:
    return [table for appendix in built.appendices for table in appendix.tables]


def word_tables(docx: bytes) -> list:
    """The appendix tables of the document, in order: the header and signature blocks
    (borderless layout tables of one row) come first."""
    document = Document(io.BytesIO(docx))
    assert [len(t.rows) for t in document.tables[:2]] == [1, 1]
    return document.tables[2:]


def test_every_appendix_is_a_word_table_with_a_repeated_header_row(rendered):
    built, docx, _ = rendered
    tables = word_tables(docx)
    assert len(tables) == len(appendix_tables(built))
    for word, table in zip(tables, appendix_tables(built), strict=True):
        assert [cell.text for cell in word.rows[0].cells] == [c.header for c in table.columns]
        header = word.rows[0]._tr
        assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in word.rows[1:])


def body_rows(word, table: AppendixTable) -> list[list[str]]:
    rows = [[cell.text for cell in row.cells] for row in word.rows[1:]]
    return rows[1:] if table.max_row is not None else rows


def test_word_tables_hold_one_row_per_unit_with_vietnamese_numbers(rendered):
    built, docx, _ = rendered
    for word, table in zip(word_tables(docx), appendix_tables(built), strict=True):
        rows = body_rows(word, table)
        assert rows == [[cell.text for cell in row] for row in table.rows]
        name = [c.header for c in table.columns].index("Đơn vị")
        assert len({row[name] for row in rows}) == len(table.unit_ids)
        assert not any("." in text for row in rows for text in row)  # decimal commas only


def test_binhphuoc_appendix_one_prints_the_derived_totals():
    built = report(BINHPHUOC)
    general = built.level("so").appendices[0].tables[0]
    rows = body_rows(word_tables(render_docx(built, charts=False))[0], general)
    assert rows[0][:2] == ["1", "Sở Kế hoạch và Đầu tư"]
    assert rows[0][-4:] == ["576,16", "496,16", "Tốt", "Khá"]
    # Sở Xây dựng: 50+70+57,14+24,9+50+165,96+30+98 = 546; the printed 466,02 did not add up.
    assert rows[5][1:2] + rows[5][-4:-2] == ["Sở Xây dựng", "546", "466"]


def test_document_layout_a4_fonts_page_numbers_and_charts(rendered):
    built, docx, _ = rendered
    document = Document(io.BytesIO(docx))
    portrait, landscape = document.sections
    assert [round(portrait.page_width.cm, 1), round(portrait.page_height.cm, 1)] == [21.0, 29.7]
    assert [round(landscape.page_width.cm, 1), round(landscape.page_height.cm, 1)] == [29.7, 21.0]
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        styles = package.read("word/styles.xml").decode()
        footer = "".join(
            package.read(n).decode() for n in package.namelist() if n.startswith("word/footer")
        )
        fonts = package.read("word/fontTable.xml").decode()
        images = [n for n in package.namelist() if n.startswith("word/media/")]
    assert 'w:ascii="Liberation Serif"' in styles
    assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)theme=", styles, flags=re.IGNORECASE)
    assert "PAGE" in footer
    assert '<w:altName w:val="Times New Roman"/>' in fonts
    charts = sum(1 + bool(level.classes) for level in built.levels)
    assert len(images) == charts


def test_document_text_has_the_header_motto_and_placeholders(rendered):
    built, docx, _ = rendered
    document = Document(io.BytesIO(docx))
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header[0].startswith(built.header.parent_body)
    assert "Số: ……/BC-……" in header[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in header[1]
    text = "\n".join(p.text for p in document.paragraphs)
    for heading in ("BÁO CÁO", "I. MỤC ĐÍCH", "II. KẾT QUẢ", "III. NHẬN XÉT", "IV. ĐỀ XUẤT"):
        assert heading in text
    assert "PHỤ LỤC I\n" in text
    assert "Nơi nhận:" in document.tables[1].rows[0].cells[0].text


def test_xlsx_has_one_sheet_per_appendix_table_with_numbers_as_numbers(rendered):
    built, _, xlsx = rendered
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    tables = appendix_tables(built)
    assert workbook.sheetnames == [t.sheet for t in tables]
    for table in tables:
        sheet = workbook[table.sheet]
        assert sheet.freeze_panes == "C4"
        assert [c.value for c in sheet[3]] == [c.header for c in table.columns]
        for row, cells in zip(
            sheet.iter_rows(min_row=4, max_row=3 + len(table.rows)), table.rows, strict=True
        ):
            for stored, column, cell in zip(row, table.columns, cells, strict=True):
                _check_cell(stored, column.kind, column.decimals, cell.value)
        assert (
            sheet.cell(row=4 + len(table.rows), column=2).value is None
        )  # units, then a blank row


# Each report's percent decimals and the fewest sheets that show percents. Bình Định: 99,3%
# overall and whole percents per index but for Bảng 1.6. Bình Phước ranks one index on its
# ratio, to two decimals (Hoạt động chính quyền số, whose max differs between units), and
# the others on points, so one sheet has percents.
PERCENTS = {"Bình Định": ({0, 1}, "0.0%", 2), "Bình Phước": ({2}, "0.00%", 1)}


def test_xlsx_formats_every_percent_alike_with_the_printed_tables_decimal(rendered):
    """One format for every percent, so no sheet hides the decimal another shows; each
    value is the table's own, already rounded (94% is stored 0.94 and shown 94.0%)."""
    built, _, xlsx = rendered
    printed = {
        column.decimals
        for table in appendix_tables(built)
        for column in table.columns
        if column.kind is ColumnKind.PERCENT
    }
    decimals, expected, sheets = PERCENTS[built.province]
    assert printed == decimals
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    formats = {}
    for table in appendix_tables(built):
        percent = [i for i, c in enumerate(table.columns) if c.kind is ColumnKind.PERCENT]
        for row in workbook[table.sheet].iter_rows(min_row=4):
            for i in percent:
                if isinstance(row[i].value, float):
                    formats.setdefault(row[i].number_format, set()).add(table.sheet)
    assert set(formats) == {expected}, formats
    assert len(formats[expected]) >= sheets


def _check_cell(stored, kind: ColumnKind, decimals: int, value) -> None:
    if isinstance(value, Decimal):
        expected = value / 100 if kind is ColumnKind.PERCENT else value
        assert isinstance(stored.value, int | float)
        assert Decimal(str(stored.value)) == expected
        if kind is ColumnKind.PERCENT:
            assert stored.number_format in ("0%", "0.0%", "0.00%")  # one per workbook (below)
        else:
            assert stored.number_format == ("0." + "0" * decimals if decimals else "0")
    else:
        assert stored.value == value
