"""`dti audit` of a per-index table whose index ranks on points: the printed `Tỷ lệ` is
checked against the ratio (score over applicable max at the printed precision), the printed
ranks against the ranking the framework states for the index."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.core.seeds import BINHDINH, printed_rows, table
from tests.core.test_audit_seeds import KEYS, run_audit

# Bảng 1.4, "Nhân lực số" of the provincial agencies (40 points for every unit).
NAME = "bang-1.4.tsv"
INDEX_RANKINGS = "        decimals: 0          # Bảng 1.1–1.5 and 1.7 print whole percents\n"


def points_campaign(tmp_path: Path) -> Path:
    """Bình Định 2023 with the agencies' indices ranked on points (score decimals, dense)."""
    text = BINHDINH.read_text(encoding="utf-8")
    assert text.count(INDEX_RANKINGS) == 1
    path = tmp_path / "points.yaml"
    path.write_text(text.replace(INDEX_RANKINGS, "        compare: points\n"), encoding="utf-8")
    return path


def dense_ranks(values: list[Decimal]) -> list[int]:
    """Dense ranks of values, highest first, computed here apart from the product."""
    distinct = sorted(set(values), reverse=True)
    return [distinct.index(value) + 1 for value in values]


def ranked_table(tmp_path: Path, change: dict[tuple[int, str], str] | None = None) -> Path:
    """Bảng 1.4 with a "Xếp hạng" column: dense ranks on the printed points; `change` then
    replaces cells by (printed line, column)."""
    rows = printed_rows(table("binhdinh-2023", NAME))
    ranks = dense_ranks([row.number("Tổng điểm") for row in rows])
    header = ["STT", "Đơn vị", "Tổng điểm", "Tỷ lệ", "Xếp hạng"]
    lines = ["\t".join(header)]
    for row, rank in zip(rows, ranks, strict=True):
        cells = {**row.cells, "Xếp hạng": str(rank)}
        cells.update(
            {column: value for (line, column), value in (change or {}).items() if line == row.line}
        )
        lines.append("\t".join(cells[column] for column in header))
    path = tmp_path / NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def findings_of(campaign: Path, path: Path) -> tuple[int, set[tuple[object, ...]]]:
    code, findings = run_audit(campaign, [path])
    return code, {tuple(f[k] for k in KEYS) for f in findings}


def test_the_seed_table_reads_clean_when_its_index_ranks_on_points(tmp_path):
    """Its ratios are ratios, not points: no finding where the ranking compares points."""
    code, findings = findings_of(points_campaign(tmp_path), table("binhdinh-2023", NAME))
    assert (code, findings) == (0, set())


def test_ranks_follow_the_points_where_the_index_ranks_on_points(tmp_path):
    code, findings = findings_of(points_campaign(tmp_path), ranked_table(tmp_path))
    assert (code, findings) == (0, set())


def test_ranks_on_points_are_wrong_where_the_index_ranks_on_whole_percents(tmp_path):
    """The same printed ranks under the published framework (ratio, whole percents): units
    with different points at the same percent share a rank there."""
    code, findings = findings_of(BINHDINH, ranked_table(tmp_path))
    assert code == 1
    assert {f[0] for f in findings} == {"rank"}
    assert ("rank", NAME, 12, "Sở Khoa học và Công nghệ", "Xếp hạng", "8", "6") in findings


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Sở Tư pháp: 35,8 of 40 is 89,5%, printed whole: 90%, not 89%.
        (
            {(3, "Tỷ lệ"): "89%"},
            {("ratio", NAME, 3, "Sở Tư pháp", "Tỷ lệ", "89", "90")},
        ),
        # Thanh tra tỉnh and Sở Giao thông vận tải tie on 31,7 points: rank 6 both.
        (
            {(8, "Xếp hạng"): "7"},
            {("rank", NAME, 8, "Sở Giao thông vận tải", "Xếp hạng", "7", "6")},
        ),
        # Sở Khoa học và Công nghệ's 31,4 is below the three 31,5: rank 8, not 7 (the
        # whole percents give every one of them 79%).
        (
            {(12, "Xếp hạng"): "7"},
            {("rank", NAME, 12, "Sở Khoa học và Công nghệ", "Xếp hạng", "7", "8")},
        ),
    ],
)
def test_each_planted_error_of_a_points_ranked_index_is_found(tmp_path, change, expected):
    code, findings = findings_of(points_campaign(tmp_path), ranked_table(tmp_path, change))
    assert code == 1
    assert findings == expected


def test_a_planted_score_moves_the_ratio_the_rank_and_the_order(tmp_path):
    """31,4 printed as 35,9 for Sở Khoa học và Công nghệ: its ratio (89,75 → 90%) and its
    rank (2, above Sở Tư pháp's 35,8) no longer follow, nor its place."""
    code, findings = findings_of(
        points_campaign(tmp_path), ranked_table(tmp_path, {(12, "Tổng điểm"): "35,9"})
    )
    assert code == 1
    assert {f[0] for f in findings} == {"ratio", "rank", "order"}
    assert ("ratio", NAME, 12, "Sở Khoa học và Công nghệ", "Tỷ lệ", "79", "90") in findings
    assert ("rank", NAME, 12, "Sở Khoa học và Công nghệ", "Xếp hạng", "8", "2") in findings
