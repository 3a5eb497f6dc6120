"""What the table readers share: raw rows and tables, the read error, the unit-column labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dti.names import normalize_label

_UNIT_LABELS_AS_PRINTED = (
    "Đơn vị",
    "Tên đơn vị",
    "Cơ quan",
    "Tên cơ quan",
    "Đơn vị/Địa phương",
    "Cơ quan, đơn vị",
    "Địa phương",
    "Unit",
)
UNIT_LABELS_SHOWN = ", ".join(f"“{label}”" for label in _UNIT_LABELS_AS_PRINTED)


UNIT_COLUMN_LABELS: frozenset[str] = frozenset(
    normalize_label(label) for label in _UNIT_LABELS_AS_PRINTED
)


@dataclass(frozen=True)
class RawRow:
    number: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class RawTable:
    source: str
    sheet: str | None
    title: tuple[str, ...]
    header: RawRow
    rows: tuple[RawRow, ...]


class TableReadError(Exception):
    """A table file that cannot be read; ``str()`` names the file, sheet, row and column."""

    def __init__(
        self,
        message: str,
        *,
        source: str,
        row: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.row = row
        self.column = column
        self.sheet = sheet
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        place = [self.source]
        if self.sheet is not None:
            place.append(f"trang tính “{self.sheet}”")
        if self.row is not None:
            place.append(f"dòng {self.row}")
        if self.column is not None:
            place.append(f"cột {self.column}")
        return f"{', '.join(place)}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments defeat Exception's default pickling (multiprocessing, caches).
        return (_rebuild_error, (self.message, self.source, self.row, self.column, self.sheet))


def _rebuild_error(
    message: str, source: str, row: int | None, column: str | None, sheet: str | None
) -> TableReadError:
    return TableReadError(message, source=source, row=row, column=column, sheet=sheet)


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def no_header_error(source: str, sheet: str | None = None) -> TableReadError:
    return TableReadError(
        f"không tìm thấy dòng tiêu đề: cần một cột có nhãn {UNIT_LABELS_SHOWN}.",
        source=source,
        sheet=sheet,
    )
