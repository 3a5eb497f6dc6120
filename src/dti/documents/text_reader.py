"""Reading a report kept as text: plain text or markdown, with its tables as tab-separated
lines (as the seeds are) or markdown pipe tables.

A line holding a tab, or a line framed by pipes (`| a | b |`), is a table row; the pipe
table's separator line (`|---|:--:|`) is dropped. Table rows separated only by blank lines
(a page break in the original) stay one table. Every other non-blank line is a paragraph;
markdown's heading marks and emphasis (`#`, `**bold**`, `*italic*`) are removed, the
footnote marks "(*)" kept. Lines are numbered from 1 for messages.
"""

from __future__ import annotations

import re

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

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BOLD = re.compile(r"(?<![(\w*])\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*(?![\w*)])")
_STRAY_BOLD = re.compile(r"(?<![(*])\*\*(?![)*])")
_ITALIC = re.compile(r"(?<![\w*(])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*)])")


def read_text(text: str, *, source: str) -> Document:
    builder = _Builder(source)
    for number, line in enumerate(text.splitlines(), start=1):
        builder.add(number, line)
    return Document(source=source, kind="text", blocks=builder.finish())


def _cells(line: str) -> list[str] | None:
    """The row's cells when `line` is a table row, else None."""
    if _PIPE_ROW.match(line):
        inner = line.strip()[1:-1]
        return [clean(cell) for cell in inner.split("|")]
    if "\t" in line:
        return [clean(cell) for cell in line.split("\t")]
    return None


def _plain(line: str) -> str:
    line = _HEADING.sub("", line)
    return clean(_STRAY_BOLD.sub("", _ITALIC.sub(r"\1", _BOLD.sub(r"\1", line))))


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks: list[Block] = []
        self.rows: list[tuple[str, ...]] = []
        self.lines: list[int] = []
        self.paragraphs = 0
        self.tables = 0

    def add(self, number: int, line: str) -> None:
        if _PIPE_SEPARATOR.match(line) and "-" in line and ("|" in line or self.rows):
            return
        cells = _cells(line)
        if cells is not None:
            if len(cells) > MAX_TABLE_COLUMNS:
                raise DocumentReadError(
                    f"bảng có {len(cells)} cột, tối đa {MAX_TABLE_COLUMNS}.",
                    source=self.source,
                    where=f"dòng {number}",
                )
            if len(self.rows) >= MAX_TABLE_ROWS:
                raise DocumentReadError(
                    f"bảng dài quá {thousands(MAX_TABLE_ROWS)} dòng.",
                    source=self.source,
                    where=f"dòng {number}",
                )
            self.rows.append(tuple(cells))
            self.lines.append(number)
            return
        text = _plain(line)
        if not text:
            return  # a blank line: a table goes on after it (a page break)
        self._close_table()
        self.paragraphs += 1
        self._append(Paragraph(text, Location(self.source, paragraph=self.paragraphs, line=number)))

    def finish(self) -> tuple[Block, ...]:
        self._close_table()
        return tuple(self.blocks)

    def _close_table(self) -> None:
        if not self.rows:
            return
        self.tables += 1
        where = Location(
            self.source,
            paragraph=self.paragraphs or None,
            table=self.tables,
            line=self.lines[0],
        )
        self._append(Table(tuple(self.rows), where, tuple(self.lines)))
        self.rows, self.lines = [], []

    def _append(self, block: Block) -> None:
        append_block(self.blocks, block, self.source)
