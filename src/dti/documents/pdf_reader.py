"""Reading a report printed to PDF (its text layer) into paragraphs and tables.

pdfplumber reads each page. Ruled tables (a Word table keeps its borders when LibreOffice or
Word prints it) are found from their lines; a cell that spans columns or rows is repeated in
each grid cell it covers, as python-docx gives a DOCX's merged cells. A table that ends one
page and starts the next (same number of columns, nothing in between) is one table; its
header row repeated on the new page is dropped.

The text outside the tables is read line by line and the lines joined back into paragraphs,
since a PDF wraps a paragraph over several lines (also across a page break). A line starts a
new paragraph when it begins with a list or heading mark (`-`, `+`, `*`, `•`, `–` then a
space, `1.`, `1.2.`, `IV.`, `a)`, `(*)`, "Bảng ", "PHỤ LỤC", "Phụ lục"), when the line
before ends a sentence (`.`, `!`, `?`, `./.`), or when the line before is short: its words
stop before the right edge of the page's text by more than this line's first word, so the
line before ended its paragraph (a heading, a title, a list item ending in `:` or `;`). A
line ending in `:` or `;` that fills the line is a wrapped sentence ("… 05 đơn vị:" then the
names): it goes on. A page number alone on the first or last line of a page is dropped.

A PDF with no text at all is a scan, refused with a message asking for the DOCX. pdfminer
decodes streams without a limit (a few kilobytes of compressed zeros inflate to gigabytes),
so its decoders are replaced, for the whole process, by bounded ones: all the streams of one
file decode to at most `MAX_DECODED_BYTES`; CCITT fax images are never decoded (they hold
no text).
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfminer import pdftypes
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.page import Page
from pdfplumber.table import Table as FoundTable

from dti.documents.cleaning import clean
from dti.documents.model import (
    MAX_PAGES,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    Block,
    Document,
    DocumentReadError,
    Location,
    Paragraph,
    Table,
    append_block,
)
from dti.tables.raw import thousands

# A report's streams decode to a few hundred kilobytes (200 KB for 16 pages).
MAX_DECODED_BYTES = 128 * 1024 * 1024
BROKEN = "không đọc được tệp PDF: tệp hỏng."
SCANNED = "tệp PDF không có lớp chữ (bản quét): hãy dùng tệp DOCX hoặc PDF xuất từ Word."
_MARK = re.compile(
    r"^(?:[-+*•–]\s|\d+(?:\.\d+)*\.(?:\s|$)|[IVXLC]+\.(?:\s|$)|[a-zđ]\)(?:\s|$)|\(\*+\)"
    r"|Bảng\s|PHỤ LỤC|Phụ lục)"
)
_SENTENCE_END = (".", "!", "?")
_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?$", re.I)

logging.getLogger("pdfminer").setLevel(logging.ERROR)  # a damaged file's warnings are not ours


def read_pdf(data: bytes, *, source: str) -> Document:
    """The report's pages as blocks; DocumentReadError when it cannot be read."""
    budget = _budget.set([MAX_DECODED_BYTES])
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise DocumentReadError(
                    f"tệp PDF có {thousands(len(pdf.pages))} trang, tối đa {MAX_PAGES}.",
                    source=source,
                )
            builder = _Builder(source)
            for number, page in enumerate(pdf.pages, start=1):
                builder.add_page(number, page)
                page.close()  # its objects are not kept once read
            blocks = builder.finish()
    except DocumentReadError:
        raise
    except Exception as exc:  # pdfminer raises anything on a damaged file; pdfplumber wraps it
        raise DocumentReadError(_why(exc), source=source) from exc
    finally:
        _budget.reset(budget)
    return Document(source=source, kind="pdf", blocks=blocks)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    width: float  # the page's, to find the right edge of the text on pages like it
    right: float = 0.0  # the right edge of the text, on pages as wide as this line's


_Rows = tuple[tuple[str, ...], ...]
_NUMBERLIKE = re.compile(r"[\d\s.,%]+")
_Box = tuple[float, float, float, float]  # x0, top, x1, bottom


class _Builder:
    """Reads the pages (`add_page`), then makes the blocks (`finish`): the right edge of the
    text, which tells a wrapped line from a paragraph's last, is measured on every page."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pages: list[tuple[int, list[_Line | _Rows]]] = []
        self.text_seen = False
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0
        self.lines: list[_Line] = []  # the paragraph being joined
        self.start = 0  # its page
        self.table: Table | None = None  # the last block, when it is a table

    def add_page(self, number: int, page: Page) -> None:
        if page.chars:
            self.text_seen = True
        found = page.find_tables()
        boxes = [table.bbox for table in found]
        items: list[tuple[float, int, _Line | _Rows]] = [
            (table.bbox[1], 0, self._rows(table, number)) for table in found
        ]
        items.extend((top, 1, line) for top, line in _lines(page, boxes))
        items.sort(key=lambda item: (item[0], item[1]))
        self.pages.append((number, [item for _, _, item in items]))

    def finish(self) -> tuple[Block, ...]:
        if not self.text_seen:
            raise DocumentReadError(SCANNED, source=self.source)
        lines = [item for _, items in self.pages for item in items if isinstance(item, _Line)]
        right: dict[float, float] = {}
        for line in lines:
            right[line.width] = max(right.get(line.width, 0.0), line.x1)
        for line in lines:
            line.right = right[line.width]
        for number, items in self.pages:
            for index, item in enumerate(items):
                if isinstance(item, _Line):
                    self._line(number, item)
                else:
                    self._table(number, item, first=index == 0)
        self._close_paragraph()
        return tuple(self.blocks)

    def _line(self, page: int, line: _Line) -> None:
        self.table = None
        if not self.lines or _starts_paragraph(self.lines[-1], line):
            self._close_paragraph()
            self.start = page
        self.lines.append(line)

    def _table(self, page: int, rows: _Rows, *, first: bool) -> None:
        if not rows:
            return
        last = self.table
        if last is not None and first and len(rows[0]) == len(last.rows[0]):
            # Continued from the page before; a repeated header row is dropped.
            more = rows[1:] if rows[0] == last.rows[0] else rows
            if more and _split_row(last.rows, more[0]):
                # A row the page break cut in two: its first cell (the position) is empty on
                # the new page while the rows above have one; each cell's text goes on.
                joined = tuple(
                    f"{a} {b}".strip() for a, b in zip(last.rows[-1], more[0], strict=True)
                )
                rows, where = (*last.rows[:-1], joined, *more[1:]), last.where
            else:
                rows, where = last.rows + more, last.where
        else:
            self._close_paragraph()
            self.tables += 1
            where = Location(
                self.source, page=page, paragraph=self.paragraphs or None, table=self.tables
            )
        if len(rows) > MAX_TABLE_ROWS:
            raise DocumentReadError(
                f"bảng dài quá {thousands(MAX_TABLE_ROWS)} dòng.",
                source=self.source,
                where=f"trang {page}",
            )
        table = Table(rows, where, tuple(range(1, len(rows) + 1)))
        if last is not None and where is last.where:
            self.blocks[-1] = table
        else:
            self._append(table)
        self.table = table

    def _rows(self, table: FoundTable, page: int) -> _Rows:
        """The table's rows of cell text, a merged cell's text repeated in each cell it
        covers (pdfplumber gives None for them)."""
        columns = sorted({cell[0] for cell in table.cells})  # as pdfplumber makes its rows
        if len(columns) > MAX_TABLE_COLUMNS:
            raise DocumentReadError(
                f"bảng có {len(columns)} cột, tối đa {MAX_TABLE_COLUMNS}.",
                source=self.source,
                where=f"trang {page}",
            )
        text_of: dict[_Box, str] = {}
        for row, texts in zip(table.rows, table.extract(), strict=True):
            for box, text in zip(row.cells, texts, strict=True):
                if box is not None:
                    text_of[box] = clean(text or "")
        rows: list[tuple[str, ...]] = []
        for row in table.rows:
            top = row.bbox[1]
            cells = []
            for x, box in zip(columns, row.cells, strict=True):
                cover = box or _covering(table.cells, x + 0.5, top + 0.5)
                cells.append(text_of.get(cover, ""))
            rows.append(tuple(cells))
        return tuple(rows)

    def _close_paragraph(self) -> None:
        text = clean(" ".join(line.text for line in self.lines))
        self.lines = []
        if text:
            self.paragraphs += 1
            where = Location(self.source, page=self.start, paragraph=self.paragraphs)
            self._append(Paragraph(text, where))

    def _append(self, block: Block) -> None:
        append_block(self.blocks, block, self.source)


def _split_row(before: _Rows, first: tuple[str, ...]) -> bool:
    """The new page's first row goes on with the row above: its first cell is empty where
    the row above has one, and it holds only text tails under cells that have text (a row
    of maxima, with numbers, is a row of its own)."""
    last = before[-1]
    return (
        len(first) == len(last)
        and not first[0]
        and bool(last[0])
        and any(first)
        and all(
            not cell or (above and not _NUMBERLIKE.fullmatch(cell))
            for cell, above in zip(first, last, strict=True)
        )
    )


def _lines(page: Page, boxes: list[_Box]) -> list[tuple[float, _Line]]:
    """The page's lines of text outside its tables, with their tops, top to bottom; a page
    number alone on the first or last line left out."""

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    found = [
        (float(line["top"]), clean(line["text"]), float(line["x0"]), float(line["x1"]))
        for line in page.filter(outside).extract_text_lines(return_chars=False)
    ]
    found = [line for line in found if line[1]]
    found.sort(key=lambda line: line[0])
    for index in (-1, 0):
        if found and _PAGE_NUMBER.match(found[index][1]):
            del found[index]
    width = round(float(page.width))
    return [(top, _Line(text, x0, x1, width)) for top, text, x0, x1 in found]


def _starts_paragraph(before: _Line, line: _Line) -> bool:
    """Whether `line` starts a paragraph after `before`; see the module's docstring."""
    if _MARK.match(line.text) or before.text.endswith(_SENTENCE_END):
        return True
    # Would this line's first word have fitted at the end of the line before?
    width = (before.x1 - before.x0) / max(len(before.text), 1)
    first_word = line.text.split(" ", 1)[0]
    return before.x1 + width * (len(first_word) + 1) < before.right - 1


def _covering(cells: list[_Box], x: float, y: float) -> _Box:
    """The cell that covers the point (a merged cell), or an empty box when none does."""
    found = (c for c in cells if c[0] <= x < c[2] and c[1] <= y < c[3])
    return next(found, (0.0, 0.0, 0.0, 0.0))


class _TooLarge(Exception):
    """A stream decodes past what is left of the file's budget."""


def _why(exc: BaseException) -> str:
    """The message for an exception pdfplumber raised (it wraps pdfminer's in its own)."""
    error: BaseException | None = exc
    for _ in range(20):  # the chain is a few exceptions long; a loop in it ends here
        if isinstance(error, _TooLarge):
            return (
                f"tệp PDF giải nén ra hơn {thousands(MAX_DECODED_BYTES)} byte: tệp hỏng "
                "hoặc cố ý làm quá tải."
            )
        if isinstance(error, PDFEncryptionError):
            return "tệp PDF có mật khẩu: hãy gửi bản không đặt mật khẩu."
        if error is None:
            break
        error = error.__cause__ or error.__context__
    return BROKEN


# Bounded decoders for pdfminer ---------------------------------------------------------

_budget: ContextVar[list[int] | None] = ContextVar("pdf_decode_budget", default=None)


def _left() -> int:
    budget = _budget.get()
    return budget[0] if budget is not None else MAX_DECODED_BYTES


def _take(out: bytes | bytearray) -> bytes:
    """`out`, counted against the budget; _TooLarge past it."""
    if len(out) > _left():
        raise _TooLarge
    budget = _budget.get()
    if budget is not None:
        budget[0] -= len(out)
    return bytes(out)


class _Inflater:
    """zlib's decompressobj, never giving more than the budget left."""

    def __init__(self) -> None:
        self.inflater = zlib.decompressobj()

    def decompress(self, data: bytes) -> bytes:
        out = self.inflater.decompress(data, _left() + 1)
        if self.inflater.unconsumed_tail:
            raise _TooLarge
        return _take(out)


class _BoundedZlib:
    """What pdfminer uses of `zlib`, bounded."""

    error = zlib.error
    decompressobj = _Inflater

    @staticmethod
    def decompress(data: bytes) -> bytes:
        inflater = _Inflater()
        out = inflater.decompress(data)
        if not inflater.inflater.eof:
            raise zlib.error("incomplete or truncated stream")  # as zlib.decompress says
        return out


def _lzw(data: bytes) -> bytes:
    out = bytearray()
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        out += chunk
        if len(out) > _left():
            raise _TooLarge
    return _take(out)


def _run_length(data: bytes) -> bytes:
    """PDF's RunLengthDecode, stopping at the budget (pdfminer's builds a list of ints)."""
    out = bytearray()
    index = 0
    while index < len(data) and data[index] != 128 and len(out) <= _left():
        length = data[index]
        if length < 128:
            out += data[index + 1 : index + 2 + length]
            index += 2 + length
        else:
            out += data[index + 1 : index + 2] * (257 - length)
            index += 2
    return _take(out)


def _bounded(decode: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """A decoder giving at most 4 times its input (ASCII85's `z`): its input checked first."""

    def bounded_decode(data: bytes) -> bytes:
        if len(data) > _left():
            raise _TooLarge
        return _take(decode(data))

    return bounded_decode


def _no_image(data: bytes, params: object) -> bytes:
    return b""


def _replace_decoders() -> None:
    bounded: dict[str, object] = {
        "zlib": _BoundedZlib,
        "lzwdecode": _lzw,
        "rldecode": _run_length,
        "ascii85decode": _bounded(ascii85decode),
        "asciihexdecode": _bounded(asciihexdecode),
        "ccittfaxdecode": _no_image,
    }
    for name, decoder in bounded.items():
        if not hasattr(pdftypes, name):  # a pdfminer that no longer decodes through it
            raise ImportError(f"pdfminer.pdftypes.{name} is gone: check the bounded decoders")
        setattr(pdftypes, name, decoder)


_replace_decoders()
