"""The report's workbook as a reader opens it: a long list's sections as a column of their
own (so sorting and filtering still work), hostile text made harmless, every unit once, and
the sheet's frame (widths, frozen header, filter, styles) kept by the streaming writer."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace

import openpyxl
import pytest

from dti.reports.model import DRAFT, AppendixTable, Cell, ColumnKind, Report
from dti.reports.xlsx import MAX_CELL_TEXT, SECTION_HEADER, cell_text, render_xlsx
from tests.core.reports import report
from tests.core.seeds import BINHDINH, BINHPHUOC

UNIT = "Đơn vị"


def tables(built: Report) -> list[AppendixTable]:
    return [table for appendix in built.appendices for table in appendix.tables]


def with_table(built: Report, number: int, table: AppendixTable) -> Report:
    """The report with its `number`-th appendix table (across levels) replaced."""
    counter = iter(range(len(tables(built))))
    levels = []
    for level in built.levels:
        appendices = []
        for appendix in level.appendices:
            new = tuple(table if next(counter) == number else t for t in appendix.tables)
            appendices.append(replace(appendix, tables=new))
        levels.append(replace(level, appendices=tuple(appendices)))
    return replace(built, levels=tuple(levels))


def renamed(table: AppendixTable, row: int, name: str) -> AppendixTable:
    position = [column.header for column in table.columns].index(UNIT)
    cells = list(table.rows[row])
    cells[position] = Cell(name, name)
    return replace(table, rows=(*table.rows[:row], tuple(cells), *table.rows[row + 1 :]))


def workbook(built: Report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(built)))


def header(sheet) -> list[object]:
    return [cell.value for cell in sheet[3]]


def body(sheet, table: AppendixTable) -> list[list[object]]:
    rows = sheet.iter_rows(min_row=4, max_row=3 + len(table.rows), values_only=True)
    return [list(row) for row in rows]


# ---- sections -------------------------------------------------------------------------------


def test_sections_become_a_column_after_the_unit_holding_each_rows_title():
    built = report(BINHPHUOC)
    general = tables(built)[0]  # 23 provincial agencies, with a max row and a note
    sectioned = replace(general, sections=((0, "Khối tổng hợp"), (10, "Khối chuyên ngành")))
    book = workbook(with_table(built, 0, sectioned))
    sheet = book[general.sheet]
    headers = [column.header for column in general.columns]
    at = headers.index(UNIT) + 1
    assert header(sheet) == [*headers[:at], SECTION_HEADER, *headers[at:]]
    rows = body(sheet, general)
    assert [row[at] for row in rows] == ["Khối tổng hợp"] * 10 + ["Khối chuyên ngành"] * 13
    plain = workbook(built)[general.sheet]
    assert [row[:at] + row[at + 1 :] for row in rows] == body(plain, general)
    max_row = 3 + len(general.rows) + 2
    assert sheet.cell(row=max_row, column=at + 1).value is None
    assert sheet.cell(row=max_row, column=at + 2).value == plain.cell(max_row, at + 1).value
    last = openpyxl.utils.get_column_letter(len(headers) + 1)
    assert sheet.auto_filter.ref == f"A3:{last}{3 + len(general.rows)}"
    assert sheet.freeze_panes == "C4"  # still the rank and the unit


def test_rows_before_the_first_section_have_no_title_and_titles_are_made_inert():
    built = report(BINHDINH)
    table = tables(built)[1]  # a per-index table, no max row
    sectioned = replace(table, sections=((15, "=Huyện Tây Sơn cũ"), (5, "Huyện An Nhơn cũ")))
    sheet = workbook(with_table(built, 1, sectioned))[table.sheet]
    at = header(sheet).index(SECTION_HEADER)
    titles = [row[at] for row in body(sheet, table)]
    assert titles == [None] * 5 + ["Huyện An Nhơn cũ"] * 10 + ["'=Huyện Tây Sơn cũ"] * 6


def test_a_table_without_sections_has_no_section_column():
    for seed in (BINHPHUOC, BINHDINH):
        book = workbook(report(seed))
        assert all(SECTION_HEADER not in header(sheet) for sheet in book.worksheets)


# ---- hostile text ---------------------------------------------------------------------------

FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1")


@pytest.mark.parametrize("name", FORMULAS)
def test_a_unit_named_like_a_formula_is_stored_as_inert_text(name):
    built = report(BINHDINH)
    general = tables(built)[0]
    sheet = workbook(with_table(built, 0, renamed(general, 2, name)))[general.sheet]
    cell = sheet.cell(row=6, column=header(sheet).index(UNIT) + 1)
    assert cell.data_type == "s"
    assert cell.value == "'" + name


def test_control_characters_are_dropped_from_names_titles_notes_and_headers():
    built = report(BINHDINH)
    general = tables(built)[0]
    hostile = renamed(general, 0, "Sở\x00Tư\x1bpháp\x7f")
    hostile = replace(hostile, note="ghi\x0cchú", sections=((0, "Khối\x08 A"),))
    hostile = replace(hostile, columns=(replace(hostile.columns[0], header="Hạng\x01"),
                                        *hostile.columns[1:]))  # fmt: skip
    sheet = workbook(with_table(built, 0, hostile))[general.sheet]
    assert sheet["A2"].value == "Ghi chú: ghichú"
    assert header(sheet)[:4] == ["Hạng", UNIT, SECTION_HEADER, general.columns[2].header]
    assert sheet["B4"].value == "SởTưpháp"
    assert sheet["C4"].value == "Khối A"


def test_a_name_longer_than_a_cell_holds_is_cut_with_an_ellipsis():
    built = report(BINHPHUOC)
    general = tables(built)[0]
    long_name = "Sở " + "Nội vụ " * 6_000  # 42,003 characters
    sheet = workbook(with_table(built, 0, renamed(general, 0, long_name)))[general.sheet]
    stored = sheet["B4"].value
    assert len(stored) == MAX_CELL_TEXT
    assert stored == long_name[: MAX_CELL_TEXT - 1] + "…"


@pytest.mark.parametrize(
    ("text", "units", "cut"),
    [
        ("x" * MAX_CELL_TEXT, MAX_CELL_TEXT, False),  # exactly full: kept whole
        ("x" * (MAX_CELL_TEXT + 1), MAX_CELL_TEXT, True),
        ("😀" * 16_383, MAX_CELL_TEXT - 1, False),  # two code units each
        ("a" + "😀" * 20_000, MAX_CELL_TEXT - 1, True),  # the last pair is not split
        ("=" + "y" * (MAX_CELL_TEXT - 2), MAX_CELL_TEXT, False),  # with its apostrophe
        ("=" + "y" * (MAX_CELL_TEXT - 1), MAX_CELL_TEXT, True),
    ],
    ids=["full", "one-over", "emoji-full", "emoji-over", "formula-full", "formula-over"],
)
def test_cell_text_counts_utf16_code_units_as_spreadsheets_do(text, units, cut):
    stored = cell_text(text)
    assert len(stored.encode("utf-16-le")) // 2 == units
    stored.encode("utf-8")  # no lone surrogate left
    assert stored.endswith("…") == cut
    assert stored.rstrip("…").lstrip("'") == text[: len(stored.rstrip("…").lstrip("'"))]


# ---- every unit once, the frame, the styles -------------------------------------------------


@pytest.mark.parametrize("seed", [BINHPHUOC, BINHDINH], ids=["binhphuoc", "binhdinh"])
def test_every_sheet_names_each_of_its_units_once_in_rank_order(seed):
    built = report(seed)
    book = workbook(built)
    for table in tables(built):
        sheet = book[table.sheet]
        position = header(sheet).index(UNIT)
        names = [row[position] for row in body(sheet, table)]
        expected = [row[position].value for row in table.rows]
        assert names == expected
        assert len(names) == len(table.unit_ids)
        assert set(Counter(names).values()) == {1}
        assert sheet.cell(row=4 + len(table.rows), column=position + 1).value is None


def test_the_streamed_sheets_keep_widths_frozen_header_height_and_filter():
    built = report(BINHPHUOC)
    book = workbook(built)
    for table in tables(built):
        sheet = book[table.sheet]
        last = openpyxl.utils.get_column_letter(len(table.columns))
        assert sheet.auto_filter.ref == f"A3:{last}{3 + len(table.rows)}"
        assert sheet.freeze_panes == "C4"
        assert sheet.row_dimensions[3].height == 45
        assert sheet.column_dimensions["A"].width == 7  # the rank
        assert sheet.column_dimensions["B"].width == 40  # the unit
        assert sheet["A1"].font.bold and sheet["A1"].font.size == 12
        assert sheet["A3"].font.bold and sheet["A3"].fill.fgColor.rgb.endswith("D9D9D9")
        assert sheet["B4"].border.left.style == "thin"


def test_only_the_first_sheet_of_a_draft_is_marked():
    built = replace(report(BINHDINH), draft=True)
    book = workbook(built)
    first, *others = book.worksheets
    assert first["A1"].value.startswith(f"{DRAFT} — Phụ lục I. ")
    assert not any(DRAFT in (sheet["A1"].value or "") for sheet in others)
    assert DRAFT not in workbook(report(BINHDINH)).worksheets[0]["A1"].value


def test_text_reads_back_exactly_as_stored_spaces_markup_and_line_breaks_included():
    built = report(BINHPHUOC)
    general = tables(built)[0]
    names = ["  Sở <Nội> & vụ ", "Sở\r\nTư pháp", "]]> &amp; \"'", "Sở Y tế\t"]
    hostile = general
    for row, name in enumerate(names):
        hostile = renamed(hostile, row, name)
    sheet = workbook(with_table(built, 0, hostile))[general.sheet]
    assert [sheet.cell(row=4 + n, column=2).value for n in range(4)] == [
        cell_text(name) for name in names
    ]


@pytest.mark.parametrize("seed", [BINHPHUOC, BINHDINH], ids=["binhphuoc", "binhdinh"])
def test_every_data_cell_has_the_border_and_its_columns_number_format(seed):
    """Empty cells (an index that does not apply, the maxima's unit cell) included: the
    grid has no holes."""
    built = report(seed)
    book = workbook(built)
    # The most decimals any percent column prints: Bình Định's 99,3%, Bình Phước's one
    # ratio-ranked index at two decimals (its other indices rank on points).
    percent = "0.0%" if seed == BINHDINH else "0.00%"
    for table in tables(built):
        sheet = book[table.sheet]
        maxima = [5 + len(table.rows)] if table.max_row is not None else []
        for number in [*range(4, 4 + len(table.rows)), *maxima]:
            for column, cell in zip(table.columns, sheet[number], strict=True):
                assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
                expected = {
                    ColumnKind.PERCENT: percent,
                    ColumnKind.POINTS: "0." + "0" * column.decimals if column.decimals else "0",
                }.get(column.kind, "General")
                assert cell.number_format == expected, (table.sheet, number, column.header)
