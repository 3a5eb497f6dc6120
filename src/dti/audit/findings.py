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
        # previous_class, group
    )
    table: str
    row: int | None
    unit: str | None
    column: str | None
    published: str | None
    expected: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = [self.table]
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.unit:
            where.append(self.unit)
        if self.column:
            where.append(f"cột “{self.column}”")
        return f"[{self.kind}] {', '.join(where)}: {self.message}"


def vi(value: Decimal) -> str:
    return format_vi(value.normalize() if value == value.to_integral() else value)
