import io
import pickle
import re
import unicodedata
import zipfile
from datetime import datetime
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dti.tables import reader
from dti.tables.cells import CellError, is_blank, parse_number
from dti.tables.reader import (
    UNIT_COLUMN_LABELS,
    RawRow,
    RawTable,
    TableReadError,
    read_table,
    read_table_bytes,
)

# The repository is checked out next to shared/, which holds the published tables verbatim.
TABLES = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "tables"

# Data rows of every published score table, as printed (max rows included).
PUBLISHED_ROWS = {
    "binhdinh-2023/bang-1-tong-the-cap-so.tsv": 21,
    **{f"binhdinh-2023/bang-1.{i}.tsv": 21 for i in range(1, 8)},
    "binhdinh-2023/bang-2-tong-the-cap-huyen.tsv": 11,
    **{f"binhdinh-2023/bang-2.{i}.tsv": 11 for i in range(1, 9)},
    "binhphuoc-2024/phu-luc-1-cap-tinh.tsv": 24,
    "binhphuoc-2024/phu-luc-2-co-dvctt.tsv": 17,
    "binhphuoc-2024/phu-luc-3-khong-dvctt.tsv": 6,
    "binhphuoc-2024/phu-luc-4-cap-huyen.tsv": 12,
}
# The framework tables list main indices, not units: they have no unit column.
FRAMEWORK_TABLES = ["binhdinh-2023/khung-cap-huyen.tsv", "binhdinh-2023/khung-cap-so.tsv"]
CLASSES = {"Tốt", "Khá", "TB", "Trung bình", "Yếu"}


def rows_of(table: RawTable) -> list[tuple[str, ...]]:
    return [row.cells for row in table.rows]


# ---- the published tables --------------------------------------------------------------------


def test_every_published_table_is_listed() -> None:
    found = {str(path.relative_to(TABLES)) for path in TABLES.glob("*/*.tsv")}
    assert found == set(PUBLISHED_ROWS) | set(FRAMEWORK_TABLES)


@pytest.mark.parametrize(("name", "count"), sorted(PUBLISHED_ROWS.items()))
def test_it_reads_every_published_score_table(name: str, count: int) -> None:
    table = read_table(TABLES / name)
    assert table.header.number == 1
    assert table.header.cells[:2] == ("STT", "Đơn vị")
    assert table.title == ()
    assert table.sheet is None
    assert len(table.rows) == count
    assert [row.number for row in table.rows] == list(range(2, count + 2))
    assert all(len(row.cells) == len(table.header.cells) for row in table.rows)


@pytest.mark.parametrize("name", sorted(PUBLISHED_ROWS))
def test_every_score_cell_of_the_published_tables_is_a_number_or_a_class(name: str) -> None:
    for row in read_table(TABLES / name).rows:
        for cell in row.cells[2:]:
            if is_blank(cell) or cell in CLASSES:
                continue
            try:
                parse_number(cell)
            except CellError as exc:
                pytest.fail(f"{name}, dòng {row.number}: {exc}")


@pytest.mark.parametrize("name", FRAMEWORK_TABLES)
def test_a_framework_table_has_no_unit_column(name: str) -> None:
    with pytest.raises(TableReadError, match="không tìm thấy dòng tiêu đề") as caught:
        read_table(TABLES / name)
    assert caught.value.source == str(TABLES / name)
    assert "“Đơn vị”" in str(caught.value)


def test_it_keeps_the_printed_text_of_the_overall_ranking() -> None:
    table = read_table(TABLES / "binhdinh-2023/bang-1-tong-the-cap-so.tsv")
    assert table.header.cells[-3:] == ("Tổng điểm", "Tỷ lệ", "Xếp hạng")
    first, _, _, _, _, _, seventh = table.rows[:7]
    assert first.cells == (
        "1",
        "Sở Thông tin và Truyền thông*",
        "50",
        "40",
        "40",
        "40",
        "80",
        "164,85",
        "66,6",
        "481,45",
        "99,3%",
        "1",
    )
    assert seventh.cells[1] == "Ban Quản lý Khu Kinh tế*"
    assert seventh.cells[-1] == ""  # the printed rank is missing


def test_the_max_row_of_appendix_1_is_a_row() -> None:
    table = read_table(TABLES / "binhphuoc-2024/phu-luc-1-cap-tinh.tsv")
    max_row = table.rows[0]
    assert max_row.number == 2
    assert max_row.cells[:3] == ("", "Điểm tối đa", "50")
    assert max_row.cells[-3:] == ("", "", "")


def test_the_max_row_of_appendix_4_has_an_empty_unit_cell() -> None:
    table = read_table(TABLES / "binhphuoc-2024/phu-luc-4-cap-huyen.tsv")
    assert table.rows[0].cells[:4] == ("", "", "60", "30")
    assert table.rows[0].cells[11] == "700"


def test_reading_bytes_is_reading_the_file() -> None:
    path = TABLES / "binhphuoc-2024/phu-luc-3-khong-dvctt.tsv"
    from_bytes = read_table_bytes(path.read_bytes(), source=str(path))
    assert from_bytes == read_table(path)


# ---- text files made here ----------------------------------------------------------------------


def test_it_reads_comma_csv_with_quoted_cells() -> None:
    data = (
        "STT,Đơn vị,Tổng điểm,Tỷ lệ\n"
        '1,"Sở Lao động, Thương binh và Xã hội",481.45,99.3%\n'
        "2,Sở Nội vụ,455.5,95.9%\n"
    ).encode()
    table = read_table_bytes(data, source="bang.csv")
    assert table.header.cells == ("STT", "Đơn vị", "Tổng điểm", "Tỷ lệ")
    assert rows_of(table) == [
        ("1", "Sở Lao động, Thương binh và Xã hội", "481.45", "99.3%"),
        ("2", "Sở Nội vụ", "455.5", "95.9%"),
    ]


def test_it_reads_semicolon_csv_with_decimal_commas_and_a_title() -> None:
    data = (
        "Bảng 1.1 Xếp hạng chỉ số Nhận thức số;;;\n"
        ";;;\n"
        "STT;Đơn vị;Tổng điểm;Tỷ lệ\n"
        '1;"Sở Lao động; Thương binh và Xã hội";164,85;99,9%\n'
        "2;Sở Xây dựng;159,8;96,8%\n"
    ).encode()
    table = read_table_bytes(data, source="bang.csv")
    assert table.title == ("Bảng 1.1 Xếp hạng chỉ số Nhận thức số",)
    assert table.header.number == 3
    assert rows_of(table) == [
        ("1", "Sở Lao động; Thương binh và Xã hội", "164,85", "99,9%"),
        ("2", "Sở Xây dựng", "159,8", "96,8%"),
    ]


def test_it_reads_excel_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "bang.txt"
    text = "Bảng 2\r\nSTT\tĐơn vị\tTổng\r\n1\tUBND huyện Hoài Ân\t626,23\r\n"
    path.write_bytes(text.encode("utf-16"))  # with a BOM, as Excel writes it
    table = read_table(path)
    assert table.title == ("Bảng 2",)
    assert rows_of(table) == [("1", "UBND huyện Hoài Ân", "626,23")]
    assert table.rows[0].number == 3


def test_it_reads_utf8_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bang.csv"
    path.write_bytes("\ufeffSTT,Đơn vị\n1,Sở Y tế\n".encode())
    table = read_table(path)
    assert table.header.cells == ("STT", "Đơn vị")
    assert table.source == str(path)


def test_it_normalises_text_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "STT\tĐơn vị\n1\tSở Tư pháp\n")
    table = read_table_bytes(nfd.encode(), source="nfd.tsv")
    assert table.header.cells == ("STT", "Đơn vị")
    assert table.rows[0].cells[1] == unicodedata.normalize("NFC", "Sở Tư pháp")


def test_rows_are_numbered_by_physical_line() -> None:
    data = (
        'STT,Đơn vị,"Tổng điểm\nnăm 2024"\n\n1,"Sở Nội vụ\n(kể cả Ban Thi đua)",50\n2,Sở Y tế,40\n'
    ).encode()
    table = read_table_bytes(data, source="bang.csv")
    assert table.header.cells[2] == "Tổng điểm\nnăm 2024"
    assert [row.number for row in table.rows] == [4, 6]


def test_it_drops_blank_rows_and_repeated_headers() -> None:
    data = (
        "STT\tĐơn vị\tTổng điểm\n"
        "1\tSở Nội vụ\t50\n"
        "\t \t\n"
        "\n"
        "-\t–\t—\n"  # dashes mark "no value": a row of them is blank
        "STT\tĐƠN VỊ*\tTổng  điểm\n"  # the header again, on the next printed page
        "2\tSở Y tế\t40\n"
    ).encode()
    table = read_table_bytes(data, source="bang.tsv")
    assert [(row.number, row.cells[1]) for row in table.rows] == [(2, "Sở Nội vụ"), (7, "Sở Y tế")]


def test_it_pads_short_rows_and_trims_the_header() -> None:
    data = "STT\tĐơn vị\tTổng\t\t\n1\tSở Nội vụ\n2\tSở Y tế\t40\t\t\n".encode()
    table = read_table_bytes(data, source="bang.tsv")
    assert table.header.cells == ("STT", "Đơn vị", "Tổng")
    assert rows_of(table) == [("1", "Sở Nội vụ", ""), ("2", "Sở Y tế", "40")]


def test_a_long_value_beyond_the_header_is_shortened_in_the_message() -> None:
    data = ("STT\tĐơn vị\n1\tSở Nội vụ\t" + "x" * 1_000 + "\n").encode()
    with pytest.raises(TableReadError, match=r"“x{40}…” ngoài 2 cột"):
        read_table_bytes(data, source="bang.tsv")


def test_a_value_beyond_the_header_is_an_error() -> None:
    data = "STT\tĐơn vị\tTổng\n1\tSở Nội vụ\t50\n2\tSở Y tế\t40\t\t7\n".encode()
    with pytest.raises(TableReadError) as caught:
        read_table_bytes(data, source="bang-1.tsv")
    error = caught.value
    assert (error.source, error.row, error.column) == ("bang-1.tsv", 3, "E")
    assert str(error) == "bang-1.tsv, dòng 3, cột E: có giá trị “7” ngoài 3 cột của dòng tiêu đề."


@pytest.mark.parametrize(
    "label",
    ["Đơn vị", "ĐƠN VỊ", "Tên đơn vị:", "Cơ quan *", "Tên cơ quan", "Đơn vị / Địa phương", "Unit"],
)
def test_the_header_is_the_row_with_a_unit_column(label: str) -> None:
    data = f"Bảng 1\nGhi chú: đơn vị tính là điểm\nTT\t{label}\tĐiểm\n1\tSở Nội vụ\t5\n".encode()
    table = read_table_bytes(data, source="bang.tsv")
    assert table.header.cells[1] == label.strip()
    assert table.title == ("Bảng 1", "Ghi chú: đơn vị tính là điểm")
    assert rows_of(table) == [("1", "Sở Nội vụ", "5")]


def test_unit_column_labels_are_normalised() -> None:
    assert {
        "đơn vị", "tên đơn vị", "cơ quan", "tên cơ quan", "đơn vị/địa phương", "cơ quan, đơn vị",
        "địa phương", "unit",
    } == UNIT_COLUMN_LABELS  # fmt: skip


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "không tìm thấy dòng tiêu đề"),
        ("STT\tTên\n1\tSở Nội vụ\n".encode(), "không tìm thấy dòng tiêu đề"),
        (b"%PDF-1.7\n\x00\x01\x02", "không phải bảng văn bản"),
        (b"STT\t\xd0\xf5n vi\xf2\n", "không phải bảng văn bản"),  # "Đơn vị" in Windows-1258
        ("STT\tĐơn vị\n".encode("utf-16-le"), "không phải bảng văn bản"),  # no BOM
        (b"\xff\xfeS\x00T", "không phải bảng văn bản"),  # odd UTF-16
        ("\ufeffSTT\tĐơn vị\n".encode("utf-32"), "không phải bảng văn bản"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Excel 97–2003"),
        (b"PK\x03\x04" + bytes(100), "không đọc được tệp XLSX"),
        (b"PK\x03\x04garbage", "không đọc được tệp XLSX"),
        (b'STT,\xc4\x90\xc6\xa1n v\xe1\xbb\x8b\n1,"' + b"x" * 200_000, "ngoặc kép"),
    ],
)
def test_garbage_is_a_table_read_error(data: bytes, words: str) -> None:
    with pytest.raises(TableReadError, match=words) as caught:
        read_table_bytes(data, source="upload.bin")
    assert str(caught.value).startswith("upload.bin")


def test_the_no_header_message_names_the_file_and_the_labels() -> None:
    with pytest.raises(TableReadError) as caught:
        read_table_bytes(b"a\tb\n", source="bang-9.tsv")
    assert str(caught.value) == (
        "bang-9.tsv: không tìm thấy dòng tiêu đề: cần một cột có nhãn “Đơn vị”, “Tên đơn vị”, "
        "“Cơ quan”, “Tên cơ quan”, “Đơn vị/Địa phương”, “Cơ quan, đơn vị”, “Địa phương”, “Unit”."
    )


def test_an_unterminated_quote_names_the_line() -> None:
    data = b'STT,\xc4\x90\xc6\xa1n v\xe1\xbb\x8b\n1,ok\n2,"' + b"x" * 200_000
    with pytest.raises(TableReadError) as caught:
        read_table_bytes(data, source="bang.csv")
    assert caught.value.row == 3


def test_a_text_file_has_no_sheets() -> None:
    with pytest.raises(TableReadError, match="không có trang tính “Bảng 1”"):
        read_table_bytes("STT\tĐơn vị\n".encode(), source="bang.tsv", sheet="Bảng 1")


# ---- limits and files --------------------------------------------------------------------------


def test_a_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.tsv"
    path.write_bytes("STT\tĐơn vị\n".encode() + b"1\tx\n" * 100)
    with pytest.raises(TableReadError, match="lớn hơn giới hạn 100 byte"):
        read_table(path, max_bytes=100)
    assert len(read_table(path, max_bytes=1_000).rows) == 100


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_ROWS", 10)
    data = "STT\tĐơn vị\n".encode() + b"1\tx\n" * 10
    with pytest.raises(TableReadError, match="hơn 10 dòng"):
        read_table_bytes(data, source="bang.tsv")


def test_too_many_columns_are_refused() -> None:
    header = "\t".join(["Đơn vị", *(f"c{i}" for i in range(1_000))])
    with pytest.raises(TableReadError, match=r"1\.001 cột") as caught:
        read_table_bytes(header.encode(), source="wide.tsv")
    assert caught.value.row == 1


def test_trailing_empty_cells_do_not_count_as_columns() -> None:
    data = ("STT\tĐơn vị" + "\t" * 5_000 + "\n1\tSở Nội vụ\n").encode()
    assert read_table_bytes(data, source="bang.tsv").header.cells == ("STT", "Đơn vị")


@pytest.mark.parametrize("name", ["missing.tsv", "."])
def test_a_file_that_cannot_be_opened_is_a_table_read_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(TableReadError, match="không mở được tệp"):
        read_table(tmp_path / name)


def test_a_table_read_error_survives_pickling() -> None:
    error = TableReadError("lỗi.", source="a.xlsx", sheet="S", row=3, column="B")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.source, copy.sheet, copy.row, copy.column) == (
        "lỗi.",
        "a.xlsx",
        "S",
        3,
        "B",
    )
    assert str(copy) == "a.xlsx, trang tính “S”, dòng 3, cột B: lỗi."


# ---- XLSX ----------------------------------------------------------------------------------------


def workbook_bytes(*sheets: tuple[str, list[list[object]]]) -> bytes:
    """An XLSX file with the given sheets; cells given as (value, number_format) are formatted."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        worksheet = workbook.create_sheet(title)
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                cell = worksheet.cell(row=row_number, column=column)
                if isinstance(value, tuple):
                    cell.value, cell.number_format = value
                else:
                    cell.value = value
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


RANKING_SHEET: list[list[object]] = [
    ["Bảng 1. Xếp hạng chỉ số DTI khối sở, ban, ngành năm 2023"],
    [],
    ["STT", "Đơn vị", "Hoạt động chính quyền số", "Tổng điểm", "Tỷ lệ", "Ngày", "DVCTT", None],
    [1, "Sở Thông tin và Truyền thông*", 164.85, 481.45, (0.993, "0.0%"), datetime(2024, 3, 5)],
    [2, "Văn phòng UBND tỉnh***", 125, 427.8, (0.961, "0.0%"), None, True],
    [None, None, None],
    ["STT", "Đơn vị", "Hoạt động chính quyền số", "Tổng điểm", "Tỷ lệ", "Ngày", "DVCTT"],
    [3, "Sở Nội vụ**", 155.0, (450, "0.00"), (1, "0%"), None, False],
    [4, "  Sở Y tế  ", -0.0, 1e-7, (0.12345, "#,##0.00%"), None, None],
]


@cache
def ranking_workbook() -> bytes:
    return workbook_bytes(
        ("Ghi chú", [["Số liệu do Sở TT&TT tổng hợp"]]), ("Xếp hạng", RANKING_SHEET)
    )


def test_it_reads_an_xlsx_workbook(tmp_path: Path) -> None:
    path = tmp_path / "bang-1.xlsx"
    path.write_bytes(ranking_workbook())
    table = read_table(path)
    assert table.sheet == "Xếp hạng"  # the first sheet has no header row
    assert table.title == ("Bảng 1. Xếp hạng chỉ số DTI khối sở, ban, ngành năm 2023",)
    assert table.header == RawRow(
        3, ("STT", "Đơn vị", "Hoạt động chính quyền số", "Tổng điểm", "Tỷ lệ", "Ngày", "DVCTT")
    )
    assert [row.number for row in table.rows] == [4, 5, 8, 9]
    assert rows_of(table) == [
        ("1", "Sở Thông tin và Truyền thông*", "164.85", "481.45", "99.3%", "05/03/2024", ""),
        ("2", "Văn phòng UBND tỉnh***", "125", "427.8", "96.1%", "", "TRUE"),
        ("3", "Sở Nội vụ**", "155", "450", "100%", "", "FALSE"),
        ("4", "Sở Y tế", "0", "0.0000001", "12.35%", "", ""),
    ]


def test_xlsx_numbers_parse_as_printed() -> None:
    table = read_table_bytes(ranking_workbook(), source="bang-1.xlsx")
    ratio = parse_number(table.rows[0].cells[4])
    assert (str(ratio.value), ratio.percent, ratio.decimals) == ("99.3", True, 1)


def test_it_reads_the_named_sheet() -> None:
    data = workbook_bytes(
        ("Cấp sở", [["STT", "Đơn vị"], [1, "Sở Nội vụ"]]),
        ("Cấp huyện", [["STT", "Đơn vị"], [1, "UBND huyện Hoài Ân"]]),
    )
    table = read_table_bytes(data, source="dti.xlsx", sheet="Cấp huyện")
    assert table.sheet == "Cấp huyện"
    assert rows_of(table) == [("1", "UBND huyện Hoài Ân")]
    assert read_table_bytes(data, source="dti.xlsx").sheet == "Cấp sở"


def test_a_wrong_sheet_name_lists_the_sheets() -> None:
    with pytest.raises(TableReadError) as caught:
        read_table_bytes(ranking_workbook(), source="bang-1.xlsx", sheet="Bảng 2")
    assert str(caught.value) == (
        "bang-1.xlsx: không có trang tính “Bảng 2”; "
        "các trang tính trong tệp: “Ghi chú”, “Xếp hạng”."
    )


def test_a_named_sheet_without_a_header_is_an_error() -> None:
    with pytest.raises(TableReadError, match="không tìm thấy dòng tiêu đề") as caught:
        read_table_bytes(ranking_workbook(), source="bang-1.xlsx", sheet="Ghi chú")
    assert caught.value.sheet == "Ghi chú"


def test_a_workbook_without_a_header_names_its_sheets() -> None:
    data = workbook_bytes(("Trang 1", [["a", "b"]]), ("Trang 2", []))
    with pytest.raises(TableReadError, match=r"không trang tính nào \(“Trang 1”, “Trang 2”\)"):
        read_table_bytes(data, source="x.xlsx")


def test_an_xlsx_value_beyond_the_header_names_sheet_row_and_column() -> None:
    data = workbook_bytes(("S", [["STT", "Đơn vị"], [1, "Sở Nội vụ", None, 50]]))
    with pytest.raises(TableReadError) as caught:
        read_table_bytes(data, source="x.xlsx")
    assert str(caught.value) == (
        "x.xlsx, trang tính “S”, dòng 2, cột D: có giá trị “50” ngoài 2 cột của dòng tiêu đề."
    )


def rezip(workbook: bytes, member: str, content: bytes) -> bytes:
    """The workbook with one member replaced, so the damage is past the zip's checksums."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == member else source.read(info))
    return stream.getvalue()


def test_a_wrong_sheet_dimension_does_not_pad_the_table() -> None:
    workbook = ranking_workbook()
    member = "xl/worksheets/sheet2.xml"
    xml = zipfile.ZipFile(io.BytesIO(workbook)).read(member)
    bogus = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
    assert bogus != xml
    table = read_table_bytes(rezip(workbook, member, bogus), source="bang-1.xlsx")
    assert len(table.header.cells) == 7
    assert [row.number for row in table.rows] == [4, 5, 8, 9]


def test_a_zip_bomb_is_refused() -> None:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 2_000_000)
    with pytest.raises(TableReadError, match="giải nén"):
        read_table_bytes(stream.getvalue(), source="bomb.xlsx", max_bytes=20_000)


# ---- fuzzing: garbage in, TableReadError out ---------------------------------------------------

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEED_TABLE = TABLES / "binhdinh-2023/bang-2.6.tsv"
TEXT_PIECES = ["STT", "Đơn vị", "Tên cơ quan:", "Tổng", "50", "99,3%", '"', '""', "\t", ";", ","]


def read_or_refuse(data: bytes, sheet: str | None = None) -> None:
    outcome: RawTable | TableReadError
    try:
        outcome = read_table_bytes(data, source="fuzz", sheet=sheet)
    except TableReadError as error:
        outcome = error
    if isinstance(outcome, TableReadError):
        assert str(outcome).startswith("fuzz")
    else:
        assert all(len(row.cells) == len(outcome.header.cells) for row in outcome.rows)


@FUZZ
@given(st.binary(max_size=2_000))
def test_any_bytes_give_a_table_or_a_table_read_error(data: bytes) -> None:
    read_or_refuse(data)


@FUZZ
@given(
    st.lists(
        st.one_of(st.sampled_from(TEXT_PIECES), st.sampled_from(["\n", "\r\n", "\r"]), st.text()),
        max_size=60,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_any_text_gives_a_table_or_a_table_read_error(pieces: list[str], encoding: str) -> None:
    text = "".join(pieces)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # lone surrogates from st.text()
        return
    read_or_refuse(data)


@FUZZ
@given(st.data())
def test_a_mutated_published_table_gives_a_table_or_a_table_read_error(data: st.DataObject) -> None:
    seed = bytearray(SEED_TABLE.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(seed) - 1))
        action = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = data.draw(st.sampled_from([0, 9, 10, 13, 34, 44, 59, 0xC3, 0xFF, 0x25]))
        if action == "replace":
            seed[position] = byte
        elif action == "insert":
            seed.insert(position, byte)
        else:
            del seed[position]
    read_or_refuse(bytes(seed))


@FUZZ
@given(st.data())
def test_a_truncated_or_damaged_xlsx_gives_a_table_or_a_table_read_error(
    data: st.DataObject,
) -> None:
    workbook = bytearray(ranking_workbook())
    cut = data.draw(st.integers(4, len(workbook)))
    damaged = workbook[:cut]
    for _ in range(data.draw(st.integers(0, 3))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    read_or_refuse(bytes(damaged), sheet=data.draw(st.sampled_from([None, "Xếp hạng", "Khác"])))


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl warns about what it drops
@FUZZ
@given(st.data())
def test_damaged_workbook_xml_gives_a_table_or_a_table_read_error(data: st.DataObject) -> None:
    workbook = ranking_workbook()
    members = zipfile.ZipFile(io.BytesIO(workbook)).namelist()
    member = data.draw(st.sampled_from(sorted(members)))
    content = bytearray(zipfile.ZipFile(io.BytesIO(workbook)).read(member))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] = data.draw(st.sampled_from(b'<>"/=0123456789.%-ax \x00\xff'))
    read_or_refuse(rezip(workbook, member, bytes(content)))
