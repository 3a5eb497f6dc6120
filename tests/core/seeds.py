"""Reading the printed seed tables independently of dti's own reader, for expectations."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tests.conftest import EXAMPLES, TABLES

BINHDINH = EXAMPLES / "binhdinh-2023.yaml"
BINHPHUOC = EXAMPLES / "binhphuoc-2024.yaml"


@dataclass(frozen=True)
class Printed:
    line: int
    cells: dict[str, str]

    def number(self, column: str) -> Decimal:
        return Decimal(self.cells[column].replace(",", ".").rstrip("%").strip())

    @property
    def name(self) -> str:
        return self.cells["Đơn vị"].rstrip("*")


def printed_rows(path: Path) -> list[Printed]:
    """Data rows of a printed table with their physical line numbers (max rows left out)."""
    with path.open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle, delimiter="\t"))
    header = lines[0]
    return [
        Printed(number, dict(zip(header, cells, strict=False)))  # short rows: trailing blanks
        for number, cells in enumerate(lines[1:], start=2)
        if any(c.strip() for c in cells) and cells[0].strip() and cells[1].strip() != "Điểm tối đa"
    ]


def table(province: str, name: str) -> Path:
    return TABLES / province / name
