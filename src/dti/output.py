"""Rendering a ranking as a terminal table, CSV, JSON or XLSX. No computation here:
rows come from dti.rankings, already rounded as the policy displays them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from rich.console import Console
from rich.table import Table

from dti.fixedpoint import format_vi, round_half_up
from dti.rankings import Ranking, RankingRow
from dti.text import spreadsheet_cell, spreadsheet_text

CSV_HEADER = ("rank", "unit", "total", "applicable_max", "ratio", "class")


@dataclass(frozen=True)
class RankedUnit:
    """A ranking row with the unit's name and the ratio column of the CLI contract."""

    rank: int
    unit_id: str
    unit: str
    total: Decimal
    applicable_max: Decimal
    ratio: Decimal  # the policy's displayed percent or DTI; for point totals, percent of max
    class_label: str | None


def ranked_units(
    ranking: Ranking, unit_ids: Sequence[str], names: dict[str, str]
) -> list[RankedUnit]:
    return [_ranked(row, ranking, names) for row in ranking.rows(unit_ids)]


def _ranked(row: RankingRow, ranking: Ranking, names: dict[str, str]) -> RankedUnit:
    if row.percent or ranking.policy.comparability.value == "national_weighted":
        ratio = row.value
    elif row.applicable_max:
        ratio = round_half_up(row.total * 100 / row.applicable_max, 1)
    else:
        ratio = Decimal(0)
    return RankedUnit(
        row.rank, row.unit, names[row.unit], row.total, row.applicable_max, ratio, row.class_label
    )


def _plain(value: Decimal) -> str:
    """'99.3', '481.45', '451' : no exponent, no trailing zeros beyond what was computed."""
    return f"{value:f}"


def to_csv(rows: Sequence[RankedUnit]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow(
            [
                r.rank,
                spreadsheet_text(r.unit),
                _plain(r.total),
                _plain(r.applicable_max),
                _plain(r.ratio),
                spreadsheet_text(r.class_label or ""),
            ]
        )
    return buffer.getvalue()


def to_json(rows: Sequence[RankedUnit], meta: dict[str, object]) -> str:
    payload = {
        **meta,
        "rows": [
            {
                "rank": r.rank,
                "unit_id": r.unit_id,
                "unit": r.unit,
                "total": float(r.total),
                "applicable_max": float(r.applicable_max),
                "ratio": float(r.ratio),
                "class": r.class_label,
            }
            for r in rows
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def to_xlsx(rows: Sequence[RankedUnit], path: Path, title: str) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Xếp hạng"
    sheet.append([spreadsheet_text(title)])
    sheet["A1"].font = Font(bold=True)
    header = ["Xếp hạng", "Đơn vị", "Tổng điểm", "Điểm tối đa áp dụng", "Tỷ lệ", "Xếp loại"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r in rows:
        unit, label = spreadsheet_text(r.unit), spreadsheet_cell(r.class_label)
        sheet.append([r.rank, unit, float(r.total), float(r.applicable_max), float(r.ratio), label])
    sheet.freeze_panes = "A3"
    for column, width in zip("ABCDEF", (10, 42, 12, 14, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3, min_col=3, max_col=5):
        for cell in row:
            cell.number_format = "0.00"
    workbook.save(path)


def print_table(rows: Sequence[RankedUnit], title: str, console: Console, percent: bool) -> None:
    table = Table(title=title, title_justify="left")
    for header, justify in (
        ("Hạng", "right"),
        ("Đơn vị", "left"),
        ("Tổng điểm", "right"),
        ("Tối đa áp dụng", "right"),
        ("Tỷ lệ", "right"),
        ("Xếp loại", "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]  # rich's Literal: these are its "left" and "right"
    for r in rows:
        table.add_row(
            str(r.rank),
            r.unit,
            format_vi(r.total),
            format_vi(r.applicable_max),
            format_vi(r.ratio, percent=percent),
            r.class_label or "",
        )
    console.print(table)
