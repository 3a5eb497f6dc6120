"""The `dti` command's contract: formats, exit codes, and clear Vietnamese errors."""

from __future__ import annotations

import csv
import io
import json
import runpy
import subprocess
import sys
import warnings
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dti.cli import main
from tests.conftest import REPO
from tests.core.seeds import BINHDINH, BINHPHUOC, table

BANG_1 = table("binhdinh-2023", "bang-1-tong-the-cap-so.tsv")


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_every_command():
    code, out, _ = run("--help")
    assert code == 0
    for command in ("score", "audit", "framework"):
        assert command in out
    assert "validate" in run("framework", "--help")[1]


def test_help_sends_the_audit_trail_check_to_the_portal():
    """`dti` needs no database: the portal's own command checks its audit trail."""
    code, out, _ = run("--help")
    assert code == 0
    assert "audit-log" not in out
    assert "python manage.py audit_log_verify" in out
    assert run("audit-log", "verify")[0] == 2  # no such command


def test_score_csv_has_the_contract_header_and_one_row_per_unit():
    code, out, _ = run("score", BINHDINH, BANG_1, "--level", "so", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert rows[0] == ["rank", "unit", "total", "applicable_max", "ratio", "class"]
    assert rows[1] == ["1", "Sở Thông tin và Truyền thông", "481.45", "485.00", "99.3", ""]
    assert len(rows) == 22


def test_score_json_carries_the_ranking_and_its_context():
    code, out, _ = run(
        "score", BINHPHUOC, table("binhphuoc-2024", "phu-luc-2-co-dvctt.tsv"), "--format", "json"
    )
    payload = json.loads(out)
    assert code == 0
    assert (payload["province"], payload["year"], payload["level"], payload["ranking"]) == (
        "Bình Phước",
        2024,
        "so",
        "group:co_dvctt",
    )
    assert payload["rows"][0] == {
        "rank": 1,
        "unit_id": "so-cong-thuong",
        "unit": "Sở Công thương",
        "total": 573.15,
        "applicable_max": 600.0,
        "ratio": 95.5,
        "class": "Tốt",
    }


def test_score_xlsx_is_a_real_workbook_with_numbers(tmp_path):
    out = tmp_path / "xep-hang.xlsx"
    code, _, err = run("score", BINHDINH, BANG_1, "--format", "xlsx", "--out", out)
    assert code == 0 and "Đã ghi" in err
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A2"].value == "Xếp hạng" and sheet.freeze_panes == "A3"
    assert (sheet["A3"].value, sheet["C3"].value, sheet["E3"].value) == (1, 481.45, 99.3)


def test_score_xlsx_needs_out():
    code, _, err = run("score", BINHDINH, BANG_1, "--format", "xlsx")
    assert code == 2 and "--out" in err


def test_score_table_prints_vietnamese_numbers(tmp_path):
    out = tmp_path / "bang.txt"
    assert run("score", BINHDINH, BANG_1, "--out", out)[0] == 0
    text = out.read_text(encoding="utf-8")
    assert "99,3%" in text and "481,45" in text


def test_the_level_is_guessed_from_the_units():
    code, out, _ = run("score", BINHDINH, table("binhdinh-2023", "bang-2.3.tsv"), "--format", "csv")
    assert code == 0 and "UBND thị xã An Nhơn" in out


def test_audit_text_output_and_exit_status():
    code, out, _ = run("audit", BINHDINH, table("binhdinh-2023", "bang-2-tong-the-cap-huyen.tsv"))
    assert code == 1
    assert "[sum] bang-2-tong-the-cap-huyen.tsv, dòng 2, UBND huyện Hoài Ân, cột “Tổng”" in out
    assert "626,23" in out and "626,24" in out
    assert out.strip().endswith("1 sai lệch trong 1 bảng.")


def test_framework_validate_and_show():
    code, out, _ = run("framework", "validate", BINHPHUOC)
    assert code == 0 and "Hợp lệ: so:" in out and "tối đa 600 điểm" in out
    code, out, _ = run("framework", "show", BINHPHUOC, "--level", "so")
    assert code == 0 and "Dịch vụ công trực tuyến [dich_vu_cong_truc_tuyen]" in out
    assert "chỉ áp dụng khi: has_online_public_services" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("score", BINHDINH, BANG_1, "--level", "xa"), "Không có khối 'xa'; các khối: so, huyen"),
        (("score", BINHDINH, BANG_1, "--group", "nhom_x"), "nhom_x"),
        (
            ("score", BINHPHUOC, BANG_1, "--level", "so"),
            "dòng 21, cột “Đơn vị”: không tìm thấy đơn vị “Sở Du lịch*”",
        ),
    ],
)
def test_user_errors_exit_2_with_a_vietnamese_message(args, message):
    code, _, err = run(*args)
    assert code == 2
    assert err.startswith("Lỗi: ") and message in err
    assert "Traceback" not in err


def test_an_unreadable_table_is_a_clear_error(tmp_path):
    garbage = tmp_path / "bang.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really a workbook")
    code, _, err = run("score", BINHDINH, garbage)
    assert code == 2 and "bang.xlsx" in err and "Traceback" not in err


def test_an_invalid_campaign_is_a_clear_error(tmp_path):
    bad = tmp_path / "dot.yaml"
    bad.write_text("dti: 1\nkind: campaign\nprovince: X\n", encoding="utf-8")
    code, _, err = run("framework", "validate", bad)
    assert code == 2 and "dot.yaml" in err and "thiếu trường bắt buộc 'year'" in err


def test_scores_above_their_max_are_refused_by_score_and_reported_by_audit(tmp_path):
    text = BANG_1.read_text(encoding="utf-8").replace("\t164,85\t", "\t194,85\t", 1)
    path = tmp_path / "bang-1-tong-the-cap-so.tsv"
    path.write_text(text, encoding="utf-8")
    code, _, err = run("score", BINHDINH, path)
    assert code == 2 and "vượt điểm tối đa" in err and "dti audit" in err
    code, out, _ = run("audit", BINHDINH, path, "--format", "json")
    assert code == 1 and "over_max" in {f["kind"] for f in json.loads(out)}


def test_the_installed_dti_command_runs():
    """The one test that starts the command as a person does: the `dti` script the install
    puts beside Python (pyproject.toml's [project.scripts]), in a process of its own, on
    this checkout's code. Every other test of the command runs it in-process (CliRunner)."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dti")), "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "src")},
    )
    assert result.returncode == 0, result.stderr
    assert "audit" in result.stdout.split()


def test_python_dash_m_runs_the_same_commands_as_dti(monkeypatch, capsys):
    """A scheduled `python -m dti.cli audit ...` must check, not exit 0 silently: the
    module run as `__main__` (what `python -m` does, here without a new process) calls the
    command with the process's arguments."""
    monkeypatch.setattr(sys, "argv", ["dti", "--help"])
    with warnings.catch_warnings():  # dti.cli is already imported by this process
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(SystemExit) as exited:
            runpy.run_module("dti.cli", run_name="__main__")
    assert exited.value.code == 0
    assert "audit" in capsys.readouterr().out.split()
