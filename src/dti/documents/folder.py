"""A folder of loose tables, as offices hand them over: each file one table (TSV, CSV or
XLSX, read by `dti.tables.reader`), in the order of their names. A file's title lines become
the paragraphs before its table, and its name is kept: the campaign's `tables` list may say
by file name which level, index or group it shows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dti.documents.model import (
    MAX_BLOCKS,
    Block,
    Document,
    DocumentReadError,
    Location,
    Paragraph,
    Table,
)
from dti.documents.read import read_document
from dti.tables.reader import TableReadError, read_table

_SKIPPED = (".", "~$")  # hidden files, Office's lock files
_NO_HEADER = "không tìm thấy dòng tiêu đề"


def _named(block: Block, name: str) -> Block:
    return replace(block, name=name) if isinstance(block, Table) else block


def read_folder(folder: Path) -> Document:
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(_SKIPPED))
    if not files:
        raise DocumentReadError("thư mục không có tệp bảng nào.", source=str(folder))
    if len(files) > MAX_BLOCKS:
        raise DocumentReadError("thư mục có quá nhiều tệp.", source=str(folder))
    blocks: list[Block] = []
    for number, path in enumerate(files, start=1):
        try:
            raw = read_table(path)
        except TableReadError as exc:
            if not exc.message.startswith(_NO_HEADER):
                raise DocumentReadError(exc.message, source=path.name) from exc
            # Not a ranking (a framework's summary, say): read as a small report of its own.
            blocks += [_named(b, path.name) for b in read_document(path).blocks]
            continue
        for line in raw.title:
            blocks.append(Paragraph(line, Location(path.name)))
        rows = (raw.header.cells, *(row.cells for row in raw.rows))
        lines = (raw.header.number, *(row.number for row in raw.rows))
        where = Location(path.name, sheet=raw.sheet, table=number, line=raw.header.number)
        blocks.append(Table(tuple(rows), where, tuple(lines), name=path.name))
    return Document(source=str(folder), kind="folder", blocks=tuple(blocks))
