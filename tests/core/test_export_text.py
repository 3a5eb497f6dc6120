"""Every CSV and XLSX the core writes keeps text as text: a unit named like a formula comes
out inert (an apostrophe first, as spreadsheet programs write it), a control character is
dropped so the workbook still opens, and numbers stay numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
from hypothesis import assume, given
from hypothesis import strategies as st

from dti.output import RankedUnit, to_csv, to_xlsx
from dti.reports.model import Cell, Report
from dti.reports.xlsx import render_xlsx
from dti.text import clean_text, spreadsheet_cell, spreadsheet_text, typed_text
from tests.core.reports import report
from tests.core.seeds import BINHDINH

FORMULA = '=HYPERLINK("http://x","y")'
INERT = "'" + FORMULA


def ranked(name: str, label: str | None = "Tốt") -> RankedUnit:
    return RankedUnit(1, "u1", name, Decimal("481.45"), Decimal("500"), Decimal("96.29"), label)


def test_a_ranking_csv_writes_a_formula_name_as_text():
    rows = list(csv.reader(io.StringIO(to_csv([ranked(FORMULA, "@SUM(A1)")]))))
    assert rows[1][1] == INERT
    assert rows[1][5] == "'@SUM(A1)"
    assert rows[1][2] == "481.45"


def test_a_ranking_xlsx_writes_a_formula_name_as_text_and_drops_control_characters(
    tmp_path: Path,
):
    path = tmp_path / "xep-hang.xlsx"
    to_xlsx([ranked(FORMULA), ranked("Sở\x0bNội\x00vụ", "-")], path, "=Xếp hạng")
    sheet = openpyxl.load_workbook(path).active
    assert (sheet["A1"].data_type, sheet["A1"].value) == ("s", "'=Xếp hạng")
    assert (sheet["B3"].data_type, sheet["B3"].value) == ("s", INERT)
    assert (sheet["C3"].data_type, sheet["C3"].value) == ("n", 481.45)
    assert (sheet["B4"].value, sheet["F4"].value) == ("SởNộivụ", "'-")


def with_unit_name(built: Report, name: str) -> Report:
    """The report with its first appendix's first unit renamed (every table of it)."""
    level = built.levels[0]
    appendix = level.appendices[0]
    table = appendix.tables[0]
    position = [column.header for column in table.columns].index("Đơn vị")
    first = list(table.rows[0])
    first[position] = Cell(name, name)
    table = replace(table, rows=(tuple(first), *table.rows[1:]))
    appendix = replace(appendix, tables=(table, *appendix.tables[1:]))
    level = replace(level, appendices=(appendix, *level.appendices[1:]))
    return replace(built, levels=(level, *built.levels[1:]))


def test_a_report_xlsx_writes_a_formula_name_as_text_and_drops_control_characters():
    built = report(BINHDINH)
    for name, shown in ((FORMULA, INERT), ("Sở\x0bTư pháp\x1f", "SởTư pháp")):
        book = openpyxl.load_workbook(io.BytesIO(render_xlsx(with_unit_name(built, name))))
        sheet = book.worksheets[0]
        header = [cell.value for cell in sheet[3]]
        unit = sheet.cell(row=4, column=header.index("Đơn vị") + 1)
        assert (unit.data_type, unit.value) == ("s", shown)
        points = [cell for cell in sheet[4] if cell.data_type == "n"]
        assert points and all(isinstance(cell.value, float | int) for cell in points)


@given(st.text())
def test_an_exported_text_reads_back_as_typed(text: str) -> None:
    assume(not clean_text(text).startswith("'"))
    assert typed_text(spreadsheet_text(text)) == clean_text(text)


def test_only_text_cells_change():
    assert [spreadsheet_cell(v) for v in (FORMULA, -5, Decimal("-1.5"), None)] == [
        INERT,
        -5,
        Decimal("-1.5"),
        None,
    ]
