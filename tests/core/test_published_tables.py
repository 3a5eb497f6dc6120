"""Reading result tables as offices make them: any format, decimal comma or point, stars,
case and Unicode forms of names, titles, repeated headers; clear errors for the rest."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dti.campaign import load_campaign
from dti.reproduce import reproduce
from dti.tables.model import Role, TableError
from dti.tables.published import interpret
from dti.tables.reader import TableReadError, read_table
from tests.core.seeds import BINHDINH, printed_rows, table

CAMPAIGN = load_campaign(BINHDINH)
BANG_1 = table("binhdinh-2023", "bang-1-tong-the-cap-so.tsv")


def ranking(path: Path, **options: str) -> list[tuple[int, str, str]]:
    repro = reproduce(interpret(read_table(path), CAMPAIGN, **options), CAMPAIGN)
    return [
        (r.rank, r.unit, str(r.value)) for r in repro.ranking.rows(repro.result.scores.unit_ids)
    ]


EXPECTED = ranking(BANG_1)


def write_xlsx(path: Path, title: str | None, percent_cells: bool) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append([title])
    rows = [line.split("\t") for line in BANG_1.read_text(encoding="utf-8").splitlines()]
    for number, cells in enumerate(rows):
        values: list[object] = []
        for text in cells:
            plain = text.replace(",", ".")
            if number and percent_cells and text.endswith("%"):
                values.append(float(plain.rstrip("%")) / 100)
            elif number and plain.replace(".", "", 1).isdigit():
                values.append(float(plain))
            else:
                values.append(text)
        sheet.append(values)
        if percent_cells and number:
            sheet.cell(row=sheet.max_row, column=11).number_format = "0.0%"
        if number == 10:  # the header again, as on a new page
            sheet.append(rows[0])
    workbook.save(path)
    return path


def test_an_xlsx_export_with_title_repeated_header_and_percent_cells_gives_the_same_ranking(
    tmp_path,
):
    path = write_xlsx(tmp_path / "ket-qua.xlsx", "Bảng 1. Xếp hạng tổng thể chuyển đổi số", True)
    assert ranking(path, level="so") == EXPECTED


def test_a_semicolon_csv_with_decimal_commas_gives_the_same_ranking(tmp_path):
    rows = [line.split("\t") for line in BANG_1.read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "ket-qua.csv"
    path.write_text("\n".join(";".join(f'"{c}"' for c in r) for r in rows), encoding="utf-8-sig")
    assert ranking(path, level="so") == EXPECTED


def test_names_in_other_case_or_decomposed_unicode_are_matched(tmp_path):
    text = unicodedata.normalize("NFD", BANG_1.read_text(encoding="utf-8")).replace(
        "Sở Y tế", "SỞ Y TẾ"
    )
    path = tmp_path / "nfd.tsv"
    path.write_text(text, encoding="utf-8")
    assert ranking(path, level="so") == EXPECTED


def test_footnote_stars_are_read_off_the_names():
    parsed = interpret(read_table(BANG_1), CAMPAIGN)
    assert {row.printed_name.count("*") for row in parsed.rows} == {0, 1, 2, 3}
    assert parsed.rows[0].unit == "so-thong-tin-va-truyen-thong"


def test_blank_rank_cells_mean_tied_with_the_row_above():
    parsed = interpret(read_table(BANG_1), CAMPAIGN)
    tied = [row for row in parsed.rows if row.rank_blank]
    assert [row.unit for row in tied] == [
        "ban-quan-ly-khu-kinh-te",
        "so-lao-dong-thuong-binh-va-xa-hoi",
    ]


def test_the_index_of_a_per_index_table_comes_from_its_title(tmp_path):
    source = table("binhdinh-2023", "bang-1.4.tsv")
    path = tmp_path / "chi-so-4.tsv"  # not a file name the campaign lists
    path.write_text(
        "Bảng 1.4 Xếp hạng chỉ số Nhân lực số\n" + source.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    parsed = interpret(read_table(path), CAMPAIGN, level="so")
    assert parsed.index == "nhan_luc_so"
    assert [c.role for c in parsed.columns] == [Role.POSITION, Role.UNIT, Role.TOTAL, Role.RATIO]


def test_unmatched_units_are_listed_with_suggestions(tmp_path):
    text = (
        BANG_1.read_text(encoding="utf-8")
        .replace("Sở Du lịch*", "Sở Du Lịch Tỉnh")
        .replace("Ban Dân tộc***", "Ban Tôn giáo")
    )
    path = tmp_path / "bang.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TableError) as caught:
        interpret(read_table(path), CAMPAIGN, level="so")
    message = str(caught.value)
    assert "dòng 21" in message and "không tìm thấy đơn vị “Sở Du Lịch Tỉnh”" in message
    assert "gần giống: Sở Du lịch" in message
    assert "“Ban Tôn giáo”" in message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Hạ tầng số", "Hạ tầng kỹ thuật", "cột “Hạ tầng kỹ thuật”: không nhận ra cột"),
        ("\t40\t32,8\t", "\t40\tba hai\t", "dòng 3, cột “Nhân lực số”: "),
        ("\t99,3%\t1", "\t99,3%\t1,5", "cần một số nguyên"),
        ("Sở Du lịch*", "Sở Y tế", "đơn vị đã có ở dòng 16"),
    ],
)
def test_malformed_tables_name_the_row_and_column(tmp_path, old, new, message):
    text = BANG_1.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bang.tsv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(TableError) as caught:
        interpret(read_table(path), CAMPAIGN, level="so")
    assert message in str(caught.value)
    assert str(caught.value).startswith("bang.tsv")


def test_the_printed_rows_are_all_read():
    parsed = interpret(read_table(BANG_1), CAMPAIGN)
    assert len(parsed.rows) == len(printed_rows(BANG_1)) == 21


@pytest.mark.parametrize("header", ["Tỷ lệ (%)", "Tỉ lệ", "TỶ LỆ", "Tỷ lệ %"])
def test_ratio_headers_as_offices_write_them(tmp_path, header):
    path = tmp_path / "bang.tsv"
    path.write_text(
        BANG_1.read_text(encoding="utf-8").replace("\tTỷ lệ\t", f"\t{header}\t", 1),
        encoding="utf-8",
    )
    parsed = interpret(read_table(path), CAMPAIGN, level="so")
    assert parsed.column(Role.RATIO) is not None


_CELLS = st.one_of(
    st.sampled_from(
        ["", "50", "99,3%", "TB", "Khá", "7", "-", "1.234,5", "Sở Y tế", "Sở Y tế**", "x", "100 %"]
    ),
    st.text(max_size=12),
)


@given(st.lists(st.lists(_CELLS, min_size=12, max_size=12), min_size=1, max_size=8))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_garbage_under_a_real_header_is_a_clear_error_or_a_table(tmp_path, rows):
    header = BANG_1.read_text(encoding="utf-8").splitlines()[0]
    body = "\n".join(
        "\t".join(c.replace("\t", " ").replace("\n", " ").replace("\r", " ") for c in row)
        for row in rows
    )
    path = tmp_path / "rac.tsv"
    path.write_text(f"{header}\n{body}\n", encoding="utf-8")
    try:
        parsed = interpret(read_table(path), CAMPAIGN, level="so")
    except (TableError, TableReadError) as error:
        message = str(error)
    else:
        reproduce(parsed, CAMPAIGN)  # whatever was accepted can be scored without a traceback
        return
    assert "rac.tsv" in message
