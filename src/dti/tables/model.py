"""What a published result table is once understood (dti.tables.published reads it): its
columns and their roles, its rows with what was printed in each cell, and the problems found
while reading it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from dti.names import footnote_marks
from dti.tables.cells import ParsedNumber


class Role(str, Enum):
    POSITION = "position"
    UNIT = "unit"
    NODE = "node"
    TOTAL = "total"
    RATIO = "ratio"
    RANK = "rank"
    CLASS = "class"
    PREVIOUS = "previous"  # last year's rank, class or total: read, compared where known


@dataclass(frozen=True)
class TableColumn:
    position: int
    header: str
    role: Role
    node: str | None = None


@dataclass(frozen=True)
class PublishedRow:
    row: int  # physical row in the source, for messages
    unit: str  # unit id
    printed_name: str
    position: int | None = None  # None too when the table has no "STT" column
    nodes: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal | None = None
    ratio: ParsedNumber | None = None
    rank: int | None = None  # None with rank_blank: tied with the row above
    rank_blank: bool = False
    class_label: str | None = None
    previous_class: str | None = None
    # Score cells printed blank (or "-"): node codes, and TOTAL_KEY for the total column.
    # A blank is no score, never a zero: reproduce() and audit() say so for each.
    blank: tuple[str, ...] = ()


TOTAL_KEY = "total"
BLANK_MESSAGE = (
    "ô điểm để trống (hoặc công thức Excel chưa có giá trị lưu sẵn): không tính là 0 điểm"
)


@dataclass(frozen=True)
class PublishedTable:
    source: str
    title: str
    level: str
    index: str | None  # a per-index table: its scores are this main index's
    group: str | None
    columns: tuple[TableColumn, ...]
    rows: tuple[PublishedRow, ...]
    max_row: dict[str, Decimal] | None = None
    max_row_number: int | None = None

    def column(self, role: Role) -> TableColumn | None:
        return next((c for c in self.columns if c.role is role), None)

    def score_of(self, row: PublishedRow, code: str) -> Decimal | None:
        """A node's printed score: its own column, or the total column of a per-index table."""
        if code in row.nodes:
            return row.nodes[code]
        return row.total if code == self.index else None


@dataclass(frozen=True)
class TableProblem:
    source: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột “{self.column}”")
        return f"{', '.join(where)}: {self.message}"


class TableError(ValueError):
    def __init__(self, problems: Sequence[TableProblem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(map(str, self.problems)))


def unit_footnote(row: PublishedRow) -> str:
    return footnote_marks(row.printed_name)
