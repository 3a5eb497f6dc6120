"""What the audit of published tables reports: one finding, with where it is and what was
expected, in Vietnamese."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from dti.fixedpoint import format_vi


@dataclass(frozen=True)
class Finding:
    kind: (
        str  # blank, sum, over_max, max_row, cross_table, order, rank, ratio, class,
        # previous_class, parts; in a whole report also unread, composed, framework, and
        # the narrative's class_count, class_units, unit_count, share, unknown_unit, year,
        # average, threshold, top, index_count, applicable_max, footnote (docs/tables.md)
    )
    table: str
    row: int | None
    unit: str | None
    column: str | None
    published: str | None
    expected: str | None
    message: str
    # Where in the report (file, page, paragraph or table), the row or sentence as printed,
    # and the part of it that is wrong: for the findings report sent back to the author.
    location: str | None = None
    context: str | None = None
    mark: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = [self.table]
        if self.row is None and self.location and self.table not in self.location:
            # a sentence checked against a table: where the sentence is, then the table
            where.insert(0, self.location.split(", ", 1)[-1])
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.unit:
            where.append(self.unit)
        if self.column:
            where.append(f"cột “{self.column}”")
        return f"[{self.kind}] {', '.join(where)}: {self.message}"


def vi(value: Decimal) -> str:
    return format_vi(value.normalize() if value == value.to_integral() else value)
