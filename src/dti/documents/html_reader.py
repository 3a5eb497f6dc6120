"""Reading a report published as a web page (HTML) into paragraphs and tables.

lxml's HTML parser reads the page without the network, comments or processing
instructions; HTML has no entity declarations to expand, only character references. The
tree is walked in document order, without recursion (libxml2 keeps at most 256 levels of
nesting anyway). `head`, scripts, styles, forms' lists and embedded pictures are not text.

Paragraphs are the page's blocks as a browser lays them out: text between the start and end
of block elements (`p`, `h1`–`h6`, `li`, `div`, `blockquote`…) is one paragraph, so a
`div` holding text directly is a paragraph, and a `div` holding only `p`s gives their
paragraphs and nothing more; `br` is a space. Paragraphs are numbered from 1 as in a DOCX.

A `table` that is not inside another table is a table: its rows are its `tr` (also in
`thead`, `tbody`, `tfoot`), its cells `td` and `th`. A cell spanning columns (`colspan`) is
repeated in each column it covers, one spanning rows (`rowspan`) in each row below it, as
python-docx gives a DOCX's merged cells. A table inside a cell is flattened into the cell's
text. The table's `caption` is the paragraph before it.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
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
from dti.tables.raw import thousands

BROKEN = "không đọc được tệp HTML: tệp hỏng."
_HEADINGS = {f"h{level}" for level in range(1, 7)}
_BLOCKS = _HEADINGS | {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
_SKIPPED = {
    "button",
    "canvas",
    "embed",
    "head",
    "iframe",
    "math",
    "noscript",
    "object",
    "script",
    "select",
    "style",
    "svg",
    "template",
    "textarea",
    "title",
}
_SECTIONS = {"thead", "tbody", "tfoot"}


def read_html(text: str, *, source: str) -> Document:
    """The page's blocks; DocumentReadError when it cannot be read."""
    parser = lxml.html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True
    )
    try:
        # Bytes, so that an XML declaration naming an encoding is no error.
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
        return Document(source=source, kind="html", blocks=_Reader(source).read(root))
    except DocumentReadError:
        raise
    except Exception as exc:  # lxml's ParserError, XMLSyntaxError, ValueError…
        raise DocumentReadError(BROKEN, source=source) from exc


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0
        self.text: list[str] = []  # the paragraph being read

    def read(self, root: etree._Element) -> tuple[Block, ...]:
        walk = etree.iterwalk(root, events=("start", "end"))
        for event, element in walk:
            tag = _tag(element)
            if event == "start":
                if tag in _SKIPPED:
                    walk.skip_subtree()
                elif tag == "table":
                    self._flush()
                    self._table(element)
                    walk.skip_subtree()
                else:
                    if tag in _BLOCKS:
                        self._flush()
                    self.text.append(" " if tag == "br" else element.text or "")
            else:
                if tag in _BLOCKS:
                    self._flush()
                if element is not root:
                    self.text.append(element.tail or "")
        self._flush()
        return tuple(self.blocks)

    def _flush(self) -> None:
        text = clean("".join(self.text))
        self.text = []
        if text:
            self.paragraphs += 1
            self._append(Paragraph(text, Location(self.source, paragraph=self.paragraphs)))

    def _table(self, table: etree._Element) -> None:
        for caption in table.iterchildren("caption"):
            self.text.append(_flow_text(caption))
            self._flush()
        rows = self._rows(table)
        if rows:
            self.tables += 1
            where = Location(self.source, paragraph=self.paragraphs or None, table=self.tables)
            self._append(Table(rows, where, tuple(range(1, len(rows) + 1))))

    def _rows(self, table: etree._Element) -> tuple[tuple[str, ...], ...]:
        rows: list[tuple[str, ...]] = []
        below: dict[int, tuple[str, int]] = {}  # column -> a rowspan's text, rows it has left
        for row in _table_rows(table):
            if len(rows) >= MAX_TABLE_ROWS:
                raise self._table_error(f"bảng dài quá {thousands(MAX_TABLE_ROWS)} dòng.")
            cells: dict[int, str] = {}
            for column, (text, left) in list(below.items()):
                cells[column] = text
                if left > 1:
                    below[column] = (text, left - 1)
                else:
                    del below[column]
            column = 0
            for cell in row.iterchildren("td", "th"):
                while column in cells:
                    column += 1
                text = clean(_flow_text(cell))
                down = _span(cell, "rowspan", MAX_TABLE_ROWS)
                for _ in range(_span(cell, "colspan", MAX_TABLE_COLUMNS + 1)):
                    if column >= MAX_TABLE_COLUMNS:
                        raise self._table_error(f"bảng có hơn {MAX_TABLE_COLUMNS} cột.")
                    cells[column] = text
                    if down > 1:
                        below[column] = (text, down - 1)
                    column += 1
            width = max(cells, default=-1) + 1
            rows.append(tuple(cells.get(index, "") for index in range(width)))
        return tuple(rows)

    def _append(self, block: Block) -> None:
        append_block(self.blocks, block, self.source)

    def _table_error(self, message: str) -> DocumentReadError:
        return DocumentReadError(message, source=self.source, where=f"bảng {self.tables + 1}")


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _table_rows(table: etree._Element) -> Iterator[etree._Element]:
    for child in table.iterchildren():
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in _SECTIONS:
            yield from child.iterchildren("tr")


def _flow_text(element: etree._Element) -> str:
    """The text of `element` and what it holds, blocks (and nested cells) set apart by a
    space, scripts and styles left out."""
    parts: list[str] = []
    walk = etree.iterwalk(element, events=("start", "end"))
    for event, child in walk:
        tag = _tag(child)
        if event == "start":
            if tag in _SKIPPED:
                walk.skip_subtree()
                continue
            parts.append(" " if tag in _BLOCKS or tag == "br" else "")
            parts.append(child.text or "")
        else:
            if tag in _BLOCKS:
                parts.append(" ")
            if child is not element:
                parts.append(child.tail or "")
    return "".join(parts)


def _span(cell: etree._Element, name: str, limit: int) -> int:
    """A cell's colspan or rowspan, 1 when missing or not a number; rowspan="0" (to the end
    of the table) is as many rows as a table may have."""
    value = (cell.get(name) or "").strip()
    try:
        number = int(value)
    except ValueError:
        return 1
    if number == 0 and name == "rowspan":
        return limit
    return min(max(number, 1), limit)
