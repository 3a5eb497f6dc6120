"""The PDF: LibreOffice converts the generated DOCX, poppler renders every page, and no
glyph is missing: only Liberation (or Noto) fonts are embedded, nothing substituted, and
every character of the document is in the font's character map.

LibreOffice and poppler-utils come from Debian (`make test` installs them); without them
these tests fail, they never skip. The conversion is made once for the module's tests that
read it; those that convert are marked `slow`."""

from __future__ import annotations

import io
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document
from fontTools.ttLib import TTFont

from dti.reports import pdf
from dti.reports.charts import FONT_DIR
from dti.reports.data import build_report
from dti.reports.docx import render_docx
from dti.reports.model import Report
from tests.core.reports import campaign, report, require, results
from tests.core.seeds import BINHDINH, BINHPHUOC

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> tuple[Report, bytes, Path]:
    for tool in ("soffice", "pdftoppm", "pdffonts", "pdftotext", "pdfinfo"):
        require(tool)
    built = report(BINHPHUOC)
    docx = render_docx(built, profiles=True)
    path = tmp_path_factory.mktemp("pdf") / "bao-cao.pdf"
    path.write_bytes(pdf.convert_to_pdf(docx))
    return built, docx, path


def run(*command: object) -> str:
    return subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.slow  # a real LibreOffice conversion
def test_every_page_renders_to_png(converted):
    _, _, path = converted
    info = run("pdfinfo", path).splitlines()
    pages = int(next(line for line in info if line.startswith("Pages:")).split()[1])
    run("pdftoppm", "-r", "40", "-png", path, path.parent / "page")
    images = sorted(path.parent.glob("page-*.png"))
    assert pages > 10
    assert len(images) == pages
    assert all(
        image.read_bytes().startswith(PNG) and image.stat().st_size > 2000 for image in images
    )


def embedded_fonts(path: Path) -> list[tuple[str, str]]:
    """(font name without its subset prefix, embedded?) for each font pdffonts lists."""
    lines = run("pdffonts", path).splitlines()[2:]
    fonts = []
    for line in lines:
        name = line.split()[0].split("+")[-1]
        embedded = line[line.index(" yes ") if " yes " in line else 0 :].split()[0]
        fonts.append((name, embedded))
    return fonts


@pytest.mark.slow  # a real LibreOffice conversion
def test_only_liberation_or_noto_fonts_are_embedded_and_nothing_is_substituted(converted):
    _, _, path = converted
    fonts = embedded_fonts(path)
    assert {name for name, _ in fonts} == {
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    }
    assert all(embedded == "yes" for _, embedded in fonts)


def font_file(name: str) -> Path:
    """'LiberationSerif-Bold' -> …/LiberationSerif-Bold.ttf; 'LiberationSerif' -> Regular."""
    return FONT_DIR / f"{name if '-' in name else name + '-Regular'}.ttf"


def document_text(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in document.sections for p in section.footer.paragraphs]
    return "\n".join(parts)


def chart_text(built: Report) -> str:
    """What the charts write: class labels, index and unit names, percents, titles."""
    parts = ["Xếp loại khối Tỷ lệ điểm bình quân theo chỉ số chính — Bình quân của khối Số đơn vị"]
    for level in built.levels:
        parts += [level.name, *(c.label for c in level.classes), *(i.name for i in level.indices)]
        parts += [f"{p.name} (hạng {p.rank}) 0123456789,%" for p in level.profiles]
    return " ".join(parts)


def missing(text: str, font: Path) -> set[str]:
    cmap = TTFont(font).getBestCmap()
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}


@pytest.mark.slow  # a real LibreOffice conversion
def test_every_character_of_the_document_is_in_the_embedded_fonts(converted):
    _, docx, path = converted
    text = document_text(docx) + run("pdftotext", "-enc", "UTF-8", path, "-")
    assert "Nhóm đạt mức Tốt 05 đơn vị" in run("pdftotext", "-enc", "UTF-8", path, "-")
    assert any(ch in text for ch in "ƠƯẠơưạ")
    for name, _ in embedded_fonts(path):
        assert missing(text, font_file(name)) == set(), name


def test_every_character_of_the_charts_is_in_their_font():
    built = report(BINHPHUOC)  # the report the PDF is made of; the charts need no PDF
    for font in ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"):
        assert missing(chart_text(built), FONT_DIR / font) == set(), font


def test_missing_libreoffice_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(pdf.PdfError, match=r"Không tìm thấy LibreOffice.*libreoffice-writer-nogui"):
        pdf.convert_to_pdf(b"")


def test_a_conversion_past_its_timeout_is_stopped_with_a_clear_error():
    require("soffice")
    with pytest.raises(pdf.PdfError, match=r"không chuyển xong báo cáo sang PDF trong 0\.01 giây"):
        pdf.convert_to_pdf(render_docx(report(BINHDINH), charts=False), timeout=0.01)


@pytest.mark.slow  # a real LibreOffice conversion
def test_a_file_libreoffice_cannot_read_gives_a_clear_error():
    require("soffice")
    with pytest.raises(pdf.PdfError, match="LibreOffice không tạo được tệp PDF"):
        pdf.convert_to_pdf(b"PK\x03\x04 not really a document")


@pytest.mark.slow  # a real LibreOffice conversion
def test_simultaneous_conversions_each_get_their_own_profile_and_pdf():
    require("soffice")
    small = build_report(campaign(BINHDINH), {"huyen": results(BINHDINH)["huyen"]})
    docx = render_docx(small, charts=False)
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda _: pdf.convert_to_pdf(docx), range(2)))
    assert all(document.startswith(b"%PDF-") for document in pdfs)
