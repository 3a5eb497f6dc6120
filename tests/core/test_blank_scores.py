"""A blank score in a published table is never a zero.

Blanking one component of the unit ranked first in Bình Định's table 1 used to leave
`dti audit` silent (the row's sum check skipped itself) and `dti score` ranked the unit
seventeenth. A blank printed score, or an XLSX formula cell without a cached value (which
openpyxl reads as empty), is now a `blank` finding of the audit and an error of `dti score`.
Tests use a modified copy of the real table (the reference tables are never edited)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from dti.cli import main
from tests.core.seeds import BINHDINH, BINHPHUOC, table
from tests.core.test_audit_seeds import _mutated, run_audit

TABLE_1 = "bang-1-tong-the-cap-so.tsv"
# Line 2: Sở Thông tin và Truyền thông, ranked 1; column 7: Hoạt động chính quyền số (164,85).
FIRST, GOVERNMENT, TOTAL = 2, 7, 9


@pytest.mark.parametrize("blank", ["", "-", " "])
def test_a_blank_component_is_a_finding_not_a_zero(tmp_path, blank):
    path = _mutated(tmp_path, "binhdinh-2023", TABLE_1, FIRST, GOVERNMENT, blank)
    code, findings = run_audit(BINHDINH, [path])
    assert code == 1
    assert [(f["kind"], f["row"], f["unit"], f["column"]) for f in findings] == [
        ("blank", 2, "Sở Thông tin và Truyền thông", "Hoạt động chính quyền số")
    ]
    assert "không tính là 0 điểm" in str(findings[0]["message"])
    assert "tổng của dòng không kiểm tra được" in str(findings[0]["message"])


def test_a_blank_total_is_a_finding(tmp_path):
    path = _mutated(tmp_path, "binhdinh-2023", TABLE_1, FIRST, TOTAL, "")
    code, findings = run_audit(BINHDINH, [path])
    assert code == 1
    assert [(f["kind"], f["row"], f["column"]) for f in findings] == [("blank", 2, "Tổng điểm")]


def test_a_blank_index_score_of_a_per_index_table_is_a_finding(tmp_path):
    path = _mutated(tmp_path, "binhdinh-2023", "bang-1.1.tsv", 2, 2, "")
    code, findings = run_audit(BINHDINH, [path])
    assert code == 1
    assert ("blank", 2) in {(f["kind"], f["row"]) for f in findings}


def test_score_refuses_a_blank_component_naming_row_and_column(tmp_path):
    path = _mutated(tmp_path, "binhdinh-2023", TABLE_1, FIRST, GOVERNMENT, "")
    result = CliRunner().invoke(main, ["score", str(BINHDINH), str(path)])
    assert result.exit_code == 2, result.output
    assert "dòng 2, cột “Hoạt động chính quyền số”: ô điểm để trống" in result.output
    assert "không tính là 0 điểm" in result.output


def test_the_real_tables_have_no_blank_findings():
    tables = [table("binhphuoc-2024", "phu-luc-1-cap-tinh.tsv"), table("binhdinh-2023", TABLE_1)]
    _, findings = run_audit(BINHPHUOC, tables[:1])
    assert "blank" not in {f["kind"] for f in findings}
    result = CliRunner().invoke(main, ["score", str(BINHDINH), str(tables[1])])
    assert result.exit_code == 0


def _xlsx_copy(tmp_path: Path, formula_at: tuple[int, int] | None) -> Path:
    """Table 1 as a workbook; one score cell a formula saved without its value, as a
    program that writes XLSX without computing it (openpyxl, many exporters) leaves it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    lines = table("binhdinh-2023", TABLE_1).read_text(encoding="utf-8").splitlines()
    for line in lines:
        sheet.append(line.split("\t"))
    if formula_at is not None:
        row, column = formula_at
        sheet.cell(row=row, column=column + 1, value="=C2+D2")
    path = tmp_path / "bang-1-tong-the-cap-so.xlsx"
    book.save(path)
    return path


def test_an_xlsx_formula_without_a_cached_value_is_a_finding_not_a_zero(tmp_path):
    path = _xlsx_copy(tmp_path, (FIRST, GOVERNMENT))
    result = CliRunner().invoke(
        main, ["audit", str(BINHDINH), str(path), "--level", "so", "--format", "json"]
    )
    findings = json.loads(result.output)
    assert [(f["kind"], f["row"], f["column"]) for f in findings] == [
        ("blank", 2, "Hoạt động chính quyền số")
    ]
    assert "công thức Excel chưa có giá trị lưu sẵn" in findings[0]["message"]
