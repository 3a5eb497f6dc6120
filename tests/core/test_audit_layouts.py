"""Tables as offices make them, read whole: parts against their index at every depth, no
header row, an index printed from 0 to 1, a shifted row, a name accepted as an alias, and a
general ranking composed from per-index tables."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from dti.audit.document import audit_documents
from dti.campaign import load_campaign
from dti.cli import main
from dti.documents import read_document_bytes
from tests.conftest import TABLES
from tests.core.seeds import BINHDINH, BINHPHUOC
from tests.core.test_audit_documents import BINHDINH_REPORT

APPENDIX_1 = TABLES / "binhphuoc-2024" / "phu-luc-1-cap-tinh.tsv"
APPENDIX_4 = TABLES / "binhphuoc-2024" / "phu-luc-4-cap-huyen.tsv"
PARTS = """Bảng 1. Xếp hạng tổng thể

STT\tĐơn vị\tNhận thức số\tThế chế số\tHạ tầng số\tNhân lực số\tAn toàn thông tin mạng\tHoạt động chính quyền số\tHoạt động xã hội số\tTổng điểm
1\tSở Thông tin và Truyền thông\t50\t40\t40\t40\t80\t164,85\t66,6\t481,45
2\tVăn phòng UBND tỉnh\t50\t40\t40\t32,8\t70\t125\t70\t427,8

Bảng 1.6a Các chỉ số thành phần của chỉ số Hoạt động chính quyền số

STT\tĐơn vị\tCác chỉ số thành phần áp dụng cho mọi đơn vị\tCác chỉ số về dịch vụ công trực tuyến trên Cổng Dịch vụ công tỉnh\tCác chỉ số về hồ sơ phát sinh trên Cổng Dịch vụ công tỉnh{total}
1\tSở Thông tin và Truyền thông\t120\t30\t10{value}
2\tVăn phòng UBND tỉnh\t125\t\t{blank}
"""


def audit_text(campaign: Path, text: str, name: str = "bao-cao.txt"):
    return audit_documents(
        load_campaign(campaign), [read_document_bytes(text.encode(), source=name)]
    )


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", *map(str, args)])
    return result.exit_code, result.output


def test_an_index_against_its_parts_in_the_same_table_and_across_tables():
    same = audit_text(BINHDINH, PARTS.format(total="\tTổng điểm", value="\t164,85", blank="\t125"))
    (parts,) = [f for f in same.findings if f.kind == "parts"]
    assert (parts.table, parts.row, parts.published, parts.expected) == (
        "Bảng 1.6a",
        2,
        "164.85",
        "160",
    )
    # Văn phòng UBND tỉnh has no online public services: 125 of its one applicable part adds up.
    across = audit_text(BINHDINH, PARTS.format(total="", value="", blank=""))
    (parts,) = [f for f in across.findings if f.kind == "parts"]
    assert (parts.table, parts.unit, parts.published, parts.expected) == (
        "Bảng 1",
        "Sở Thông tin và Truyền thông",
        "164.85",
        "160",
    )
    assert "Bảng 1.6a" in parts.message
    right = PARTS.format(total="", value="", blank="").replace("\t10\n", "\t14,85\n")
    assert not [f for f in audit_text(BINHDINH, right).findings if f.kind == "parts"]


def _without_header(path: Path, max_label: str | None) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [line for line in lines[1:] if max_label or "Điểm tối đa" not in line]
    text = "\n".join(body)
    return text.replace("Điểm tối đa", max_label) if max_label else text


def test_a_table_without_a_header_row_is_read_from_its_maxima_or_the_framework_order(tmp_path):
    expected = {(f["kind"], f["published"], f["expected"])
                for f in json.loads(run(BINHPHUOC, APPENDIX_1, "--format", "json")[1])}  # fmt: skip
    assert len(expected) == 6
    for label in ("MAX", "Thang điểm", None):
        path = tmp_path / f"phu-luc-{label}.txt"
        path.write_text("PHỤ LỤC I\n\n" + _without_header(APPENDIX_1, label), encoding="utf-8")
        code, out = run(BINHPHUOC, path, "--format", "json")
        found = {(f["kind"], f["published"], f["expected"]) for f in json.loads(out)}
        assert code == 1 and found == expected, label
    result = audit_text(BINHPHUOC, "PHỤ LỤC I\n\n" + _without_header(APPENDIX_1, "MAX"))
    how = result.tables[0].describe(load_campaign(BINHPHUOC))
    assert "suy ra từ dòng điểm tối đa" in how
    # Two main indices have 50 points: which is which comes from the framework's order, and
    # the list of tables says so.
    assert "Nhận thức số, An toàn thông tin mạng cùng điểm tối đa" in how


def test_a_headerless_table_whose_columns_cannot_be_inferred_is_said_not_guessed(tmp_path):
    text = "\n".join(
        "\t".join(line.split("\t")[:5]) for line in _without_header(APPENDIX_1, None).splitlines()
    )
    result = audit_text(BINHPHUOC, "Bảng X\n\n" + text + "\n\nMột câu.\n")
    (table,) = result.tables
    assert table.kind == "unknown" and "không có dòng điểm tối đa" in table.problems[0]
    assert [f.kind for f in result.findings] == ["unread"]


def test_an_index_printed_from_0_to_1_is_checked_as_its_ratio():
    table = (
        "Bảng 1.1 Xếp hạng chỉ số Nhận thức số\n\nSTT\tĐơn vị\tTổng điểm\tChỉ số\n"
        "1\tSở Thông tin và Truyền thông\t50\t1,00\n2\tSở Du lịch\t40\t0,8\n"
        "3\tBan Dân tộc\t40\t0,85\n"
    )
    result = audit_text(BINHDINH, table)
    (ratio,) = [f for f in result.findings if f.kind == "ratio"]
    assert (ratio.unit, ratio.published, ratio.expected) == ("Ban Dân tộc", "85", "80")
    assert ratio.mark == "0,85"


def test_a_row_with_a_cell_missing_is_named_and_not_repaired(tmp_path):
    lines = APPENDIX_4.read_text(encoding="utf-8").splitlines()
    lines = ["\t".join(c for i, c in enumerate(line.split("\t")) if i != 3)
             if "Bù Đốp" in line else line for line in lines]  # fmt: skip
    path = tmp_path / "phu-luc-4.tsv"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, out = run(BINHPHUOC, path)
    assert code == 2 and "dòng 5" in out and "các ô bị lệch" in out


def test_a_name_the_report_prints_is_accepted_as_an_alias(tmp_path):
    campaign = tmp_path / "dot.yaml"
    shutil.copy(BINHPHUOC, campaign)
    report = tmp_path / "bao-cao.txt"
    report.write_text(
        BINHDINH_REPORT.read_text(encoding="utf-8")[:0]
        + (TABLES.parent / "seeds" / "000_a4d3f0869875103f.txt")
        .read_text(encoding="utf-8")
        .replace(
            "Trung bình 01 đơn vị: Cục Thống kê.", "Trung bình 01 đơn vị: Cục Thống kê BP.", 1
        ),
        encoding="utf-8",
    )
    code, out = run(campaign, report)
    assert '--accept-alias "Cục Thống kê BP=Cục Thống kê"' in out
    before = campaign.read_text(encoding="utf-8")
    code, out = run(campaign, report, "--accept-alias", "Cục Thống kê BP=Cục Thống kê")
    after = campaign.read_text(encoding="utf-8")
    assert "[unknown_unit]" not in out and "Đã ghi “Cục Thống kê BP”" in out
    assert [line for line in after.splitlines() if line not in before.splitlines()] == [
        '    aliases: ["Cục Thống kê BP"]'
    ]
    assert before.splitlines()[0] == after.splitlines()[0]  # comments kept
    unit = next(u for u in load_campaign(campaign).level("so").units if u.name == "Cục Thống kê")
    assert unit.aliases == ("Cục Thống kê BP",)
    code, out = run(campaign, report, "--accept-alias", "X=Sở Không Có")
    assert code == 2 and "không có đơn vị “Sở Không Có”" in out
    # Another unit's own name is never an alias: the names would become ambiguous.
    code, out = run(campaign, report, "--accept-alias", "Sở Tài chính=Cục Thống kê")
    assert code == 2 and "đã được hiểu là đơn vị Sở Tài chính" in out
    assert campaign.read_text(encoding="utf-8") == after


def test_findings_that_cannot_be_written_are_an_input_error(tmp_path):
    code, out = run(BINHPHUOC, APPENDIX_1, "--out", tmp_path / "khong-co" / "x.html")
    assert code == 2 and "không ghi được" in out and "Traceback" not in out


def _indices_only(report: Path) -> str:
    out, skip = [], False
    for line in report.read_text(encoding="utf-8").splitlines():
        if line.startswith(("Bảng 1. ", "Bảng 2. ")):
            skip = True
            continue
        if line.startswith(("Bảng 1.1", "Bảng 2.1")):
            skip = False
        if not (skip and ("\t" in line or not line.strip() or line.startswith("("))):
            out.append(line)
    return "\n".join(out)


def test_a_general_ranking_is_composed_from_the_index_tables_when_none_is_printed():
    text = _indices_only(BINHDINH_REPORT)
    result = audit_text(BINHDINH, text + "\nĐiểm trung bình đạt 450 điểm.\n")
    composed = [t for t in result.tables if "ghép từ" in t.label]
    assert [(t.kind, t.level) for t in composed] == [("general", "so"), ("general", "huyen")]
    assert result.general_table("so") is composed[0]
    (average,) = [f for f in result.findings if f.kind == "average"]
    assert "444" in average.message and "518" in average.message
    right = audit_text(BINHDINH, text + "\nĐiểm trung bình đạt 444 điểm.\n")
    assert not [f for f in right.findings if f.kind == "average"]
    missing = "\n".join(line for line in text.splitlines() if "Sở Du lịch\t40\t80%" not in line)
    (gap,) = [f for f in audit_text(BINHDINH, missing).findings if f.kind == "composed"]
    assert gap.unit == "Sở Du lịch" and "Bảng 1.1" in gap.message


SUMMARY = """

Bảng tổng hợp kết quả xếp loại

STT\tMức độ\tCấp tỉnh\tTỷ lệ\tCấp huyện\tTỷ lệ
1\tTốt\t5\t21,7%\t4\t36,4%
2\tKhá\t{kha}\t{share}\t7\t63,6%
3\tTrung bình\t1\t4,3%\t0\t0%
"""


def test_a_class_summary_table_is_checked_against_each_level_ranking():
    report = (TABLES.parent / "seeds" / "000_a4d3f0869875103f.txt").read_text(encoding="utf-8")
    right = audit_text(BINHPHUOC, report + SUMMARY.format(kha=17, share="73,9%"))
    (summary,) = [t for t in right.tables if t.kind == "class_summary"]
    assert "xếp loại" in summary.describe(load_campaign(BINHPHUOC))
    assert not [f for f in right.findings if f.kind in {"class_count", "share"}]
    wrong = audit_text(BINHPHUOC, report + SUMMARY.format(kha=16, share="70,6%"))
    count, share = [f for f in wrong.findings if f.kind in {"class_count", "share"}]
    assert (count.kind, count.row, count.column, count.published, count.expected) == (
        "class_count",
        3,
        "Cấp tỉnh",
        "16",
        "17",
    )
    assert "PHỤ LỤC I" in count.message and count.table == summary.label
    # The share is checked against the count printed beside it: 16 of 23 units is 69,6 %.
    assert (share.kind, share.row, share.published, share.expected) == ("share", 3, "70.6", "69.6")


def test_a_report_with_a_narrative_and_one_unreadable_table_is_audited(tmp_path):
    narrative = "\n\n".join(
        f"Đoạn {i}: các đơn vị đã tự đánh giá và gửi hồ sơ đúng hạn." for i in range(8)
    )
    table = APPENDIX_1.read_text(encoding="utf-8").replace("Sở Y tế", "Sở Không Có Thật")
    report = tmp_path / "bao-cao.txt"
    report.write_text(f"{narrative}\n\nPHỤ LỤC I\n\n{table}", encoding="utf-8")
    code, out = run(BINHPHUOC, report)
    assert code == 1 and "[unread]" in out and "Sở Không Có Thật" in out
    # The same table alone in its file is refused, as a table file always was.
    alone = tmp_path / "phu-luc-1.tsv"
    alone.write_text(table, encoding="utf-8")
    code, out = run(BINHPHUOC, alone)
    assert code == 2 and "Sở Không Có Thật" in out


def test_a_part_printed_above_its_own_maximum_is_found_at_its_depth():
    text = PARTS.format(total="", value="", blank="").replace("\t120\t30\t10\n", "\t120\t30\t12\n")
    over = [f for f in audit_text(BINHDINH, text).findings if f.kind == "over_max"]
    assert [(f.table, f.unit, f.published, f.expected) for f in over] == [
        ("Bảng 1.6a", "Sở Thông tin và Truyền thông", "12", "10")
    ]
    assert over[0].column == "Các chỉ số về hồ sơ phát sinh trên Cổng Dịch vụ công tỉnh"
