"""The report's two files from one outline and one layout: the PDF drawn directly
(dti.reports.direct_pdf) and the DOCX with its tables written in bulk (dti.reports.docx).

Read back with poppler's pdftotext and pypdf, and python-docx: the same sentences in both,
"Trang x/y" on every page, the contents giving each appendix's real page, bookmarks, the
appendices on landscape pages with the header row on each, every unit once per table with
its name on one line, titled sections kept with their rows, levels not assessed said so,
and hostile unit names drawn as text."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import replace

import pytest
from docx import Document
from pypdf import PdfReader

from dti.reports.direct_pdf import render_pdf
from dti.reports.docx import render_docx
from dti.reports.model import Cell, LevelReport, Report, UnassessedLevel
from dti.reports.outline import Para, outline
from tests.core.reports import report, require
from tests.core.seeds import BINHPHUOC


def pdf_pages(pdf: bytes, *, layout: bool = False) -> list[str]:
    """The text of each page, as poppler extracts it."""
    command = [require("pdftotext"), *(["-layout"] if layout else []), "-", "-"]
    text = subprocess.run(command, input=pdf, capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def seed() -> tuple[Report, bytes, bytes]:
    built = replace(report(BINHPHUOC), keywords=("dti-sha256:" + "ab" * 32,))
    return built, render_pdf(built, charts=False), render_docx(built, charts=False)


def test_the_pdf_and_the_docx_say_every_sentence_of_the_outline(seed):
    built, pdf, docx = seed
    pdf_text = squeezed("".join(pdf_pages(pdf)))
    document = Document(io.BytesIO(docx))
    docx_text = squeezed("".join(p.text for p in document.paragraphs))
    cells = squeezed("".join(c.text for t in document.tables for row in t.rows for c in row.cells))
    sentences = [b.text for b in outline(built, charts=False) if isinstance(b, Para)]
    assert len(sentences) > 40
    for sentence in sentences:
        assert squeezed(sentence) in pdf_text, sentence
        assert squeezed(sentence) in docx_text, sentence
    for table in built.appendices[0].tables:
        for row in table.rows:
            assert squeezed("".join(cell.text for cell in row)) in cells


def test_every_pdf_page_says_trang_x_of_y_and_the_appendices_are_landscape(seed):
    _, pdf, _ = seed
    pages = pdf_pages(pdf)
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{total}" in text
    reader = PdfReader(io.BytesIO(pdf))
    contents = next(i for i, text in enumerate(pages) if "MỤC LỤC" in text)
    assert "Nơi nhận" in pages[contents - 1]  # the signature block ends the portrait pages
    for number, page in enumerate(reader.pages):
        wide = page.mediabox.width > page.mediabox.height
        assert wide == (number >= contents), number  # from the contents on


def test_the_contents_give_the_page_where_each_appendix_starts(seed):
    built, pdf, _ = seed
    pages = pdf_pages(pdf)
    contents = next(text for text in pages if "MỤC LỤC" in text)
    for appendix in built.appendices:
        label = appendix.label.upper()
        line = next(line for line in contents.splitlines() if line.startswith(label + " "))
        page = int(re.search(r"(\d+)\s*$", line).group(1))
        assert pages[page - 1].lstrip().startswith(label), (label, page)


def test_the_pdf_has_a_bookmark_for_each_section_and_appendix(seed):
    built, pdf, _ = seed
    reader = PdfReader(io.BytesIO(pdf))

    def titles(items) -> list[str]:
        found = []
        for item in items:
            found += titles(item) if isinstance(item, list) else [item.title]
        return found

    bookmarks = titles(reader.outline)
    assert bookmarks[0] == "I. MỤC ĐÍCH, NỘI DUNG VÀ PHƯƠNG PHÁP ĐÁNH GIÁ"
    for appendix in built.appendices:
        assert appendix.label.upper() in bookmarks


def test_the_pdf_keywords_are_exactly_the_reports(seed):
    built, pdf, _ = seed
    keywords = PdfReader(io.BytesIO(pdf)).metadata["/Keywords"]
    assert keywords == ", ".join(("DTI", "chuyển đổi số", *built.keywords))


def test_the_docx_numbers_pages_x_of_y_and_carries_its_contents_as_a_field(seed):
    built, _, docx = seed
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        footers = "".join(
            package.read(name).decode() for name in package.namelist() if "footer" in name
        )
        document = package.read("word/document.xml").decode()
        settings = package.read("word/settings.xml").decode()
    assert " PAGE " in footers and " NUMPAGES " in footers and "Trang " in footers
    assert ' TOC \\o "1-3" \\h \\z \\u ' in document
    assert '<w:updateFields w:val="true"/>' in settings
    assert document.count("<w:outlineLvl ") >= 4 + len(built.appendices)
    assert "DTI-APPENDIX-TABLE" not in document


def _big(level: LevelReport, units: int, sections: int) -> LevelReport:
    """The level's general table with `units` rows of distinct names in `sections`
    titled runs."""
    table = level.appendices[0].tables[0]
    name = [c.header for c in table.columns].index("Đơn vị")
    rows = []
    for number in range(units):
        template = table.rows[number % len(table.rows)]
        cells = list(template)
        cells[name] = Cell(f"Xã Mẫu {number:04d}", f"Xã Mẫu {number:04d}")
        rows.append(tuple(cells))
    step = units // sections
    big = replace(
        table,
        rows=tuple(rows),
        unit_ids=tuple(f"u{number}" for number in range(units)),
        sections=tuple((i * step, f"Khu vực {i + 1}") for i in range(sections)),
    )
    appendix = replace(level.appendices[0], tables=(big,))
    return replace(level, appendices=(appendix,))


@pytest.fixture(scope="module")
def long_report() -> tuple[Report, bytes, bytes]:
    built = report(BINHPHUOC)
    level = _big(built.levels[0], 400, 7)
    long = replace(built, levels=(level,))
    return long, render_pdf(long, charts=False), render_docx(long, charts=False)


def test_a_long_table_repeats_its_header_and_names_every_unit_once_on_one_line(long_report):
    _, pdf, _ = long_report
    pages = pdf_pages(pdf, layout=True)
    start = next(i for i, text in enumerate(pages) if text.lstrip().startswith("PHỤ LỤC I"))
    table_pages = pages[start:]
    assert len(table_pages) > 5
    for text in table_pages:
        assert "Hạng" in text and "Đơn vị" in text
    lines = [line for text in table_pages for line in text.splitlines()]
    for number in range(400):
        holding = [line for line in lines if re.search(rf"Xã Mẫu {number:04d}(?!\d)", line)]
        assert len(holding) == 1, number


def test_a_section_title_is_printed_and_never_left_at_the_foot_of_a_page(long_report):
    _, pdf, docx = long_report
    pages = pdf_pages(pdf, layout=True)
    for number in range(1, 8):
        title = f"Khu vực {number}"
        [page] = [text for text in pages if title in text]
        after = page[page.index(title) :].splitlines()[1:]
        assert any("Xã Mẫu" in line for line in after), title
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert document.count("<w:gridSpan ") == 7
    assert document.count("Khu vực ") == 7
    assert document.count("<w:noWrap/>") == 400 + 1  # every name, and the maxima's label


def test_a_level_not_assessed_has_its_own_short_section_in_both_files():
    built = report(BINHPHUOC)
    reason = "Các xã mới thành lập từ ngày 01/7/2025 đánh giá từ năm sau."
    unassessed = replace(built, unassessed=(UnassessedLevel("xa", "UBND cấp xã", reason),))
    heading = f"Khối UBND cấp xã chưa được đánh giá năm {built.year}"
    pdf = squeezed("".join(pdf_pages(render_pdf(unassessed, charts=False))))
    assert squeezed(heading) in pdf and squeezed(reason) in pdf
    docx = [p.text for p in Document(io.BytesIO(render_docx(unassessed, charts=False))).paragraphs]
    assert f"{len(built.levels) + 1}. {heading}" in docx and reason in docx


HOSTILE = (
    '<b>Xã</b> & "Thôn" ]]> <w:p/>',
    "Xã \x07chuông\x00",
    "Phường " + "Rất Dài " * 40,
    "=cmd|' /C calc'!A0",
)


def test_hostile_unit_names_are_drawn_as_text_in_both_files():
    built = report(BINHPHUOC)
    level = built.levels[0]
    table = level.appendices[0].tables[0]
    name = [c.header for c in table.columns].index("Đơn vị")
    rows = list(table.rows)
    for position, hostile in enumerate(HOSTILE):
        cells = list(rows[position])
        cells[name] = Cell(hostile, hostile)
        rows[position] = tuple(cells)
    appendix = replace(level.appendices[0], tables=(replace(table, rows=tuple(rows)),))
    hostile_report = replace(
        built, levels=(replace(level, appendices=(appendix, *level.appendices[1:])),)
    )
    document = Document(io.BytesIO(render_docx(hostile_report, charts=False)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert HOSTILE[0] in cells and "Xã chuông" in cells and HOSTILE[3] in cells
    pages = pdf_pages(render_pdf(hostile_report, charts=False), layout=True)
    text = "\n".join(pages)
    assert '<b>Xã</b> & "Thôn" ]]> <w:p/>' in text
    assert "Xã chuông" in text
    long_name = HOSTILE[2].strip()
    [line] = [line for line in text.splitlines() if "Phường Rất Dài" in line]
    assert squeezed(long_name) in squeezed(line)  # on one line, drawn smaller
