"""The report's sentences, in Vietnamese, written from its data: the same words in the
generated DOCX and in the context of an office's own template. No number is computed here:
they come from dti.reports.model, already rounded."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from dti.framework.model import ClassBasis, Comparability, Framework, RankingPolicy, Ties
from dti.reports.model import (
    Average,
    ClassCount,
    GroupSummary,
    IndexSummary,
    LevelReport,
    RankedLine,
    UnassessedLevel,
)
from dti.reports.numbers import count_text, percent_text, points_text


def names(lines: Sequence[RankedLine]) -> str:
    return ", ".join(line.name for line in lines)


def class_sentence(item: ClassCount) -> str:
    """'Nhóm đạt mức Tốt 05 đơn vị: Sở A, Sở B.' (the seeds' sentence)."""
    if not item.units:
        return f"Nhóm đạt mức {item.label}: không có đơn vị."
    return f"Nhóm đạt mức {item.label} {count_text(item.count)} đơn vị: {names(item.units)}."


def class_sentences(classes: Sequence[ClassCount]) -> list[str]:
    """The classes that have units, best first (as the reports print them)."""
    return [class_sentence(item) for item in classes if item.units]


def group_intro(group: GroupSummary) -> str:
    """'Đơn vị có dịch vụ công trực tuyến: 17 đơn vị, trong đó:' (standing alone)."""
    return f"{group.name}: {count_text(group.size)} đơn vị, trong đó:"


def group_size(group: GroupSummary) -> str:
    """'Gồm 17 đơn vị, trong đó:' (under a heading naming the group)."""
    return f"Gồm {count_text(group.size)} đơn vị, trong đó:"


def index_sentence(index: IndexSummary) -> str:
    """'Nhận thức số: Có 10/22 đơn vị đạt điểm trung bình trở lên, chiếm 45,5%, …'"""
    if index.applicable == 0:
        return f"{index.name}: không áp dụng cho đơn vị nào."
    return (
        f"{index.name}: Có {index.reached}/{index.applicable} đơn vị đạt điểm trung bình trở "
        f"lên, chiếm {percent_text(index.reached_percent, trim=True)}, dưới điểm trung bình "
        f"chiếm {percent_text(index.below_percent, trim=True)}; tỷ lệ điểm bình quân đạt "
        f"{percent_text(index.average_percent, trim=True)} điểm tối đa."
    )


def part_sentence(part: IndexSummary) -> str:
    """'Ban hành kế hoạch chuyển đổi số năm: có 3/4 đơn vị đạt điểm trung bình trở lên
    (75%); tỷ lệ điểm bình quân đạt 62,5% điểm tối đa.' (a part of a main index: a
    component or a sub-criterion; shorter than index_sentence, for there are many)."""
    if part.applicable == 0:
        return f"{part.name}: không áp dụng cho đơn vị nào."
    return (
        f"{part.name}: có {part.reached}/{part.applicable} đơn vị đạt điểm trung bình trở "
        f"lên ({percent_text(part.reached_percent, trim=True)}); tỷ lệ điểm bình quân đạt "
        f"{percent_text(part.average_percent, trim=True)} điểm tối đa."
    )


def part_sentences(index: IndexSummary) -> list[tuple[int, str]]:
    """The sentence of every part below a main index, parents before children, each with
    its depth below the index (1 for a direct child) for the renderer to indent."""
    lines: list[tuple[int, str]] = []

    def walk(node: IndexSummary, depth: int) -> None:
        for part in node.parts:
            lines.append((depth, part_sentence(part)))
            walk(part, depth + 1)

    walk(index, 1)
    return lines


def unassessed_heading(level: UnassessedLevel, year: int) -> str:
    """'Khối UBND xã, phường chưa được đánh giá năm 2025'."""
    return f"Khối {level.name} chưa được đánh giá năm {year}"


def unassessed_sentence(level: UnassessedLevel, year: int) -> str:
    """The section's text: the office's reason, or a plain statement when it wrote none."""
    if level.reason:
        return level.reason
    return f"Năm {year}, các đơn vị khối {level.name} chưa được đánh giá, xếp hạng."


def _placed(lines: Sequence[RankedLine]) -> str:
    return "; ".join(f"{line.name} (hạng {line.rank}, {line.text})" for line in lines)


def top_sentence(level: LevelReport) -> str:
    return f"Các đơn vị dẫn đầu: {_placed(level.top)}."


def bottom_sentence(level: LevelReport) -> str:
    return f"Các đơn vị xếp cuối: {_placed(level.bottom)}."


def average_sentence(level: LevelReport) -> str:
    """'Điểm trung bình của 23 đơn vị: 438,52 điểm, tăng 12,3 điểm so với năm 2023.'"""
    average = level.average
    subject = "Tỷ lệ điểm trung bình" if average.unit == "%" else "Điểm trung bình"
    if average.unit == "":
        subject = "Chỉ số DTI trung bình"
    sentence = f"{subject} của {count_text(level.unit_count)} đơn vị: {average.text}"
    return sentence + _change(average) + "."


def _change(average: Average) -> str:
    if average.previous_year is None:
        return ""
    if average.change is None:
        return f" (không so sánh được với năm {average.previous_year}: thang điểm khác)"
    unit = {"%": " điểm phần trăm", "điểm": " điểm"}.get(average.unit, "")
    amount = points_text(abs(average.change))
    if average.change > 0:
        return f", tăng {amount}{unit} so với năm {average.previous_year}"
    if average.change < 0:
        return f", giảm {amount}{unit} so với năm {average.previous_year}"
    return f", không đổi so với năm {average.previous_year}"


def commendation_sentence(level: LevelReport) -> str:
    if not level.commendations:
        return f"{level.name}: không có đơn vị {level.commendation_basis}."
    return f"{level.name} ({level.commendation_basis}): {names(level.commendations)}."


def level_intro(level: LevelReport) -> str:
    listed = "; ".join(name for name, _ in level.indices_max)
    return f"Đánh giá {count_text(len(level.indices_max))} chỉ số chính ({listed}), cụ thể:"


def method_sentence(level: LevelReport) -> str:
    listed = ", ".join(
        f"{name} ({points_text(maximum)} điểm)" for name, maximum in level.indices_max
    )
    return (
        f"Điểm DTI khối {level.name} là tổng điểm của {count_text(len(level.indices_max))} chỉ "
        f"số chính, tối đa {points_text(level.framework_max)} điểm: {listed}."
    )


def ranking_text(framework: Framework) -> str:
    """How the general ranking compares units, and how it breaks ties."""
    policy = framework.ranking
    return f"{_comparison(framework, policy)} {_ties(policy)}"


def _comparison(framework: Framework, policy: RankingPolicy) -> str:
    decimals = policy.decimals
    if policy.comparability is Comparability.REMOVE_BLOCK and policy.block is not None:
        block = framework.by_code[policy.block]
        base = points_text(framework.max - block.max)
        removed = (
            f"điểm “{block.name}”"
            if policy.subtract_block_score
            else f"{points_text(block.max)} điểm của “{block.name}”"
        )
        return (
            f"Bảng xếp hạng chung tính trên tổng điểm trừ đi {removed} đối với các đơn vị "
            f"có nội dung này, để mọi đơn vị được so sánh trên cùng thang {base} điểm."
        )
    if policy.comparability is Comparability.RATIO_TO_APPLICABLE_MAX:
        return (
            "Các đơn vị được xếp hạng theo tỷ lệ giữa tổng điểm và tổng điểm tối đa áp dụng "
            "cho đơn vị (không tính các chỉ số không áp dụng), làm tròn đến "
            f"{decimals} chữ số thập phân."
        )
    if policy.comparability is Comparability.NATIONAL_WEIGHTED:
        return (
            "Các đơn vị được xếp hạng theo chỉ số DTI = Σ(điểm chỉ số chính / điểm tối đa × "
            "trọng số) / tổng trọng số các chỉ số áp dụng, từ 0 đến 1, làm tròn đến "
            f"{decimals} chữ số thập phân."
        )
    return f"Các đơn vị được xếp hạng theo tổng điểm trên thang {points_text(framework.max)} điểm."


def _ties(policy: RankingPolicy) -> str:
    example = "6, 6, 7" if policy.ties is Ties.DENSE else "1, 2, 2, 4"
    return f"Các đơn vị có cùng giá trị được xếp đồng hạng (ví dụ: {example})."


_BASES = {
    ClassBasis.PERCENT_OF_FRAMEWORK_MAX: "tỷ lệ điểm xếp hạng trên tổng điểm tối đa {max} điểm",
    ClassBasis.PERCENT_OF_APPLICABLE_MAX: "tỷ lệ tổng điểm trên tổng điểm tối đa áp dụng",
    ClassBasis.PERCENT_OF_COMPARABLE_MAX: "tỷ lệ điểm xếp hạng trên điểm tối đa so sánh",
    ClassBasis.VALUE: "giá trị xếp hạng",
}


def class_text(framework: Framework, policy: RankingPolicy) -> str:
    """'Xếp loại theo …, làm tròn đến số nguyên: Tốt từ 80%; Khá từ 60% đến dưới 80%; …'"""
    classification = policy.classification
    if classification is None:
        return ""
    unit = "%"
    if classification.basis is ClassBasis.VALUE and not policy.percent:
        unit = "" if policy.comparability is Comparability.NATIONAL_WEIGHTED else " điểm"
    bands = []
    upper: Decimal | None = None
    for band in classification.bands:
        low = f"{points_text(band.min)}{unit}"
        if band.min == 0 and upper is not None:
            bands.append(f"{band.label}: dưới {points_text(upper)}{unit}")
        elif upper is None:
            bands.append(f"{band.label}: từ {low}")
        else:
            bands.append(f"{band.label}: từ {low} đến dưới {points_text(upper)}{unit}")
        upper = band.min
    basis = _BASES[classification.basis].format(max=points_text(framework.max))
    rounding = (
        "số nguyên"
        if classification.decimals == 0
        else f"{classification.decimals} chữ số thập phân"
    )
    return f"Xếp loại theo {basis}, làm tròn đến {rounding}: {'; '.join(bands)}."
