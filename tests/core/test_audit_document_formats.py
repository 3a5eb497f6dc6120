"""The same report as text, DOCX and PDF gives the same findings: the DOCX is made from the
seed's text with python-docx (each line a paragraph, each tab-separated run a bordered table),
the PDF from that DOCX by LibreOffice, as an office would publish it."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from docx import Document as Docx

from dti.audit.document import audit_documents
from dti.campaign import load_campaign
from dti.documents import read_document, read_document_bytes
from dti.reports.pdf import convert_to_pdf
from tests.core.seeds import BINHDINH, BINHPHUOC
from tests.core.test_audit_documents import BINHDINH_REPORT, BINHPHUOC_REPORT


def as_docx(text: str) -> bytes:
    import io

    document = Docx()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for i, cells in enumerate(rows):
            for j, cell in enumerate(cells):
                table.cell(i, j).text = cell
        rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
        elif line.strip():
            flush()
            document.add_paragraph(re.sub(r"(?<!\()\*\*(?![)*])", "", line).strip())
    flush()
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def essence(result) -> Counter[tuple[object, ...]]:
    """What a finding says, without where it is (a page is no paragraph number)."""
    return Counter(
        (
            f.kind,
            f.table if f.row is not None else None,
            f.row,
            f.unit,
            f.column,
            f.published,
            f.expected,
        )
        for f in result.findings
    )


@pytest.fixture(scope="module", params=[(BINHPHUOC, BINHPHUOC_REPORT), (BINHDINH, BINHDINH_REPORT)])
def formats(request):
    campaign_file, report = request.param
    campaign = load_campaign(campaign_file)
    docx = as_docx(report.read_text(encoding="utf-8"))
    pdf = convert_to_pdf(docx)
    return {
        "text": audit_documents(campaign, [read_document(report)]),
        "docx": audit_documents(campaign, [read_document_bytes(docx, source="bao-cao.docx")]),
        "pdf": audit_documents(campaign, [read_document_bytes(pdf, source="bao-cao.pdf")]),
    }


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_same_findings_as_the_text(formats, kind):
    text, other = formats["text"], formats[kind]
    assert [(t.label, t.kind, t.level, t.index, t.group) for t in other.tables] == [
        (t.label, t.kind, t.level, t.index, t.group) for t in text.tables
    ]
    assert essence(other) == essence(text)
    assert Counter(c.kind for c in other.checked) == Counter(c.kind for c in text.checked)


def test_a_pdf_finding_names_its_page(formats):
    pdf = formats["pdf"]
    assert pdf.findings and all("trang " in (f.location or "") for f in pdf.findings)


def as_html(text: str) -> str:
    import html

    out, rows = ["<html><body>"], []
    for line in [*text.splitlines(), "."]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows and line.strip():  # a blank line inside a table is a page break
            out.append("<table>")
            out += [
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
            ]
            out.append("</table>")
            rows = []
        if line.strip():
            plain = re.sub(r"(?<!\()\*\*(?![)*])", "", line)
            out.append(f"<p>{html.escape(plain)}</p>")
    return "\n".join([*out, "</body></html>"])


def as_xlsx(text: str) -> bytes:
    """The report's tables as a workbook, one sheet each, its caption in the row above."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    caption, rows, sheets = "", [], []
    for line in [*text.splitlines(), "."]:
        if "\t" in line:
            rows.append(line.split("\t"))
        elif rows and line.strip():
            sheets.append((caption, rows))
            rows = []
        if line.strip() and "\t" not in line:
            caption = line
    for number, (title, table) in enumerate(sheets, start=1):
        sheet = book.create_sheet(f"Bảng {number}")
        sheet.append([title])
        for row in table:
            sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_the_report_as_html_gives_the_same_findings():
    campaign = load_campaign(BINHPHUOC)
    text = BINHPHUOC_REPORT.read_text(encoding="utf-8")
    page = read_document_bytes(as_html(text).encode(), source="bao-cao.html")
    assert page.kind == "html"
    assert essence(audit_documents(campaign, [page])) == essence(
        audit_documents(campaign, [read_document(BINHPHUOC_REPORT)])
    )


def test_the_appendices_as_a_workbook_give_the_same_table_findings():
    campaign = load_campaign(BINHPHUOC)
    text = BINHPHUOC_REPORT.read_text(encoding="utf-8")
    book = read_document_bytes(as_xlsx(text), source="phu-luc.xlsx")
    result = audit_documents(campaign, [book])
    assert [(t.kind, t.level, t.group) for t in result.tables] == [
        ("general", "so", None), ("group", "so", "co_dvctt"),
        ("group", "so", "khong_dvctt"), ("general", "huyen", None),
    ]  # fmt: skip
    text_result = audit_documents(campaign, [read_document(BINHPHUOC_REPORT)])
    tables_only = Counter(
        (f.kind, f.row, f.unit, f.column, f.published, f.expected)
        for f in text_result.findings
        if f.row is not None
    )
    assert Counter((f.kind, f.row, f.unit, f.column, f.published, f.expected)
                   for f in result.findings if f.row is not None) == tables_only  # fmt: skip
