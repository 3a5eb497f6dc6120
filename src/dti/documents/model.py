"""A published report as blocks: paragraphs and tables in reading order, each with its place."""

from __future__ import annotations

from dataclasses import dataclass

from dti.tables.raw import thousands

# Guards, checked before any parser runs: a report is a few megabytes at most.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_BLOCKS = 20_000
MAX_TABLE_ROWS = 100_000
MAX_TABLE_COLUMNS = 200
MAX_PAGES = 500


@dataclass(frozen=True)
class Location:
    """Where a block is, as a reader of the original would look for it.

    `paragraph` counts the document's paragraphs from 1 (DOCX, text, HTML); `page` is a
    PDF's page; `sheet` an XLSX sheet; `table` counts the document's tables from 1; `line`
    is the line in a text file, or the row in a sheet."""

    source: str
    paragraph: int | None = None
    page: int | None = None
    sheet: str | None = None
    table: int | None = None
    line: int | None = None

    def describe(self) -> str:
        """In Vietnamese, as a finding names it: "trang 3, đoạn 12"."""
        parts: list[str] = []
        if self.sheet is not None:
            parts.append(f"trang tính “{self.sheet}”")
        if self.page is not None:
            parts.append(f"trang {self.page}")
        if self.table is not None:
            parts.append(f"bảng {self.table}")
        elif self.paragraph is not None:
            parts.append(f"đoạn {self.paragraph}")
        if self.line is not None and self.table is None and self.paragraph is None:
            parts.append(f"dòng {self.line}")
        return ", ".join(parts) or self.source


@dataclass(frozen=True)
class Paragraph:
    text: str  # NFC, single-spaced, stripped
    where: Location


@dataclass(frozen=True)
class Table:
    """A table's cells as printed: text, row by row, merged cells repeated in each cell they
    cover (as python-docx gives them); `lines[i]` is row i's line (text) or row (sheet) in
    the source, for messages."""

    rows: tuple[tuple[str, ...], ...]
    where: Location
    lines: tuple[int, ...] = ()
    name: str | None = None  # a loose table's file name, which the campaign's `tables` may list

    def line(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else index + 1


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    source: str
    kind: str  # "docx", "pdf", "xlsx", "html", "text", "folder"
    blocks: tuple[Block, ...]

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))


def append_block(blocks: list[Block], block: Block, source: str) -> None:
    """Add `block`, refusing a report of more than MAX_BLOCKS paragraphs and tables."""
    if len(blocks) >= MAX_BLOCKS:
        raise DocumentReadError(
            f"báo cáo có hơn {thousands(MAX_BLOCKS)} đoạn và bảng.", source=source
        )
    blocks.append(block)


class DocumentReadError(Exception):
    """A report that cannot be read, with a Vietnamese message naming the file (and the
    place in it when there is one)."""

    def __init__(self, message: str, *, source: str, where: str | None = None) -> None:
        self.message = message
        self.source = source
        self.where = where
        prefix = f"{source}, {where}" if where else source
        super().__init__(f"{prefix}: {message}")
