"""`dti audit` finds every inconsistency of the published seed tables, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dti.cli import main
from tests.core.seeds import BINHDINH, BINHPHUOC, table

KEYS = ("kind", "table", "row", "unit", "column", "published", "expected")

BINHDINH_FINDINGS = {
    # "7" printed for 70 in Bảng 1.7: its 100 % and its place follow 70, not 7.
    ("ratio", "bang-1.7.tsv", 3, "Sở Nội vụ", "Tỷ lệ", "100", "10"),
    ("order", "bang-1.7.tsv", 3, "Sở Nội vụ", None, "2", "21"),
    ("cross_table", "bang-1.7.tsv", 3, "Sở Nội vụ", "Tổng điểm", "7", "70"),
    # Bảng 1.3 prints 37 where Bảng 1 has 37,24.
    (
        "cross_table",
        "bang-1.3.tsv",
        21,
        "Sở Lao động, Thương binh và Xã hội",
        "Tổng điểm",
        "37",
        "37.24",
    ),
    # 70 + 60 + 67,25 + 67,86 + 80 + 148,3 + 30 + 102,83 = 626,24.
    ("sum", "bang-2-tong-the-cap-huyen.tsv", 2, "UBND huyện Hoài Ân", "Tổng", "626.23", "626.24"),
}

_APPENDIX_1_SUMS = [
    (8, "Sở Xây dựng", "466.02", "466.00"),
    (9, "Sở Văn hóa thể thao và Du lịch", "450.11", "450.13"),
    (14, "Ban dân tộc", "425.22", "425.18"),
    (16, "Trung tâm xúc tiến đầu tư và Du lịch", "424.09", "424.05"),
    (20, "Ban quản lý khu kinh tế", "417.54", "417.52"),
    (22, "Sở Giáo dục và Đào tạo", "401.3", "401.27"),
]
_APPENDIX_4_SUMS = [
    (3, "UBND thành phố Đồng Xoài", "604.16", "604.18"),
    (4, "UBND thị xã Bình Long", "585.88", "585.91"),
    (5, "UBND huyện Bù Đốp", "566.28", "566.29"),
    (6, "UBND huyện Phú Riềng", "558.32", "558.33"),
    (7, "UBND huyện Bù Đăng", "553.38", "553.44"),
    (8, "UBND thị xã Phước Long", "550.84", "550.82"),
    (9, "UBND huyện Đồng Phú", "549.38", "549.42"),
    (11, "UBND huyện Hớn Quản", "548.02", "547.99"),
    (12, "UBND huyện Lộc Ninh", "542.98", "543.05"),
    (13, "UBND huyện Bù Gia Mập", "540.97", "540.93"),
]
_SWAPPED = [  # appendix II prints Tư pháp's and Giao thông vận tải's component scores swapped
    ("Nhận thức số", "50", "45"), ("Hạ tầng số", "57.14", "43.8"), ("Nhân lực số", "28.1", "40"),
    ("ATTT mạng", "30", "44"), ("Hoạt động chính quyền số", "153.2", "146.96"),
]  # fmt: skip
BINHPHUOC_FINDINGS = (
    {
        ("sum", "phu-luc-1-cap-tinh.tsv", r, u, "Tổng điểm năm 2024", p, e)
        for r, u, p, e in _APPENDIX_1_SUMS
    }
    | {
        ("sum", "phu-luc-4-cap-huyen.tsv", r, u, "Tổng điểm năm 2024", p, e)
        for r, u, p, e in _APPENDIX_4_SUMS
    }
    | {("cross_table", "phu-luc-2-co-dvctt.tsv", 8, "Sở Tư pháp", c, p, e) for c, p, e in _SWAPPED}
    | {
        ("cross_table", "phu-luc-2-co-dvctt.tsv", 10, "Sở Giao thông vận tải", c, e, p)
        for c, p, e in _SWAPPED
    }
    | {
        # Appendix II is not in the order of its own totals.
        ("order", "phu-luc-2-co-dvctt.tsv", 2, "Sở Thông tin và Truyền thông", None, "1", "3"),
        ("order", "phu-luc-2-co-dvctt.tsv", 7, "Sở Nội vụ", None, "6", "4"),
        ("order", "phu-luc-2-co-dvctt.tsv", 13, "Sở Tài nguyên Môi Trường", None, "12", "10"),
        ("order", "phu-luc-2-co-dvctt.tsv", 15, "Ban quản lý khu kinh tế", None, "14", "15"),
        ("order", "phu-luc-3-khong-dvctt.tsv", 5, "Cục Hải quan", None, "4", "5"),
        # The same unit printed differently in appendix I and appendix II or III.
        (
            "cross_table",
            "phu-luc-2-co-dvctt.tsv",
            4,
            "Sở Kế hoạch và Đầu tư",
            "Trang thông tin điện tử",
            "91",
            "96",
        ),
        (
            "cross_table",
            "phu-luc-2-co-dvctt.tsv",
            7,
            "Sở Nội vụ",
            "Hoạt động chính quyền số",
            "167.65",
            "164.79",
        ),
        ("cross_table", "phu-luc-2-co-dvctt.tsv", 5, "Sở Xây dựng", "Nhân lực số", "24.92", "24.9"),
        (
            "cross_table",
            "phu-luc-2-co-dvctt.tsv",
            6,
            "Sở Văn hóa thể thao và Du lịch",
            "Nhân lực số",
            "38.38",
            "38.4",
        ),
        (
            "cross_table",
            "phu-luc-2-co-dvctt.tsv",
            15,
            "Ban quản lý khu kinh tế",
            "Nhân lực số",
            "31.52",
            "31.5",
        ),
        (
            "cross_table",
            "phu-luc-2-co-dvctt.tsv",
            17,
            "Sở Giáo dục và Đào tạo",
            "ATTT mạng",
            "28.43",
            "28.4",
        ),
        (
            "cross_table",
            "phu-luc-3-khong-dvctt.tsv",
            3,
            "Ban dân tộc",
            "Nhân lực số",
            "21.24",
            "21.2",
        ),
        (
            "cross_table",
            "phu-luc-3-khong-dvctt.tsv",
            4,
            "Trung tâm xúc tiến đầu tư và Du lịch",
            "Nhân lực số",
            "31.24",
            "31.2",
        ),
    }
)


def run_audit(campaign: Path, tables: list[Path]) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(
        main, ["audit", str(campaign), *map(str, tables), "--format", "json"]
    )
    return result.exit_code, json.loads(result.output)


def report_tables(campaign: Path, province: str) -> list[Path]:
    listed = yaml.safe_load(campaign.read_text(encoding="utf-8"))["tables"]
    return [table(province, t["file"]) for t in listed]


@pytest.mark.parametrize(
    ("campaign", "province", "expected"),
    [
        (BINHDINH, "binhdinh-2023", BINHDINH_FINDINGS),
        (BINHPHUOC, "binhphuoc-2024", BINHPHUOC_FINDINGS),
    ],
)
def test_audit_finds_exactly_the_reports_inconsistencies(campaign, province, expected):
    code, findings = run_audit(campaign, report_tables(campaign, province))
    assert code == 1
    assert {tuple(f[k] for k in KEYS) for f in findings} == expected
    assert all(set(f) == {*KEYS, "message", "location", "context", "mark"} for f in findings)
    assert all(f["message"] and f["location"] for f in findings)


def test_swapped_rows_are_named_in_the_message():
    _, findings = run_audit(BINHPHUOC, report_tables(BINHPHUOC, "binhphuoc-2024"))
    tu_phap = [f for f in findings if f["unit"] == "Sở Tư pháp"]
    assert all("Sở Giao thông vận tải" in f["message"] for f in tu_phap)


def test_consistent_tables_exit_zero():
    tables = [
        table("binhdinh-2023", name)
        for name in ("bang-1-tong-the-cap-so.tsv", "bang-1.1.tsv", "bang-2.8.tsv")
    ]
    code, findings = run_audit(BINHDINH, tables)
    assert (code, findings) == (0, [])


def _mutated(tmp_path: Path, province: str, name: str, line: int, column: int, value: str) -> Path:
    lines = table(province, name).read_text(encoding="utf-8").split("\n")
    cells = lines[line - 1].split("\t")
    cells[column] = value
    lines[line - 1] = "\t".join(cells)
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("campaign", "province", "name", "line", "column", "value", "kinds"),
    [
        (BINHDINH, "binhdinh-2023", "bang-1-tong-the-cap-so.tsv", 4, 11, "4", {"rank"}),
        (BINHDINH, "binhdinh-2023", "bang-1-tong-the-cap-so.tsv", 4, 10, "95,8%", {"ratio"}),
        (BINHDINH, "binhdinh-2023", "bang-1.1.tsv", 20, 2, "50", {"ratio"}),
        (BINHDINH, "binhdinh-2023", "bang-1.1.tsv", 2, 2, "45", {"order", "ratio"}),
        (BINHPHUOC, "binhphuoc-2024", "phu-luc-3-khong-dvctt.tsv", 7, 11, "Khá", {"class"}),
        (BINHPHUOC, "binhphuoc-2024", "phu-luc-3-khong-dvctt.tsv", 2, 2, "55", {"over_max", "sum"}),
        (BINHPHUOC, "binhphuoc-2024", "phu-luc-1-cap-tinh.tsv", 2, 3, "75", {"max_row"}),
        (BINHPHUOC, "binhphuoc-2024", "phu-luc-1-cap-tinh.tsv", 3, 12, "Tốt", {"previous_class"}),
    ],
)
def test_each_planted_error_is_found(
    tmp_path, campaign, province, name, line, column, value, kinds
):
    code, findings = run_audit(campaign, [_mutated(tmp_path, province, name, line, column, value)])
    clean = {
        "phu-luc-1-cap-tinh.tsv": {"sum"},  # the appendices' own errors, found anyway
        "phu-luc-3-khong-dvctt.tsv": {"order"},
    }.get(name, set())
    assert code == 1
    assert {f["kind"] for f in findings} - clean == kinds
