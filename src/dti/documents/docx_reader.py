"""Reading a report written in Word (DOCX) into paragraphs and tables, in reading order.

The zip is looked at before python-docx opens it (entries, unpacked size, compression ratio:
a zip bomb is refused before a byte of XML is parsed), then the body is walked element by
element: `w:p` and `w:tbl` in order, content controls (`w:sdt`, where Word keeps a table of
contents) opened. Headers, footers, footnotes and text boxes are not read.

A paragraph's text is the text of its runs as Word prints it: runs inside hyperlinks, fields,
content controls and tracked insertions included, tracked deletions and field codes left out.
A table's rows hold one text per grid column: a cell spanning columns (`w:gridSpan`) is
repeated in each column it covers, a cell merged down (`w:vMerge`) repeats the text of the
cell it continues, as python-docx's `row.cells` does; a row starting after the first column
(`w:gridBefore`) begins with empty cells. A table nested in a cell is flattened into the
cell's text.

python-docx parses with `resolve_entities=False`: an entity declared in the XML is never
expanded ("billion laughs"), and libxml2 loads no external DTD.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from lxml import etree

from dti.documents.cleaning import clean
from dti.documents.model import (
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
from dti.tables.archive import DEFAULT_LIMITS, ArchiveLimits, archive_problem
from dti.tables.raw import thousands

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_SDT, _SDT_CONTENT, _CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
# Wrappers whose children are laid out as if they stood in the wrapper's place.
_WRAPPERS = {_SDT, _SDT_CONTENT, _CUSTOM_XML}
# What is not printed in the paragraph's line: deleted text, text boxes (and their VML copy
# in mc:Fallback), and a cell's properties.
_NOT_PRINTED = {
    f"{_W}del",
    f"{_W}moveFrom",
    f"{_W}txbxContent",
    f"{_W}rPr",
    f"{_W}pPr",
    f"{_W}tcPr",
    f"{_W}trPr",
    f"{_W}tblPr",
    f"{_W}tblGrid",
    f"{_W}sdtPr",
    f"{_W}instrText",
    f"{_MC}Fallback",
}
_SPACES = {f"{_W}tab", f"{_W}ptab", f"{_W}br", f"{_W}cr"}

BROKEN = "không đọc được tệp DOCX: tệp hỏng hoặc không phải văn bản Word."


def docx_archive_problem(data: bytes, limits: ArchiveLimits = DEFAULT_LIMITS) -> str | None:
    """Why `data` is no DOCX to open (in Vietnamese), or None when it may be opened: the
    same limits as an XLSX (`dti.tables.archive`), read from the zip's directory."""
    return archive_problem(data, "word/document.xml", "Tệp Word", BROKEN, limits)


def read_docx(data: bytes, *, source: str) -> Document:
    """The report's body as blocks; DocumentReadError when it cannot be read."""
    problem = docx_archive_problem(data)
    if problem is not None:
        raise DocumentReadError(problem, source=source)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
        blocks = _Reader(source).read(body)
    except DocumentReadError:
        raise
    except Exception as exc:  # zipfile, lxml, python-docx: a dozen types on damaged files
        raise DocumentReadError(BROKEN, source=source) from exc
    return Document(source=source, kind="docx", blocks=blocks)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def read(self, body: etree._Element) -> tuple[Block, ...]:
        for element in _content(body):
            if element.tag == _P:
                text = clean(_text(element))
                if text:
                    self.paragraphs += 1
                    self._append(Paragraph(text, Location(self.source, paragraph=self.paragraphs)))
            else:
                rows = self._rows(element)
                if rows:
                    self.tables += 1
                    where = Location(
                        self.source, paragraph=self.paragraphs or None, table=self.tables
                    )
                    self._append(Table(rows, where, tuple(range(1, len(rows) + 1))))
        return tuple(self.blocks)

    def _rows(self, table: etree._Element) -> tuple[tuple[str, ...], ...]:
        """One text per grid column and row; see the module's docstring for merged cells."""
        rows: list[tuple[str, ...]] = []
        above: list[str] = []  # the previous row, for cells merged down
        for number, row in enumerate(_children(table, _TR), start=1):
            if number > MAX_TABLE_ROWS:
                raise self._table_error(f"bảng dài quá {thousands(MAX_TABLE_ROWS)} dòng.")
            cells = [""] * _grid_before(row)
            for cell in _children(row, _TC):
                span = _grid_span(cell)
                if len(cells) + span > MAX_TABLE_COLUMNS:
                    raise self._table_error(f"bảng có hơn {MAX_TABLE_COLUMNS} cột.")
                if _merged_down(cell):
                    start = len(cells)
                    cells.extend(above[start : start + span])
                    cells.extend([""] * (start + span - len(cells)))
                else:
                    cells.extend([clean(_cell_text(cell))] * span)
            rows.append(tuple(cells))
            above = cells
        return tuple(rows)

    def _append(self, block: Block) -> None:
        append_block(self.blocks, block, self.source)

    def _table_error(self, message: str) -> DocumentReadError:
        """The table being read is too large; it will be table number `tables + 1`."""
        return DocumentReadError(message, source=self.source, where=f"bảng {self.tables + 1}")


def _content(container: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and tables of a body or cell, in order, through content controls."""
    stack = list(reversed(container))
    while stack:
        element = stack.pop()
        if element.tag in (_P, _TBL):
            yield element
        elif element.tag in _WRAPPERS:
            stack.extend(reversed(element))


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """`parent`'s children named `tag`, also those wrapped in a content control."""
    for element in _content_like(parent):
        if element.tag == tag:
            yield element


def _content_like(parent: etree._Element) -> Iterator[etree._Element]:
    stack = list(reversed(parent))
    while stack:
        element = stack.pop()
        if element.tag in _WRAPPERS:
            stack.extend(reversed(element))
        else:
            yield element


def _text(paragraph: etree._Element) -> str:
    """The printed text of a paragraph (its runs, wherever they are nested)."""
    parts: list[str] = []
    stack = [paragraph]
    while stack:
        element = stack.pop()
        tag = element.tag
        if not isinstance(tag, str) or tag in _NOT_PRINTED:
            continue
        if tag == f"{_W}t":
            parts.append(element.text or "")
        elif tag in _SPACES:
            parts.append(" ")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            stack.extend(reversed(element))
    return "".join(parts)


def _cell_text(cell: etree._Element) -> str:
    """A cell's paragraphs, and the cells of a table nested in it, as one text."""
    parts: list[str] = []
    stack = [cell]
    while stack:
        element = stack.pop()
        if element.tag == _P:
            parts.append(_text(element))
        elif element.tag in (_TC, _TBL, _TR) or element.tag in _WRAPPERS:
            stack.extend(reversed(element))
    return " ".join(parts)


def _grid_span(cell: etree._Element) -> int:
    value = _property(cell, f"{_W}tcPr/{_W}gridSpan")
    return min(max(value or 1, 1), MAX_TABLE_COLUMNS + 1)


def _grid_before(row: etree._Element) -> int:
    value = _property(row, f"{_W}trPr/{_W}gridBefore")
    return min(max(value or 0, 0), MAX_TABLE_COLUMNS + 1)


def _merged_down(cell: etree._Element) -> bool:
    """Whether the cell continues the one above (`w:vMerge` without val, or "continue")."""
    merge = cell.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(f"{_W}val", "continue") == "continue"


def _property(element: etree._Element, path: str) -> int | None:
    found = element.find(path)
    value = found.get(f"{_W}val") if found is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
