"""The narrative as offices write it: several class statements in one sentence, counts
written "Mức Tốt: 05 đơn vị" or "05/23 đơn vị", shares in brackets, unknown names holding a
comma, and sentences about a peer group whose table the report does not print."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import TABLES
from tests.core.seeds import BINHPHUOC
from tests.core.test_audit_documents import (
    BINHPHUOC_REPORT,
    _with_paragraph,
    audited,
    narrative,
)

APPENDIX_1 = TABLES / "binhphuoc-2024" / "phu-luc-1-cap-tinh.tsv"
CLASSES = {"class_count", "class_units", "share", "unknown_unit"}


def classes_found(paragraph: str):
    result = audited(BINHPHUOC, _with_paragraph(BINHPHUOC_REPORT, paragraph))
    return result, [f for f in result.findings if f.kind in CLASSES]


def test_every_statement_of_a_sentence_is_checked_with_its_share_in_brackets():
    right = (
        "Trong đó, 05 đơn vị đạt mức Tốt (chiếm 21,7%), 17 đơn vị đạt mức Khá (chiếm 73,9%) "
        "và 01 đơn vị đạt mức Trung bình (chiếm 4,3%)."
    )
    result, found = classes_found(right)
    assert found == []
    assert [c.against for c in result.checked if right in c.sentence.text] == ["PHỤ LỤC I"] * 3
    wrong = right.replace("05 đơn vị", "06 đơn vị").replace("17 đơn vị", "16 đơn vị")
    _, found = classes_found(wrong.replace("4,3%", "5,3%"))
    assert sorted((f.kind, f.published, f.expected) for f in found) == [
        ("class_count", "16", "17"),
        ("class_count", "6", "5"),
        ("share", "5.3", "4.3"),  # 1 of 23
    ]


def test_counts_written_with_a_colon_or_over_the_total():
    _, found = classes_found("Mức Tốt: 06 đơn vị. Mức Khá: 16 đơn vị. Mức Trung bình: 01 đơn vị.")
    assert sorted((f.published, f.expected) for f in found) == [("16", "17"), ("6", "5")]
    _, found = classes_found("Có 05/23 đơn vị đạt mức Tốt, 18/23 đơn vị đạt mức Khá.")
    assert [(f.published, f.expected) for f in found] == [("18", "17")]


def test_an_unknown_name_holding_a_comma_is_one_name_with_one_suggestion():
    result = audited(
        BINHPHUOC,
        BINHPHUOC_REPORT.read_text(encoding="utf-8").replace(
            "Sở Lao động thương binh và xã hội, Sở Nông nghiệp",
            "Sở Lao động, Thương binh và Xã hội BP, Sở Nông nghiệp",
            1,
        ),
    )
    (unknown,) = narrative(result, "unknown_unit")
    assert unknown.published == "Sở Lao động, Thương binh và Xã hội BP"
    assert unknown.expected == "Sở Lao động thương binh và xã hội"
    # The list's length is not held against the count while a name in it is unknown.
    assert narrative(result, "class_count") == []


def test_a_peer_group_whose_table_is_not_printed_is_not_checked_against_another_table():
    text = BINHPHUOC_REPORT.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("**BẢNG XẾP HẠNG CHUNG"))
    end = next(i for i, line in enumerate(lines) if line.startswith("PHỤ LỤC III"))
    assert "CÓ DỊCH VỤ CÔNG" in lines[start + 1]
    result = audited(BINHPHUOC, "\n".join(lines[:start] + lines[end:]))
    assert not [f for f in result.findings if f.kind in CLASSES]
    group = [c for c in result.checked if c.sentence.text.startswith("- Nhóm đạt mức Tốt có 16")]
    assert [c.against for c in group] == [None]  # its list against its count, nothing more


def test_a_threshold_about_one_index_is_checked_against_that_index():
    rows = [
        line.split("\t")
        for line in APPENDIX_1.read_text(encoding="utf-8").splitlines()[2:]
        if line.strip()
    ]
    scores = [Decimal(r[2]) for r in rows]  # Nhận thức số, as appendix I prints it
    above = sum(1 for s in scores if s >= sum(scores) / len(scores))
    sentence = f"- Nhận thức số: Có {above}/23 cơ quan đạt điểm trung bình trở lên."
    result, _ = classes_found(sentence)
    assert not narrative(result, "threshold")
    result, _ = classes_found(sentence.replace(f"{above}/23", f"{above + 1}/23"))
    (found,) = narrative(result, "threshold")
    assert (found.published, found.expected) == (str(above + 1), str(above))
    assert "Nhận thức số" in found.message


def test_leaders_are_those_the_printed_scores_rank_first_not_the_printed_order():
    # The peer group's table prints Sở Thông tin và Truyền thông first, but by the totals it
    # prints Sở Công thương and Sở Kế hoạch và Đầu tư lead (its order is its own finding).
    result, _ = classes_found("Dẫn đầu là Sở Công thương, Sở Kế hoạch và Đầu tư.")
    assert [c.against for c in result.checked if c.kind == "top"] == ["bảng 2"]
    assert not narrative(result, "top")
    result, _ = classes_found("Dẫn đầu là Sở Thông tin và Truyền thông, Sở Công thương.")
    (found,) = narrative(result, "top")
    assert (found.unit, found.published, found.expected) == (
        "Sở Thông tin và Truyền thông",
        "3",
        "1–2",
    )


def test_a_count_over_the_rankings_size_names_the_ranking_even_without_names():
    _, found = classes_found(
        "- 05/23 đơn vị đạt mức Tốt (21,8%).\n\n- 16/23 đơn vị đạt mức Khá.\n\n"
        "- 01/23 đơn vị đạt mức Trung bình."
    )
    assert sorted((f.kind, f.published, f.expected) for f in found) == [
        ("class_count", "16", "17"),
        ("share", "21.8", "21.7"),  # a share in brackets, without "chiếm"
    ]


def test_the_level_a_sentence_names_is_the_ranking_it_speaks_of():
    right = "- Dẫn đầu khối sở là Sở Kế hoạch và Đầu tư; thấp nhất là Cục Thống kê."
    result, _ = classes_found(right)
    assert not narrative(result, "top")
    assert {c.against for c in result.checked if c.kind in {"top", "bottom"}} == {"PHỤ LỤC I"}
    # Sở Y tế is last of the peer group's table, but not of the agencies.
    result, _ = classes_found(right.replace("Cục Thống kê", "Sở Y tế"))
    (found,) = narrative(result, "top")
    assert (found.unit, found.table, found.published) == ("Sở Y tế", "PHỤ LỤC I", "22")
    result, _ = classes_found("- Điểm trung bình của các sở, ban, ngành đạt 433,86 điểm.")
    (average,) = narrative(result, "average")
    assert (average.published, average.expected) == ("433.86", "432.86")
    assert "PHỤ LỤC IV" not in average.message  # the districts are not what it speaks of


def test_each_clause_speaks_of_the_index_it_names():
    rows = [
        line.split("\t")
        for line in (TABLES / "binhphuoc-2024" / "phu-luc-4-cap-huyen.tsv")
        .read_text(encoding="utf-8")
        .splitlines()[2:]
        if line.strip()
    ]
    counts = []
    for column in (2, 3):  # Nhận thức số, Thể chế số as appendix IV prints them
        scores = [Decimal(r[column]) for r in rows]
        counts.append(sum(1 for s in scores if s >= sum(scores) / len(scores)))
    sentence = (
        f"- Khối huyện: Nhận thức số có {counts[0]}/11 đơn vị đạt điểm trung bình trở lên; "
        f"Thể chế số có {{second}}/11 đơn vị đạt điểm trung bình trở lên."
    )
    result, _ = classes_found(sentence.format(second=counts[1]))
    assert not narrative(result, "threshold")
    result, _ = classes_found(sentence.format(second=counts[1] + 1))
    (found,) = narrative(result, "threshold")
    assert "Thể chế số" in found.message and found.expected == str(counts[1])


def test_a_group_without_online_services_is_not_the_group_with_them():
    text = BINHPHUOC_REPORT.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("PHỤ LỤC III"))
    end = next(i for i, line in enumerate(lines) if line.startswith("PHỤ LỤC IV"))
    result = audited(BINHPHUOC, "\n".join(lines[:start] + lines[end:]))
    assert not narrative(result, "unit_count")


def test_a_run_listing_no_unit_whose_counts_fit_no_table_is_placed_by_its_shares():
    # 5 + 16 + 1 units fit no ranking, but 1 unit at 4,3 % is 1 of 23: appendix I.
    _, found = classes_found(
        "Trong đó, 05 đơn vị đạt mức Tốt (chiếm 21,7%), 16 đơn vị đạt mức Khá (chiếm 73,9%) "
        "và 01 đơn vị đạt mức Trung bình (chiếm 4,3%)."
    )
    assert [(f.kind, f.published, f.expected, f.table) for f in found] == [
        ("class_count", "16", "17", "PHỤ LỤC I")
    ]
