"""The report readers (dti.documents): a DOCX made here with python-docx, the same DOCX
printed to PDF by LibreOffice (the project's own conversion), an HTML page and a workbook,
each read into paragraphs and tables; and damaged or hostile files of every kind, which
give a DocumentReadError and nothing else.

LibreOffice comes from Debian (`make test` installs it); without it the PDF tests fail,
they never skip. The conversion takes about two seconds, made once for the module."""

from __future__ import annotations

import io
import unicodedata
import zipfile
import zlib

import openpyxl
import pdfplumber
import pytest
from docx import Document as new_docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from dti.documents import (
    Document,
    DocumentReadError,
    Paragraph,
    Table,
    pdf_reader,
    read_document_bytes,
)
from dti.documents.docx_reader import read_docx
from dti.documents.html_reader import read_html
from dti.documents.pdf_reader import SCANNED, read_pdf
from dti.documents.xlsx_reader import read_workbook
from dti.reports import pdf
from tests.core.hostile import PLAIN_PDF, pdf_of, zip_of
from tests.core.reports import require

HEADING = "I. KẾT QUẢ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ"
LONG = (
    "Năm 2024, tỉnh tiếp tục triển khai chuyển đổi số toàn diện trên cả ba trụ cột chính "
    "quyền số, kinh tế số và xã hội số, kết quả đánh giá cho thấy phần lớn các cơ quan, đơn "
    "vị đã có nhiều chuyển biến tích cực về hạ tầng, nhân lực, dữ liệu và an toàn thông tin, "
    "song vẫn còn một số đơn vị chậm triển khai các nhiệm vụ được giao theo kế hoạch của Ủy "
    "ban nhân dân tỉnh."
)
GOOD = "Nhóm đạt mức Tốt 05 đơn vị: Sở Tư pháp, Sở Nội vụ."
CAPTION = "Bảng 1. Xếp hạng các sở, ban, ngành"
ITEMS = ("- Chỉ số chính quyền số đạt 0,75;", "- Chỉ số kinh tế số đạt 0,61.")
CAPTION_2 = "Bảng 2. Điểm các xã"
RANKING = (
    ("STT", "Đơn vị", "Điểm", "Điểm"),
    ("STT", "Đơn vị", "Tổng", "Xếp hạng"),
    ("1", "Sở Tư pháp", "912,50", "1"),
    ("2", "Sở Nội vụ", "880,25", "2"),
)
COMMUNES = (("STT", "Xã", "Điểm"), *((str(n), f"Xã số {n}", f"{n},5") for n in range(1, 71)))
CLAUSE = (
    "kết quả chuyển đổi số của tỉnh trong năm được trình bày với nhiều nội dung, để đoạn văn "
    "xuống dòng nhiều lần trên trang giấy khổ A4, có đoạn sang cả trang sau; "
)
# 5 to 8 lines each: some go on from one page to the next
CLOSING = tuple(f"Đoạn {n}: " + CLAUSE * (2 + n % 3) + "và kết thúc ở đây." for n in range(1, 16))
PARAGRAPHS = (HEADING, LONG, GOOD, CAPTION, *ITEMS, CAPTION_2, *CLOSING)


def page_number_footer(document) -> None:
    """A PAGE field in the footer: the PDF has a page number on every page, the DOCX none
    in its body."""
    footer = document.sections[0].footer.paragraphs[0]
    footer._p.append(
        parse_xml(
            f"<w:r {nsdecls('w')}><w:fldChar w:fldCharType='begin'/>"
            "<w:instrText xml:space='preserve'> PAGE </w:instrText>"
            "<w:fldChar w:fldCharType='separate'/><w:t>1</w:t>"
            "<w:fldChar w:fldCharType='end'/></w:r>"
        )
    )


def report_docx() -> bytes:
    document = new_docx()
    page_number_footer(document)
    document.add_heading(HEADING, level=1)
    document.add_paragraph(LONG)
    document.add_paragraph(GOOD)
    document.add_paragraph("")  # empty: not a paragraph, not counted
    document.add_paragraph(CAPTION)
    table = document.add_table(rows=4, cols=4)
    table.style = "Table Grid"  # ruled, as pdfplumber finds tables in the PDF
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Điểm"
    table.cell(0, 0).merge(table.cell(1, 0)).text = "STT"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Đơn vị"
    for row, texts in enumerate(RANKING[1:], start=1):
        for column, text in enumerate(texts):
            if row > 1 or column > 1:
                table.cell(row, column).text = text
    for item in ITEMS:
        document.add_paragraph(item)
    document.add_paragraph(CAPTION_2)
    long_table = document.add_table(rows=0, cols=3)
    long_table.style = "Table Grid"
    for texts in COMMUNES:  # longer than a page
        for cell, text in zip(long_table.add_row().cells, texts, strict=True):
            cell.text = text
    for text in CLOSING:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return report_docx()


@pytest.fixture(scope="module")
def pdf_bytes(docx_bytes) -> bytes:
    require("soffice")
    return pdf.convert_to_pdf(docx_bytes)


def kinds(document: Document) -> list[str]:
    return ["P" if isinstance(block, Paragraph) else "T" for block in document.blocks]


def all_text(document: Document) -> list[str]:
    texts = [block.text for block in document.paragraphs]
    return texts + [cell for table in document.tables for row in table.rows for cell in row]


# DOCX -----------------------------------------------------------------------------------


def test_a_docx_is_read_in_order_with_numbered_paragraphs(docx_bytes):
    document = read_document_bytes(docx_bytes, source="bao-cao.docx")

    assert document.kind == "docx" and document.source == "bao-cao.docx"
    assert kinds(document) == ["P"] * 4 + ["T"] + ["P"] * 3 + ["T"] + ["P"] * len(CLOSING)
    assert [p.text for p in document.paragraphs] == list(PARAGRAPHS)
    assert [p.where.paragraph for p in document.paragraphs] == list(range(1, len(PARAGRAPHS) + 1))
    ranking, communes = document.tables
    assert ranking.rows == RANKING  # merged cells repeated in each cell they cover
    assert (ranking.where.table, ranking.where.paragraph) == (1, 4)
    assert ranking.lines == (1, 2, 3, 4)
    assert communes.rows == COMMUNES and communes.where.paragraph == 7
    assert ranking.where.describe() == "bảng 1"
    assert document.paragraphs[2].where.describe() == "đoạn 3"


def test_docx_cells_are_what_python_docx_gives(docx_bytes):
    table = new_docx(io.BytesIO(docx_bytes)).tables[0]
    ours = read_docx(docx_bytes, source="x").tables[0]
    assert ours.rows == tuple(tuple(cell.text for cell in row.cells) for row in table.rows)


def test_text_keeps_its_vietnamese_letters_composed():
    decomposed = unicodedata.normalize("NFD", GOOD)
    document = new_docx()
    document.add_paragraph(decomposed)
    out = io.BytesIO()
    document.save(out)
    (paragraph,) = read_docx(out.getvalue(), source="x").paragraphs
    assert paragraph.text == GOOD == unicodedata.normalize("NFC", GOOD)


def test_docx_runs_as_word_prints_them():
    """Text in hyperlinks, tracked insertions and content controls is read; deleted text,
    field codes and text boxes are not; a nested table is flattened into its cell."""
    document = new_docx()
    end = document.element.body.sectPr  # the body's last child: the content goes before it
    w = nsdecls("w", "r")
    end.addprevious(
        parse_xml(
            f"<w:p {w}><w:r><w:t xml:space='preserve'>Xem </w:t></w:r>"
            "<w:hyperlink r:id='rId99'><w:r><w:t>cổng thông tin</w:t></w:r></w:hyperlink>"
            "<w:ins w:id='1' w:author='a'><w:r><w:t xml:space='preserve'> mới</w:t></w:r></w:ins>"
            "<w:del w:id='2' w:author='a'><w:r><w:delText> cũ</w:delText></w:r></w:del>"
            "<w:r><w:fldChar w:fldCharType='begin'/></w:r>"
            "<w:r><w:instrText> PAGE </w:instrText></w:r>"
            "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>.</w:t></w:r>"
            "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>"
        )
    )
    end.addprevious(
        parse_xml(
            f"<w:sdt {w}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Mục lục</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        )
    )
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Ngoài"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Trong 1"
    inner.cell(0, 1).text = "Trong 2"
    out = io.BytesIO()
    document.save(out)

    read = read_docx(out.getvalue(), source="x")
    assert [p.text for p in read.paragraphs] == ["Xem cổng thông tin mới.", "Mục lục"]
    assert read.tables[0].rows == (("Ngoài", "Trong 1 Trong 2"),)
    assert read.tables[0].where.paragraph == 2


def replaced(docx: bytes, name: str, content: bytes) -> bytes:
    """The DOCX (or XLSX) with one part's content replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return out.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE w:document ['
    + b'<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    + b"<w:body><w:p><w:r><w:t>Haha &lol9; &xxe;</w:t></w:r></w:p></w:body></w:document>"
)


SMALL_ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY e "EXPANDED">'
    + b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    + b"<w:body><w:p><w:r><w:t>Haha &e; &xxe;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize("xml", [LAUGHS, SMALL_ENTITIES], ids=["billion-laughs", "entities"])
def test_docx_entities_are_never_expanded(docx_bytes, xml):
    """Entities declared in document.xml, internal and external: refused (libxml2 stops
    the billion laughs), or read without expanding them."""
    try:
        document = read_docx(replaced(docx_bytes, "word/document.xml", xml), source="x")
    except DocumentReadError:
        return
    text = " ".join(all_text(document))
    assert text.startswith("Haha")
    assert "lollol" not in text and "EXPANDED" not in text and "root:" not in text


def test_a_huge_docx_table_is_refused_with_a_clear_message():
    document = new_docx()
    document.add_table(rows=1, cols=201)
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(DocumentReadError, match="bảng có hơn 200 cột"):
        read_docx(out.getvalue(), source="x")


# PDF ------------------------------------------------------------------------------------


def test_a_pdf_printed_from_the_docx_reads_as_the_docx(docx_bytes, pdf_bytes):
    """Paragraphs joined back from their wrapped lines (also across pages), page numbers
    dropped, merged cells repeated, the long table one table across its pages."""
    document = read_document_bytes(pdf_bytes, source="bao-cao.pdf")
    from_docx = read_docx(docx_bytes, source="bao-cao.docx")

    assert document.kind == "pdf"
    assert kinds(document) == kinds(from_docx)
    assert [p.text for p in document.paragraphs] == list(PARAGRAPHS)
    assert [p.where.paragraph for p in document.paragraphs] == list(range(1, len(PARAGRAPHS) + 1))
    assert [p.where.page for p in document.paragraphs[:4]] == [1, 1, 1, 1]
    ranking, communes = document.tables
    assert ranking.rows == RANKING
    assert (ranking.where.page, ranking.where.table, ranking.where.paragraph) == (1, 1, 4)
    assert communes.rows == COMMUNES and communes.where.table == 2
    assert communes.lines == tuple(range(1, len(COMMUNES) + 1))
    assert all(text == unicodedata.normalize("NFC", text) for text in all_text(document))


def test_the_pdf_really_wraps_and_breaks_what_the_reader_joins(pdf_bytes):
    """The conditions the previous test relies on: the long paragraph is printed over
    several lines, the long table over several pages, and some paragraph goes on from one
    page to the next."""
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
        pages = [page.extract_text_lines() for page in document.pages]
        tables = [len(page.find_tables()) for page in document.pages]
    first_page = [line["text"] for line in pages[0]]
    starts = [n for n, text in enumerate(first_page) if text.startswith(LONG[:20])]
    ends = [n for n, text in enumerate(first_page) if text.endswith(LONG[-20:])]
    assert len(starts) == len(ends) == 1 and ends[0] - starts[0] >= 3
    assert sum(1 for count in tables if count) >= 2
    # a page whose last line (above the page number) ends mid-sentence
    assert any(not lines[-2]["text"].endswith(".") for lines in pages[2:] if len(lines) > 2)


def test_a_pdf_of_too_many_pages_is_refused():
    kids = b" ".join(b"%d 0 R" % n for n in range(3, 504))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    many = pdf_of(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count 501 >>" % kids,
        *[page] * 501,
    )
    with pytest.raises(DocumentReadError, match="501 trang, tối đa 500"):
        read_document_bytes(many, source="x.pdf")


def test_a_pdf_without_text_is_a_scan():
    with pytest.raises(DocumentReadError, match="không có lớp chữ"):
        read_document_bytes(PLAIN_PDF, source="scan.pdf")
    assert "bản quét" in SCANNED


def test_a_pdf_with_a_password_is_refused_with_a_clear_message():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PLAIN_PDF)))
    writer.encrypt(user_password="mat-khau", owner_password="mat-khau", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DocumentReadError, match="có mật khẩu"):
        read_pdf(out.getvalue(), source="x.pdf")


def page_with(content: bytes, filters: bytes) -> bytes:
    """A one-page PDF whose content stream is `content`, encoded with `filters`."""
    return pdf_of(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(content), filters, content),
    )


def deflated_spaces(size: int) -> bytes:
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    return b"".join(packer.compress(chunk) for _ in range(size // len(chunk))) + packer.flush()


def test_a_pdf_stream_that_inflates_past_the_limit_is_refused():
    """Twice deflated, 150 MB of spaces fit in a few hundred bytes."""
    bomb = zlib.compress(deflated_spaces(150 * 1024 * 1024), 9)
    assert len(bomb) < 2000
    with pytest.raises(DocumentReadError, match="giải nén ra hơn"):
        read_document_bytes(page_with(bomb, b"[/FlateDecode /FlateDecode]"), source="x.pdf")


def test_every_pdf_filter_that_expands_is_bounded(monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_DECODED_BYTES", 64 * 1024)
    run_length = bytes([129, 32]) * 2000  # 128 spaces for every 2 bytes
    ascii85 = b"z" * 20_000 + b"~>"  # 4 zero bytes for every z
    for content, filters in ((run_length, b"/RunLengthDecode"), (ascii85, b"/ASCII85Decode")):
        with pytest.raises(DocumentReadError, match="giải nén ra hơn"):
            read_pdf(page_with(content, filters), source="x.pdf")


def test_a_small_pdf_with_text_reads_through_the_bounded_decoders():
    text = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET")
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    document = read_pdf(
        pdf_of(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(text), text),
            font,
        ),
        source="x.pdf",
    )
    assert [p.text for p in document.paragraphs] == ["Hello"]


# HTML -----------------------------------------------------------------------------------

HTML = """<!DOCTYPE html><html><head><title>Không phải đoạn</title>
<style>p { color: red }</style><script>var x = "<p>không</p>";</script></head><body>
<h1>I. KẾT QUẢ</h1>
<div>Mở đầu <b>in đậm</b><p>Nhóm đạt mức Tốt 05 đơn vị: Sở&nbsp;Tư pháp, Sở Nội vụ.</p>sau</div>
<ul><li>Mục một<ul><li>Mục con</li></ul></li></ul>
<table>
 <caption>Bảng 1. Xếp hạng</caption>
 <thead>
  <tr><th rowspan="2">STT</th><th rowspan="2">Đơn vị</th><th colspan="2">Điểm</th></tr>
  <tr><th>Tổng</th><th>Xếp hạng</th></tr>
 </thead>
 <tbody>
  <tr><td>1</td><td>Sở Tư pháp</td><td>912,50</td><td>1</td></tr>
  <tr><td>2</td><td>Sở Nội vụ<table><tr><td>lồng</td><td>nhau</td></tr></table></td>
      <td colspan="2">880,25</td></tr>
 </tbody>
</table>
<p>Cuối<br>cùng</p><!-- chú thích --></body></html>"""


def test_html_is_read_in_order_with_spans_repeated():
    document = read_document_bytes(HTML.encode(), source="bao-cao.html")

    assert document.kind == "html"
    assert [p.text for p in document.paragraphs] == [
        "I. KẾT QUẢ",
        "Mở đầu in đậm",
        GOOD,
        "sau",
        "Mục một",
        "Mục con",
        "Bảng 1. Xếp hạng",
        "Cuối cùng",
    ]
    assert [p.where.paragraph for p in document.paragraphs] == list(range(1, 9))
    assert kinds(document) == ["P"] * 7 + ["T", "P"]
    (table,) = document.tables
    assert table.rows == (
        ("STT", "Đơn vị", "Điểm", "Điểm"),
        ("STT", "Đơn vị", "Tổng", "Xếp hạng"),
        ("1", "Sở Tư pháp", "912,50", "1"),
        ("2", "Sở Nội vụ lồng nhau", "880,25", "880,25"),
    )
    assert (table.where.table, table.where.paragraph) == (1, 7)


def test_html_entities_are_not_expanded_nor_files_read():
    page = (
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body><p>&b; &x;</p></body></html>'
    )
    try:
        document = read_html(page, source="x.html")
    except DocumentReadError:
        return
    text = " ".join(all_text(document))
    assert "aaaaaaaaaaaaaaaaaaaa" not in text and "root:" not in text


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><table><tr>" + "<td>ô</td>" * 10_000 + "</tr></table></body></html>",
        '<html><body><table><tr><td colspan="100000">ô</td></tr></table></body></html>',
    ],
    ids=["10000-columns", "colspan"],
)
def test_an_html_table_too_wide_is_refused(page):
    with pytest.raises(DocumentReadError, match="bảng có hơn 200 cột"):
        read_document_bytes(page.encode(), source="x.html")


def test_a_page_of_too_many_blocks_is_refused():
    page = "<html><body>" + "<p>đoạn</p>" * 20_001 + "</body></html>"
    with pytest.raises(DocumentReadError, match=r"hơn 20\.000 đoạn và bảng"):
        read_html(page, source="x.html")


def test_deeply_nested_html_is_read_or_refused():
    page = "<html><body>" + "<div><span>" * 50_000 + "sâu" + "</span></div>" * 50_000
    try:
        document = read_document_bytes(page.encode(), source="x.html")
    except DocumentReadError:
        return
    assert document.kind == "html"


def test_an_html_rowspan_of_a_million_rows_makes_no_rows():
    page = (
        '<html><body><table><tr><td rowspan="1000000">a</td><td>b</td></tr></table></body></html>'
    )
    (table,) = read_html(page, source="x.html").tables
    assert table.rows == (("a", "b"),)


# XLSX -----------------------------------------------------------------------------------


def workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sở, ngành"
    sheet["A1"] = "BẢNG XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2024"
    sheet.merge_cells("A1:D1")
    sheet["A2"] = "Khối sở, ban, ngành"
    sheet["A4"], sheet["B4"], sheet["C4"] = "STT", "Đơn vị", "Điểm"
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:B5")
    sheet.merge_cells("C4:D4")
    sheet["C5"], sheet["D5"] = "Tổng", "Tỷ lệ"
    sheet.append([1, unicodedata.normalize("NFD", "Sở Tư pháp"), 912.5, 0.9125])
    sheet.append([2, "Sở Nội vụ", 880.25, 0.88])
    sheet["D6"].number_format = sheet["D7"].number_format = "0.0%"
    sheet.append([])
    sheet.append([3, "Sở Y tế", 700, None])  # after a blank row, with numbers: same table
    sheet.append([])
    sheet.append(["Ghi chú: số liệu tạm tính"])  # after a gap, no number: a paragraph
    second = book.create_sheet("Huyện")
    second.append(["Khối huyện"])
    second.append(["Hạng", "Huyện", "Điểm"])
    second.append([1, "Huyện A", 75])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_is_read_sheet_by_sheet():
    document = read_document_bytes(workbook_bytes(), source="bang.xlsx")

    assert document.kind == "xlsx"
    assert kinds(document) == ["P", "P", "T", "P", "P", "T"]
    title, block, ranking, note, district, districts = document.blocks
    assert (title.text, title.where.sheet, title.where.line) == (
        "BẢNG XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2024",
        "Sở, ngành",
        1,
    )
    assert (block.text, block.where.line) == ("Khối sở, ban, ngành", 2)
    assert ranking.rows == (
        ("STT", "Đơn vị", "Điểm", "Điểm"),
        ("STT", "Đơn vị", "Tổng", "Tỷ lệ"),
        ("1", "Sở Tư pháp", "912.5", "91.3%"),
        ("2", "Sở Nội vụ", "880.25", "88.0%"),
        ("3", "Sở Y tế", "700", ""),
    )
    assert ranking.rows[2][1] == unicodedata.normalize("NFC", "Sở Tư pháp")
    assert ranking.lines == (4, 5, 6, 7, 9)
    assert (ranking.where.sheet, ranking.where.table) == ("Sở, ngành", 1)
    assert (note.text, note.where.line) == ("Ghi chú: số liệu tạm tính", 11)
    assert (district.text, district.where.sheet) == ("Khối huyện", "Huyện")
    assert districts.rows == (("Hạng", "Huyện", "Điểm"), ("1", "Huyện A", "75"))
    assert (districts.where.table, districts.lines) == (2, (2, 3))


def test_a_sheet_with_a_new_header_after_a_gap_has_two_tables():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Hạng", "Sở", "Điểm"], [1, "A", 5], [], ["Hạng", "Huyện", "Điểm"], [1, "B", 6]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    first, second = read_workbook(out.getvalue(), source="x.xlsx").blocks
    assert isinstance(first, Table) and isinstance(second, Table)
    assert (first.lines, second.lines) == ((1, 2), (4, 5))
    assert second.rows[0] == ("Hạng", "Huyện", "Điểm")


def test_a_sheet_too_wide_is_refused():
    book = openpyxl.Workbook()
    book.active.append(["ô"] * 201)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DocumentReadError, match="201 cột, tối đa 200"):
        read_workbook(out.getvalue(), source="x.xlsx")


# Damaged and hostile files ----------------------------------------------------------------


def reads_or_refuses(data: bytes, source: str = "tep") -> Document | DocumentReadError:
    """The document, or the DocumentReadError refusing it (naming the file, saying why):
    any other exception fails the test."""
    try:
        return read_document_bytes(data, source=source)
    except DocumentReadError as error:
        refusal = error
    assert refusal.source == source and refusal.message
    return refusal


def zip_bomb(name: str, size: int = 100 * 1024 * 1024) -> bytes:
    """An Office file whose `name` part is `size` bytes of zeros: a hundred kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as target:
            zeros = bytes(1024 * 1024)
            for _ in range(size // len(zeros)):
                target.write(zeros)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("word/document.xml", "Tệp Word giải nén ra quá lớn"),
        ("xl/workbook.xml", "Tệp Excel giải nén"),
    ],
)
def test_a_zip_bomb_is_refused_before_it_is_unpacked(name, message):
    with pytest.raises(DocumentReadError, match=message):
        read_document_bytes(zip_bomb(name), source="bomb")


def test_a_docx_with_too_many_parts_is_refused():
    members = {"word/document.xml": b"<w:document/>"}
    members.update({f"word/media/{n}.png": b"" for n in range(1001)})
    with pytest.raises(DocumentReadError, match="1002 phần, tối đa 1000"):
        read_document_bytes(zip_of(members), source="x.docx")


@pytest.mark.parametrize(
    "members",
    [
        {"word/document.xml": b"garbage <<<"},
        {"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"},
        {"xl/workbook.xml": b"garbage <<<"},
        {"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"},
    ],
    ids=["docx-garbage", "docx-empty", "xlsx-garbage", "xlsx-empty"],
)
def test_an_office_zip_with_garbage_inside_is_refused(members):
    assert isinstance(reads_or_refuses(zip_of(members)), DocumentReadError)


def later_zip_version(name: str) -> bytes:
    """A zip whose entry says it needs a zip version Python's zipfile does not know."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
        info.extract_version = 99
        archive.writestr(info, b"<document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("read", "name"),
    [(read_docx, "word/document.xml"), (read_workbook, "xl/workbook.xml")],
    ids=["docx", "xlsx"],
)
def test_a_zip_of_a_later_version_is_refused(read, name):
    with pytest.raises(DocumentReadError, match=r"không đọc được|không phải"):
        read(later_zip_version(name), source="x")


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pdf"])
def test_truncated_files_are_read_or_refused(kind, request):
    if kind == "pdf":
        data = request.getfixturevalue("pdf_bytes")
    else:
        data = report_docx() if kind == "docx" else workbook_bytes()
    for cut in (5, 30, 100, 1000, len(data) // 3, len(data) // 2, len(data) - 200, len(data) - 1):
        reads_or_refuses(data[:cut], source=f"{kind}-{cut}")


def test_random_bytes_and_garbage_bodies_are_refused():
    garbage = bytes(range(256)) * 40
    for data in (garbage, b"%PDF-1.7\n" + garbage, b"PK\x03\x04" + garbage, b"<html>\x00"):
        assert isinstance(reads_or_refuses(data), DocumentReadError)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from([b"%PDF-", b"%PDF-1.4\n1 0 obj\n<<", b"PK\x03\x04", b"<html>"]),
    body=st.binary(max_size=3000),
)
def test_any_bytes_give_a_document_or_a_read_error(prefix, body):
    reads_or_refuses(prefix + body)
