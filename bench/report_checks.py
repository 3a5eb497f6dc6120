"""The report benchmark's sanity checks at full size: every unit once in the general ranking
of the DOCX and of the XLSX, and once per ranking table in the PDFs' text.

The files are read as a reader would, without holding a 3,300-unit document in memory: the
DOCX's word/document.xml is stream-parsed (`xml.etree.ElementTree.iterparse`, each row
dropped once read), the workbook opened read-only, the PDF's text taken by `pdftotext`
(poppler-utils). Names are those of bench_engine's generator ("Xã Phước Sơn 22"), found in
the PDF's text by one pattern, so "Xã Phước Sơn 1" is never counted inside "Xã Phước Sơn 106".
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from xml.etree.ElementTree import Element, iterparse

import openpyxl

from bench_engine import PLACES, UNIT_KINDS
from dti.reports.model import Report

UNIT_HEADER = "Đơn vị"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
APPENDIX_START = re.compile(r"^\s*PHỤ LỤC I\s*$", flags=re.MULTILINE)
_SPACE = r"\s+"  # a name may be broken across lines in the PDF's text
_KINDS = "|".join(re.escape(kind).replace(r"\ ", _SPACE) for kind in UNIT_KINDS)
_PLACES = "|".join(re.escape(place).replace(r"\ ", _SPACE) for place in PLACES)
NAME = re.compile(rf"(?<!\w)(?:{_KINDS}){_SPACE}(?:{_PLACES}){_SPACE}\d+(?!\d)")
PDFTOTEXT_TIMEOUT_S = 600


def general_names(report: Report) -> list[str]:
    """The unit names of the general ranking, in rank order."""
    table = report.appendices[0].tables[0]
    position = [column.header for column in table.columns].index(UNIT_HEADER)
    return [str(row[position].value) for row in table.rows]


def ranking_counts(report: Report) -> Counter[str]:
    """How many ranking tables (appendix tables) should name each unit."""
    counts: Counter[str] = Counter()
    for appendix in report.appendices:
        for table in appendix.tables:
            position = [column.header for column in table.columns].index(UNIT_HEADER)
            counts.update(str(row[position].value) for row in table.rows)
    return counts


def once_each(what: str, found: list[str], expected: list[str]) -> list[str]:
    """Failures when `found` does not name every expected unit exactly once."""
    counts = Counter(found)
    missing = [name for name in expected if counts[name] == 0]
    twice = sorted(name for name, count in counts.items() if count > 1)
    unknown = sorted(set(counts) - set(expected))
    failures = []
    for label, names in (("misses", missing), ("repeats", twice), ("has unknown rows", unknown)):
        if names:
            failures.append(f"{what} {label} {len(names)} units (e.g. {names[0]!r})")
    return failures


# ---- DOCX -----------------------------------------------------------------------------------


def _rows(document: Path) -> Iterator[list[str]]:
    """Each row of the document's first appendix table (the first table whose header is
    'Hạng', 'Đơn vị', …) as its cells' texts, read as a stream."""
    with zipfile.ZipFile(document) as package, package.open("word/document.xml") as xml:
        body: Element | None = None
        depth, in_ranking = 0, False
        # S314: the document is the one this benchmark just rendered, not someone's upload.
        for event, element in iterparse(xml, events=("start", "end")):  # noqa: S314
            if event == "start":
                depth += element.tag == W + "tbl"
                body = element if element.tag == W + "body" else body
                continue
            if element.tag == W + "tr" and depth == 1:
                cells = [
                    "".join(t.text or "" for t in cell.iter(W + "t"))
                    for cell in element
                    if cell.tag == W + "tc"
                ]
                in_ranking = in_ranking or cells[:2] == ["Hạng", UNIT_HEADER]
                if in_ranking:
                    yield cells
                element.clear()
            elif element.tag == W + "tbl":
                depth -= 1
                if in_ranking and depth == 0:
                    return
                if depth == 0 and body is not None:
                    body.clear()  # what was read is not kept


def check_docx(document: Path, expected: list[str]) -> list[str]:
    rows = _rows(document)
    header = next(rows, None)
    if header is None:
        return ["the DOCX has no general ranking table"]
    position = header.index(UNIT_HEADER)
    found = [row[position] for row in rows if len(row) == len(header)]
    found = [name for name in found if name != "Điểm tối đa"]  # the maxima's row
    return once_each("the DOCX's general ranking", found, expected)


# ---- XLSX -----------------------------------------------------------------------------------


def check_xlsx(workbook: Path, expected: list[str]) -> list[str]:
    book = openpyxl.load_workbook(workbook, read_only=True)
    try:
        rows = book.worksheets[0].iter_rows(min_row=3, values_only=True)
        header = list(next(rows, ()))
        if UNIT_HEADER not in header:
            return ["the XLSX's first sheet has no 'Đơn vị' column in row 3"]
        position = header.index(UNIT_HEADER)
        found = []
        for row in rows:  # the units, up to the blank row before the maxima
            if len(row) <= position or row[position] is None:
                break
            found.append(str(row[position]))
        return once_each("the XLSX's general sheet", found, expected)
    finally:
        book.close()


# ---- PDF ------------------------------------------------------------------------------------


def pdf_text(pdf: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise FileNotFoundError("pdftotext is not installed (Debian package poppler-utils)")
    text = subprocess.run(  # noqa: S603  (a system tool on a file this benchmark wrote)
        [pdftotext, "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=PDFTOTEXT_TIMEOUT_S,
    ).stdout.decode("utf-8")
    return unicodedata.normalize("NFC", text)


def check_pdf(what: str, pdf: Path, expected: Mapping[str, int]) -> list[str]:
    """Every unit named in the appendices (from the heading 'PHỤ LỤC I' on) once per
    ranking table that holds it."""
    try:
        text = pdf_text(pdf)
    except (OSError, subprocess.SubprocessError) as error:
        return [f"{what}: its text could not be read ({error})"]
    start = APPENDIX_START.search(text)
    if start is None:
        return [f"{what} has no appendix heading 'PHỤ LỤC I'"]
    found = Counter(" ".join(match.group().split()) for match in NAME.finditer(text, start.end()))
    wrong = [name for name in set(expected) | set(found) if found[name] != expected.get(name)]
    if not wrong:
        return []
    name = sorted(wrong)[0]
    return [
        f"{what}: {len(wrong)} units not named once per ranking table"
        f" (e.g. {name!r}: {found[name]} times, {expected.get(name, 0)} expected)"
    ]
