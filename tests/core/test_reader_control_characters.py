"""The published-table reader refuses a cell holding a control character, naming the file,
sheet, row and column and the character: CSV and TSV carry them as raw bytes, XLSX as the
C1 controls and DEL that XML allows. Stored, such text breaks every XLSX made from it."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dti.tables.reader import TableReadError, read_table_bytes

HEADER = "STT\tTên đơn vị\tĐiểm\n"


@pytest.mark.parametrize(("character", "shown"), [("\x0b", "U+000B"), ("\x1f", "U+001F")])
def test_a_text_table_cell_with_a_control_character_is_refused_naming_row_and_column(
    character: str, shown: str
) -> None:
    data = (HEADER + "1\tSở Nội vụ\t10\n" + f"2\tSở Tư{character}pháp\t9\n").encode()
    with pytest.raises(TableReadError) as error:
        read_table_bytes(data, source="bang.tsv")
    assert (error.value.row, error.value.column) == (3, "B")
    assert str(error.value) == (
        f"bang.tsv, dòng 3, cột B: ô chứa ký tự điều khiển {shown}; "
        "hãy xoá ký tự này rồi lưu lại tệp."
    )


def test_a_workbook_cell_with_a_control_character_is_refused_naming_sheet_row_and_column() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Bảng 1"
    sheet.append(["STT", "Tên đơn vị", "Điểm"])
    sheet.append([1, "Sở Nội\x7fvụ", 10])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(TableReadError) as error:
        read_table_bytes(out.getvalue(), source="bang.xlsx", sheet="Bảng 1")
    assert str(error.value).startswith(
        "bang.xlsx, trang tính “Bảng 1”, dòng 2, cột B: ô chứa ký tự điều khiển U+007F"
    )


def test_a_table_without_control_characters_still_reads() -> None:
    table = read_table_bytes((HEADER + "1\tSở Nội vụ\t10\n").encode(), source="bang.tsv")
    assert [row.cells for row in table.rows] == [("1", "Sở Nội vụ", "10")]
